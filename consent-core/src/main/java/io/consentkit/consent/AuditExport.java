package io.consentkit.consent;

import io.consentkit.journal.ConsentRecord;
import io.consentkit.journal.ConsentStoreException;
import io.consentkit.journal.JournalChain;
import io.consentkit.journal.JournalCodec;

import io.consentkit.internal.AtomicFiles;

import java.io.IOException;
import java.io.OutputStreamWriter;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
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

    /** The rows between two calls of a {@link ProgressListener}. */
    static final int PROGRESS_ROWS = 4096;

    /** Writes {@code rows} (already in export order) to {@code out}, spreadsheet-safe; returns how many. */
    static int write(List<ConsentRecord> rows, Writer out) {
        return write(rows, out, true, ProgressListener.NONE);
    }

    /** Writes every journal row, as it is, to {@code out}; returns how many. */
    static int writeJournal(List<ConsentRecord> rows, Writer out) {
        return write(rows, out, false, ProgressListener.NONE);
    }

    /** Writes every journal row, as it is, atomically to {@code file}; returns how many. */
    static int writeJournal(List<ConsentRecord> rows, Path file, String tmpTag, ProgressListener progress) {
        return write(rows, file, tmpTag, false, progress);
    }

    private static int write(List<ConsentRecord> rows, Writer out, boolean formulaSafe, ProgressListener progress) {
        JournalChain.Linker chain = new JournalChain.Linker(); // the export's own chain, from the genesis
        try {
            out.write(JournalCodec.HEADER_LINE);
            out.write('\n');
            StringBuilder sb = new StringBuilder(512);
            int total = rows.size();
            int done = 0;
            for (ConsentRecord r : rows) {
                sb.setLength(0);
                chain.appendLine(sb, r, formulaSafe);
                out.append(sb);
                if (++done % PROGRESS_ROWS == 0 && done < total) {
                    progress.progress(done, total);
                }
            }
            out.flush();
            progress.progress(total, total);
        } catch (IOException e) {
            throw new ConsentStoreException((formulaSafe ? "audit" : "journal") + " export failed: " + e.getMessage(), e);
        }
        return rows.size();
    }

    /**
     * Writes {@code rows} atomically to {@code file} ({@link AtomicFiles#replace}: a temporary sibling
     * named with {@code tmpTag}, forced, renamed over the file, the folder forced), spreadsheet-safe.
     */
    static int write(List<ConsentRecord> rows, Path file, String tmpTag, ProgressListener progress) {
        return write(rows, file, tmpTag, true, progress);
    }

    private static int write(List<ConsentRecord> rows, Path file, String tmpTag, boolean formulaSafe,
                             ProgressListener progress) {
        Path target = file.toAbsolutePath();
        String what = formulaSafe ? "audit" : "journal";
        try {
            Files.createDirectories(target.getParent());
            int[] n = {0};
            AtomicFiles.replace(target, tmpTag, out -> {
                Writer w = new OutputStreamWriter(out, StandardCharsets.UTF_8);
                n[0] = write(rows, w, formulaSafe, progress);
            });
            return n[0];
        } catch (AtomicMoveNotSupportedException e) {
            throw new ConsentStoreException("cannot write " + what + " export " + target + ": its file system cannot "
                    + "replace a file atomically; write to another folder or to standard output", e);
        } catch (IOException e) {
            throw new ConsentStoreException("cannot write " + what + " export " + target + ": " + e.getMessage(), e);
        }
    }
}
