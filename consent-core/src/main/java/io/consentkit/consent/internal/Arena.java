package io.consentkit.consent.internal;

/**
 * Append-only storage for the index's encoded rows: large byte chunks (just under 1 MiB) that the garbage
 * collector allocates once and never copies, instead of a million small arrays it would trace and
 * move. Each stored slice is its length (a varint: 1 or 2 bytes for a number's rows) followed by the bytes; an address packs the chunk number
 * and the offset. A slice is never changed once written; a number whose rows change gets a new
 * slice, and the old one is left behind (a few percent of the arena in practice; a number whose
 * rows grow past {@link Index#BIG_BYTES} leaves the arena, so this is bounded per number). Writes are
 * synchronised; reads need no lock: a slice's bytes are written before its address is published.
 */
final class Arena {
    /**
     * A little under 1 MiB, so that with the collector's smallest regions (1 MiB, heaps up to about
     * 2 GiB) a chunk and its array header fill one region instead of spilling into a second.
     */
    static final int CHUNK = (1 << 20) - 64;

    private volatile byte[][] chunks = new byte[16][];
    private int current = -1;
    private int used = CHUNK;

    /** Stores {@code len} bytes of {@code src}; returns {@code chunk << 32 | offset}. */
    synchronized long put(byte[] src, int len) {
        int prefix = prefix(len);
        int need = len + prefix;
        byte[][] cs = chunks;
        int chunk;
        int offset;
        if (need > CHUNK) {
            chunk = addChunk(new byte[need]); // a slice bigger than a chunk gets its own
            offset = 0;
        } else {
            if (used + need > CHUNK) {
                current = addChunk(new byte[CHUNK]);
                used = 0;
            }
            chunk = current;
            offset = used;
            used += need;
        }
        byte[] c = chunks[chunk];
        int p = offset;
        int v = len;
        while ((v & ~0x7F) != 0) {
            c[p++] = (byte) (v & 0x7F | 0x80);
            v >>>= 7;
        }
        c[p] = (byte) v;
        System.arraycopy(src, 0, c, offset + prefix, len);
        return (long) chunk << 32 | offset;
    }

    private int addChunk(byte[] c) {
        byte[][] cs = chunks;
        int n = 0;
        while (n < cs.length && cs[n] != null) {
            n++;
        }
        if (n == cs.length) {
            cs = java.util.Arrays.copyOf(cs, cs.length * 2);
        }
        cs[n] = c;
        chunks = cs; // volatile write publishes the chunk
        return n;
    }

    /** Bytes of all chunks allocated (live and old slices alike). */
    synchronized long bytes() {
        long n = 0;
        for (byte[] c : chunks) {
            if (c != null) {
                n += c.length;
            }
        }
        return n;
    }

    byte[] chunk(int index) {
        return chunks[index];
    }

    /** The bytes of the length prefix of a slice of {@code len} bytes. */
    static int prefix(int len) {
        int n = 1;
        while ((len & ~0x7F) != 0) {
            len >>>= 7;
            n++;
        }
        return n;
    }

    /** The length of the slice at {@code offset}. */
    static int length(byte[] chunk, int offset) {
        int v = 0;
        for (int shift = 0; ; shift += 7) {
            byte b = chunk[offset++];
            v |= (b & 0x7F) << shift;
            if (b >= 0) {
                return v;
            }
        }
    }
}
