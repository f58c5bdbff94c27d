package io.consentkit.consent.internal;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;

/**
 * An open-addressing hash map from non-zero {@code long} keys to {@code long} values, no objects for
 * the collector to trace. A slot is a key and its value side by side in one array (a lookup touches
 * one cache line); the table's capacity is any size, not a power of two (a slot is chosen by
 * multiply-shift range reduction), filled to at most 3/4 and grown by half, so a million entries
 * take 1.5 million slots of 16 bytes (a power-of-two table kept below half full needed 2^21). Reads
 * are lock-free (acquire reads of slots written with release semantics); writes are serialised by the
 * map's monitor. The tracker's index uses one for number to row-slice address.
 */
final class LongLongMap {
    private static final VarHandle SLOTS = MethodHandles.arrayElementVarHandle(long[].class);
    static final int INITIAL = 1024;

    /** {@code slots[2i]} is slot i's key (0: empty), {@code slots[2i + 1]} its value. */
    private static final class Table {
        final long[] slots;
        final int capacity;

        Table(int capacity) {
            this.slots = new long[2 * capacity];
            this.capacity = capacity;
        }
    }

    private volatile Table table = new Table(INITIAL);
    private int size;

    /** The home slot of {@code key} in a table of {@code capacity} slots. */
    static int slot(long key, int capacity) {
        long h = mix(key);
        return (int) (((h >>> 32) * capacity) >>> 32);
    }

    /** A full-avalanche 64-bit mix (the finaliser of MurmurHash3). */
    static long mix(long key) {
        long h = key;
        h ^= h >>> 33;
        h *= 0xff51afd7ed558ccdL;
        h ^= h >>> 33;
        h *= 0xc4ceb9fe1a85ec53L;
        h ^= h >>> 33;
        return h;
    }

    /** The capacity after {@code capacity} (half again, at least one more). */
    static int grown(int capacity) {
        long next = capacity + (capacity >>> 1) + 1;
        if (next > Integer.MAX_VALUE / 2 - 8) {
            throw new IllegalStateException("table full: " + capacity + " slots");
        }
        return (int) next;
    }

    /** True if {@code size} entries need a bigger table than {@code capacity} slots (over 3/4 full). */
    static boolean full(long size, int capacity) {
        return size * 4 > (long) capacity * 3;
    }

    /** The index (into {@code slots}) of {@code key}'s slot, or of the empty slot where it would go. */
    private static int find(Table t, long key) {
        int i = slot(key, t.capacity);
        long[] s = t.slots;
        while (true) {
            long k = s[2 * i];
            if (k == key || k == 0) {
                return 2 * i;
            }
            i = i + 1 == t.capacity ? 0 : i + 1;
        }
    }

    /**
     * Sets {@code key} to the value {@code update} computes from its current one ({@code missing} if
     * absent), in one probe; returns the new value.
     */
    synchronized long update(long key, long missing, java.util.function.LongUnaryOperator update) {
        Table t = table;
        int at = find(t, key);
        if (t.slots[at] == key) {
            long v = update.applyAsLong(t.slots[at + 1]);
            SLOTS.setRelease(t.slots, at + 1, v);
            return v;
        }
        long v = update.applyAsLong(missing);
        if (full(size + 1L, t.capacity) || table != t) {
            putIfAbsent(key, v); // grows the table first
        } else {
            SLOTS.setRelease(t.slots, at + 1, v); // the empty slot the probe ended on
            SLOTS.setRelease(t.slots, at, key);
            size++;
        }
        return v;
    }

    /** Sets {@code key} to {@code value}, replacing any value it had. */
    synchronized void put(long key, long value) {
        Table t = table;
        int at = find(t, key);
        if (t.slots[at] == key) {
            SLOTS.setRelease(t.slots, at + 1, value);
            return;
        }
        putIfAbsent(key, value);
    }

    synchronized int size() {
        return size;
    }

    /** Slots in the current table (for footprint tests). */
    synchronized int capacity() {
        return table.capacity;
    }

    /** Receives entries. */
    @FunctionalInterface
    interface EntryVisitor {
        void visit(long key, long value);
    }

    /** Visits every entry present when the call began (and possibly later ones). */
    void forEach(EntryVisitor visitor) {
        Table t = table;
        for (int i = 0; i < t.slots.length; i += 2) {
            long k = (long) SLOTS.getAcquire(t.slots, i);
            if (k != 0) {
                visitor.visit(k, (long) SLOTS.getAcquire(t.slots, i + 1));
            }
        }
    }

    /** The value of {@code key}, or {@code missing}. */
    long get(long key, long missing) {
        Table t = table;
        long[] s = t.slots;
        int cap = t.capacity;
        int i = slot(key, cap);
        while (true) {
            long k = (long) SLOTS.getAcquire(s, 2 * i);
            if (k == key) {
                return (long) SLOTS.getAcquire(s, 2 * i + 1);
            }
            if (k == 0) {
                return missing;
            }
            i = i + 1 == cap ? 0 : i + 1;
        }
    }

    /** Sets {@code key} to {@code value} unless the key is present already. */
    synchronized void putIfAbsent(long key, long value) {
        if (key == 0) {
            throw new IllegalArgumentException("key 0 is reserved");
        }
        Table t = table;
        if (full(size + 1L, t.capacity)) {
            Table bigger = new Table(grown(t.capacity));
            for (int j = 0; j < t.slots.length; j += 2) {
                long k = t.slots[j];
                if (k != 0) {
                    int at = find(bigger, k);
                    bigger.slots[at] = k;
                    bigger.slots[at + 1] = t.slots[j + 1];
                }
            }
            table = bigger; // volatile write publishes the filled table
            t = bigger;
        }
        int at = find(t, key);
        if (t.slots[at] == key) {
            return;
        }
        SLOTS.setRelease(t.slots, at + 1, value);
        SLOTS.setRelease(t.slots, at, key);
        size++;
    }
}
