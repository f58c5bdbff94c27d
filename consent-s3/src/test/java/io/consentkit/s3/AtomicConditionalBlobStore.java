package io.consentkit.s3;

import org.gaul.s3proxy.S3ErrorCode;
import org.gaul.s3proxy.S3ProxyException;
import org.gaul.s3proxy.blobstore.BlobStore;
import org.gaul.s3proxy.blobstore.ForwardingBlobStore;
import software.amazon.awssdk.services.s3.model.HeadObjectResponse;
import software.amazon.awssdk.services.s3.model.PutObjectRequest;
import software.amazon.awssdk.services.s3.model.PutObjectResponse;

import java.io.InputStream;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Makes s3proxy's conditional PUTs atomic, as S3's are: s3proxy checks {@code If-Match} outside
 * the store's lock, so concurrent compare-and-swap writers could all win. Every PUT takes a
 * per-key lock and re-checks {@code If-Match} and {@code If-None-Match: *} under it
 * (shared/reference/test-servers.md section 1).
 */
final class AtomicConditionalBlobStore extends ForwardingBlobStore {
    private final ConcurrentHashMap<String, Object> locks = new ConcurrentHashMap<>();

    AtomicConditionalBlobStore(BlobStore delegate) {
        super(delegate);
    }

    @Override
    public PutObjectResponse putBlob(PutObjectRequest req, InputStream in) {
        synchronized (locks.computeIfAbsent(req.bucket() + "/" + req.key(), k -> new Object())) {
            if (req.ifMatch() != null || req.ifNoneMatch() != null) {
                HeadObjectResponse cur = delegate().blobMetadataIfPresent(req.bucket(), req.key());
                if (req.ifMatch() != null) {
                    if (cur == null) {
                        throw new S3ProxyException(S3ErrorCode.NO_SUCH_KEY);
                    }
                    if (!strip(req.ifMatch()).equals(strip(cur.eTag()))) {
                        throw new S3ProxyException(S3ErrorCode.PRECONDITION_FAILED);
                    }
                }
                if ("*".equals(req.ifNoneMatch()) && cur != null) {
                    throw new S3ProxyException(S3ErrorCode.PRECONDITION_FAILED);
                }
            }
            return super.putBlob(req, in);
        }
    }

    private static String strip(String e) {
        return e == null ? null : e.replace("\"", "");
    }
}
