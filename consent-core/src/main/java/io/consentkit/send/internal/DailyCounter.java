package io.consentkit.send.internal;

import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;

/**
 * An exact daily cap: reservations are compare-and-set increments on one counter per day, so
 * concurrent senders never pass the cap; a failed send gives its reservation back. The counter
 * resets when the day (in the {@link Days} zone) changes. Thread-safe.
 */
public final class DailyCounter {
    private final Days days;
    private final long cap;
    private final AtomicReference<Count> current;

    /** Messages counted on one day, with one-shot flags for the alerts. */
    public static final class Count {
        final Days.Day day;
        final AtomicLong used = new AtomicLong();
        final AtomicBoolean thresholdAlerted = new AtomicBoolean();
        final AtomicBoolean capAlerted = new AtomicBoolean();

        Count(Days.Day day) {
            this.day = day;
        }

        public Days.Day day() {
            return day;
        }

        public long used() {
            return used.get();
        }

        /** True the first time it is called for this day. */
        public boolean firstThresholdAlert() {
            return thresholdAlerted.compareAndSet(false, true);
        }

        /** True the first time it is called for this day. */
        public boolean firstCapAlert() {
            return capAlerted.compareAndSet(false, true);
        }
    }

    public DailyCounter(Days days, long cap) {
        this.days = days;
        this.cap = cap;
        this.current = new AtomicReference<>(new Count(days.of(0)));
    }

    public long cap() {
        return cap;
    }

    /** The count for the day containing {@code millis} (the current day if the clock went back). */
    public Count count(long millis) {
        while (true) {
            Count c = current.get();
            if (c.day.contains(millis) || millis < c.day.startMillis()) {
                return c;
            }
            Count fresh = new Count(days.of(millis));
            if (current.compareAndSet(c, fresh)) {
                return fresh;
            }
        }
    }

    /**
     * Reserves one message on the day of {@code millis}.
     *
     * @return the number used after this reservation, or -1 if the cap is reached
     */
    public long tryReserve(Count c) {
        while (true) {
            long u = c.used.get();
            if (u >= cap) {
                return -1;
            }
            if (c.used.compareAndSet(u, u + 1)) {
                return u + 1;
            }
        }
    }

    /** Gives back a reservation made on {@code c}. */
    public void release(Count c) {
        c.used.decrementAndGet();
    }
}
