package io.consentkit.consent;

import io.consentkit.journal.ConsentRecord;
import io.consentkit.journal.ConsentStoreException;
import io.consentkit.journal.JournalChain;
import io.consentkit.journal.JournalCodec;

import java.io.BufferedWriter;
import java.io.IOException;
import java.io.Writer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.List;

/**
 * The exports, to a writer or atomically to a file, in journal schema version 3 (the 14 legacy columns
 * first and unchanged, so a tool that reads only those, by name or position, still works; then
 * program, brand, channel; then the export's own tamper-evidence chain {@code row_digest,chain_link},
 * over its rows in export order from the genesis, digests over the cells as the export holds them, so
 * {@code consent verify} checks an export end to end): the audit export (the folded journal, formula-looking cells neutralised so it is safe to open in a spreadsheet; an import
 * undoes the neutralisation) and the journal export (every row as the journal holds it, nothing
 * neutralised: the lossless backup, restored by importing it). Stateless; thread-safe.
 */
final class AuditExport {
    private AuditExport() {
    }

    /** Writes {@code rows} (already in export order) to {@code out}, spreadsheet-safe; returns how many. */
    static int write(List<ConsentRecord> rows, Writer out) {
        return write(rows, out, true);
    }

    /** Writes every journal row, as it is, to {@code out}; returns how many. */
    static int writeJournal(List<ConsentRecord> rows, Writer out) {
        return write(rows, out, false);
    }

    /** Writes every journal row, as it is, atomically to {@code file}; returns how many. */
    static int writeJournal(List<ConsentRecord> rows, Path file, String tmpTag) {
        return write(rows, file, tmpTag, false);
    }

    private static int write(List<ConsentRecord> rows, Writer out, boolean formulaSafe) {
        JournalChain.Linker chain = new JournalChain.Linker(); // the export's own chain, from the genesis
        try {
            out.write(JournalCodec.HEADER_LINE);
            out.write('\n');
            StringBuilder sb = new StringBuilder(512);
            for (ConsentRecord r : rows) {
                sb.setLength(0);
                chain.appendLine(sb, r, formulaSafe);
                out.append(sb);
            }
            out.flush();
        } catch (IOException e) {
            throw new ConsentStoreException((formulaSafe ? "audit" : "journal") + " export failed: " + e.getMessage(), e);
        }
        return rows.size();
    }

    /**
     * Writes {@code rows} to a temporary sibling of {@code file} (named with {@code tmpTag}), forces it
     * to disk and moves it over {@code file}.
     */
    static int write(List<ConsentRecord> rows, Path file, String tmpTag) {
        return write(rows, file, tmpTag, true);
    }

    private static int write(List<ConsentRecord> rows, Path file, String tmpTag, boolean formulaSafe) {
        Path target = file.toAbsolutePath();
        Path tmp = target.resolveSibling(target.getFileName() + ".tmp-" + tmpTag);
        try {
            Files.createDirectories(target.getParent());
            int n;
            try (BufferedWriter w = Files.newBufferedWriter(tmp, StandardCharsets.UTF_8, StandardOpenOption.CREATE_NEW,
                    StandardOpenOption.WRITE)) {
                n = write(rows, w, formulaSafe);
            }
            try (FileChannel ch = FileChannel.open(tmp, StandardOpenOption.WRITE)) {
                ch.force(true);
            }
            try {
                Files.move(tmp, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            } catch (AtomicMoveNotSupportedException e) {
                Files.move(tmp, target, StandardCopyOption.REPLACE_EXISTING);
            }
            return n;
        } catch (IOException e) {
            throw new ConsentStoreException("cannot write " + (formulaSafe ? "audit" : "journal") + " export " + target + ": " + e.getMessage(), e);
        } finally {
            try {
                Files.deleteIfExists(tmp);
            } catch (IOException ignored) {
                // best effort
            }
        }
    }
}
