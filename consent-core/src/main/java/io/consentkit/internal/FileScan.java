package io.consentkit.internal;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * What opening an {@link AppendOnlyFile} finds, worked out before anything is changed: the
 * byte-order mark, the header (checked by the owner's {@link AppendOnlyFile.Format}), and where the
 * complete rows end, parsed with the owner's own row parser. Only reads; the open then applies the
 * repair the result names (or, read-only, none). Static and stateless.
 *
 * <p>The rules: a final fragment without a line end that is a complete row the owner accepts is
 * kept (a writable open adds the line end); a final fragment that does not parse as a complete row
 * is a torn tail, unless its lines hold a complete row, which a write cut short cannot produce (then
 * the file is invalid and nothing is touched); a complete row that does not parse anywhere else makes
 * the open fail.
 */
final class FileScan {
    static final byte[] BOM = {(byte) 0xEF, (byte) 0xBB, (byte) 0xBF};
    static final int MAX_HEADER_BYTES = 4096;

    /** What to do to the file. */
    enum Repair {
        /** Nothing: the file ends with a complete row and its line end. */
        NONE,
        /** The file is empty (or only a byte-order mark): write the header. */
        WRITE_HEADER,
        /** The header was cut short: move it aside and write the header. */
        REWRITE_HEADER,
        /** The last row is complete but has no line end: add one. */
        ADD_NEWLINE,
        /** Bytes from {@link Result#goodEnd} on are a torn tail: move them aside and cut the file. */
        QUARANTINE_TAIL
    }

    /**
     * @param bom        3 if the file starts with a byte-order mark, else 0
     * @param headerLine the header line without terminator (the expected header if the file has
     *                   none yet)
     * @param goodEnd    the end of the rows to keep
     * @param size       the file's size when scanned
     * @param repair     what a writable open does
     */
    record Result(int bom, String headerLine, long goodEnd, long size, Repair repair) {
    }

    private FileScan() {
    }

    /**
     * Scans {@code ch}.
     *
     * @throws RuntimeException the owner's format exception if the file is not a valid file of its
     *                          kind; nothing was changed
     */
    static Result scan(FileChannel ch, String header, AppendOnlyFile.Format format) throws IOException {
        long size = ch.size();
        int bom = 0;
        if (size >= 3) {
            byte[] head = new byte[3];
            FileIo.readFully(ch, ByteBuffer.wrap(head), 0);
            if (Arrays.equals(head, BOM)) {
                bom = 3;
            }
        }
        if (size <= bom) {
            format.checkHeader(header);
            return new Result(bom, header, bom, size, Repair.WRITE_HEADER);
        }
        byte[] first = new byte[(int) Math.min(MAX_HEADER_BYTES, size - bom)];
        FileIo.readFully(ch, ByteBuffer.wrap(first), bom);
        int nl = indexOf(first, (byte) '\n');
        if (nl < 0) {
            byte[] expected = header.getBytes(StandardCharsets.UTF_8);
            if (size - bom == first.length && first.length <= expected.length
                    && Arrays.equals(first, 0, first.length, expected, 0, first.length)) {
                format.checkHeader(header);
                return first.length == expected.length
                        ? new Result(bom, header, size, size, Repair.ADD_NEWLINE)
                        : new Result(bom, header, bom, size, Repair.REWRITE_HEADER);
            }
            format.checkHeader(null);
            throw new IllegalStateException("the header check accepted a missing header");
        }
        int lineEnd = nl > 0 && first[nl - 1] == '\r' ? nl - 1 : nl;
        String headerLine = new String(first, 0, lineEnd, StandardCharsets.UTF_8);
        format.checkHeader(headerLine);

        return rows(ch, bom, size, bom, headerLine, format);
    }

    /**
     * The rows of {@code [from, size)}, {@code from} being the start of a line that the rows before it
     * end on (line 1 of the range; the header line when {@code from == header}): where they end and what
     * a writable open would do, by the rules of {@link #scan}. With {@code header} -1 the range has no
     * header line (a tail after rows already known): a first row cut short there is a torn tail too.
     */
    private static Result rows(FileChannel ch, long from, long size, long header, String headerLine,
                               AppendOnlyFile.Format format) throws IOException {
        int bom = header < 0 ? 0 : (int) header;
        if (size <= from) {
            return new Result(bom, headerLine, from, size, Repair.NONE);
        }
        AppendOnlyFile.Scan rows = format.scan(ch, from, size);
        boolean endsWithNewline = lastByte(ch, size) == '\n';
        if (rows.error() == null) {
            if (endsWithNewline) {
                return new Result(bom, headerLine, size, size, Repair.NONE);
            }
            long start = lineStart(ch, from, rows.lastLine());
            if (format.isCompleteRow(ch, start, size, true)) {
                return new Result(bom, headerLine, size, size, Repair.ADD_NEWLINE);
            }
            if (holdsCompleteRow(ch, start, size, format)) {
                throw format.invalid(rows.lastLine(), "has no line end and does not parse, but the lines after it "
                        + "hold complete rows: not a write cut short; nothing was changed");
            }
            return new Result(bom, headerLine, start, size, Repair.QUARANTINE_TAIL);
        }
        long start = lineStart(ch, from, rows.errorLine());
        boolean unterminated = !endsWithNewline || quoteOpenAtEnd(ch, start, size);
        if (!unterminated || start <= header || holdsCompleteRow(ch, start, size, format)) {
            throw rows.error();
        }
        return new Result(bom, headerLine, start, size, Repair.QUARANTINE_TAIL);
    }

    /**
     * Where the rows a read-only open would see end, in {@code [from, size)} of {@code ch}: {@code from}
     * is the start of a row (just after a line end), the rows before it already known; the scan reads
     * only this range. A final fragment that is a complete row without its line end counts; one that is
     * not (a write in progress or cut short) is left out.
     *
     * @throws RuntimeException the owner's format exception where {@link #scan} would fail in the range
     */
    static long completeRowsEnd(FileChannel ch, long from, long size, AppendOnlyFile.Format format)
            throws IOException {
        Result r = rows(ch, from, size, -1, null, format);
        return r.repair() == Repair.ADD_NEWLINE ? size : r.goodEnd();
    }

    private static int indexOf(byte[] a, byte b) {
        for (int i = 0; i < a.length; i++) {
            if (a[i] == b) {
                return i;
            }
        }
        return -1;
    }

    private static int lastByte(FileChannel ch, long size) throws IOException {
        ByteBuffer one = ByteBuffer.allocate(1);
        FileIo.readFully(ch, one, size - 1);
        return one.get(0);
    }

    /** The offset where 1-based {@code line} starts, counting every line feed from {@code from}. */
    static long lineStart(FileChannel ch, long from, long line) throws IOException {
        long toSkip = line - 1;
        if (toSkip <= 0) {
            return from;
        }
        ByteBuffer buf = ByteBuffer.allocate(1 << 16);
        long pos = from;
        while (true) {
            buf.clear();
            int n = ch.read(buf, pos);
            if (n <= 0) {
                return pos;
            }
            byte[] a = buf.array();
            for (int i = 0; i < n; i++) {
                if (a[i] == '\n' && --toSkip == 0) {
                    return pos + i + 1;
                }
            }
            pos += n;
        }
    }

    /**
     * Whether a line after the first one in [start, end) is, on its own, a complete row: a torn
     * write is a prefix of one row, so such a region is not one (a stray quote swallowed it).
     */
    private static boolean holdsCompleteRow(FileChannel ch, long start, long end, AppendOnlyFile.Format format)
            throws IOException {
        ByteBuffer buf = ByteBuffer.allocate(1 << 16);
        long pos = start;
        long lineStart = -1;
        while (pos < end) {
            buf.clear();
            buf.limit((int) Math.min(buf.capacity(), end - pos));
            int n = ch.read(buf, pos);
            if (n <= 0) {
                break;
            }
            byte[] a = buf.array();
            for (int i = 0; i < n; i++) {
                if (a[i] == '\n') {
                    long here = pos + i + 1;
                    if (lineStart >= 0 && format.isCompleteRow(ch, lineStart, here, false)) {
                        return true;
                    }
                    lineStart = here;
                }
            }
            pos += n;
        }
        return lineStart >= 0 && lineStart < end && format.isCompleteRow(ch, lineStart, end, false);
    }

    /** Whether a quote opened in [start, end) is still open at {@code end} (quotes toggle; "" is a pair). */
    private static boolean quoteOpenAtEnd(FileChannel ch, long start, long end) throws IOException {
        ByteBuffer buf = ByteBuffer.allocate(1 << 16);
        boolean open = false;
        long pos = start;
        while (pos < end) {
            buf.clear();
            buf.limit((int) Math.min(buf.capacity(), end - pos));
            int n = ch.read(buf, pos);
            if (n <= 0) {
                break;
            }
            byte[] a = buf.array();
            for (int i = 0; i < n; i++) {
                if (a[i] == '"') {
                    open = !open;
                }
            }
            pos += n;
        }
        return open;
    }

    /**
     * The scan of a format without a row parser of its own (the send log, written only by this
     * library): a line feed outside quotes ends a record; a quote still open at the end is a record
     * cut short, as is any final fragment without a line end ({@code format} accepts no fragment).
     */
    static AppendOnlyFile.Scan quoteScan(FileChannel ch, long start, long end, AppendOnlyFile.Format format)
            throws IOException {
        ByteBuffer buf = ByteBuffer.allocate(1 << 16);
        boolean inQuotes = false;
        long line = 1;
        long recordLine = 1;
        long pos = start;
        while (pos < end) {
            buf.clear();
            buf.limit((int) Math.min(buf.capacity(), end - pos));
            int n = ch.read(buf, pos);
            if (n <= 0) {
                break;
            }
            byte[] a = buf.array();
            for (int i = 0; i < n; i++) {
                byte c = a[i];
                if (c == '"') {
                    inQuotes = !inQuotes;
                } else if (c == '\n') {
                    line++;
                    if (!inQuotes) {
                        recordLine = line;
                    }
                }
            }
            pos += n;
        }
        return inQuotes ? new AppendOnlyFile.Scan(recordLine, format.invalid(recordLine, "is cut short (unterminated "
                + "quoted cell)"), recordLine) : new AppendOnlyFile.Scan(recordLine, null, 0);
    }
}
