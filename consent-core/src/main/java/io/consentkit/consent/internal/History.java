package io.consentkit.consent.internal;

import io.consentkit.journal.ConsentStatus;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.concurrent.ConcurrentHashMap;
import java.util.List;

/**
 * A number with a long history (more than {@link Index#BIG_BYTES} of rows): its rows appended to one
 * growable array, never re-encoded, and its current state (flags, latest revocation, the most recent
 * row and the most recent counting consent, the consents that are active or pending) kept up to
 * date row by row, so a change costs O(1) amortised whatever the number's history, and memory is
 * O(rows). Readers get an immutable {@link NumberState} snapshot: the bytes it covers are written
 * before it is published and never change (a bigger array is a copy; old snapshots keep the old
 * one). {@link #add} and {@link #liveOffsets} are called under the number's write lock, one writer
 * at a time (the index's rule); {@link #state} by anyone. Thread-safe on those terms.
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
        boolean listed; // in {@link #live} (possibly no longer live: removed lazily)

        Entry(int ordinal) {
            this.ordinal = ordinal;
        }

        boolean live() {
            return status == ConsentStatus.ACTIVE || status == ConsentStatus.PENDING;
        }

        /** Later effective time wins; on a tie the id that appeared later (the fold's order). */
        boolean after(Entry o) {
            int c = effSeconds != o.effSeconds ? Long.compare(effSeconds, o.effSeconds)
                    : Integer.compare(effNanos, o.effNanos);
            return c > 0 || c == 0 && ordinal > o.ordinal;
        }

        /** Later timestamp wins; on a tie the later id. */
        boolean newer(Entry o) {
            int c = seconds != o.seconds ? Long.compare(seconds, o.seconds) : Integer.compare(nanos, o.nanos);
            return c > 0 || c == 0 && ordinal > o.ordinal;
        }
    }

    private final long phoneKey;
    private final ConcurrentHashMap<Object, Entry> ids = new ConcurrentHashMap<>(); // read by any thread: {@link #hasId}
    /** Every live entry, by ordinal, and some that no longer are ({@link #stale} of them). */
    private final List<Entry> live = new ArrayList<>(4);
    private final RowCodec.Header header = new RowCodec.Header();
    private byte[] data;
    private int size;
    private int rows;
    private int stale;
    private int pending;
    private int counting; // active and given at or after the latest revocation
    private Entry latest;
    private Entry latestCounting;
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

    /** True if a row of the id (hex bits {@code idBits}, or 0 and the id) has been added. Any thread. */
    boolean hasId(long idBits, String id) {
        return ids.containsKey(idBits != 0 ? Long.valueOf(idBits) : id);
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
        state = new NumberState(phoneKey, data, 0, size, flags, new NumberState.Summary(latest.offset,
                latestCounting == null ? -1 : latestCounting.offset, revoked, revokedSeconds, revokedNanos, rows,
                ids.size()));
        return flags;
    }

    /** The offsets of the rows of the consents that are active or pending, by first appearance. */
    int[] liveOffsets() {
        int[] out = new int[live.size() - stale];
        int n = 0;
        for (Entry e : live) {
            if (e.live()) {
                out[n++] = e.offset;
            }
        }
        return out;
    }

    /** Folds the row at {@code pos} into the current state; returns where the next row starts. */
    private int fold(int pos) {
        RowCodec.Header h = header;
        RowCodec.readHeader(data, pos, h);
        rows++;
        Object key = h.id != null ? h.id : Long.valueOf(h.idBits);
        Entry e = ids.get(key);
        boolean wasLive = false;
        boolean wasCounting = false;
        if (e == null) {
            e = new Entry(ids.size());
            ids.put(key, e);
        } else {
            wasLive = e.live();
            wasCounting = counts(e);
            if (e.status == ConsentStatus.PENDING) {
                pending--;
            }
        }
        boolean wasLatest = e == latest;
        long oldEffSeconds = e.effSeconds;
        int oldEffNanos = e.effNanos;
        long oldSeconds = e.seconds;
        int oldNanos = e.nanos;
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
        if (e.status == ConsentStatus.PENDING) {
            pending++;
        }
        list(e, wasLive);
        boolean later = false;
        if (h.status == ConsentStatus.REVOKED) {
            long s = h.hasRevokedAt ? h.revokedSeconds : h.seconds;
            int n = h.hasRevokedAt ? h.revokedNanos : h.nanos;
            if (!revoked || s > revokedSeconds || s == revokedSeconds && n > revokedNanos) {
                revokedSeconds = s;
                revokedNanos = n;
                later = true;
            }
            revoked = true;
        }
        if (later) {
            recount(); // a later opt-out: consents given before it no longer count
        } else {
            boolean nowCounting = counts(e);
            counting += (nowCounting ? 1 : 0) - (wasCounting ? 1 : 0);
            if (nowCounting && (latestCounting == null || e != latestCounting && e.newer(latestCounting))) {
                latestCounting = e;
            } else if (e == latestCounting && (!nowCounting || e.seconds < oldSeconds
                    || e.seconds == oldSeconds && e.nanos < oldNanos)) {
                findLatestCounting();
            }
        }
        if (latest == null || e != latest && e.after(latest)) {
            latest = e;
        } else if (wasLatest && (e.effSeconds < oldEffSeconds || e.effSeconds == oldEffSeconds
                && e.effNanos < oldEffNanos)) {
            latest = null; // the latest row went back in time (a rare back-dated row): look again
            for (Entry x : ids.values()) {
                if (latest == null || x.after(latest)) {
                    latest = x;
                }
            }
        }
        return h.end;
    }

    /** Keeps {@link #live} holding every live entry in order; drops stale ones when they are half of it. */
    private void list(Entry e, boolean wasLive) {
        boolean isLive = e.live();
        if (e.listed) {
            stale += (wasLive ? 1 : 0) - (isLive ? 1 : 0);
        } else if (isLive) {
            int i = live.size();
            while (i > 0 && live.get(i - 1).ordinal > e.ordinal) {
                i--; // an old id live again (rare): its place by first appearance
            }
            live.add(i, e);
            e.listed = true;
        }
        if (stale > 8 && stale * 2 > live.size()) {
            live.removeIf(x -> {
                x.listed = x.live();
                return !x.listed;
            });
            stale = 0;
        }
    }

    /** Active and given at or after the number's latest opt-out. */
    private boolean counts(Entry e) {
        return e.status == ConsentStatus.ACTIVE && (!revoked || e.seconds > revokedSeconds
                || e.seconds == revokedSeconds && e.nanos >= revokedNanos);
    }

    private void recount() {
        counting = 0;
        latestCounting = null;
        for (Entry x : live) {
            if (counts(x)) {
                counting++;
                if (latestCounting == null || x.newer(latestCounting)) {
                    latestCounting = x;
                }
            }
        }
    }

    private void findLatestCounting() {
        latestCounting = null;
        for (Entry x : live) {
            if (counts(x) && (latestCounting == null || x.newer(latestCounting))) {
                latestCounting = x;
            }
        }
    }

    /** The answers to "may I text this number?", as {@link NumberState#flagsOf} computes them from all rows. */
    private byte flags() {
        byte f = revoked ? NumberState.HAS_REVOCATION : 0;
        if (counting > 0) {
            f |= NumberState.ACTIVE;
        } else if (revoked) {
            f |= NumberState.OPTED_OUT;
        }
        if (pending > 0) {
            f |= NumberState.HAS_PENDING;
        }
        return f;
    }

    /** Heap held, about: the row array and the per-id bookkeeping. */
    long bytesHeld() {
        NumberState st = state;
        return st == null ? 0 : st.capacity() + (long) st.summary().ids() * ENTRY_BYTES;
    }
}
