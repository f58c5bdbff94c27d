package io.consentkit.send;

import java.util.Arrays;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The in-memory store's count of the sending rules' per-subject caps (Florida, Oklahoma, Maryland:
 * at most 3 messages per 24 hours to one number on the same subject): per subject key
 * ({@link SendLog#subjectKey}), the send times still inside the longest cap period seen. A send
 * reserves its time ({@link #check}) before the gateway is called, and a send that did not happen
 * {@link #release gives it back}, so racing sends never exceed a cap. The decision itself is
 * {@link LimitPolicy#subjectCapDenial}, shared with every other store. A new sender over a durable
 * send log {@link #seed seeds} the times from the log's {@code subject_key} column.
 *
 * <p>Thread-safe: each key's times are guarded by their own lock.
 */
final class SubjectLedger {
    private static final int SWEEP_MIN_SIZE = 1024;
    private static final long SWEEP_EVERY = 60_000L;

    private final ConcurrentHashMap<String, long[][]> times = new ConcurrentHashMap<>();
    private final AtomicLong nextSweep = new AtomicLong(Long.MIN_VALUE);
    private volatile long longestPeriod;

    /** A send time reserved under one key, to keep or give back. */
    record Hold(String key, long time) {
    }

    /**
     * Checks every cap for {@code key} at {@code now}; if all allow and {@code reserve} is true,
     * reserves the send.
     *
     * @return the most restrictive {@link LimitStore.Denial}, a {@link Hold}, or null (allowed, nothing reserved)
     */
    Object check(String key, List<SendingRule> caps, long now, boolean reserve) {
        long longest = 0;
        for (SendingRule r : caps) {
            longest = Math.max(longest, r.capPeriod().toMillis());
        }
        if (longest > longestPeriod) {
            longestPeriod = longest;
        }
        maybeSweep(now);
        while (true) {
            long[][] cell = times.computeIfAbsent(key, k -> new long[][]{new long[4], {0}});
            synchronized (cell) {
                if (times.get(key) != cell) {
                    continue; // swept meanwhile
                }
                LimitStore.Denial worst = LimitPolicy.subjectCapDenial(caps, cell[0], (int) cell[1][0], now);
                if (worst != null) {
                    return worst;
                }
                if (!reserve) {
                    return null;
                }
                insert(cell, now);
                return new Hold(key, now);
            }
        }
    }

    /** Counts a past send under {@code key} without checking any cap (history from the send log). */
    void seed(String key, long at) {
        while (true) {
            long[][] cell = times.computeIfAbsent(key, k -> new long[][]{new long[4], {0}});
            synchronized (cell) {
                if (times.get(key) != cell) {
                    continue;
                }
                insert(cell, at);
                return;
            }
        }
    }

    /** Inserts {@code at} in order; the caller holds the cell's lock. */
    private static void insert(long[][] cell, long at) {
        int size = (int) cell[1][0];
        if (size == cell[0].length) {
            cell[0] = Arrays.copyOf(cell[0], size * 2);
        }
        int i = size;
        while (i > 0 && cell[0][i - 1] > at) {
            cell[0][i] = cell[0][i - 1];
            i--;
        }
        cell[0][i] = at;
        cell[1][0] = size + 1;
    }

    /** Gives {@code hold} back: the message was certainly not sent. */
    void release(Hold hold) {
        long[][] cell = times.get(hold.key());
        if (cell == null) {
            return;
        }
        synchronized (cell) {
            int size = (int) cell[1][0];
            for (int i = size - 1; i >= 0; i--) {
                if (cell[0][i] == hold.time()) {
                    System.arraycopy(cell[0], i + 1, cell[0], i, size - i - 1);
                    cell[1][0] = size - 1;
                    return;
                }
            }
        }
    }

    /** Numbers and subjects with state (for tests). */
    int trackedKeys() {
        return times.size();
    }

    private void maybeSweep(long now) {
        long next = nextSweep.get();
        if (now < next || times.size() < SWEEP_MIN_SIZE || !nextSweep.compareAndSet(next, now + SWEEP_EVERY)) {
            return;
        }
        long from = now - longestPeriod;
        Iterator<Map.Entry<String, long[][]>> it = times.entrySet().iterator();
        while (it.hasNext()) {
            Map.Entry<String, long[][]> e = it.next();
            long[][] cell = e.getValue();
            synchronized (cell) {
                int size = (int) cell[1][0];
                if (size == 0 || cell[0][size - 1] <= from) {
                    times.remove(e.getKey(), cell);
                }
            }
        }
    }
}
