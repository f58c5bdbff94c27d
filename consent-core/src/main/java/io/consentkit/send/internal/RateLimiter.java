package io.consentkit.send.internal;

import java.util.concurrent.atomic.AtomicLong;

/**
 * A lock-free token bucket (the generic cell rate algorithm on one {@link AtomicLong}): at most
 * {@code perSecond} units at any one instant, refilled at {@code perSecond} units per second. A
 * request may weigh several units (segments); a request heavier than the whole bucket is admitted
 * only when the bucket is full, and takes all of it. Thread-safe.
 */
public final class RateLimiter {
    /** Returned by {@link #tryAcquire} when the units were taken. */
    public static final long ACQUIRED = Long.MIN_VALUE;

    private final int capacity;
    private final long interval;
    private final long burst;
    private final AtomicLong tat = new AtomicLong(Long.MIN_VALUE / 2);

    public RateLimiter(int perSecond) {
        if (perSecond <= 0) {
            throw new IllegalArgumentException("perSecond must be positive");
        }
        this.capacity = perSecond;
        this.interval = 1_000_000_000L / perSecond;
        this.burst = interval * perSecond;
    }

    public int perSecond() {
        return capacity;
    }

    /**
     * Takes {@code weight} units at {@code nowNanos} (epoch nanoseconds) if the bucket holds them.
     *
     * @return {@link #ACQUIRED}, or the epoch nanosecond at which they would be available
     */
    public long tryAcquire(long nowNanos, int weight) {
        long cost = (long) Math.max(1, Math.min(weight, capacity)) * interval;
        while (true) {
            long cur = tat.get();
            long next = Math.max(cur, nowNanos) + cost;
            if (next - nowNanos > burst) {
                return next - burst;
            }
            if (tat.compareAndSet(cur, next)) {
                return ACQUIRED;
            }
        }
    }

    /** Like {@link #tryAcquire} without taking anything (dry run). */
    public long peek(long nowNanos, int weight) {
        long cost = (long) Math.max(1, Math.min(weight, capacity)) * interval;
        long next = Math.max(tat.get(), nowNanos) + cost;
        return next - nowNanos > burst ? next - burst : ACQUIRED;
    }
}
