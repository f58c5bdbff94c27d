package io.consentkit.internal;

import java.util.concurrent.ConcurrentHashMap;

/**
 * Shares one instance of short, low-cardinality strings (opt-in methods, revocation methods,
 * metadata keys) across journal rows. Bounded: once full it stops adding. Not public API.
 */
public final class Interner {
    private static final int LIMIT = 4096;
    private static final int MAX_LENGTH = 64;
    private static final ConcurrentHashMap<String, String> POOL = new ConcurrentHashMap<>();

    private Interner() {
    }

    /** The shared instance equal to {@code s} (or {@code s} itself when the pool is full or s is long). */
    public static String intern(String s) {
        if (s.isEmpty()) {
            return "";
        }
        if (s.length() > MAX_LENGTH) {
            return s;
        }
        String shared = POOL.get(s);
        if (shared != null) {
            return shared;
        }
        if (POOL.size() >= LIMIT) {
            return s;
        }
        shared = POOL.putIfAbsent(s, s);
        return shared == null ? s : shared;
    }
}
