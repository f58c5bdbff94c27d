package io.consentkit.testkit;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.Objects;
import java.util.concurrent.atomic.AtomicReference;

/**
 * A {@link Clock} that tests set and advance by hand, so time-dependent behaviour (cooldowns,
 * quiet hours, expiry, daily caps) is tested without sleeping. Thread-safe.
 *
 * <pre>{@code
 * SettableClock clock = SettableClock.at("2026-03-08T06:59:00Z");
 * clock.advance(Duration.ofMinutes(2));
 * }</pre>
 */
public final class SettableClock extends Clock {
    private final AtomicReference<Instant> now;
    private final ZoneId zone;

    private SettableClock(AtomicReference<Instant> now, ZoneId zone) {
        this.now = now;
        this.zone = zone;
    }

    /** A clock at {@code instant}, zone UTC. */
    public static SettableClock at(Instant instant) {
        return new SettableClock(new AtomicReference<>(Objects.requireNonNull(instant, "instant")), ZoneOffset.UTC);
    }

    /** A clock at an ISO-8601 instant such as {@code "2026-01-01T12:00:00Z"}. */
    public static SettableClock at(String isoInstant) {
        return at(Instant.parse(isoInstant));
    }

    /** Sets the time. */
    public void set(Instant instant) {
        now.set(Objects.requireNonNull(instant, "instant"));
    }

    /** Moves the time forward (or back, for a negative duration) and returns the new time. */
    public Instant advance(Duration d) {
        return now.updateAndGet(t -> t.plus(d));
    }

    @Override
    public Instant instant() {
        return now.get();
    }

    @Override
    public long millis() {
        return now.get().toEpochMilli();
    }

    @Override
    public ZoneId getZone() {
        return zone;
    }

    /** A view with another zone that shares this clock's time. */
    @Override
    public Clock withZone(ZoneId z) {
        return new SettableClock(now, z);
    }

    @Override
    public String toString() {
        return "SettableClock[" + now.get() + "]";
    }
}
