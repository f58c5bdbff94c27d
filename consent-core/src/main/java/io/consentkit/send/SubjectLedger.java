package io.consentkit.send;

import java.time.Instant;
import java.util.Arrays;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The per-subject caps of the sending rules (Florida, Oklahoma, Maryland: at most 3 messages per
 * 24 hours to one number on the same subject), counted in process memory: per number and subject,
 * the send times still inside the longest cap period. A send reserves its time before the gateway is
 * called ({@link #check}); {@link #settle} keeps it when the message was (or may have been) sent and
 * gives it back otherwise, so racing sends never exceed a cap.
 *
 * <p>The decision itself is {@link #decide}: from the times of earlier sends on the subject, allow or
 * defer until the oldest counted one leaves the period. A durable or shared limit store can count the
 * same keys ({@link #key}) and call it. The counts here do not survive a restart.
 *
 * <p>Thread-safe: each key's times are guarded by their own lock.
 */
final class SubjectLedger {
    private static final int SWEEP_MIN_SIZE = 1024;
    private static final long SWEEP_EVERY = 60_000L;

    private final ConcurrentHashMap<String, long[][]> times = new ConcurrentHashMap<>();
    private final AtomicLong nextSweep = new AtomicLong(Long.MIN_VALUE);
    private volatile long longestPeriod;

    /** A refusal: the rule whose cap is used up and when its oldest counted send leaves the period. */
    record Denial(SendingRule rule, int count, Instant until) {
    }

    /** A send time reserved under one key, to keep or give back. */
    record Hold(String key, long time) {
    }

    /** The ledger key of a number and subject. */
    static String key(String e164, String subject) {
        return e164 + '\u0000' + subject;
    }

    /**
     * The decision for one cap: {@code null} to allow, else a {@link Denial}.
     *
     * @param earlier the times (epoch ms, ascending) of earlier sends to the number on the subject
     */
    static Denial decide(SendingRule rule, long[] earlier, int size, long now) {
        long from = now - rule.capPeriod().toMillis();
        int first = 0;
        while (first < size && earlier[first] <= from) {
            first++;
        }
        int inPeriod = size - first;
        if (inPeriod < rule.subjectCap()) {
            return null;
        }
        // the send that has to leave the period before one more fits
        long leaving = earlier[first + inPeriod - rule.subjectCap()];
        return new Denial(rule, inPeriod, Instant.ofEpochMilli(leaving + rule.capPeriod().toMillis()));
    }

    /**
     * Checks every cap for {@code key} at {@code now}; if all allow and {@code reserve} is true,
     * reserves the send.
     *
     * @return the most restrictive {@link Denial}, a {@link Hold}, or null (allowed, nothing reserved)
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
                int size = (int) cell[1][0];
                Denial worst = null;
                for (SendingRule r : caps) {
                    Denial d = decide(r, cell[0], size, now);
                    if (d != null && (worst == null || d.until().isAfter(worst.until()))) {
                        worst = d;
                    }
                }
                if (worst != null) {
                    return worst;
                }
                if (!reserve) {
                    return null;
                }
                if (size == cell[0].length) {
                    cell[0] = Arrays.copyOf(cell[0], size * 2);
                }
                int i = size;
                while (i > 0 && cell[0][i - 1] > now) {
                    cell[0][i] = cell[0][i - 1];
                    i--;
                }
                cell[0][i] = now;
                cell[1][0] = size + 1;
                return new Hold(key, now);
            }
        }
    }

    /** Keeps {@code hold} if {@code outcome} sent (or may have); gives it back otherwise. */
    void settle(Hold hold, SendOutcome outcome) {
        boolean keep = outcome instanceof SendOutcome.Sent
                || outcome instanceof SendOutcome.Failed f && f.unknownOutcome();
        if (keep) {
            return;
        }
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
