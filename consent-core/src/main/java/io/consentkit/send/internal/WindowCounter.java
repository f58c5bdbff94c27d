package io.consentkit.send.internal;

import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.LongUnaryOperator;

/**
 * An exact cap on a weighted count per time window (a calendar day, a clock minute or hour):
 * reservations are compare-and-set additions on one counter per window, so concurrent senders
 * never pass the cap; a failed send gives its weight back. The counter resets when the window
 * changes. Thread-safe.
 */
public final class WindowCounter {
    private static final long MINUTE = 60_000L;

    private final long cap;
    private final LongUnaryOperator startOf;
    private final LongUnaryOperator endOf;
    private final AtomicReference<Count> current;

    /** The weight counted in one window, with one-shot flags for the alerts. */
    public static final class Count {
        final long start;
        final long end;
        final AtomicLong used = new AtomicLong();
        final AtomicBoolean thresholdAlerted = new AtomicBoolean();
        final AtomicBoolean capAlerted = new AtomicBoolean();

        Count(long start, long end) {
            this.start = start;
            this.end = end;
        }

        /** The window's first epoch millisecond. */
        public long startMillis() {
            return start;
        }

        /** The epoch millisecond after the window. */
        public long endMillis() {
            return end;
        }

        public long used() {
            return used.get();
        }

        /** True the first time it is called for this window. */
        public boolean firstThresholdAlert() {
            return thresholdAlerted.compareAndSet(false, true);
        }

        /** True the first time it is called for this window. */
        public boolean firstCapAlert() {
            return capAlerted.compareAndSet(false, true);
        }
    }

    private WindowCounter(long cap, LongUnaryOperator startOf, LongUnaryOperator endOf) {
        this.cap = cap;
        this.startOf = startOf;
        this.endOf = endOf;
        this.current = new AtomicReference<>(new Count(startOf.applyAsLong(0), endOf.applyAsLong(startOf.applyAsLong(0))));
    }

    /** A cap per calendar day of {@code days}. */
    public static WindowCounter daily(Days days, long cap) {
        return new WindowCounter(cap, m -> days.of(m).startMillis(), s -> days.of(s).endMillis());
    }

    /** A cap per clock window of {@code minutes} minutes (1: each UTC minute; 60: each UTC hour). */
    public static WindowCounter fixed(int minutes, long cap) {
        long len = minutes * MINUTE;
        return new WindowCounter(cap, m -> m - Math.floorMod(m, len), s -> s + len);
    }

    public long cap() {
        return cap;
    }

    /** The count for the window containing {@code millis} (the current window if the clock went back). */
    public Count count(long millis) {
        while (true) {
            Count c = current.get();
            if (millis < c.end) {
                return c;
            }
            long start = startOf.applyAsLong(millis);
            Count fresh = new Count(start, endOf.applyAsLong(start));
            if (current.compareAndSet(c, fresh)) {
                return fresh;
            }
        }
    }

    /**
     * Adds {@code weight} to {@code c} if the cap allows it.
     *
     * @return the count after this reservation, or -1 if it would pass the cap
     */
    public long tryReserve(Count c, long weight) {
        while (true) {
            long u = c.used.get();
            if (u + weight > cap) {
                return -1;
            }
            if (c.used.compareAndSet(u, u + weight)) {
                return u + weight;
            }
        }
    }

    /** True if {@code weight} would fit in {@code c} now (dry run). */
    public boolean fits(Count c, long weight) {
        return c.used.get() + weight <= cap;
    }

    /** Counts {@code weight} without checking the cap (history being replayed); returns the new count. */
    public long add(Count c, long weight) {
        return c.used.addAndGet(weight);
    }

    /** Gives back {@code weight} reserved on {@code c}. */
    public void release(Count c, long weight) {
        c.used.addAndGet(-weight);
    }
}
