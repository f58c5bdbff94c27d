package io.consentkit.consent.internal;

/**
 * Append-only storage for the index's encoded rows: large byte chunks (just under 1 MiB) that the garbage
 * collector allocates once and never copies, instead of a million small arrays it would trace and
 * move. Each stored slice is a 4-byte length followed by the bytes; an address packs the chunk number
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
        int need = len + 4;
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
        c[offset] = (byte) (len >>> 24);
        c[offset + 1] = (byte) (len >>> 16);
        c[offset + 2] = (byte) (len >>> 8);
        c[offset + 3] = (byte) len;
        System.arraycopy(src, 0, c, offset + 4, len);
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

    static int length(byte[] chunk, int offset) {
        return (chunk[offset] & 0xFF) << 24 | (chunk[offset + 1] & 0xFF) << 16 | (chunk[offset + 2] & 0xFF) << 8
                | chunk[offset + 3] & 0xFF;
    }
}
