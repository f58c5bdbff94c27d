package io.consentkit.s3.internal;

import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.services.s3.model.PutObjectRequest;
import software.amazon.awssdk.services.s3.model.S3Exception;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * Checks that the S3 server enforces the two conditional writes the store relies on, with one
 * throwaway object under {@code <prefix>/probe/} (never listed, deleted at the end):
 * <ol>
 *   <li>PUT with {@code If-None-Match: *} on a new key: must be written;</li>
 *   <li>the same again on the now existing key: must fail 412 Precondition Failed;</li>
 *   <li>PUT with {@code If-Match} on an ETag the object does not have: must fail 412;</li>
 *   <li>DELETE of the probe object (a failure is logged, not thrown).</li>
 * </ol>
 * A server (or a proxy in front of it) that drops either header would let two writers overwrite
 * each other's journal objects and two compactions each believe they won the manifest; such a
 * server is reported, never trusted. Not public API. Thread-safe (stateless between runs).
 */
public final class ConditionalWriteProbe {
    private static final String TEXT = "text/plain; charset=utf-8";
    /** Quoted, 32 hex digits like an MD5 ETag, and not the ETag of any probe body. */
    private static final String WRONG_ETAG = "\"00000000000000000000000000000000\"";

    private final S3Calls calls;
    private final JournalKeys keys;
    private final String writerId;

    private enum Kind { WRITTEN, REFUSED, UNSUPPORTED }

    private record Answer(Kind kind, String detail) {
    }

    public ConditionalWriteProbe(S3Calls calls, JournalKeys keys, String writerId) {
        this.calls = calls;
        this.keys = keys;
        this.writerId = writerId;
    }

    /**
     * Runs the probe (three PUTs and a DELETE).
     *
     * @return null if the server enforces both conditions, otherwise what it did wrong, as a
     *         phrase that completes "the S3 server ..."
     * @throws io.consentkit.journal.ConsentStoreException if S3 fails otherwise (no access, no
     *                                                     bucket, retries exhausted)
     */
    public String run() {
        String key = keys.probeKey(writerId, S3StoreSettings.randomHex(6));
        String uri = calls.uri(key);
        byte[] body = ("ConsentKit conditional-write probe; safe to delete: " + key + "\n")
                .getBytes(StandardCharsets.UTF_8);
        try {
            Answer create = put(key, body, "*", null);
            if (create.kind() == Kind.UNSUPPORTED) {
                return "rejects PUT with If-None-Match: * (" + create.detail() + " for " + uri + ")";
            }
            if (create.kind() == Kind.REFUSED && !landed(key, body)) {
                return "answers " + create.detail() + " to a PUT with If-None-Match: * of the new key " + uri;
            }
            Answer again = put(key, "second\n".getBytes(StandardCharsets.UTF_8), "*", null);
            if (again.kind() == Kind.WRITTEN) {
                return "ignores If-None-Match: * (a second create-only PUT of " + uri
                        + " replaced the object instead of failing with 412 Precondition Failed)";
            }
            if (again.kind() == Kind.UNSUPPORTED) {
                return "rejects PUT with If-None-Match: * (" + again.detail() + " for " + uri + ")";
            }
            Answer cas = put(key, "third\n".getBytes(StandardCharsets.UTF_8), null, WRONG_ETAG);
            if (cas.kind() == Kind.WRITTEN) {
                return "ignores If-Match (a PUT of " + uri + " with If-Match on an ETag the object does not have"
                        + " replaced it instead of failing with 412 Precondition Failed)";
            }
            if (cas.kind() == Kind.UNSUPPORTED) {
                return "rejects PUT with If-Match (" + cas.detail() + " for " + uri + ")";
            }
            return null;
        } finally {
            calls.deleteQuietly(key, "conditional-write probe object");
        }
    }

    private Answer put(String key, byte[] body, String ifNoneMatch, String ifMatch) {
        PutObjectRequest req = PutObjectRequest.builder().bucket(calls.bucket()).key(key).ifNoneMatch(ifNoneMatch)
                .ifMatch(ifMatch).contentType(TEXT).build();
        try {
            calls.retrying("PUT (conditional-write probe)", key,
                    () -> calls.client().putObject(req, RequestBody.fromBytes(body)));
            return new Answer(Kind.WRITTEN, "200");
        } catch (S3Exception e) {
            String detail = "HTTP " + e.statusCode() + (e.awsErrorDetails() != null
                    && e.awsErrorDetails().errorCode() != null ? " " + e.awsErrorDetails().errorCode() : "");
            if (S3Calls.isLostRace(e, ifMatch != null)) {
                return new Answer(Kind.REFUSED, detail);
            }
            if (e.statusCode() == 501 || (e.awsErrorDetails() != null
                    && "NotImplemented".equals(e.awsErrorDetails().errorCode()))) {
                return new Answer(Kind.UNSUPPORTED, detail);
            }
            throw calls.wrap("PUT (conditional-write probe)", key, e);
        } catch (SdkException e) {
            throw calls.wrap("PUT (conditional-write probe)", key, e);
        }
    }

    /** After a 412 on the first create: an earlier attempt of ours landed (its response was lost). */
    private boolean landed(String key, byte[] body) {
        S3Calls.Fetched f = calls.getOrNull(key);
        return f != null && Arrays.equals(f.bytes(), body);
    }
}
