package io.consentkit.web;

import io.consentkit.InvalidInputException;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.HashMap;
import java.util.Iterator;
import java.util.Map;
import java.util.Objects;

/**
 * At most {@code max} events per key in any sliding {@code window}: per client address (logins, form
 * posts) or per phone number (opt-in requests). Keys with no event inside the window are forgotten, and
 * the table holds at most {@link #MAX_KEYS} keys (when full, an unknown key is refused: a flood of
 * distinct keys cannot grow memory or wash out the limit of the others). Time comes from the injected
 * clock. Thread-safe (one lock; the work per call is small).
 */
public final class RateLimit {
    /** Most keys tracked at once: {@value}. */
    public static final int MAX_KEYS = 100_000;

    private final int max;
    private final long windowMillis;
    private final Clock clock;
    private final Map<String, ArrayDeque<Long>> events = new HashMap<>();
    private long nextSweep;

    /**
     * @param max    events allowed per key in any window, 1 or more
     * @param window the sliding window, positive
     * @param clock  the time source
     */
    public RateLimit(int max, Duration window, Clock clock) {
        if (max < 1) {
            throw new InvalidInputException("max", "must be 1 or more, was " + max);
        }
        Objects.requireNonNull(window, "window");
        if (window.isNegative() || window.isZero()) {
            throw new InvalidInputException("window", "must be positive, was " + window);
        }
        this.max = max;
        this.windowMillis = window.toMillis();
        this.clock = Objects.requireNonNull(clock, "clock");
    }

    /** Counts an event for {@code key} and returns true, or returns false (counting nothing) if it is over the limit. */
    public synchronized boolean tryAcquire(String key) {
        Objects.requireNonNull(key, "key");
        long now = clock.millis();
        sweep(now);
        ArrayDeque<Long> q = events.get(key);
        if (q == null) {
            if (events.size() >= MAX_KEYS) {
                return false;
            }
            q = new ArrayDeque<>();
            events.put(key, q);
        }
        prune(q, now);
        if (q.size() >= max) {
            return false;
        }
        q.addLast(now);
        return true;
    }

    /** True if {@code key} has used up its events in the current window (counts nothing). */
    public synchronized boolean isExhausted(String key) {
        ArrayDeque<Long> q = events.get(key);
        if (q == null) {
            return false;
        }
        prune(q, clock.millis());
        return q.size() >= max;
    }

    /** When {@code key} may next have an event (now if it may now). */
    public synchronized Instant nextAllowed(String key) {
        long now = clock.millis();
        ArrayDeque<Long> q = events.get(key);
        if (q == null) {
            return Instant.ofEpochMilli(now);
        }
        prune(q, now);
        return q.size() < max ? Instant.ofEpochMilli(now) : Instant.ofEpochMilli(q.peekFirst() + windowMillis);
    }

    /** Forgets {@code key}'s events (e.g. after a successful login). */
    public synchronized void reset(String key) {
        events.remove(key);
    }

    private void prune(ArrayDeque<Long> q, long now) {
        while (!q.isEmpty() && q.peekFirst() <= now - windowMillis) {
            q.removeFirst();
        }
    }

    private void sweep(long now) {
        if (now < nextSweep) {
            return;
        }
        nextSweep = now + windowMillis;
        for (Iterator<ArrayDeque<Long>> it = events.values().iterator(); it.hasNext(); ) {
            ArrayDeque<Long> q = it.next();
            prune(q, now);
            if (q.isEmpty()) {
                it.remove();
            }
        }
    }
}
