package io.consentkit.store;

import io.consentkit.internal.AppendOnlyFile;
import io.consentkit.journal.ConsentStoreException;
import io.consentkit.journal.JournalCodec;
import io.consentkit.journal.StoreLockedException;
import io.consentkit.phone.PhoneNumbers;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.BufferedWriter;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.io.Writer;
import java.nio.channels.Channels;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.time.Duration;

/**
 * The explicit upgrade of a CSV journal from the legacy schema (version 1, 14 columns) or version 2 to
 * version 3, behind {@link CsvConsentStore#upgrade(Path)}. Under the journal's writer lock (taken without
 * waiting: a running writer makes it fail and changes nothing), every row is validated and copied,
 * its cells as they are in schema order (empty {@code program,brand,channel} for a legacy row) and
 * empty chain cells {@code row_digest,chain_link} (unchained rows: the chain starts after them), to
 * {@code <name>.upgrade-tmp}; the copy is forced, moved over the journal atomically and the folder
 * forced. A crash at any point leaves the old complete journal (and perhaps a temp file, which the next
 * writable open or upgrade deletes) or the new complete one. Stateless; thread-safe.
 */
final class JournalUpgrader {
    private static final Logger LOG = LoggerFactory.getLogger(CsvConsentStore.class);

    /** The steps of an upgrade, for tests that stop it between two of them. */
    enum Step { COPIED, FORCED, MOVED }

    /** Runs after each step; a test's hook throws to stand for a crash there. */
    @FunctionalInterface
    interface Hook {
        void after(Step step) throws IOException;
    }

    private JournalUpgrader() {
    }

    /** The temporary copy an upgrade of {@code file} writes. */
    static Path tempOf(Path file) {
        return file.resolveSibling(file.getFileName() + ".upgrade-tmp");
    }

    /** Deletes an upgrade's leftover temp file; call only while holding the journal's writer lock. */
    static void deleteStaleTemp(Path file) {
        Path tmp = tempOf(file);
        try {
            if (Files.deleteIfExists(tmp)) {
                LOG.info("consent journal {}: deleted {}, left by an upgrade that did not finish (the journal was "
                        + "not replaced and holds every row)", file, tmp.getFileName());
            }
        } catch (IOException e) {
            LOG.warn("consent journal {}: cannot delete the unfinished upgrade's {}: {}", file, tmp.getFileName(),
                    e.toString());
        }
    }

    static UpgradeResult run(Path file, PhoneNumbers phones, Hook hook) {
        Path target = file.toAbsolutePath();
        if (!Files.isRegularFile(target)) {
            throw new ConsentStoreException("cannot upgrade consent journal " + target + ": it does not exist");
        }
        CsvConsentStore store;
        try {
            store = CsvConsentStore.builder(target).phoneNumbers(phones).lockTimeout(Duration.ZERO).build();
        } catch (StoreLockedException e) {
            throw new StoreLockedException("cannot upgrade consent journal " + target + " while a writer holds it "
                    + "(stop the writer first); nothing was changed: " + e.getMessage());
        }
        try {
            int from = store.schemaVersion();
            int[] map = store.columnMap();
            long[] rows = {0};
            if (from == JournalCodec.SCHEMA_VERSION) {
                store.readRows((cells, count, line) -> rows[0]++);
                return new UpgradeResult(target, from, from, rows[0]);
            }
            Path tmp = tempOf(target);
            Files.deleteIfExists(tmp);
            try (FileChannel out = FileChannel.open(tmp, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE)) {
                Writer w = new BufferedWriter(Channels.newWriter(out, StandardCharsets.UTF_8), 1 << 16);
                w.write(JournalCodec.HEADER_LINE);
                w.write('\n');
                StringBuilder sb = new StringBuilder(512);
                String source = target.getFileName().toString();
                store.readRows((cells, count, line) -> {
                    JournalCodec.decode(i -> cells[i], count, map, phones, source, line, true); // validates
                    sb.setLength(0);
                    for (int i = 0; i < JournalCodec.COLUMN_COUNT; i++) {
                        JournalCodec.appendCell(sb, map[i] < 0 ? "" : cells[map[i]]);
                        sb.append(',');
                    }
                    sb.append(",\n"); // the two chain cells empty: an unchained row, reported as legacy
                    try {
                        w.append(sb);
                    } catch (IOException e) {
                        throw new UncheckedIOException(e);
                    }
                    rows[0]++;
                });
                w.flush();
                hook.after(Step.COPIED);
                out.force(true);
            } catch (IOException | RuntimeException e) {
                Files.deleteIfExists(tmp);
                throw e;
            }
            hook.after(Step.FORCED);
            try {
                Files.move(tmp, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            } catch (AtomicMoveNotSupportedException e) {
                Files.deleteIfExists(tmp);
                throw new ConsentStoreException("cannot upgrade consent journal " + target + ": its file system cannot "
                        + "replace a file atomically; nothing was changed", e);
            }
            hook.after(Step.MOVED);
            AppendOnlyFile.forceDirectory(target.getParent());
            LOG.info("consent journal {}: upgraded from schema version {} to {}; {} rows kept", target, from,
                    JournalCodec.SCHEMA_VERSION, rows[0]);
            return new UpgradeResult(target, from, JournalCodec.SCHEMA_VERSION, rows[0]);
        } catch (UncheckedIOException e) {
            throw new ConsentStoreException("cannot upgrade consent journal " + target + ": " + e.getCause().getMessage()
                    + "; the journal was not replaced", e.getCause());
        } catch (IOException e) {
            throw new ConsentStoreException("cannot upgrade consent journal " + target + ": " + e.getMessage()
                    + "; the journal was not replaced unless it already has schema version 3", e);
        } finally {
            store.close();
        }
    }
}
