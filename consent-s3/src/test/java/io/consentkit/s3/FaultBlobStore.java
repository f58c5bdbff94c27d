package io.consentkit.s3;

import org.gaul.s3proxy.S3ErrorCode;
import org.gaul.s3proxy.S3ProxyException;
import org.gaul.s3proxy.blobstore.BlobStore;
import org.gaul.s3proxy.blobstore.ForwardingBlobStore;
import software.amazon.awssdk.awscore.exception.AwsErrorDetails;
import software.amazon.awssdk.core.ResponseInputStream;
import software.amazon.awssdk.services.s3.model.DeleteObjectRequest;
import software.amazon.awssdk.services.s3.model.DeleteObjectResponse;
import software.amazon.awssdk.services.s3.model.GetObjectRequest;
import software.amazon.awssdk.services.s3.model.GetObjectResponse;
import software.amazon.awssdk.services.s3.model.ListObjectsV2Request;
import software.amazon.awssdk.services.s3.model.ListObjectsV2Response;
import software.amazon.awssdk.services.s3.model.PutObjectRequest;
import software.amazon.awssdk.services.s3.model.PutObjectResponse;
import software.amazon.awssdk.services.s3.model.S3Exception;

import java.io.InputStream;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Predicate;

/**
 * Server-side fault injection for s3proxy: fail the next N matching calls with an S3 error
 * (503 SlowDown, 500 InternalError, 403 AccessDenied...), optionally after the PUT was stored
 * (a write that landed but whose response was lost), or run a hook once before a matching call
 * (to interleave another writer deterministically). Thread-safe.
 */
final class FaultBlobStore extends ForwardingBlobStore {
    enum Op { PUT, GET, LIST, DELETE }

    private record Rule(Op op, Predicate<String> key, AtomicInteger remaining, int status, String code,
                        boolean afterWrite, Runnable hook) {
    }

    private final List<Rule> rules = new CopyOnWriteArrayList<>();

    FaultBlobStore(BlobStore delegate) {
        super(delegate);
    }

    /** The next {@code times} calls of {@code op} on a key matching {@code key} fail with this error. */
    void fail(Op op, Predicate<String> key, int times, int status, String code) {
        rules.add(new Rule(op, key, new AtomicInteger(times), status, code, false, null));
    }

    /** The next {@code times} matching PUTs are stored, then answered with this error. */
    void failAfterWrite(Predicate<String> key, int times, int status, String code) {
        rules.add(new Rule(Op.PUT, key, new AtomicInteger(times), status, code, true, null));
    }

    /** Runs {@code hook} once, before the next matching call is served. */
    void before(Op op, Predicate<String> key, Runnable hook) {
        rules.add(new Rule(op, key, new AtomicInteger(1), 0, null, false, hook));
    }

    void clear() {
        rules.clear();
    }

    static S3Exception error(int status, String code) {
        if (status == 500) {
            return new S3ProxyException(S3ErrorCode.INTERNAL_ERROR);
        }
        if (status == 403) {
            return new S3ProxyException(S3ErrorCode.ACCESS_DENIED);
        }
        return (S3Exception) S3Exception.builder().statusCode(status).message(code)
                .awsErrorDetails(AwsErrorDetails.builder().errorCode(code).errorMessage(code).build()).build();
    }

    /** Applies the first matching rule; returns the error to throw after writing, if any. */
    private S3Exception check(Op op, String key, boolean writing) {
        for (Rule r : rules) {
            if (r.op() != op || !r.key().test(key)) {
                continue;
            }
            if (r.remaining().getAndUpdate(n -> n > 0 ? n - 1 : 0) <= 0) {
                rules.remove(r);
                continue;
            }
            if (r.hook() != null) {
                rules.remove(r);
                r.hook().run();
                return null;
            }
            S3Exception e = error(r.status(), r.code());
            if (r.afterWrite() && writing) {
                return e;
            }
            throw e;
        }
        return null;
    }

    @Override
    public PutObjectResponse putBlob(PutObjectRequest req, InputStream in) {
        S3Exception after = check(Op.PUT, req.key(), true);
        PutObjectResponse r = super.putBlob(req, in);
        if (after != null) {
            throw after;
        }
        return r;
    }

    @Override
    public ResponseInputStream<GetObjectResponse> getBlob(GetObjectRequest req) {
        check(Op.GET, req.key(), false);
        return super.getBlob(req);
    }

    @Override
    public ListObjectsV2Response list(ListObjectsV2Request req) {
        check(Op.LIST, req.prefix() == null ? "" : req.prefix(), false);
        return super.list(req);
    }

    @Override
    public DeleteObjectResponse removeBlob(DeleteObjectRequest req) {
        check(Op.DELETE, req.key(), false);
        return super.removeBlob(req);
    }
}
