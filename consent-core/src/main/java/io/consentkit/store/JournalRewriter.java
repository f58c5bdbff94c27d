package io.consentkit.store;

import io.consentkit.internal.AtomicFiles;
import io.consentkit.journal.ConsentRecord;
import io.consentkit.journal.ConsentStoreException;
import io.consentkit.journal.JournalChain;
import io.consentkit.journal.JournalCodec;
import io.consentkit.journal.StoreLockedException;
import io.consentkit.phone.PhoneNumbers;

import java.io.BufferedWriter;
import java.io.IOException;
import java.io.OutputStreamWriter;
import java.io.UncheckedIOException;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;

/**
 * Runs a {@link JournalRewrite} over a CSV journal, behind {@link CsvConsentStore#rewrite}: under the
 * writer lock (taken without waiting), the new journal goes to {@code <name>.upgrade-tmp} (the temp
 * file every writable open deletes when a crash left it), its header unchanged, kept rows copied
 * cell for cell; it is forced, moved over the journal atomically and the folder forced. A crash at
 * any point leaves the old complete journal or the new complete one. In a chained journal (schema
 * version 3) a replaced row keeps its recorded {@code row_digest} and {@code chain_link} (so the links
 * of every row stay as they were; the verifier accepts the replaced rows by their recorded digests
 * when an erasure row vouches for them), and appended rows continue the chain. Stateless; thread-safe.
 */
final class JournalRewriter {
    private JournalRewriter() {
    }

    static long run(Path file, PhoneNumbers phones, JournalRewrite rewrite) {
        Path target = file.toAbsolutePath();
        if (!Files.isRegularFile(target)) {
            throw new ConsentStoreException("cannot rewrite consent journal " + target + ": it does not exist");
        }
        CsvConsentStore store;
        try {
            store = CsvConsentStore.builder(target).phoneNumbers(phones).lockTimeout(Duration.ZERO).build();
        } catch (StoreLockedException e) {
            throw new StoreLockedException("cannot rewrite consent journal " + target + " while a writer holds it "
                    + "(stop the writer first); nothing was changed: " + e.getMessage());
        }
        try {
            store.replay(rewrite::inspect);
            if (!rewrite.check()) {
                long[] n = {0};
                store.readRows((cells, count, line) -> n[0]++);
                return n[0];
            }
            int[] map = store.columnMap();
            String source = target.getFileName().toString();
            String header;
            try (java.io.BufferedReader in = Files.newBufferedReader(target, StandardCharsets.UTF_8)) {
                header = in.readLine();
            }
            long[] rows = {0};
            boolean chained = map.length > JournalCodec.COLUMN_COUNT && map[JournalCodec.COLUMN_COUNT] >= 0;
            byte[][] head = {JournalChain.genesis()};
            Path tmp = JournalUpgrader.tempOf(target);
            Files.deleteIfExists(tmp);
            AtomicFiles.replace(target, tmp, out -> {
                Writer w = new BufferedWriter(new OutputStreamWriter(out, StandardCharsets.UTF_8), 1 << 16);
                w.write(header);
                w.write('\n');
                StringBuilder sb = new StringBuilder(512);
                store.readRows((cells, count, line) -> {
                    ConsentRecord row = JournalCodec.decode(i -> cells[i], count, map, phones, source, line, true);
                    ConsentRecord instead = rewrite.replace(row);
                    sb.setLength(0);
                    if (chained) {
                        String link = cells[map[JournalCodec.COLUMN_COUNT + 1]];
                        head[0] = link.isEmpty() ? JournalChain.genesis() : JournalChain.parseHex(link);
                    }
                    if (instead != null && chained) {
                        // a redacted row keeps its recorded digest and link: the erasure row vouches for it
                        JournalCodec.appendCells(sb, instead, map, false).append(',')
                                .append(cells[map[JournalCodec.COLUMN_COUNT]]).append(',')
                                .append(cells[map[JournalCodec.COLUMN_COUNT + 1]]).append('\n');
                    } else if (instead == null) {
                        for (int i = 0; i < count; i++) {
                            if (i > 0) {
                                sb.append(',');
                            }
                            JournalCodec.appendCell(sb, cells[i]);
                        }
                        sb.append('\n');
                    } else {
                        JournalCodec.appendLine(sb, instead, map, false);
                    }
                    write(w, sb);
                    rows[0]++;
                });
                for (ConsentRecord r : rewrite.appended()) {
                    sb.setLength(0);
                    if (chained) {
                        byte[] digest = JournalChain.digest(JournalChain.canonical(r, false));
                        head[0] = JournalChain.link(head[0], digest);
                        JournalCodec.appendCells(sb, r, map, false).append(',').append(JournalChain.hex(digest))
                                .append(',').append(JournalChain.hex(head[0])).append('\n');
                    } else {
                        JournalCodec.appendLine(sb, r, map, false);
                    }
                    write(w, sb);
                    rows[0]++;
                }
                w.flush();
            });
            return rows[0];
        } catch (AtomicMoveNotSupportedException e) {
            throw new ConsentStoreException("cannot rewrite consent journal " + target + ": its file system cannot "
                    + "replace a file atomically; nothing was changed", e);
        } catch (UncheckedIOException e) {
            throw new ConsentStoreException("cannot rewrite consent journal " + target + ": "
                    + e.getCause().getMessage() + "; the journal was not replaced", e.getCause());
        } catch (IOException e) {
            throw new ConsentStoreException("cannot rewrite consent journal " + target + ": " + e.getMessage()
                    + "; the journal was not replaced", e);
        } finally {
            store.close();
        }
    }

    private static void write(Writer w, CharSequence line) {
        try {
            w.append(line);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
