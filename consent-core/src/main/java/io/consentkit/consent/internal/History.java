package io.consentkit.consent.internal;

import io.consentkit.journal.ConsentStatus;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;

/**
 * A number with a long history (more than {@link Index#BIG_BYTES} of rows): its rows appended to one
 * growable array, never re-encoded, and its current state (flags, latest revocation, the rows that
 * are active or pending, the most recent row) kept up to date row by row, so a change costs O(1)
 * amortised whatever the number's history, and memory is O(rows). Readers get an immutable
 * {@link NumberState} snapshot: the bytes it covers are written before it is published and never
 * change (a bigger array is a copy; old snapshots keep the old one). {@link #add} is called by one
 * writer at a time (the index's rule); {@link #state} by anyone.
 */
final class History {
    /** What one row of bookkeeping per consent id costs on the heap, about (entry, map node, key). */
    private static final int ENTRY_BYTES = 96;

    /** The latest row of one consent id. */
    private static final class Entry {
        final int ordinal; // order of first appearance
        int offset;
        ConsentStatus status;
        long seconds;
        int nanos;
        long effSeconds; // the later of the timestamp and the revocation time
        int effNanos;

        Entry(int ordinal) {
            this.ordinal = ordinal;
        }

        boolean live() {
            return status == ConsentStatus.ACTIVE || status == ConsentStatus.PENDING;
        }

        int compareEff(long s, int n) {
            return effSeconds != s ? Long.compare(effSeconds, s) : Integer.compare(effNanos, n);
        }

        /** Later effective time wins; on a tie the id that appeared later (the fold's order). */
        boolean after(Entry o) {
            int c = compareEff(o.effSeconds, o.effNanos);
            return c > 0 || c == 0 && ordinal > o.ordinal;
        }
    }

    private final long phoneKey;
    private final HashMap<Object, Entry> ids = new HashMap<>();
    private final List<Entry> live = new ArrayList<>(2); // by ordinal
    private final RowCodec.Header header = new RowCodec.Header();
    private byte[] data;
    private int size;
    private int rows;
    private Entry latest;
    private boolean revoked;
    private long revokedSeconds;
    private int revokedNanos;
    private volatile NumberState state;

    History(long phoneKey, int capacity) {
        this.phoneKey = phoneKey;
        this.data = new byte[Math.max(capacity, 64)];
    }

    NumberState state() {
        return state;
    }

    /** Appends the rows in {@code src[off, off + len)} (whole encoded rows); returns the new flags. */
    byte add(byte[] src, int off, int len) {
        if (size + len > data.length) {
            data = Arrays.copyOf(data, Math.max(data.length * 2, size + len));
        }
        System.arraycopy(src, off, data, size, len);
        int pos = size;
        int end = size + len;
        while (pos < end) {
            pos = fold(pos);
        }
        size = end;
        byte flags = flags();
        state = new NumberState(phoneKey, data, 0, size, flags, summary());
        return flags;
    }

    /** Folds the row at {@code pos} into the current state; returns where the next row starts. */
    private int fold(int pos) {
        RowCodec.Header h = header;
        RowCodec.readHeader(data, pos, h);
        rows++;
        Object key = h.id != null ? h.id : Long.valueOf(h.idBits);
        Entry e = ids.get(key);
        if (e == null) {
            e = new Entry(ids.size());
            ids.put(key, e);
        } else if (e.live()) {
            live.remove(e);
        }
        boolean wasLatest = e == latest;
        long oldEffSeconds = e.effSeconds;
        int oldEffNanos = e.effNanos;
        e.offset = pos;
        e.status = h.status;
        e.seconds = h.seconds;
        e.nanos = h.nanos;
        e.effSeconds = h.seconds;
        e.effNanos = h.nanos;
        if (h.hasRevokedAt && (h.revokedSeconds > h.seconds || h.revokedSeconds == h.seconds && h.revokedNanos > h.nanos)) {
            e.effSeconds = h.revokedSeconds;
            e.effNanos = h.revokedNanos;
        }
        if (e.live()) {
            int i = live.size();
            while (i > 0 && live.get(i - 1).ordinal > e.ordinal) {
                i--;
            }
            live.add(i, e);
        }
        if (h.status == ConsentStatus.REVOKED) {
            long s = h.hasRevokedAt ? h.revokedSeconds : h.seconds;
            int n = h.hasRevokedAt ? h.revokedNanos : h.nanos;
            if (!revoked || s > revokedSeconds || s == revokedSeconds && n > revokedNanos) {
                revokedSeconds = s;
                revokedNanos = n;
            }
            revoked = true;
        }
        if (latest == null || e != latest && e.after(latest)) {
            latest = e;
        } else if (wasLatest && e.compareEff(oldEffSeconds, oldEffNanos) < 0) {
            latest = null; // the latest row went back in time (a rare back-dated row): look again
            for (Entry x : ids.values()) {
                if (latest == null || x.after(latest)) {
                    latest = x;
                }
            }
        }
        return h.end;
    }

    /** The answers to "may I text this number?", as {@link NumberState#flagsOf} computes them from all rows. */
    private byte flags() {
        byte f = revoked ? NumberState.HAS_REVOCATION : 0;
        for (Entry e : live) {
            if (e.status == ConsentStatus.ACTIVE && (!revoked || compare(e, revokedSeconds, revokedNanos) >= 0)) {
                f |= NumberState.ACTIVE;
            }
            if (e.status == ConsentStatus.PENDING) {
                f |= NumberState.HAS_PENDING;
            }
        }
        if (revoked && (f & NumberState.ACTIVE) == 0) {
            f |= NumberState.OPTED_OUT;
        }
        return f;
    }

    private static int compare(Entry e, long s, int n) {
        return e.seconds != s ? Long.compare(e.seconds, s) : Integer.compare(e.nanos, n);
    }

    private NumberState.Summary summary() {
        int[] liveOffsets = new int[live.size()];
        for (int i = 0; i < liveOffsets.length; i++) {
            liveOffsets[i] = live.get(i).offset;
        }
        return new NumberState.Summary(liveOffsets, latest.offset, revoked, revokedSeconds, revokedNanos, rows,
                ids.size());
    }

    /** Heap held, about: the row array and the per-id bookkeeping. */
    long bytesHeld() {
        NumberState st = state;
        return st == null ? 0 : st.capacity() + (long) st.summary().ids() * ENTRY_BYTES;
    }
}
