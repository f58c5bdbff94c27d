package io.consentkit.s3.internal;

import java.time.Duration;

/**
 * How the store waits between retries; the public API adapts its own sleeper to this. Not public
 * API. Implementations must be thread-safe (appends on several threads back off at once).
 */
@FunctionalInterface
public interface Pause {
    /** Waits {@code duration}. */
    void sleep(Duration duration) throws InterruptedException;
}
