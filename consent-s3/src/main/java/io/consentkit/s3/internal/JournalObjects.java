package io.consentkit.s3.internal;

import io.consentkit.journal.ConsentRecord;
import io.consentkit.journal.JournalCodec;
import io.consentkit.phone.PhoneNumbers;
import io.consentkit.journal.ConsentStoreException;
import io.consentkit.journal.JournalFormatException;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.List;

/**
 * Journal objects and snapshots are CSV in the journal schema (header line, then one line per
 * row), exactly what {@link JournalCodec} reads and writes for the CSV store, so any object can be
 * downloaded and opened as it is. Not public API. Thread-safe (stateless).
 */
public final class JournalObjects {
    private static final byte[] HEADER = (JournalCodec.HEADER_LINE + "\n").getBytes(StandardCharsets.UTF_8);

    private JournalObjects() {
    }

    /** Header plus the rows, UTF-8. */
    public static byte[] encode(List<ConsentRecord> rows) {
        StringBuilder sb = new StringBuilder(JournalCodec.HEADER_LINE.length() + 1 + rows.size() * 400);
        sb.append(JournalCodec.HEADER_LINE).append('\n');
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

    /** A snapshot: {@code base} (a previous snapshot with its header, or null) followed by {@code rows}. */
    public static byte[] concat(byte[] base, List<ConsentRecord> rows) {
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
