package io.consentkit.s3.internal;

import io.consentkit.journal.ConsentRecord;
import io.consentkit.journal.ConsentStoreException;
import io.consentkit.journal.JournalChain;
import io.consentkit.journal.JournalCodec;
import io.consentkit.phone.PhoneNumbers;
import org.apache.commons.csv.CSVFormat;
import org.apache.commons.csv.CSVParser;
import org.apache.commons.csv.CSVRecord;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.function.UnaryOperator;

/**
 * Journal objects and snapshots with some rows replaced (an erasure's redaction), written cell by cell
 * as {@code JournalRewriter} writes the CSV journal: the header as it is, a kept row's cells as they
 * are, a replaced row's cells from its replacement with its recorded {@code row_digest} and
 * {@code chain_link} (the erasure row vouches for it), so every link stays as it was. A snapshot is then
 * continued with the rows the erasure folds in, a replaced one linked by the digest of the row it
 * replaces, and the erasure's own rows chained normally. Not public API. Stateless; thread-safe.
 */
final class RedactedObjects {
    private RedactedObjects() {
    }

    /** A rewritten body: its bytes, its rows in order (as written), and whether any row was replaced. */
    record Body(byte[] bytes, List<ConsentRecord> rows, boolean changed) {
    }

    /**
     * {@code body} (a journal object or a snapshot in any schema version) with each row replaced by
     * {@code instead} when it returns a row (null keeps the row).
     *
     * @throws io.consentkit.journal.JournalFormatException if a row is not in the journal schema
     */
    static Body rewrite(byte[] body, String source, PhoneNumbers phones, UnaryOperator<ConsentRecord> instead) {
        StringBuilder sb = new StringBuilder(body.length + 256);
        List<ConsentRecord> rows = new ArrayList<>();
        boolean changed = false;
        try (CSVParser p = CSVFormat.RFC4180.builder().get().parse(JournalCodec.utf8Reader(
                new ByteArrayInputStream(body), source))) {
            int[] map = null;
            boolean chained = false;
            for (CSVRecord rec : p) {
                String[] cells = rec.values();
                if (map == null) {
                    map = JournalCodec.mapHeader(List.of(cells), source);
                    chained = map[JournalCodec.COLUMN_COUNT] >= 0;
                    appendRaw(sb, cells);
                    continue;
                }
                if (cells.length == 1 && cells[0].isBlank()) {
                    continue;
                }
                ConsentRecord row = JournalCodec.decode(i -> cells[i], cells.length, map, phones, source,
                        rec.getRecordNumber(), true);
                ConsentRecord r = instead.apply(row);
                if (r == null) {
                    appendRaw(sb, cells);
                    rows.add(row);
                } else if (chained) {
                    JournalCodec.appendCells(sb, r, map, false).append(',')
                            .append(cells[map[JournalCodec.COLUMN_COUNT]]).append(',')
                            .append(cells[map[JournalCodec.COLUMN_COUNT + 1]]).append('\n');
                    rows.add(r);
                    changed = true;
                } else {
                    JournalCodec.appendLine(sb, r, map, false);
                    rows.add(r);
                    changed = true;
                }
            }
            if (map == null) {
                throw new ConsentStoreException(source + " is empty (no journal header)");
            }
        } catch (IOException | UncheckedIOException e) {
            throw new ConsentStoreException("cannot read " + source + ": " + e.getMessage(), e);
        }
        return new Body(sb.toString().getBytes(StandardCharsets.UTF_8), rows, changed);
    }

    private static void appendRaw(StringBuilder sb, String[] cells) {
        for (int i = 0; i < cells.length; i++) {
            if (i > 0) {
                sb.append(',');
            }
            JournalCodec.appendCell(sb, cells[i]);
        }
        sb.append('\n');
    }

    /**
     * A snapshot: {@code base} (a rewritten previous snapshot in schema version 3, or null) followed by
     * {@code folded} (rows of the journal objects the erasure covers, each replaced by its entry in
     * {@code replaced} when not null, linked by the digest of the original row) and then {@code appended}
     * (chained normally).
     */
    static JournalObjects.Snapshot snapshot(byte[] base, List<ConsentRecord> folded, List<ConsentRecord> replaced,
                                            List<ConsentRecord> appended) {
        JournalObjects.Snapshot start = JournalObjects.concat(base, List.of());
        byte[] head = start.head();
        StringBuilder sb = new StringBuilder((folded.size() + appended.size()) * 530);
        int[] map = JournalCodec.chainedMap();
        for (int i = 0; i < folded.size(); i++) {
            ConsentRecord original = folded.get(i);
            ConsentRecord written = replaced.get(i) == null ? original : replaced.get(i);
            head = line(sb, written, JournalChain.digest(JournalChain.canonical(original, false)), head, map);
        }
        for (ConsentRecord r : appended) {
            head = line(sb, r, JournalChain.digest(JournalChain.canonical(r, false)), head, map);
        }
        byte[] tail = sb.toString().getBytes(StandardCharsets.UTF_8);
        byte[] out = new byte[start.bytes().length + tail.length];
        System.arraycopy(start.bytes(), 0, out, 0, start.bytes().length);
        System.arraycopy(tail, 0, out, start.bytes().length, tail.length);
        return new JournalObjects.Snapshot(out, head);
    }

    private static byte[] line(StringBuilder sb, ConsentRecord written, byte[] digest, byte[] previous, int[] map) {
        byte[] link = JournalChain.link(previous, digest);
        JournalCodec.appendCells(sb, written, map, false).append(',').append(JournalChain.hex(digest)).append(',')
                .append(JournalChain.hex(link)).append('\n');
        return link;
    }
}
