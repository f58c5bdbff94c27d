package io.consentkit.s3.internal;

import io.consentkit.journal.ConsentRecord;
import io.consentkit.journal.JournalChain;
import io.consentkit.journal.JournalCodec;
import io.consentkit.phone.PhoneNumbers;
import io.consentkit.journal.ConsentStoreException;
import io.consentkit.journal.JournalFormatException;

import org.apache.commons.csv.CSVFormat;
import org.apache.commons.csv.CSVParser;
import org.apache.commons.csv.CSVRecord;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * Journal objects and snapshots are CSV in the journal schema (header line, then one line per
 * row), exactly what {@link JournalCodec} reads and writes for the CSV store, so any object can be
 * downloaded and opened (and verified) as it is. New objects are written in schema version 3 (the 14
 * legacy columns, then {@code program,brand,channel}, then the chain cells): each journal object is
 * chained on its own from the genesis (chain per object), and a snapshot is one chain: the previous
 * snapshot's bytes as they are, then the compacted rows linked on from its last link (its head goes into
 * the manifest). Objects and snapshots written in schema version 1 or 2 still decode (legacy rows in the
 * default program and brand), and a compaction over such a snapshot carries its rows over to version 3,
 * cells unchanged and unchained, before chaining the new rows from the genesis. Not public API.
 * Thread-safe (stateless).
 */
public final class JournalObjects {
    private static final byte[] HEADER = (JournalCodec.HEADER_LINE + "\n").getBytes(StandardCharsets.UTF_8);

    private JournalObjects() {
    }

    /** A snapshot's bytes and its chain head (the link after its last row). */
    public record Snapshot(byte[] bytes, byte[] head) {
    }

    /** Header plus the rows, UTF-8, chained from the genesis (one journal object). */
    public static byte[] encode(List<ConsentRecord> rows) {
        StringBuilder sb = new StringBuilder(JournalCodec.HEADER_LINE.length() + 1 + rows.size() * 530);
        sb.append(JournalCodec.HEADER_LINE).append('\n');
        appendRows(sb, rows, new JournalChain.Linker());
        return sb.toString().getBytes(StandardCharsets.UTF_8);
    }

    /** The rows' lines without a header, chained on from {@code chain}'s head. */
    private static void appendRows(StringBuilder sb, List<ConsentRecord> rows, JournalChain.Linker chain) {
        for (ConsentRecord r : rows) {
            chain.appendLine(sb, r, false);
        }
    }

    /**
     * A snapshot: {@code base} (a previous snapshot with its header, or null) followed by {@code rows},
     * chained on from the base's last link. A base in schema version 1 or 2 is first carried over to
     * version 3: its cells as they are, in schema order, with empty {@code program,brand,channel} for a
     * legacy row and empty chain cells.
     *
     * @throws ConsentStoreException if the base's last row does not end with chain cells as this library
     *                               writes them (the snapshot was edited)
     */
    public static Snapshot concat(byte[] base, List<ConsentRecord> rows) {
        if (base != null && base.length > 0 && !startsWithHeader(base)) {
            base = toVersion3(base);
        }
        byte[] link = base == null || base.length <= HEADER.length ? JournalChain.genesis()
                : JournalChain.trailingLink(base, Math.max(0, base.length - JournalChain.TAIL_BYTES), base.length);
        if (link == null) {
            throw new ConsentStoreException("the previous snapshot does not end with a chained row as ConsentKit writes "
                    + "it (it was edited); the compaction wrote nothing");
        }
        JournalChain.Linker chain = new JournalChain.Linker(link);
        StringBuilder sb = new StringBuilder(rows.size() * 530);
        appendRows(sb, rows, chain);
        byte[] tail = sb.toString().getBytes(StandardCharsets.UTF_8);
        ByteArrayOutputStream out = new ByteArrayOutputStream((base == null ? HEADER.length : base.length) + tail.length);
        if (base == null || base.length == 0) {
            out.writeBytes(HEADER);
        } else {
            out.writeBytes(base);
            if (base[base.length - 1] != '\n') {
                out.write('\n');
            }
        }
        out.writeBytes(tail);
        return new Snapshot(out.toByteArray(), chain.head());
    }

    private static boolean startsWithHeader(byte[] body) {
        if (body.length < HEADER.length - 1) {
            return false;
        }
        for (int i = 0; i < HEADER.length - 1; i++) {
            if (body[i] != HEADER[i]) {
                return false;
            }
        }
        return body.length == HEADER.length - 1 || body[HEADER.length - 1] == '\n' || body[HEADER.length - 1] == '\r';
    }

    /**
     * A version 1 or 2 (or reordered) snapshot rewritten with the version 3 header and column order,
     * cells unchanged, chain cells empty (legacy rows).
     */
    private static byte[] toVersion3(byte[] base) {
        StringBuilder sb = new StringBuilder(base.length + base.length / 8 + HEADER.length);
        sb.append(JournalCodec.HEADER_LINE).append('\n');
        try (CSVParser p = CSVFormat.RFC4180.builder().get().parse(JournalCodec.utf8Reader(
                new ByteArrayInputStream(base), "snapshot"))) {
            int[] map = null;
            for (CSVRecord r : p) {
                if (map == null) {
                    map = JournalCodec.mapHeader(r.toList(), "snapshot");
                    continue;
                }
                if (r.size() == 1 && r.get(0).isBlank()) {
                    continue;
                }
                for (int i = 0; i < JournalCodec.COLUMN_COUNT; i++) {
                    if (i > 0) {
                        sb.append(',');
                    }
                    JournalCodec.appendCell(sb, map[i] < 0 || map[i] >= r.size() ? "" : r.get(map[i]));
                }
                sb.append(",,\n");
            }
        } catch (IOException | java.io.UncheckedIOException e) {
            throw new ConsentStoreException("cannot read the previous snapshot: " + e.getMessage(), e);
        }
        return sb.toString().getBytes(StandardCharsets.UTF_8);
    }

    /**
     * Decodes one object (header first, blank lines skipped). Numbers are read as a journal ConsentKit
     * wrote holds them ({@link PhoneNumbers#parseStored}): every number was validated when recorded, and
     * an erasure's redacted rows carry {@link io.consentkit.journal.Redaction#NUMBER}, possible but not
     * valid.
     *
     * @throws JournalFormatException naming the object key and line if it is not the journal schema
     */
    public static List<ConsentRecord> decode(byte[] body, String source, PhoneNumbers phones) {
        List<ConsentRecord> out = new ArrayList<>();
        long line = 1;
        try (CSVParser p = CSVFormat.RFC4180.builder().get().parse(JournalCodec.utf8Reader(
                new ByteArrayInputStream(body), source))) {
            java.util.Iterator<CSVRecord> it = p.iterator();
            if (!it.hasNext()) {
                throw new JournalFormatException(source, 1, "header", "is missing: the input is empty");
            }
            int[] map = JournalCodec.mapHeader(it.next().toList(), source);
            line = p.getCurrentLineNumber() + 1;
            while (it.hasNext()) {
                CSVRecord rec = it.next();
                if (!(rec.size() == 1 && rec.get(0).isBlank())) {
                    out.add(JournalCodec.decode(rec::get, rec.size(), map, phones, source, line, true));
                }
                line = p.getCurrentLineNumber() + 1;
            }
            return out;
        } catch (UncheckedIOException e) {
            throw new JournalFormatException(source, line, "row", "is not valid CSV ("
                    + io.consentkit.support.Masking.printable(String.valueOf(e.getCause().getMessage())) + ")");
        } catch (IOException e) {
            throw new ConsentStoreException("cannot read " + source + ": " + e.getMessage(), e);
        }
    }
}
