package io.consentkit.twilio;

import io.consentkit.InvalidInputException;
import org.slf4j.Logger;

import java.time.Duration;
import java.util.Objects;
import java.util.function.Consumer;
import java.util.function.LongSupplier;

/**
 * A budget of lines per time window, for messages a client can trigger at will (forged
 * signatures, oversize bodies, bad {@code Host} headers, refused connections): a flood of such
 * requests must not flood the log or fill the disk. In each window the first {@code lines}
 * messages are written; later ones are counted, and the first message of a later window is
 * preceded by one line saying how many were suppressed. So at most {@code lines + 1} lines are
 * written per window, however many requests arrive.
 *
 * <p>The webhook server, {@link WebhookServlet} and {@link WebhookVerifier} share one budget
 * ({@value #DEFAULT_LINES} lines per {@value #DEFAULT_WINDOW_SECONDS} s). Thread-safe.
 */
public final class RateLimitedLog {
    /** Lines per window of the shared budget for rejected requests: {@value}. */
    public static final int DEFAULT_LINES = 10;
    /** Window of the shared budget for rejected requests, in seconds: {@value}. */
    public static final int DEFAULT_WINDOW_SECONDS = 10;

    /** The budget every rejected-request message in this module goes through. */
    static final RateLimitedLog REJECTED_REQUESTS = perWindow(DEFAULT_LINES, Duration.ofSeconds(DEFAULT_WINDOW_SECONDS));

    private final int lines;
    private final long windowNanos;
    private final LongSupplier nanoClock;
    private long windowStart;
    private int written;
    private long suppressed;

    private RateLimitedLog(int lines, Duration window, LongSupplier nanoClock) {
        if (lines < 1) {
            throw new InvalidInputException("lines", "must be at least 1, was " + lines);
        }
        if (window == null || window.isNegative() || window.isZero()) {
            throw new InvalidInputException("window", "must be positive, was " + window);
        }
        this.lines = lines;
        this.windowNanos = window.toNanos();
        this.nanoClock = Objects.requireNonNull(nanoClock, "nanoClock");
        this.windowStart = nanoClock.getAsLong();
    }

    /** At most {@code lines} messages per {@code window}, then a count of the rest. */
    public static RateLimitedLog perWindow(int lines, Duration window) {
        return new RateLimitedLog(lines, window, System::nanoTime);
    }

    /** The same, timed by {@code nanoClock} (a {@link System#nanoTime()} stand-in for tests). */
    static RateLimitedLog perWindow(int lines, Duration window, LongSupplier nanoClock) {
        return new RateLimitedLog(lines, window, nanoClock);
    }

    /** {@code log.warn(format, args)} if the budget allows (a trailing Throwable prints its trace, as in SLF4J). */
    public void warn(Logger log, String format, Object... args) {
        long before = take();
        if (before > 0) {
            log.warn(summary(before));
        }
        if (before >= 0) {
            log.warn(format, args);
        }
    }

    /** {@code log.error(format, args)} if the budget allows. */
    public void error(Logger log, String format, Object... args) {
        long before = take();
        if (before > 0) {
            log.warn(summary(before));
        }
        if (before >= 0) {
            log.error(format, args);
        }
    }

    /** Hands {@code line} to {@code out} (a console, say) if the budget allows. */
    public void print(Consumer<String> out, String line) {
        long before = take();
        if (before > 0) {
            out.accept(summary(before));
        }
        if (before >= 0) {
            out.accept(line);
        }
    }

    /** Messages suppressed in the current window so far (not yet reported). */
    public synchronized long suppressed() {
        return suppressed;
    }

    /** -1 if this message is suppressed; otherwise how many were suppressed before it and not yet reported. */
    private synchronized long take() {
        long now = nanoClock.getAsLong();
        long report = 0;
        if (now - windowStart >= windowNanos) {
            report = suppressed;
            suppressed = 0;
            written = 0;
            windowStart = now;
        }
        if (written >= lines) {
            suppressed++;
            return -1;
        }
        written++;
        return report;
    }

    private String summary(long count) {
        return count + " similar message(s) suppressed (at most " + lines + " per " + windowNanos / 1_000_000
                + " ms; rejected or malformed requests)";
    }

    @Override
    public String toString() {
        return "RateLimitedLog[" + lines + " lines per " + Duration.ofNanos(windowNanos) + "]";
    }
}
