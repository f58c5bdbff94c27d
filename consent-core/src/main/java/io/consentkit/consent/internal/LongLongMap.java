package io.consentkit.consent.internal;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;

/**
 * An insert-only open-addressing map from non-zero {@code long} keys to {@code long} values (16 bytes
 * a slot, no objects): the index from consent id to number. Lock-free reads, synchronised writes, as
 * in {@link LongObjectMap}. A key's value never changes once set.
 */
final class LongLongMap {
    private static final VarHandle KEYS = MethodHandles.arrayElementVarHandle(long[].class);

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

    /** The value of {@code key}, or {@code missing}. */
    long get(long key, long missing) {
        Table t = table;
        int i = LongObjectMap.slot(key, t.mask);
        while (true) {
            long k = (long) KEYS.getAcquire(t.keys, i);
            if (k == key) {
                return t.vals[i]; // written before the key was released
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
                    int i = LongObjectMap.slot(t.keys[j], bigger.mask);
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
        int i = LongObjectMap.slot(key, t.mask);
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
        t.vals[i] = value;
        KEYS.setRelease(t.keys, i, key);
        size++;
    }
}
