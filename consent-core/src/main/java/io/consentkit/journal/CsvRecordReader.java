package io.consentkit.journal;

import io.consentkit.journal.JournalFormatException;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * Reads RFC 4180 CSV records straight from UTF-8 bytes of a file region: no character decoding of
 * the whole stream, no token objects, one {@code String} per non-empty cell. About twice as fast
 * as a general CSV library on journal replay, which is what opening a store costs. Quotes, commas,
 * CR LF and LF line ends, and line breaks inside quoted cells are handled; a quoted cell followed
 * by anything but a separator is an error naming the line, and so are bytes that are not UTF-8 (with
 * their column) and a record longer than {@link JournalLimits#MAX_READ_ROW_BYTES}. Part of the journal codec for store
 * authors (the CSV store replays its file with it); one instance per reading thread: not thread-safe.
 */
public final class CsvRecordReader {
    /** Receives each record. */
    @FunctionalInterface
    public interface RecordSink {
        /**
         * @param cells the cells (only the first {@code count} are valid; the array is reused)
         * @param line  1-based line number where the record starts
         */
        void accept(String[] cells, int count, long line);
    }

    /** Receives where each record ends, from {@link #scanRecords}, on the scanning thread. */
    @FunctionalInterface
    public interface RecordBoundaryConsumer {
        /**
         * @param line  1-based line number where the record starts
         * @param end   the file offset just after the record (after its line end, if it has one)
         * @param cells the record's number of cells
         */
        void accept(long line, long end, int cells);
    }

    private static final int CHUNK = 1 << 20;
    private static final int MAX_RECORD = JournalLimits.MAX_READ_ROW_BYTES;

    private final String source;
    private byte[] buf;
    private byte[] scratch = new byte[256];
    private String[] cells = new String[16];
    private boolean malformed; // a cell of the current record decoded to U+FFFD
    private long base; // the file offset of buf[0] during a read
    private long recordStart;
    private long recordEnd;

    public CsvRecordReader(String source) {
        this(source, CHUNK);
    }

    /** With a given read size (tests use tiny ones to cross every boundary). */
    public CsvRecordReader(String source, int chunkSize) {
        this.source = source;
        this.buf = new byte[Math.max(1, chunkSize)];
    }

    /** Reads every record in [start, end) of {@code ch} (positional reads; the channel position is untouched). */
    public void read(FileChannel ch, long start, long end, RecordSink sink) throws IOException {
        long filePos = start;
        int have = 0; // bytes in buf (a carried partial record, then new data)
        long line = 1;
        while (true) {
            if (filePos < end) {
                if (have == buf.length) {
                    if (buf.length >= MAX_RECORD) {
                        throw new JournalFormatException(source, line, "row", "is longer than " + MAX_RECORD + " bytes");
                    }
                    buf = Arrays.copyOf(buf, buf.length * 2);
                }
                ByteBuffer bb = ByteBuffer.wrap(buf, have, (int) Math.min(buf.length - have, end - filePos));
                int n = ch.read(bb, filePos);
                if (n < 0) {
                    throw new IOException("file shorter than expected");
                }
                filePos += n;
                have += n;
            }
            boolean last = filePos >= end;
            base = filePos - have;
            int consumed = 0;
            while (consumed < have) {
                int next = parseRecord(buf, consumed, have, last, line, sink);
                if (next < 0) {
                    break; // incomplete record: read more
                }
                for (int i = consumed; i < next; i++) {
                    if (buf[i] == '\n') {
                        line++;
                    }
                }
                consumed = next;
            }
            if (last) {
                if (consumed < have) {
                    throw new JournalFormatException(source, line, "row", "is cut short (unterminated quoted cell)");
                }
                return;
            }
            System.arraycopy(buf, consumed, buf, 0, have - consumed);
            have -= consumed;
        }
    }

    /**
     * While {@link #read}'s sink runs: the file offset where the record it is handed starts (its
     * first byte).
     */
    public long recordStart() {
        return recordStart;
    }

    /**
     * While {@link #read}'s sink runs: the file offset just after the record it is handed (after its
     * line end, if it has one).
     */
    public long recordEnd() {
        return recordEnd;
    }

    /**
     * Finds the records in [start, end) of {@code ch} that {@link #read} would hand to its sink, with
     * the same rules (a quote is special only at the start of a cell; in a quoted cell {@code ""} is
     * a quote; a closing quote is followed by a separator, a line end or the end; CR LF or LF ends a
     * record outside quotes), building no cell: one pass over the bytes that checks UTF-8 as it goes
     * (a record that fails is checked again by the decoder {@link #read} uses, for the same message).
     * It fails where {@link #read} fails, with the same exception and line, after the same records.
     * For checking a file's structure before it is replayed.
     *
     * @throws JournalFormatException what {@link #read} would throw
     */
    public void scanRecords(FileChannel ch, long start, long end, RecordBoundaryConsumer consumer) throws IOException {
        new CsvRecordScanner(this, source, buf, MAX_RECORD).scan(ch, start, end, consumer);
    }

    /**
     * Parses one record starting at {@code p}; returns the offset after its line end, or -1 if the
     * record is not complete in {@code [p, limit)} and more input may follow.
     */
    private int parseRecord(byte[] b, int p, int limit, boolean last, long line, RecordSink sink) {
        malformed = false;
        int count = 0;
        int i = p;
        while (true) {
            if (count == cells.length) {
                cells = Arrays.copyOf(cells, count * 2);
            }
            if (i < limit && b[i] == '"') {
                // quoted cell
                int j = i + 1;
                int outLen = 0;
                boolean closed = false;
                // fast path: no doubled quote inside, the cell is the bytes up to the next quote
                int q = j;
                while (q < limit && b[q] != '"') {
                    q++;
                }
                if (q + 1 < limit && b[q + 1] != '"') {
                    cells[count++] = cell(b, j, q - j);
                    i = q + 1;
                    byte c = b[i];
                    if (c == ',') {
                        i++;
                        continue;
                    }
                    if (c == '\n' || c == '\r' && i + 1 < limit && b[i + 1] == '\n') {
                        return emit(count, line, b, p, c == '\n' ? i + 1 : i + 2, sink);
                    }
                    if (!(c == '\r' && i + 1 >= limit)) {
                        throw new JournalFormatException(source, line, "row",
                                "has text after a quoted cell's closing quote (cell " + count + ")");
                    }
                    count--; // CR at the end of the buffer: parse this cell again with more input
                }
                while (j < limit) {
                    byte c = b[j];
                    if (c == '"') {
                        if (j + 1 < limit && b[j + 1] == '"') {
                            outLen = put(outLen, (byte) '"');
                            j += 2;
                            continue;
                        }
                        if (j + 1 >= limit && !last) {
                            return -1; // cannot tell "" from " yet
                        }
                        closed = true;
                        j++;
                        break;
                    }
                    outLen = put(outLen, c);
                    j++;
                }
                if (!closed) {
                    return -1;
                }
                cells[count++] = cell(scratch, 0, outLen);
                i = j;
                if (i >= limit) {
                    if (!last) {
                        return -1;
                    }
                    return emit(count, line, b, p, i, sink);
                }
                byte c = b[i];
                if (c == ',') {
                    i++;
                    continue;
                }
                if (c == '\n' || c == '\r' && i + 1 < limit && b[i + 1] == '\n') {
                    return emit(count, line, b, p, c == '\n' ? i + 1 : i + 2, sink);
                }
                if (c == '\r' && i + 1 >= limit && !last) {
                    return -1;
                }
                throw new JournalFormatException(source, line, "row",
                        "has text after a quoted cell's closing quote (cell " + count + ")");
            }
            // unquoted cell
            int j = i;
            while (j < limit) {
                byte c = b[j];
                if (c == ',' || c == '\n') {
                    break;
                }
                j++;
            }
            if (j >= limit && !last) {
                return -1;
            }
            int cellEnd = j;
            if (j < limit && b[j] == '\n' && cellEnd > i && b[cellEnd - 1] == '\r') {
                cellEnd--;
            }
            cells[count++] = cell(b, i, cellEnd - i);
            if (j >= limit) {
                return emit(count, line, b, p, j, sink);
            }
            if (b[j] == ',') {
                i = j + 1;
                continue;
            }
            return emit(count, line, b, p, j + 1, sink);
        }
    }

    /**
     * Hands a complete record {@code [start, end)} to the sink, unless a cell held bytes that are not
     * UTF-8: then fails naming the line and byte column. Returns {@code end}.
     */
    private int emit(int count, long line, byte[] b, int start, int end, RecordSink sink) {
        if (malformed) {
            checkUtf8(b, start, end, line);
        }
        recordStart = base + start;
        recordEnd = base + end;
        sink.accept(cells, count, line);
        return end;
    }

    /** Fails naming the line and column if [start, end) is not UTF-8; {@link CsvRecordScanner} shares it. */
    void checkUtf8(byte[] b, int start, int end, long line) {
        java.nio.charset.CharsetDecoder d = StandardCharsets.UTF_8.newDecoder()
                .onMalformedInput(java.nio.charset.CodingErrorAction.REPORT);
        ByteBuffer in = ByteBuffer.wrap(b, start, end - start);
        java.nio.charset.CoderResult r = d.decode(in, java.nio.CharBuffer.allocate(end - start + 1), true);
        if (!r.isError()) {
            return; // a real U+FFFD in the text
        }
        int bad = in.position();
        int lineStart = start;
        for (int i = start; i < bad; i++) {
            if (b[i] == '\n') {
                line++;
                lineStart = i + 1;
            }
        }
        throw new JournalFormatException(source, line, "encoding", String.format(
                "is not valid UTF-8: byte 0x%02X at column %d", b[bad] & 0xff, bad - lineStart + 1));
    }

    private static final int SHARE_MIN = 48;
    private final byte[][] sharedBytes = new byte[256][];
    private final String[] sharedStrings = new String[256];

    /**
     * A cell's string. Long cells that repeat (consent texts) come back as one shared instance,
     * so a journal of a million rows holds each text once and its hash is computed once.
     */
    private String cell(byte[] b, int off, int len) {
        if (len == 0) {
            return "";
        }
        if (len < SHARE_MIN) {
            return checked(new String(b, off, len, StandardCharsets.UTF_8));
        }
        int h = len;
        for (int k = 0; k < 8; k++) {
            h = 31 * h + b[off + k] + 7 * b[off + len - 1 - k] + 13 * b[off + len / 2 + k];
        }
        int slot = (h ^ (h >>> 16)) & 255;
        byte[] known = sharedBytes[slot];
        if (known != null && Arrays.equals(known, 0, known.length, b, off, off + len)) {
            return sharedStrings[slot];
        }
        String s = checked(new String(b, off, len, StandardCharsets.UTF_8));
        if (malformed) {
            return s; // not shared: the record fails or is checked again
        }
        sharedBytes[slot] = Arrays.copyOfRange(b, off, off + len);
        sharedStrings[slot] = s;
        return s;
    }

    /** Notes a replacement character (the decoder's mark for bytes that are not UTF-8). */
    private String checked(String s) {
        if (s.indexOf('\uFFFD') >= 0) {
            malformed = true;
        }
        return s;
    }

    private int put(int len, byte c) {
        if (len == scratch.length) {
            scratch = Arrays.copyOf(scratch, len * 2);
        }
        scratch[len] = c;
        return len + 1;
    }
}
