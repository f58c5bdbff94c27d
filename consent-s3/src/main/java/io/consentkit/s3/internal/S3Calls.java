package io.consentkit.s3.internal;

import io.consentkit.journal.ConsentStoreException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import software.amazon.awssdk.core.ResponseBytes;
import software.amazon.awssdk.core.exception.ApiCallAttemptTimeoutException;
import software.amazon.awssdk.core.exception.ApiCallTimeoutException;
import software.amazon.awssdk.core.exception.SdkClientException;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.GetObjectResponse;
import software.amazon.awssdk.services.s3.model.ListObjectsV2Request;
import software.amazon.awssdk.services.s3.model.ListObjectsV2Response;
import software.amazon.awssdk.services.s3.model.PutObjectRequest;
import software.amazon.awssdk.services.s3.model.PutObjectResponse;
import software.amazon.awssdk.services.s3.model.S3Exception;
import software.amazon.awssdk.services.s3.model.S3Object;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ThreadLocalRandom;
import java.util.function.Predicate;
import java.util.function.Supplier;

/**
 * The S3 calls the store makes, with its retry policy: throttling and server errors (HTTP 500,
 * 502, 503 SlowDown, 504) and I/O failures are retried with exponential backoff and jitter, up to
 * {@code maxAttempts}; everything else becomes a {@link ConsentStoreException} at once, with the
 * SDK exception as its cause. Not public API. Thread-safe.
 */
public final class S3Calls {
    private static final Logger LOG = LoggerFactory.getLogger(S3Calls.class);
    private static final Set<Integer> RETRYABLE_STATUS = Set.of(500, 502, 503, 504);
    private static final Set<String> RETRYABLE_CODES =
            Set.of("SlowDown", "InternalError", "ServiceUnavailable", "RequestTimeout", "Throttling");

    private final S3Client s3;
    private final String bucket;
    private final int maxAttempts;
    private final Duration baseDelay;
    private final Duration maxDelay;
    private final Pause sleeper;

    public S3Calls(S3Client s3, String bucket, int maxAttempts, Duration baseDelay, Duration maxDelay, Pause sleeper) {
        this.s3 = s3;
        this.bucket = bucket;
        this.maxAttempts = maxAttempts;
        this.baseDelay = baseDelay;
        this.maxDelay = maxDelay;
        this.sleeper = sleeper;
    }

    public S3Client client() {
        return s3;
    }

    public String bucket() {
        return bucket;
    }

    public int maxAttempts() {
        return maxAttempts;
    }

    /** {@code s3://bucket/key}, for messages. */
    public String uri(String key) {
        return "s3://" + bucket + "/" + key;
    }

    /** An object's bytes and ETag. */
    public record Fetched(byte[] bytes, String etag) {
    }

    /**
     * How one call is retried.
     *
     * @param retryable    which failures get another attempt
     * @param exhausted    what the failure says when the attempts run out ("gave up", "append not
     *                     acknowledged"), before " after N attempts"
     * @param afterBackoff runs after each backoff, before the next attempt
     */
    public record Retry(Predicate<SdkException> retryable, String exhausted, Runnable afterBackoff) {
        /** Retries {@linkplain S3Calls#isRetryable retryable} failures and does nothing between attempts. */
        public static final Retry STANDARD = new Retry(S3Calls::isRetryable, "gave up", () -> { });
    }

    /** Result of a conditional PUT: written (with the new ETag) or the precondition failed. */
    public record PutOutcome(boolean written, String etag) {
        static final PutOutcome PRECONDITION_FAILED = new PutOutcome(false, null);
    }

    // ---- classification ---------------------------------------------------------------------

    /** True for failures worth another attempt: throttling, 5xx, I/O errors and timeouts. */
    public static boolean isRetryable(Throwable e) {
        if (e instanceof S3Exception s3e) {
            String code = s3e.awsErrorDetails() == null ? null : s3e.awsErrorDetails().errorCode();
            return RETRYABLE_STATUS.contains(s3e.statusCode()) || (code != null && RETRYABLE_CODES.contains(code));
        }
        if (e instanceof ApiCallAttemptTimeoutException || e instanceof ApiCallTimeoutException) {
            return true;
        }
        if (e instanceof SdkClientException) {
            for (Throwable c = e.getCause(); c != null; c = c.getCause()) {
                if (c instanceof IOException || c instanceof UncheckedIOException) {
                    return true;
                }
            }
        }
        return false;
    }

    private static String errorCode(S3Exception e) {
        return e.awsErrorDetails() == null ? null : e.awsErrorDetails().errorCode();
    }

    /** Our exception for a failed S3 call, naming the operation, key, status and error code. */
    public ConsentStoreException wrap(String what, String key, Throwable e) {
        StringBuilder sb = new StringBuilder("S3 ").append(what).append(" s3://").append(bucket).append('/').append(key)
                .append(" failed");
        if (e instanceof S3Exception s3e) {
            sb.append(": HTTP ").append(s3e.statusCode());
            if (s3e.awsErrorDetails() != null && s3e.awsErrorDetails().errorCode() != null) {
                sb.append(' ').append(s3e.awsErrorDetails().errorCode());
            }
        } else if (e != null) {
            sb.append(": ").append(e.getClass().getSimpleName()).append(": ").append(e.getMessage());
        }
        return new ConsentStoreException(sb.toString(), e);
    }

    // ---- backoff ----------------------------------------------------------------------------

    /** The pause before attempt {@code attempt + 1}: exponential from the base, capped, jittered in [d/2, d]. */
    public Duration backoff(int attempt) {
        long base = Math.max(1, baseDelay.toMillis());
        long cap = Math.max(base, maxDelay.toMillis());
        long d = base;
        for (int i = 1; i < attempt && d < cap; i++) {
            d = Math.min(cap, d * 2);
        }
        long half = d / 2;
        return Duration.ofMillis(half + ThreadLocalRandom.current().nextLong(d - half + 1));
    }

    /** Sleeps the backoff after failed attempt {@code attempt}. */
    public void pause(int attempt) {
        try {
            sleeper.sleep(backoff(attempt));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new ConsentStoreException("interrupted while backing off before an S3 retry", e);
        }
    }

    /** Waits {@code d} through the store's sleeper (an erasure waiting for journal objects to age). */
    public void sleep(Duration d) {
        try {
            sleeper.sleep(d);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new ConsentStoreException("interrupted while waiting", e);
        }
    }

    /**
     * Runs {@code call}, retrying retryable failures. Non-retryable SDK exceptions are rethrown as
     * they are so the caller can act on 404 or 412; exhausted retries throw {@link ConsentStoreException}.
     */
    public <T> T retrying(String what, String key, Supplier<T> call) {
        return retrying(what, () -> key, Retry.STANDARD, call);
    }

    /**
     * The one retry loop: runs {@code call}, retrying the failures {@code retry} accepts, pausing
     * the backoff and then running its {@code afterBackoff} before each new attempt.
     * Non-retryable SDK exceptions are rethrown as they are; exhausted retries throw
     * {@link ConsentStoreException} naming the key {@code key} supplies at that moment.
     */
    public <T> T retrying(String what, Supplier<String> key, Retry retry, Supplier<T> call) {
        for (int attempt = 1; ; attempt++) {
            try {
                return call.get();
            } catch (SdkException e) {
                if (!retry.retryable().test(e)) {
                    throw e;
                }
                if (attempt >= maxAttempts) {
                    throw wrap(what + " (" + retry.exhausted() + " after " + attempt + " attempts)", key.get(), e);
                }
                LOG.debug("S3 {} {} attempt {} failed ({}), retrying", what, key.get(), attempt, e.getMessage());
                pause(attempt);
                retry.afterBackoff().run();
            }
        }
    }

    // ---- operations -------------------------------------------------------------------------

    /** GET with retries; null if the key does not exist. */
    public Fetched getOrNull(String key) {
        try {
            ResponseBytes<GetObjectResponse> r = retrying("GET", key,
                    () -> s3.getObjectAsBytes(b -> b.bucket(bucket).key(key)));
            return new Fetched(r.asByteArray(), r.response().eTag());
        } catch (S3Exception e) {
            if (e.statusCode() == 404 && !"NoSuchBucket".equals(errorCode(e))) {
                return null;
            }
            throw wrap("GET", key, e);
        } catch (SdkException e) {
            throw wrap("GET", key, e);
        }
    }

    /** GET with retries; a missing key is an error. */
    public Fetched get(String key) {
        Fetched f = getOrNull(key);
        if (f == null) {
            throw new ConsentStoreException("S3 object s3://" + bucket + "/" + key + " does not exist");
        }
        return f;
    }

    /** Every key under {@code prefix} after {@code startAfter} (all pages), in key order. */
    public List<String> list(String prefix, String startAfter) {
        List<String> keys = new ArrayList<>();
        String token = null;
        do {
            ListObjectsV2Request.Builder req = ListObjectsV2Request.builder().bucket(bucket).prefix(prefix);
            if (token != null) {
                req.continuationToken(token);
            } else if (startAfter != null) {
                req.startAfter(startAfter);
            }
            ListObjectsV2Request built = req.build();
            ListObjectsV2Response page;
            try {
                page = retrying("LIST", prefix, () -> s3.listObjectsV2(built));
            } catch (SdkException e) {
                throw wrap("LIST", prefix, e);
            }
            for (S3Object o : page.contents()) {
                keys.add(o.key());
            }
            token = Boolean.TRUE.equals(page.isTruncated()) ? page.nextContinuationToken() : null;
        } while (token != null);
        return keys;
    }

    /**
     * One conditional PUT with retries: {@code ifNoneMatch} "*" creates only, {@code ifMatch} an
     * ETag replaces only that version. A failed precondition (412, or 404 for If-Match on a key
     * that is gone, or 409 for a concurrent conditional write) is a returned outcome.
     */
    public PutOutcome putConditional(String key, byte[] body, String ifNoneMatch, String ifMatch, String contentType) {
        PutObjectRequest req = PutObjectRequest.builder().bucket(bucket).key(key).ifNoneMatch(ifNoneMatch)
                .ifMatch(ifMatch).contentType(contentType).build();
        try {
            PutObjectResponse r = retrying("PUT", key, () -> s3.putObject(req, RequestBody.fromBytes(body)));
            return new PutOutcome(true, r.eTag());
        } catch (S3Exception e) {
            if (isLostRace(e, ifMatch != null)) {
                return PutOutcome.PRECONDITION_FAILED;
            }
            throw wrap("PUT", key, e);
        } catch (SdkException e) {
            throw wrap("PUT", key, e);
        }
    }

    /** True if the error means another writer won a conditional write. */
    public static boolean isLostRace(S3Exception e, boolean ifMatch) {
        return e.statusCode() == 412 || e.statusCode() == 409 || (ifMatch && e.statusCode() == 404);
    }

    /** Unconditional PUT with retries. */
    public void put(String key, byte[] body, String contentType) {
        PutObjectRequest req = PutObjectRequest.builder().bucket(bucket).key(key).contentType(contentType).build();
        try {
            retrying("PUT", key, () -> s3.putObject(req, RequestBody.fromBytes(body)));
        } catch (SdkException e) {
            throw wrap("PUT", key, e);
        }
    }

    /** DELETE with retries (deleting a missing key succeeds, as on S3). */
    public void delete(String key) {
        try {
            retrying("DELETE", key, () -> s3.deleteObject(b -> b.bucket(bucket).key(key)));
        } catch (SdkException e) {
            throw wrap("DELETE", key, e);
        }
    }

    /** DELETE, logging instead of failing: used only to tidy superseded snapshots. */
    public void deleteQuietly(String key) {
        deleteQuietly(key, "superseded snapshot");
    }

    /** DELETE, logging instead of failing; {@code what} names the object in the warning. */
    public void deleteQuietly(String key, String what) {
        try {
            retrying("DELETE", key, () -> s3.deleteObject(b -> b.bucket(bucket).key(key)));
        } catch (RuntimeException e) {
            LOG.warn("could not delete {} s3://{}/{} ({}); it is unused and can be removed by hand",
                    what, bucket, key, e.getMessage());
        }
    }
}
