package io.consentkit.s3.internal;

import io.consentkit.InvalidInputException;
import io.consentkit.phone.PhoneNumbers;
import software.amazon.awssdk.services.s3.S3Client;

import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.util.HexFormat;
import java.util.Objects;
import java.util.regex.Pattern;

/**
 * The validated, immutable configuration of one S3 consent store, built by the public builder.
 * The static checks are the rules the builder's setters apply at once; the compact constructor
 * applies them again, so a settings value is valid however it was made. Not public API.
 * Immutable and thread-safe.
 *
 * @param s3               the caller's client (not closed by the store)
 * @param bucket           the bucket
 * @param prefix           the normalised prefix (no leading or trailing slash; may be empty)
 * @param writerId         this instance's writer id in journal keys
 * @param clock            time source for keys, listings and compaction cut-offs
 * @param visibilityBound  how stale a tracker over the store may be
 * @param lateWriteWindow  how late a journal object may become visible after the time in its key
 * @param maxAttempts      attempts per S3 call (1 = no retry)
 * @param baseDelay        first backoff
 * @param maxDelay         longest backoff
 * @param pause            how the store waits between retries
 * @param phones           how phone numbers in objects are read
 * @param readParallelism  journal objects read at once
 * @param autoCompactAfter journal objects after the snapshot that make an open compact (0: never)
 * @param probeConditionalWrites whether the first open or compaction checks that the server
 *                               enforces {@code If-None-Match} and {@code If-Match}
 */
public record S3StoreSettings(S3Client s3, String bucket, String prefix, String writerId, Clock clock,
                              Duration visibilityBound, Duration lateWriteWindow, int maxAttempts, Duration baseDelay,
                              Duration maxDelay, Pause pause, PhoneNumbers phones, int readParallelism,
                              int autoCompactAfter, boolean probeConditionalWrites) {
    private static final Pattern BUCKET = Pattern.compile("[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]");
    private static final Pattern WRITER_ID = Pattern.compile("[A-Za-z0-9_.]{1,64}");
    private static final SecureRandom RANDOM = new SecureRandom();

    /** @throws InvalidInputException naming the field whose value breaks its rule */
    public S3StoreSettings {
        s3 = checkS3(s3);
        if (bucket == null) {
            throw new InvalidInputException("bucket", "is required");
        }
        bucket = checkBucket(bucket);
        checkNormalisedPrefix(prefix);
        writerId = checkWriterId(writerId);
        Objects.requireNonNull(clock, "clock");
        visibilityBound = checkVisibilityBound(visibilityBound);
        lateWriteWindow = checkLateWriteWindow(lateWriteWindow);
        checkRetries(maxAttempts, baseDelay, maxDelay);
        Objects.requireNonNull(pause, "pause");
        Objects.requireNonNull(phones, "phones");
        readParallelism = checkReadParallelism(readParallelism);
        autoCompactAfter = checkAutoCompactAfter(autoCompactAfter);
    }

    /** The late-write window in milliseconds. */
    public long windowMillis() {
        return lateWriteWindow.toMillis();
    }

    /** The timeout of one journal PUT attempt: a quarter of the late-write window, at least one second. */
    public Duration putAttemptTimeout() {
        return Duration.ofMillis(Math.max(1000, windowMillis() / 4));
    }

    /** A new S3 call helper with this retry policy. */
    public S3Calls calls() {
        return new S3Calls(s3, bucket, maxAttempts, baseDelay, maxDelay, pause);
    }

    /** {@code s3://bucket/prefix}, for messages. */
    public String location() {
        return "s3://" + bucket + "/" + prefix;
    }

    /** A fresh default writer id: 12 random hex digits. */
    public static String randomWriterId() {
        return randomHex(6);
    }

    /** {@code bytes} random bytes as hex digits. */
    public static String randomHex(int bytes) {
        byte[] b = new byte[bytes];
        RANDOM.nextBytes(b);
        return HexFormat.of().formatHex(b);
    }

    // ---- the rules, one per field ---------------------------------------------------------------

    public static S3Client checkS3(S3Client s3) {
        if (s3 == null) {
            throw new InvalidInputException("s3", "is null");
        }
        return s3;
    }

    public static String checkBucket(String bucket) {
        if (bucket == null || !BUCKET.matcher(bucket).matches()) {
            throw new InvalidInputException("bucket", "'" + bucket + "' is not an S3 bucket name");
        }
        return bucket;
    }

    /** Strips surrounding blanks and slashes. */
    public static String normalisePrefix(String prefix) {
        if (prefix == null) {
            throw new InvalidInputException("prefix", "is null");
        }
        String p = prefix.strip();
        while (p.startsWith("/")) {
            p = p.substring(1);
        }
        while (p.endsWith("/")) {
            p = p.substring(0, p.length() - 1);
        }
        if (p.contains("//") || p.length() > 512) {
            throw new InvalidInputException("prefix", "'" + prefix + "' has an empty path segment or is too long");
        }
        return p;
    }

    /** The invariant of a {@linkplain #normalisePrefix normalised} prefix (which it does not re-normalise). */
    private static void checkNormalisedPrefix(String prefix) {
        if (prefix == null || prefix.startsWith("/") || prefix.endsWith("/") || prefix.contains("//")
                || prefix.length() > 512) {
            throw new InvalidInputException("prefix", "'" + prefix + "' is not a normalised prefix");
        }
    }

    public static String checkWriterId(String writerId) {
        if (writerId == null || !WRITER_ID.matcher(writerId).matches()) {
            throw new InvalidInputException("writerId", "'" + writerId + "' must be 1 to 64 letters, digits, '_' or '.'");
        }
        return writerId;
    }

    public static Duration checkVisibilityBound(Duration bound) {
        if (bound == null || bound.isNegative() || bound.isZero()) {
            throw new InvalidInputException("visibilityBound", "must be positive");
        }
        return bound;
    }

    public static Duration checkLateWriteWindow(Duration window) {
        if (window == null || window.toMillis() < 1 || window.compareTo(Duration.ofHours(1)) > 0) {
            throw new InvalidInputException("lateWriteWindow", "must be between 1 ms and 1 hour");
        }
        return window;
    }

    public static void checkRetries(int maxAttempts, Duration baseDelay, Duration maxDelay) {
        if (maxAttempts < 1 || maxAttempts > 20) {
            throw new InvalidInputException("maxAttempts", "must be between 1 and 20, was " + maxAttempts);
        }
        if (baseDelay == null || baseDelay.isNegative()) {
            throw new InvalidInputException("baseDelay", "must be zero or positive");
        }
        if (maxDelay == null || maxDelay.compareTo(baseDelay) < 0) {
            throw new InvalidInputException("maxDelay", "must be at least baseDelay");
        }
    }

    public static int checkReadParallelism(int n) {
        if (n < 1 || n > 64) {
            throw new InvalidInputException("readParallelism", "must be between 1 and 64, was " + n);
        }
        return n;
    }

    public static int checkAutoCompactAfter(int journalObjects) {
        if (journalObjects < 0) {
            throw new InvalidInputException("autoCompactAfter", "must be zero or positive");
        }
        return journalObjects;
    }
}
