package io.consentkit.consent.internal;

import java.util.concurrent.ConcurrentHashMap;

/**
 * Stores each distinct repeated text once (consent texts, opt-in and revocation methods, metadata
 * keys) and hands out small integer ids for the compact row encoding. Reads of an id are safe in
 * any thread that learned the id through a published row. Thread-safe.
 */
final class TextPool {
    private static final int CHUNK_BITS = 10;
    private static final int CHUNK = 1 << CHUNK_BITS;

    private final ConcurrentHashMap<String, Integer> ids = new ConcurrentHashMap<>();
    private volatile String[][] chunks = new String[16][];
    private int size;

    TextPool() {
        id(""); // id 0 is the empty string
    }

    int id(String s) {
        Integer id = ids.get(s);
        if (id != null) {
            return id;
        }
        synchronized (this) {
            id = ids.get(s);
            if (id != null) {
                return id;
            }
            int n = size;
            String[][] cs = chunks;
            int c = n >>> CHUNK_BITS;
            if (c == cs.length) {
                cs = java.util.Arrays.copyOf(cs, cs.length * 2);
            }
            if (cs[c] == null) {
                cs[c] = new String[CHUNK];
            }
            cs[c][n & (CHUNK - 1)] = s;
            chunks = cs;
            size = n + 1;
            ids.put(s, n);
            return n;
        }
    }

    /** The id of {@code s} if it is pooled, else -1 (adds nothing). */
    int find(String s) {
        Integer id = ids.get(s);
        return id == null ? -1 : id;
    }

    String get(int id) {
        return chunks[id >>> CHUNK_BITS][id & (CHUNK - 1)];
    }
}
