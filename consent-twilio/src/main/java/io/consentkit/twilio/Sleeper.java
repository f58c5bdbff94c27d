package io.consentkit.twilio;

import java.time.Duration;

/**
 * Waits between send attempts. Production uses {@link #SYSTEM}; tests pass one that records the
 * requested pauses and returns at once. Implementations must be thread-safe.
 */
@FunctionalInterface
public interface Sleeper {
    /** Blocks the calling thread with {@link Thread#sleep(long)}. */
    Sleeper SYSTEM = d -> Thread.sleep(d.toMillis());

    /** Waits {@code duration}; throws if the thread is interrupted. */
    void sleep(Duration duration) throws InterruptedException;
}
