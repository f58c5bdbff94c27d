package io.consentkit.send;

import io.consentkit.send.internal.Days;
import io.consentkit.send.SendOutcome.Reason;

import java.util.Arrays;
import java.util.Iterator;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.locks.ReentrantLock;

/**
 * Per-recipient cooldown, hourly cap (a sliding 60 minutes) and daily cap (a calendar day in the
 * {@link Days} zone), exact under concurrency: each recipient has its own small state in a
 * {@link ConcurrentHashMap}, locked only while it is checked and a reservation is added, never
 * while the gateway is called. A reservation is the decision time added to the recipient's send
 * times; a send that certainly did not happen gives it back.
 *
 * <p>Idle states are dropped by an occasional sweep (one thread at a time, others skip it), so
 * memory follows the number of recipients texted recently, not ever. Thread-safe.
 */
final class RecipientLimits {
    private static final long HOUR = 3_600_000L;
    private static final int SWEEP_MIN_SIZE = 1024;
    private static final long SWEEP_EVERY = 60_000L;

    private final long cooldownMillis;
    private final int hourlyCap;
    private final int dailyCap;
    private final Days days;
    private final long keepMillis;
    private final ConcurrentHashMap<String, State> states = new ConcurrentHashMap<>();
    private final ReentrantLock sweepLock = new ReentrantLock();
    private volatile long nextSweep = Long.MIN_VALUE;

    /** A refusal: which limit, and the epoch millisecond from which it would allow a send. */
    record Denial(Reason reason, long untilMillis) {
    }

    /** A reservation to commit (keep) or release (give back). */
    static final class Reservation {
        final State state;
        final long time;
        private boolean settled;

        Reservation(State state, long time) {
            this.state = state;
            this.time = time;
        }
    }

    static final class State {
        long[] times = new long[4];
        int size;
        int inFlight;
        boolean retired;
    }

    /**
     * @param cooldownMillis 0 for none
     * @param hourlyCap      0 for none
     * @param dailyCap       0 for none
     */
    RecipientLimits(long cooldownMillis, int hourlyCap, int dailyCap, Days days) {
        this.cooldownMillis = cooldownMillis;
        this.hourlyCap = hourlyCap;
        this.dailyCap = dailyCap;
        this.days = days;
        this.keepMillis = Math.max(cooldownMillis, hourlyCap > 0 ? HOUR : 0);
    }

    /** True if any limit is configured. */
    boolean enabled() {
        return cooldownMillis > 0 || hourlyCap > 0 || dailyCap > 0;
    }

    /**
     * Checks the limits for {@code key} at {@code now} and, if they allow it and {@code reserve} is
     * true, reserves a send.
     *
     * @param cooldown whether the cooldown applies to this message
     * @return a {@link Denial}, a {@link Reservation}, or null (allowed, nothing reserved)
     */
    Object check(String key, long now, boolean cooldown, boolean reserve) {
        maybeSweep(now);
        while (true) {
            State s = states.computeIfAbsent(key, k -> new State());
            synchronized (s) {
                if (s.retired) {
                    continue;
                }
                Denial d = evaluate(s, now, cooldown);
                if (d != null) {
                    return d;
                }
                if (!reserve) {
                    return null;
                }
                insert(s, now);
                s.inFlight++;
                return new Reservation(s, now);
            }
        }
    }

    /**
     * Adds a send that already happened at {@code time} (history replayed from the send log),
     * without checking any limit.
     */
    void seed(String key, long time) {
        while (true) {
            State s = states.computeIfAbsent(key, k -> new State());
            synchronized (s) {
                if (s.retired) {
                    continue;
                }
                insert(s, time);
                return;
            }
        }
    }

    /** Keeps a reservation: the message was (or may have been) sent. */
    void commit(Reservation r) {
        synchronized (r.state) {
            if (!r.settled) {
                r.settled = true;
                r.state.inFlight--;
            }
        }
    }

    /** Gives a reservation back: the message was certainly not sent. */
    void release(Reservation r) {
        synchronized (r.state) {
            if (!r.settled) {
                r.settled = true;
                r.state.inFlight--;
                remove(r.state, r.time);
            }
        }
    }

    /** Number of recipients with state (for tests and metrics). */
    int trackedRecipients() {
        return states.size();
    }

    private Denial evaluate(State s, long now, boolean cooldown) {
        Days.Day day = dailyCap > 0 ? days.of(now) : null;
        prune(s, now, day);
        Reason reason = null;
        long until = Long.MIN_VALUE;
        if (cooldown && cooldownMillis > 0 && s.size > 0) {
            long last = s.times[s.size - 1];
            if (last > now - cooldownMillis) {
                reason = Reason.COOLDOWN;
                until = last + cooldownMillis;
            }
        }
        if (hourlyCap > 0) {
            int first = firstAfter(s, now - HOUR);
            int inHour = s.size - first;
            if (inHour >= hourlyCap) {
                long u = s.times[first + inHour - hourlyCap] + HOUR;
                if (u > until) {
                    reason = Reason.RECIPIENT_HOURLY_CAP;
                    until = u;
                }
            }
        }
        if (day != null) {
            int first = firstAtOrAfter(s, day.startMillis());
            if (s.size - first >= dailyCap && day.endMillis() > until) {
                reason = Reason.RECIPIENT_DAILY_CAP;
                until = day.endMillis();
            }
        }
        return reason == null ? null : new Denial(reason, until);
    }

    /** Drops send times no limit looks at any more. */
    private void prune(State s, long now, Days.Day day) {
        long keepFrom = now - keepMillis;
        if (day != null) {
            keepFrom = Math.min(keepFrom, day.startMillis());
        }
        int drop = firstAtOrAfter(s, keepFrom);
        if (drop > 0) {
            System.arraycopy(s.times, drop, s.times, 0, s.size - drop);
            s.size -= drop;
        }
    }

    private static int firstAfter(State s, long t) {
        int i = 0;
        while (i < s.size && s.times[i] <= t) {
            i++;
        }
        return i;
    }

    private static int firstAtOrAfter(State s, long t) {
        int i = 0;
        while (i < s.size && s.times[i] < t) {
            i++;
        }
        return i;
    }

    private static void insert(State s, long t) {
        if (s.size == s.times.length) {
            s.times = Arrays.copyOf(s.times, s.size * 2);
        }
        int i = s.size;
        while (i > 0 && s.times[i - 1] > t) {
            s.times[i] = s.times[i - 1];
            i--;
        }
        s.times[i] = t;
        s.size++;
    }

    private static void remove(State s, long t) {
        for (int i = s.size - 1; i >= 0; i--) {
            if (s.times[i] == t) {
                System.arraycopy(s.times, i + 1, s.times, i, s.size - i - 1);
                s.size--;
                return;
            }
        }
    }

    private void maybeSweep(long now) {
        if (now < nextSweep || states.size() < SWEEP_MIN_SIZE || !sweepLock.tryLock()) {
            return;
        }
        try {
            if (now < nextSweep) {
                return;
            }
            nextSweep = now + SWEEP_EVERY;
            sweep(now);
        } finally {
            sweepLock.unlock();
        }
    }

    /** Removes recipients with nothing in flight and no send time any limit still looks at. */
    void sweep(long now) {
        Days.Day day = dailyCap > 0 ? days.of(now) : null;
        Iterator<Map.Entry<String, State>> it = states.entrySet().iterator();
        while (it.hasNext()) {
            Map.Entry<String, State> e = it.next();
            State s = e.getValue();
            synchronized (s) {
                prune(s, now, day);
                if (s.size == 0 && s.inFlight == 0) {
                    s.retired = true;
                    states.remove(e.getKey(), s);
                }
            }
        }
    }
}
