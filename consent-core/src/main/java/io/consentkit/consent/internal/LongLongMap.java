package io.consentkit.consent.internal;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;

/**
 * An open-addressing hash map from non-zero {@code long} keys to {@code long} values: 16 bytes a
 * slot, no objects for the collector to trace. Reads are lock-free (acquire reads of slots written
 * with release semantics); writes are serialised by the map's monitor. The tracker's index uses one
 * for number to row-slice address and one for consent id to number.
 */
final class LongLongMap {
    private static final VarHandle KEYS = MethodHandles.arrayElementVarHandle(long[].class);
    private static final VarHandle VALS = KEYS;

    private static final class Table {
        final long[] keys;
        final long[] vals;
        final int mask;

        Table(int capacity) {
            keys = new long[capacity];
            vals = new long[capacity];
            mask = capacity - 1;
        }
    }

    private volatile Table table = new Table(1024);
    private int size;

    static int slot(long key, int mask) {
        long h = key * 0x9E3779B97F4A7C15L;
        return (int) (h ^ (h >>> 32)) & mask;
    }

    /**
     * Sets {@code key} to the value {@code update} computes from its current one ({@code missing} if
     * absent), in one probe; returns the new value.
     */
    synchronized long update(long key, long missing, java.util.function.LongUnaryOperator update) {
        Table t = table;
        int i = slot(key, t.mask);
        while (true) {
            long k = t.keys[i];
            if (k == key) {
                long v = update.applyAsLong(t.vals[i]);
                VALS.setRelease(t.vals, i, v);
                return v;
            }
            if (k == 0) {
                break;
            }
            i = (i + 1) & t.mask;
        }
        long v = update.applyAsLong(missing);
        putIfAbsent(key, v);
        return v;
    }

    /** Sets {@code key} to {@code value}, replacing any value it had. */
    synchronized void put(long key, long value) {
        Table t = table;
        int i = slot(key, t.mask);
        while (true) {
            long k = t.keys[i];
            if (k == key) {
                VALS.setRelease(t.vals, i, value);
                return;
            }
            if (k == 0) {
                break;
            }
            i = (i + 1) & t.mask;
        }
        putIfAbsent(key, value);
    }

    synchronized int size() {
        return size;
    }

    /** Receives entries. */
    @FunctionalInterface
    interface EntryVisitor {
        void visit(long key, long value);
    }

    /** Visits every entry present when the call began (and possibly later ones). */
    void forEach(EntryVisitor visitor) {
        Table t = table;
        for (int i = 0; i < t.keys.length; i++) {
            long k = (long) KEYS.getAcquire(t.keys, i);
            if (k != 0) {
                visitor.visit(k, (long) VALS.getAcquire(t.vals, i));
            }
        }
    }

    /** The value of {@code key}, or {@code missing}. */
    long get(long key, long missing) {
        Table t = table;
        int i = slot(key, t.mask);
        while (true) {
            long k = (long) KEYS.getAcquire(t.keys, i);
            if (k == key) {
                return (long) VALS.getAcquire(t.vals, i);
            }
            if (k == 0) {
                return missing;
            }
            i = (i + 1) & t.mask;
        }
    }

    /** Sets {@code key} to {@code value} unless the key is present already. */
    synchronized void putIfAbsent(long key, long value) {
        if (key == 0) {
            throw new IllegalArgumentException("key 0 is reserved");
        }
        Table t = table;
        if ((size + 1) * 2 > t.keys.length) {
            Table bigger = new Table(t.keys.length * 2);
            for (int j = 0; j < t.keys.length; j++) {
                if (t.keys[j] != 0) {
                    int i = slot(t.keys[j], bigger.mask);
                    while (bigger.keys[i] != 0) {
                        i = (i + 1) & bigger.mask;
                    }
                    bigger.keys[i] = t.keys[j];
                    bigger.vals[i] = t.vals[j];
                }
            }
            table = bigger;
            t = bigger;
        }
        int i = slot(key, t.mask);
        while (true) {
            long k = t.keys[i];
            if (k == key) {
                return;
            }
            if (k == 0) {
                break;
            }
            i = (i + 1) & t.mask;
        }
        VALS.setRelease(t.vals, i, value);
        KEYS.setRelease(t.keys, i, key);
        size++;
    }
}
