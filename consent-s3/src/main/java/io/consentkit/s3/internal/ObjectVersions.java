package io.consentkit.s3.internal;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.services.s3.model.DeleteMarkerEntry;
import software.amazon.awssdk.services.s3.model.ListObjectVersionsRequest;
import software.amazon.awssdk.services.s3.model.ListObjectVersionsResponse;
import software.amazon.awssdk.services.s3.model.ObjectVersion;

import java.util.ArrayList;
import java.util.List;

/**
 * Old versions of an object on a versioned bucket: after an erasure overwrote or deleted an object, the
 * versions that still hold the erased data are deleted by version id. What cannot be removed (the bucket
 * has Object Lock or a legal hold, the credentials lack {@code s3:ListBucketVersions} or
 * {@code s3:DeleteObjectVersion}, the server cannot list versions) is logged as a warning naming the
 * object, never thrown: the erasure itself is committed. On an unversioned bucket the listing shows only
 * the current object and nothing is deleted. Not public API. Thread-safe (stateless).
 */
final class ObjectVersions {
    private static final Logger LOG = LoggerFactory.getLogger(ObjectVersions.class);

    private ObjectVersions() {
    }

    /** {@link #purge} of the one object {@code key}. */
    static int deleteOld(S3Calls calls, String key, boolean keepCurrent) {
        return purge(calls, key, false, keepCurrent);
    }

    /**
     * Deletes the old versions of the object {@code prefix} ({@code whole}: of every object under it), and
     * its current version too unless {@code keepCurrent}; then the delete markers (once the versions
     * behind a marker are gone it hides nothing, and deleting it resurrects nothing).
     *
     * @return versions and markers deleted; -1 if they could not be listed or deleted (logged)
     */
    static int purge(S3Calls calls, String prefix, boolean whole, boolean keepCurrent) {
        List<String[]> versions = new ArrayList<>();
        List<String[]> markers = new ArrayList<>();
        try {
            String keyMarker = null;
            String versionMarker = null;
            do {
                ListObjectVersionsRequest.Builder b = ListObjectVersionsRequest.builder().bucket(calls.bucket())
                        .prefix(prefix);
                if (keyMarker != null) {
                    b.keyMarker(keyMarker).versionIdMarker(versionMarker);
                }
                ListObjectVersionsRequest req = b.build();
                ListObjectVersionsResponse page = calls.retrying("LIST VERSIONS", prefix,
                        () -> calls.client().listObjectVersions(req));
                for (ObjectVersion v : page.versions()) {
                    if ((whole || prefix.equals(v.key())) && v.versionId() != null
                            && !(keepCurrent && Boolean.TRUE.equals(v.isLatest()))) {
                        versions.add(new String[] {v.key(), v.versionId()});
                    }
                }
                for (DeleteMarkerEntry d : page.deleteMarkers()) {
                    if ((whole || prefix.equals(d.key())) && d.versionId() != null) {
                        markers.add(new String[] {d.key(), d.versionId()});
                    }
                }
                boolean more = Boolean.TRUE.equals(page.isTruncated());
                keyMarker = more ? page.nextKeyMarker() : null;
                versionMarker = more ? page.nextVersionIdMarker() : null;
            } while (keyMarker != null);
            versions.addAll(markers);
            for (String[] v : versions) {
                calls.retrying("DELETE VERSION", v[0],
                        () -> calls.client().deleteObject(d -> d.bucket(calls.bucket()).key(v[0]).versionId(v[1])));
            }
            return versions.size();
        } catch (SdkException e) {
            LOG.warn("could not remove the old versions of {} ({}): on a versioned bucket they may still hold erased"
                    + " data; check Object Lock and the s3:ListBucketVersions / s3:DeleteObjectVersion permissions",
                    calls.uri(prefix), calls.wrap("LIST/DELETE VERSIONS", prefix, e).getMessage());
            return -1;
        }
    }
}
