package io.consentkit.consent.internal;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Consent id to number, 12 bytes a slot: 32 bits of the id's hash and the number's key, in an
 * open-addressing table (any capacity, at most 3/4 full, grown by half, as {@link LongLongMap}). The
 * id itself is not kept: its rows hold it, so a slot whose hash matches is confirmed by asking the
 * {@link Owners} whether that number has a row of the id (a hash collision costs a look at one
 * number's row headers, never a wrong answer). Before, a map of the id's 64 bits to the number took
 * 16 bytes a slot in a table kept below half full, and ids that are not 16 hex digits an object each.
 *
 * <p>An id normally belongs to one number (the tracker refuses a row whose id another number has);
 * a journal written by other means may still hold one id under two numbers, and then the first
 * number wins, as before: such ids are remembered apart ({@link #firstOwners}, empty in practice).
 *
 * <p>Reads are lock-free (a slot's hash is written before its number, which is written with release
 * semantics and read with acquire); {@link #add} is serialised by the table's monitor. Thread-safe.
 */
final class IdTable {
    private static final VarHandle PHONES = MethodHandles.arrayElementVarHandle(long[].class);

    /** Whether a number has a row with a consent id. */
    @FunctionalInterface
    interface Owners {
        /** True if number {@code phoneKey} has a row of id {@code id} (whose hex bits are {@code idBits}, or 0). */
        boolean holds(long phoneKey, long idBits, String id);
    }

    private static final class Table {
        final int[] hashes;
        final long[] phones; // 0: empty
        final int capacity;

        Table(int capacity) {
            this.hashes = new int[capacity];
            this.phones = new long[capacity];
            this.capacity = capacity;
        }
    }

    private final Owners owners;
    private volatile Table table = new Table(LongLongMap.INITIAL);
    private int size;
    private final ConcurrentHashMap<String, Long> firstOwners = new ConcurrentHashMap<>();
    private volatile boolean shared;

    IdTable(Owners owners) {
        this.owners = owners;
    }

    /** 32 bits of the hash of an id: its hex bits ({@link RowCodec#hexIdBits}) if it has them, else its characters. */
    static int hash(long idBits, String id) {
        long h = idBits;
        if (h == 0) {
            h = 0xcbf29ce484222325L;
            for (int i = 0; i < id.length(); i++) {
                h = (h ^ id.charAt(i)) * 0x100000001b3L;
            }
        }
        return (int) (LongLongMap.mix(h) >>> 32);
    }

    private static int home(int hash, int capacity) {
        return (int) (((hash & 0xFFFFFFFFL) * capacity) >>> 32);
    }

    /** The number holding the id, or -1. */
    long phoneOf(long idBits, String id) {
        if (shared) {
            Long first = firstOwners.get(id);
            if (first != null) {
                return first;
            }
        }
        int h = hash(idBits, id);
        Table t = table;
        int cap = t.capacity;
        int i = home(h, cap);
        while (true) {
            long p = (long) PHONES.getAcquire(t.phones, i);
            if (p == 0) {
                return -1;
            }
            if (t.hashes[i] == h && owners.holds(p, idBits, id)) {
                return p;
            }
            i = i + 1 == cap ? 0 : i + 1;
        }
    }

    /**
     * Records that number {@code phoneKey} has a row of the id; called after the row is in the
     * number's rows. Nothing changes if the number is known for it already; if another number
     * holds the id, that one stays its number.
     */
    synchronized void add(long idBits, String id, long phoneKey) {
        if (phoneKey <= 0) {
            throw new IllegalArgumentException("number key must be positive");
        }
        int h = hash(idBits, id);
        Table t = table;
        int i = home(h, t.capacity);
        boolean mine = false;
        long other = -1;
        while (t.phones[i] != 0) {
            long p = t.phones[i];
            if (t.hashes[i] == h) {
                if (p == phoneKey) {
                    mine = true; // this number answers for every id of this hash it holds
                } else if (other < 0 && owners.holds(p, idBits, id)) {
                    other = p;
                }
            }
            i = i + 1 == t.capacity ? 0 : i + 1;
        }
        if (other >= 0) {
            firstOwners.putIfAbsent(id, other);
            shared = true; // after the put: a reader that sees it finds the entry
            return;
        }
        if (mine) {
            return;
        }
        if (LongLongMap.full(size + 1L, t.capacity)) {
            t = grow(t);
            i = home(h, t.capacity);
            while (t.phones[i] != 0) {
                i = i + 1 == t.capacity ? 0 : i + 1;
            }
        }
        t.hashes[i] = h;
        PHONES.setRelease(t.phones, i, phoneKey);
        size++;
    }

    private Table grow(Table t) {
        Table bigger = new Table(LongLongMap.grown(t.capacity));
        for (int j = 0; j < t.capacity; j++) {
            long p = t.phones[j];
            if (p != 0) {
                int i = home(t.hashes[j], bigger.capacity);
                while (bigger.phones[i] != 0) {
                    i = i + 1 == bigger.capacity ? 0 : i + 1;
                }
                bigger.hashes[i] = t.hashes[j];
                bigger.phones[i] = p;
            }
        }
        table = bigger; // volatile write publishes the filled table
        return bigger;
    }

    synchronized int size() {
        return size;
    }

    synchronized int capacity() {
        return table.capacity;
    }
}
