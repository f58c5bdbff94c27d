package io.consentkit.s3.internal;

import io.consentkit.journal.ConsentRecord;
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
import java.nio.charset.StandardCharsets;
import java.util.List;

/**
 * Journal objects and snapshots are CSV in the journal schema (header line, then one line per
 * row), exactly what {@link JournalCodec} reads and writes for the CSV store, so any object can be
 * downloaded and opened as it is. New objects are written in schema version 2 (the 14 legacy columns,
 * then {@code program,brand,channel}); objects and snapshots written in the legacy 14-column schema
 * still decode (their rows in the default program and brand), and a compaction over a legacy snapshot
 * writes its new snapshot in version 2. Not public API. Thread-safe (stateless).
 */
public final class JournalObjects {
    private static final byte[] HEADER = (JournalCodec.SCOPES_HEADER_LINE + "\n").getBytes(StandardCharsets.UTF_8);

    private JournalObjects() {
    }

    /** Header plus the rows, UTF-8. */
    public static byte[] encode(List<ConsentRecord> rows) {
        StringBuilder sb = new StringBuilder(JournalCodec.SCOPES_HEADER_LINE.length() + 1 + rows.size() * 400);
        sb.append(JournalCodec.SCOPES_HEADER_LINE).append('\n');
        appendRows(sb, rows);
        return sb.toString().getBytes(StandardCharsets.UTF_8);
    }

    /** The rows' lines without a header. */
    public static void appendRows(StringBuilder sb, List<ConsentRecord> rows) {
        int[] map = JournalCodec.identityMap();
        for (ConsentRecord r : rows) {
            JournalCodec.appendLine(sb, r, map, false);
        }
    }

    /**
     * A snapshot: {@code base} (a previous snapshot with its header, or null) followed by {@code rows}.
     * A base in the legacy 14-column schema is first carried over to schema version 2: its cells as they
     * are, in schema order, with empty {@code program,brand,channel}.
     */
    public static byte[] concat(byte[] base, List<ConsentRecord> rows) {
        if (base != null && base.length > 0 && !startsWithHeader(base)) {
            base = toVersion2(base);
        }
        StringBuilder sb = new StringBuilder(rows.size() * 400);
        appendRows(sb, rows);
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
        return out.toByteArray();
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

    /** A legacy (or reordered) snapshot rewritten with the version 2 header and column order, cells unchanged. */
    private static byte[] toVersion2(byte[] base) {
        StringBuilder sb = new StringBuilder(base.length + base.length / 8 + HEADER.length);
        sb.append(JournalCodec.SCOPES_HEADER_LINE).append('\n');
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
                sb.append('\n');
            }
        } catch (IOException | java.io.UncheckedIOException e) {
            throw new ConsentStoreException("cannot read the previous snapshot: " + e.getMessage(), e);
        }
        return sb.toString().getBytes(StandardCharsets.UTF_8);
    }

    /**
     * Decodes one object.
     *
     * @throws JournalFormatException naming the object key and line if it is not the journal schema
     */
    public static List<ConsentRecord> decode(byte[] body, String source, PhoneNumbers phones) {
        try {
            return JournalCodec.readAll(JournalCodec.utf8Reader(new ByteArrayInputStream(body), source), source, phones);
        } catch (IOException e) {
            throw new ConsentStoreException("cannot read " + source + ": " + e.getMessage(), e);
        }
    }
}
