package io.consentkit.s3.internal;

import io.consentkit.journal.ConsentRecord;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.services.s3.model.PutObjectRequest;
import software.amazon.awssdk.services.s3.model.S3Exception;

import java.time.Clock;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;

/**
 * Appends: each batch becomes one new journal object under a key minted by the shared
 * {@link JournalState}, written with {@code If-None-Match: *} through {@link S3Calls}'s retry
 * loop. A 412 means the key exists: if the object there is ours (an earlier attempt landed) the
 * append is done, otherwise another writer uses our writer id and the batch is written at once
 * under a fresh key. Each PUT attempt times out after a quarter of the window (at least one
 * second), and a retry whose key has become older than three quarters of the window minus that
 * timeout (half the window by default) is re-sent under a fresh key unless an earlier attempt
 * landed, so an acknowledged object landed at most {@code max(3/4 window, attempt timeout)} after
 * the time in its key, on this writer's clock: what lets a compaction trust that every key older
 * than the window at its listing has landed (see {@link Compactor}). Not public API. Thread-safe.
 */
public final class JournalAppender {
    private static final Logger LOG = LoggerFactory.getLogger(JournalAppender.class);
    private static final String CSV = "text/csv; charset=utf-8";
    private static final int MAX_COLLISIONS = 16;

    private final S3Calls calls;
    private final JournalKeys keys;
    private final JournalState state;
    private final Clock clock;
    private final long rekeyAfterMillis;
    private final Duration putAttemptTimeout;
    private final String writerId;

    public JournalAppender(S3Calls calls, JournalKeys keys, JournalState state, Clock clock, long windowMillis,
                           Duration putAttemptTimeout, String writerId) {
        this.calls = calls;
        this.keys = keys;
        this.state = state;
        this.clock = clock;
        this.rekeyAfterMillis = Math.max(0, windowMillis * 3 / 4 - putAttemptTimeout.toMillis());
        this.putAttemptTimeout = putAttemptTimeout;
        this.writerId = writerId;
    }

    /**
     * Writes {@code rows} (not empty) as one new journal object; durable in S3 when this returns.
     *
     * @throws io.consentkit.journal.ConsentStoreException if the object could not be written (after
     *                                                     retries); it may or may not have landed
     */
    public void append(List<ConsentRecord> rows) {
        byte[] body = JournalObjects.encode(rows);
        String[] key = {state.mint()};
        boolean landed = false;
        try {
            put(key, body);
            landed = true;
        } finally {
            if (landed) {
                state.landed(key[0]);
            }
            state.released(key[0]);
        }
    }

    /** Writes {@code body} under {@code key[0]}, which a collision or a stale retry replaces. */
    private void put(String[] key, byte[] body) {
        int[] collisions = {0};
        S3Calls.Retry retry = new S3Calls.Retry(JournalAppender::retryable, "append not acknowledged",
                () -> freshenIfStale(key, body));
        try {
            calls.retrying("PUT", () -> key[0], retry, () -> {
                putUnderFreeKey(key, body, collisions);
                return null;
            });
        } catch (SdkException e) {
            throw calls.wrap("PUT", key[0], e);
        }
    }

    /** 409 (a concurrent conditional write of the same key) is worth another attempt here. */
    private static boolean retryable(SdkException e) {
        return (e instanceof S3Exception s3e && s3e.statusCode() == 409) || S3Calls.isRetryable(e);
    }

    /** One attempt: PUTs, and on a key taken by another writer PUTs again under a fresh key. */
    private void putUnderFreeKey(String[] key, byte[] body, int[] collisions) {
        while (true) {
            PutObjectRequest req = PutObjectRequest.builder().bucket(calls.bucket()).key(key[0]).ifNoneMatch("*")
                    .contentType(CSV).overrideConfiguration(o -> o.apiCallAttemptTimeout(putAttemptTimeout)).build();
            try {
                calls.client().putObject(req, RequestBody.fromBytes(body));
                return;
            } catch (S3Exception e) {
                if (e.statusCode() != 412) {
                    throw e;
                }
                if (landed(key[0], body)) {
                    return; // an earlier attempt of ours landed
                }
                if (++collisions[0] > MAX_COLLISIONS) {
                    throw calls.wrap("PUT (key taken " + collisions[0] + " times)", key[0], e);
                }
                LOG.warn("journal key s3://{}/{} is taken by another writer (are two stores using writer id '{}'?);"
                        + " writing the batch under a new key", calls.bucket(), key[0], writerId);
                remint(key);
            }
        }
    }

    /**
     * After a backoff: a key whose next attempt could land later than three quarters of the
     * window after its time is kept only if an earlier attempt landed.
     */
    private void freshenIfStale(String[] key, byte[] body) {
        if (clock.millis() - keys.millisOf(key[0]) > rekeyAfterMillis && !landed(key[0], body)) {
            remint(key);
        }
    }

    private boolean landed(String key, byte[] body) {
        S3Calls.Fetched existing = calls.getOrNull(key);
        return existing != null && Arrays.equals(existing.bytes(), body);
    }

    private void remint(String[] key) {
        String fresh = state.mint();
        state.released(key[0]);
        key[0] = fresh;
    }
}
