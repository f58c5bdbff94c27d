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
import java.util.zip.CRC32C;

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
 *   CRC-32C of every byte before it (int)
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
    final long[] keys;
    /** {@code first[i]} is the index of number i's first row; {@code first[M] == N}. */
    final int[] first;
    final long[] offsets;
    final int[] lengths;

    /** Not a usable snapshot (damaged, of another format version, or inconsistent). */
    static final class Invalid extends Exception {
        private static final long serialVersionUID = 1L;

        Invalid(String message) {
            super(message, null, false, false);
        }
    }

    IndexSnapshot(String fileKey, int bom, String headerLine, long firstRow, long covered, long windowStart,
                  byte[] windowDigest, long[] keys, int[] first, long[] offsets, int[] lengths) {
        this.fileKey = fileKey;
        this.bom = bom;
        this.headerLine = headerLine;
        this.firstRow = firstRow;
        this.covered = covered;
        this.windowStart = windowStart;
        this.windowDigest = windowDigest;
        this.keys = keys;
        this.first = first;
        this.offsets = offsets;
        this.lengths = lengths;
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
        int i = Arrays.binarySearch(keys, key);
        return i < 0 ? -1 : i;
    }

    /** Writes this snapshot in the format above. */
    void encode(OutputStream sink) throws IOException {
        CRC32C crc = new CRC32C();
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
        out.writeInt(keys.length);
        out.writeInt(offsets.length);
        for (int i = 0; i < keys.length; i++) {
            out.writeLong(keys[i]);
            out.writeInt(first[i]);
        }
        for (int i = 0; i < offsets.length; i++) {
            out.writeLong(offsets[i]);
            out.writeInt(lengths[i]);
        }
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
        CRC32C crc = new CRC32C();
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
            long[] keys = new long[m];
            int[] first = new int[m + 1];
            for (int i = 0; i < m; i++) {
                keys[i] = in.readLong();
                first[i] = in.readInt();
                if (keys[i] <= 0 || (i > 0 && (keys[i] <= keys[i - 1] || first[i] <= first[i - 1]))
                        || (i == 0 && first[0] != 0) || first[i] >= n) {
                    throw new Invalid("number table out of order or out of range at entry " + i);
                }
            }
            first[m] = n;
            long[] offsets = new long[n];
            int[] lengths = new int[n];
            for (int i = 0; i < n; i++) {
                offsets[i] = in.readLong();
                lengths[i] = in.readInt();
                if (offsets[i] < firstRow || lengths[i] <= 0 || offsets[i] + lengths[i] > covered) {
                    throw new Invalid("row table out of range at entry " + i);
                }
            }
            for (int i = 0; i < m; i++) {
                for (int r = first[i] + 1; r < first[i + 1]; r++) {
                    if (offsets[r] < offsets[r - 1] + lengths[r - 1]) {
                        throw new Invalid("rows of number entry " + i + " overlap or are out of file order");
                    }
                }
            }
            return new IndexSnapshot(fileKey, bom, header, firstRow, covered, windowStart, digest, keys, first,
                    offsets, lengths);
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
