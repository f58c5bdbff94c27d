package io.consentkit.twilio;

import io.consentkit.InvalidInputException;

import java.time.Duration;
import java.util.Objects;

/**
 * When {@link TwilioSmsGateway} tries a send again. Only failures that certainly did not create
 * a message are retried: {@code RATE_LIMITED} (HTTP 429, 20429) and {@code TEMPORARY} (HTTP 503,
 * connection refused, request not fully written). {@code UNKNOWN_OUTCOME} (timeouts after the
 * request was sent, a connection dropped mid-response, other 5xx) is never retried: it could text
 * the person twice.
 *
 * <p>The pause before attempt {@code n + 1} is the larger of Twilio's {@code Retry-After} and
 * {@code backoff * 2^(n-1)}. If that pause would exceed {@link #maxWait()}, the gateway stops and
 * returns the failure with its {@code retryAfter}, so the caller can schedule the message later
 * instead of blocking a thread. Immutable and thread-safe.
 *
 * @param maxAttempts attempts in total, 1 (no retry) to 10
 * @param backoff     pause before the second attempt; doubled for each further one
 * @param maxWait     longest single pause the gateway will block for
 */
public record RetryPolicy(int maxAttempts, Duration backoff, Duration maxWait) {
    /** Never retry: one attempt, every failure returned at once. */
    public static final RetryPolicy NONE = new RetryPolicy(1, Duration.ZERO, Duration.ZERO);
    /** Three attempts, 500 ms then 1 s apart, honouring a {@code Retry-After} of up to 5 s. */
    public static final RetryPolicy DEFAULT = new RetryPolicy(3, Duration.ofMillis(500), Duration.ofSeconds(5));

    public RetryPolicy {
        if (maxAttempts < 1 || maxAttempts > 10) {
            throw new InvalidInputException("maxAttempts", "must be 1 to 10, was " + maxAttempts);
        }
        Objects.requireNonNull(backoff, "backoff");
        Objects.requireNonNull(maxWait, "maxWait");
        if (backoff.isNegative()) {
            throw new InvalidInputException("backoff", "must not be negative, was " + backoff);
        }
        if (maxWait.isNegative()) {
            throw new InvalidInputException("maxWait", "must not be negative, was " + maxWait);
        }
    }

    /**
     * The pause before attempt {@code nextAttempt} (2 or more), or {@code null} if the policy says
     * stop: no attempts left, or the pause would be longer than {@link #maxWait()}.
     */
    Duration pauseBefore(int nextAttempt, Duration retryAfter) {
        if (nextAttempt > maxAttempts) {
            return null;
        }
        Duration exp = backoff.multipliedBy(1L << Math.min(nextAttempt - 2, 20));
        Duration pause = retryAfter.compareTo(exp) > 0 ? retryAfter : exp;
        return pause.compareTo(maxWait) > 0 ? null : pause;
    }
}
