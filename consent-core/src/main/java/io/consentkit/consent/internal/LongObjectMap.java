package io.consentkit.consent.internal;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.util.function.BiConsumer;

/**
 * An open-addressing hash map from non-zero {@code long} keys to values: no boxing, no entry
 * objects, about 24 bytes a slot. Reads are lock-free (acquire reads of slots written with release
 * semantics); writes are serialised by the map's monitor. Used for the tracker's index, where a
 * phone number's E.164 digits are the key.
 */
final class LongObjectMap<V> {
    private static final VarHandle KEYS = MethodHandles.arrayElementVarHandle(long[].class);
    private static final VarHandle VALS = MethodHandles.arrayElementVarHandle(Object[].class);

    private static final class Table {
        final long[] keys;
        final Object[] vals;
        final int mask;

        Table(int capacity) {
            keys = new long[capacity];
            vals = new Object[capacity];
            mask = capacity - 1;
        }
    }

    private volatile Table table = new Table(1024);
    private int size;

    static int slot(long key, int mask) {
        long h = key * 0x9E3779B97F4A7C15L;
        return (int) (h ^ (h >>> 32)) & mask;
    }

    @SuppressWarnings("unchecked")
    V get(long key) {
        Table t = table;
        long[] keys = t.keys;
        int i = slot(key, t.mask);
        while (true) {
            long k = (long) KEYS.getAcquire(keys, i);
            if (k == key) {
                return (V) VALS.getAcquire(t.vals, i);
            }
            if (k == 0) {
                return null;
            }
            i = (i + 1) & t.mask;
        }
    }

    /** Sets the value for {@code key} (which must not be 0). */
    synchronized void put(long key, V value) {
        if (key == 0) {
            throw new IllegalArgumentException("key 0 is reserved");
        }
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
        if ((size + 1) * 2 > t.keys.length) {
            t = grow(t);
            i = slot(key, t.mask);
            while (t.keys[i] != 0) {
                i = (i + 1) & t.mask;
            }
        }
        VALS.setRelease(t.vals, i, value);
        KEYS.setRelease(t.keys, i, key);
        size++;
    }

    private Table grow(Table old) {
        Table t = new Table(old.keys.length * 2);
        for (int j = 0; j < old.keys.length; j++) {
            long k = old.keys[j];
            if (k != 0) {
                int i = slot(k, t.mask);
                while (t.keys[i] != 0) {
                    i = (i + 1) & t.mask;
                }
                t.keys[i] = k;
                t.vals[i] = old.vals[j];
            }
        }
        table = t; // volatile write publishes the filled table
        return t;
    }

    synchronized int size() {
        return size;
    }

    /** Visits every entry present when the call began (and possibly later ones). */
    @SuppressWarnings("unchecked")
    void forEach(BiConsumer<Long, V> action) {
        Table t = table;
        for (int i = 0; i < t.keys.length; i++) {
            long k = (long) KEYS.getAcquire(t.keys, i);
            if (k != 0) {
                action.accept(k, (V) VALS.getAcquire(t.vals, i));
            }
        }
    }

    /** Visits every value present when the call began (and possibly later ones). */
    @SuppressWarnings("unchecked")
    void forEachValue(java.util.function.Consumer<V> action) {
        Table t = table;
        for (int i = 0; i < t.keys.length; i++) {
            if ((long) KEYS.getAcquire(t.keys, i) != 0) {
                action.accept((V) VALS.getAcquire(t.vals, i));
            }
        }
    }
}
