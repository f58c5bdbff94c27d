package io.consentkit.store;

import java.io.DataOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Arrays;
import java.util.zip.CRC32;

/**
 * A persisted index snapshot of a CSV journal: which byte ranges of the journal hold each number's rows,
 * for the journal prefix it covers, and what ties it to those bytes. An optimisation only: a reader that
 * finds it missing, corrupt or not matching the journal reads the whole journal instead.
 *
 * <p><b>Format</b> (big-endian; {@code <journal>.index} beside the journal):
 * <pre>
 *   magic "CKJIDX01" (8 bytes), format version (int, 1)
 *   journal file identity at write time (modified UTF-8; "" where the platform has none)
 *   byte-order mark length (int), header line (modified UTF-8), first row's offset (long)
 *   covered: the prefix's length in bytes, the end of its last complete row (long)
 *   window start (long) and SHA-256 of the journal's bytes [window start, covered) (32 bytes):
 *     the last {@value #WINDOW} bytes of the prefix, which hold its last rows (and, in a version 3
 *     journal, the chain link of its last row, which commits to every row before it)
 *   numbers M (int), rows N (int)
 *   M x (number key: the E.164 digits as a long, ascending; index of its first row, int)
 *   N x (row offset, long; row length in bytes with its line end, int), grouped by number, in file order
 *   CRC-32 of every byte before it (int)
 * </pre>
 * The checksum guards against a damaged or half-written file, not against someone who rewrites both the
 * journal and the snapshot ({@code consent verify} checks a journal's own integrity). Immutable once
 * decoded; thread-safe.
 */
final class IndexSnapshot {
    static final byte[] MAGIC = "CKJIDX01".getBytes(StandardCharsets.US_ASCII);
    static final int VERSION = 1;
    /** How many bytes before the end of the covered prefix the window digest covers (at most). */
    static final int WINDOW = 64 * 1024;
    private static final byte[] BOM = {(byte) 0xEF, (byte) 0xBB, (byte) 0xBF};

    final String fileKey;
    final int bom;
    final String headerLine;
    final long firstRow;
    final long covered;
    final long windowStart;
    final byte[] windowDigest;
    /** M entries of 12 bytes: the number's key (long), the index of its first row (int). */
    private final ByteBuffer numbers;
    /** N entries of 12 bytes: the row's offset (long), its length (int). */
    private final ByteBuffer rows;
    final int m;
    final int n;

    /** Not a usable snapshot (damaged, of another format version, or inconsistent). */
    static final class Invalid extends Exception {
        private static final long serialVersionUID = 1L;

        Invalid(String message) {
            super(message, null, false, false);
        }
    }

    private IndexSnapshot(String fileKey, int bom, String headerLine, long firstRow, long covered, long windowStart,
                          byte[] windowDigest, ByteBuffer numbers, ByteBuffer rows) {
        this.fileKey = fileKey;
        this.bom = bom;
        this.headerLine = headerLine;
        this.firstRow = firstRow;
        this.covered = covered;
        this.windowStart = windowStart;
        this.windowDigest = windowDigest;
        this.numbers = numbers;
        this.rows = rows;
        this.m = numbers.limit() / 12;
        this.n = rows.limit() / 12;
    }

    /**
     * A snapshot of the given tables: {@code keys} ascending, {@code first[i]} the index of number i's
     * first row in {@code offsets} / {@code lengths} (its rows run to {@code first[i + 1]}, the last to
     * the end).
     */
    static IndexSnapshot of(String fileKey, int bom, String headerLine, long firstRow, long covered, long windowStart,
                            byte[] windowDigest, long[] keys, int[] first, long[] offsets, int[] lengths) {
        ByteBuffer numbers = ByteBuffer.allocate(12 * keys.length);
        for (int i = 0; i < keys.length; i++) {
            numbers.putLong(keys[i]).putInt(first[i]);
        }
        ByteBuffer rows = ByteBuffer.allocate(12 * offsets.length);
        for (int i = 0; i < offsets.length; i++) {
            rows.putLong(offsets[i]).putInt(lengths[i]);
        }
        return new IndexSnapshot(fileKey, bom, headerLine, firstRow, covered, windowStart, windowDigest,
                numbers.flip(), rows.flip());
    }

    /** Number i's key. */
    long key(int i) {
        return numbers.getLong(12 * i);
    }

    /** The index of number i's first row; {@code first(m) == n}. */
    int first(int i) {
        return i == m ? n : numbers.getInt(12 * i + 8);
    }

    /** Row r's offset in the journal. */
    long offset(int r) {
        return rows.getLong(12 * r);
    }

    /** Row r's length in bytes, with its line end. */
    int length(int r) {
        return rows.getInt(12 * r + 8);
    }

    /**
     * True if number i's entry is well formed: at least one row, inside the covered prefix, in file order
     * without overlap. The checksum already vouches for the bytes; this vouches for what they say.
     */
    boolean entryValid(int i) {
        int from = first(i);
        int to = first(i + 1);
        if (from < 0 || to > n || from >= to) {
            return false;
        }
        long prevEnd = firstRow;
        for (int r = from; r < to; r++) {
            long off = offset(r);
            int len = length(r);
            if (off < prevEnd || len <= 0 || off + len > covered) {
                return false;
            }
            prevEnd = off + len;
        }
        return true;
    }

    /** True if every entry is well formed ({@link #entryValid}) and the keys ascend: a full check. */
    boolean allValid() {
        for (int i = 0; i < m; i++) {
            if (key(i) <= 0 || (i > 0 && key(i) <= key(i - 1)) || (i == 0 && first(0) != 0) || !entryValid(i)) {
                return false;
            }
        }
        return true;
    }

    /** The key of a canonical E.164 number ('+' and up to 15 digits, the first not 0), or -1. */
    static long key(String e164) {
        int n = e164.length();
        if (n < 2 || n > 16 || e164.charAt(0) != '+' || e164.charAt(1) == '0') {
            return -1;
        }
        long v = 0;
        for (int i = 1; i < n; i++) {
            int d = e164.charAt(i) - '0';
            if (d < 0 || d > 9) {
                return -1;
            }
            v = v * 10 + d;
        }
        return v;
    }

    /** The position of {@code key} among the numbers, or -1 if the snapshot has no row of it. */
    int find(long key) {
        int lo = 0;
        int hi = m - 1;
        while (lo <= hi) {
            int mid = (lo + hi) >>> 1;
            long k = key(mid);
            if (k < key) {
                lo = mid + 1;
            } else if (k > key) {
                hi = mid - 1;
            } else {
                return mid;
            }
        }
        return -1;
    }

    /** Writes this snapshot in the format above. */
    void encode(OutputStream sink) throws IOException {
        CRC32 crc = new CRC32();
        DataOutputStream out = new DataOutputStream(new java.util.zip.CheckedOutputStream(sink, crc));
        out.write(MAGIC);
        out.writeInt(VERSION);
        out.writeUTF(fileKey);
        out.writeInt(bom);
        out.writeUTF(headerLine);
        out.writeLong(firstRow);
        out.writeLong(covered);
        out.writeLong(windowStart);
        out.write(windowDigest);
        out.writeInt(m);
        out.writeInt(n);
        out.write(numbers.array(), numbers.arrayOffset(), numbers.limit());
        out.write(rows.array(), rows.arrayOffset(), rows.limit());
        out.flush();
        new DataOutputStream(sink).writeInt((int) crc.getValue());
    }

    /**
     * Reads a snapshot written by {@link #encode}.
     *
     * @throws Invalid if the bytes are not one: wrong magic or version, a checksum that does not match,
     *                 a length that does not add up, or tables out of order or out of range
     */
    static IndexSnapshot decode(byte[] b) throws Invalid {
        if (b.length < MAGIC.length + 8 || !Arrays.equals(b, 0, MAGIC.length, MAGIC, 0, MAGIC.length)) {
            throw new Invalid("not an index snapshot (no magic)");
        }
        CRC32 crc = new CRC32();
        crc.update(b, 0, b.length - 4);
        ByteBuffer buf = ByteBuffer.wrap(b);
        if (buf.getInt(b.length - 4) != (int) crc.getValue()) {
            throw new Invalid("checksum does not match (damaged or cut short)");
        }
        try {
            java.io.DataInputStream in = new java.io.DataInputStream(new java.io.ByteArrayInputStream(b, 0,
                    b.length - 4));
            in.skipNBytes(MAGIC.length);
            int version = in.readInt();
            if (version != VERSION) {
                throw new Invalid("format version " + version + ", this reader knows " + VERSION);
            }
            String fileKey = in.readUTF();
            int bom = in.readInt();
            String header = in.readUTF();
            long firstRow = in.readLong();
            long covered = in.readLong();
            long windowStart = in.readLong();
            byte[] digest = in.readNBytes(32);
            int m = in.readInt();
            int n = in.readInt();
            if ((bom != 0 && bom != 3) || firstRow <= bom || covered < firstRow || windowStart < firstRow
                    || windowStart > covered || digest.length != 32 || m < 0 || n < m
                    || (long) in.available() != 12L * m + 12L * n) {
                throw new Invalid("inconsistent header fields or length");
            }
            int at = b.length - 4 - in.available(); // the tables: checked entry by entry as they are used
            ByteBuffer numbers = ByteBuffer.wrap(b, at, 12 * m).slice();
            ByteBuffer rows = ByteBuffer.wrap(b, at + 12 * m, 12 * n).slice();
            IndexSnapshot s = new IndexSnapshot(fileKey, bom, header, firstRow, covered, windowStart, digest, numbers,
                    rows);
            if (m > 0 && (s.first(0) != 0 || s.key(0) <= 0)) {
                throw new Invalid("number table does not start at the first row");
            }
            return s;
        } catch (IOException e) {
            throw new Invalid("cut short: " + e.getMessage());
        }
    }

    /**
     * Why this snapshot does not describe the journal open on {@code ch} (whose file identity is now
     * {@code fileKeyNow}), or null if it does: same file, at least as long as the covered prefix, the same
     * byte-order mark and header, a line end where the prefix ends, and the same bytes in the window.
     */
    String mismatch(FileChannel ch, String fileKeyNow) throws IOException {
        if (!fileKey.equals(fileKeyNow)) {
            return "the journal is another file than the one indexed (replaced or restored)";
        }
        long size = ch.size();
        if (size < covered) {
            return "the journal (" + size + " bytes) is shorter than the indexed prefix (" + covered + " bytes)";
        }
        byte[] head = read(ch, 0, (int) firstRow);
        boolean hasBom = head.length >= 3 && Arrays.equals(head, 0, 3, BOM, 0, 3);
        if (hasBom != (bom == 3) || head[head.length - 1] != '\n') {
            return "the journal's header differs from the indexed one";
        }
        int lineEnd = head.length - 1 > bom && head[head.length - 2] == '\r' ? head.length - 2 : head.length - 1;
        if (!new String(head, bom, lineEnd - bom, StandardCharsets.UTF_8).equals(headerLine)) {
            return "the journal's header differs from the indexed one";
        }
        if (!Arrays.equals(windowDigest, windowDigest(ch, windowStart, covered))) {
            return "the journal's bytes before offset " + covered + " differ from the indexed ones";
        }
        return null;
    }

    /** SHA-256 of {@code [from, to)} of {@code ch}. */
    static byte[] windowDigest(FileChannel ch, long from, long to) throws IOException {
        MessageDigest md;
        try {
            md = MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is required of every Java platform", e);
        }
        md.update(read(ch, from, (int) (to - from)));
        return md.digest();
    }

    /** The {@code n} bytes at {@code pos} of {@code ch}. */
    static byte[] read(FileChannel ch, long pos, int n) throws IOException {
        ByteBuffer b = ByteBuffer.allocate(n);
        while (b.hasRemaining()) {
            if (ch.read(b, pos + b.position()) < 0) {
                throw new java.io.EOFException("the journal ends before byte " + (pos + n));
            }
        }
        return b.array();
    }
}
