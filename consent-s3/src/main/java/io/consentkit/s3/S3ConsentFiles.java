package io.consentkit.s3;

import io.consentkit.InvalidInputException;
import io.consentkit.consent.ConsentTracker;
import io.consentkit.consent.ImportResult;
import io.consentkit.journal.JournalCodec;
import io.consentkit.s3.internal.S3Calls;
import software.amazon.awssdk.services.s3.S3Client;

import java.io.ByteArrayInputStream;
import java.io.Reader;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;

/**
 * Single CSV objects in S3 next to a tracker: import the file the existing tools kept (one
 * object rewritten on every change, e.g. {@code s3://acme-sms/twilio/sms_consents.csv}) and
 * write the audit export to a key.
 *
 * <pre>{@code
 * S3ConsentFiles files = S3ConsentFiles.of(s3Client);
 * ImportResult r = files.importLegacy(tracker, "s3://acme-sms/twilio/sms_consents.csv");
 * files.exportAudit(tracker, "s3://acme-sms/audit/consents-2025-06.csv");
 * }</pre>
 *
 * <p>Reads and writes are retried like the store's (6 attempts, backoff from 100 ms to 5 s);
 * failures throw {@link io.consentkit.journal.ConsentStoreException}. Thread-safe.
 */
public final class S3ConsentFiles {
    private static final String CSV = "text/csv; charset=utf-8";

    private final S3Client s3;
    private final S3ConsentStore.Sleeper sleeper;

    private S3ConsentFiles(S3Client s3, S3ConsentStore.Sleeper sleeper) {
        this.s3 = s3;
        this.sleeper = sleeper;
    }

    /** Uses {@code s3} (not closed by this class). */
    public static S3ConsentFiles of(S3Client s3) {
        if (s3 == null) {
            throw new InvalidInputException("s3", "is null");
        }
        return new S3ConsentFiles(s3, S3ConsentStore.Sleeper.SYSTEM);
    }

    /**
     * Imports a legacy CSV object (same schema; each consent may appear once, rewritten in
     * place) through {@link ConsentTracker#importLegacy(Reader)}: validated as a whole first,
     * rows already present skipped.
     *
     * @param s3Uri {@code s3://bucket/key}
     */
    public ImportResult importLegacy(ConsentTracker tracker, String s3Uri) {
        String[] bk = parseUri(s3Uri);
        return importLegacy(tracker, bk[0], bk[1]);
    }

    /** Imports the legacy CSV object {@code key} of {@code bucket}; see {@link #importLegacy(ConsentTracker, String)}. */
    public ImportResult importLegacy(ConsentTracker tracker, String bucket, String key) {
        requireTracker(tracker);
        S3Calls calls = calls(bucket);
        byte[] bytes = calls.get(requireKey(key)).bytes();
        try (Reader r = JournalCodec.utf8Reader(new ByteArrayInputStream(bytes), "s3://" + bucket + "/" + key)) {
            return tracker.importLegacy(r);
        } catch (java.io.IOException e) {
            throw new io.consentkit.journal.ConsentStoreException("cannot read s3://" + bucket + "/" + key, e);
        }
    }

    /**
     * Writes the tracker's audit export ({@link ConsentTracker#exportAudit(java.io.Writer)}:
     * every consent, active and revoked, formula-safe) to an object, replacing it whole.
     *
     * @param s3Uri {@code s3://bucket/key}
     * @return the number of consents written
     */
    public int exportAudit(ConsentTracker tracker, String s3Uri) {
        String[] bk = parseUri(s3Uri);
        return exportAudit(tracker, bk[0], bk[1]);
    }

    /** Writes the audit export to {@code key} of {@code bucket}; see {@link #exportAudit(ConsentTracker, String)}. */
    public int exportAudit(ConsentTracker tracker, String bucket, String key) {
        requireTracker(tracker);
        S3Calls calls = calls(bucket);
        StringWriter w = new StringWriter();
        int n = tracker.exportAudit(w);
        calls.put(requireKey(key), w.toString().getBytes(StandardCharsets.UTF_8), CSV);
        return n;
    }

    private S3Calls calls(String bucket) {
        if (bucket == null || bucket.isBlank()) {
            throw new InvalidInputException("bucket", "is empty");
        }
        return new S3Calls(s3, bucket, S3ConsentStore.DEFAULT_MAX_ATTEMPTS, S3ConsentStore.DEFAULT_BASE_DELAY,
                S3ConsentStore.DEFAULT_MAX_DELAY, sleeper::sleep);
    }

    private static void requireTracker(ConsentTracker tracker) {
        if (tracker == null) {
            throw new InvalidInputException("tracker", "is null");
        }
    }

    private static String requireKey(String key) {
        if (key == null || key.isBlank()) {
            throw new InvalidInputException("key", "is empty");
        }
        return key;
    }

    /** Splits {@code s3://bucket/key} into bucket and key. */
    static String[] parseUri(String uri) {
        if (uri == null || !uri.startsWith("s3://")) {
            throw new InvalidInputException("s3Uri", "'" + uri + "' is not of the form s3://bucket/key");
        }
        String rest = uri.substring(5);
        int slash = rest.indexOf('/');
        if (slash <= 0 || slash == rest.length() - 1) {
            throw new InvalidInputException("s3Uri", "'" + uri + "' is not of the form s3://bucket/key");
        }
        return new String[] {rest.substring(0, slash), rest.substring(slash + 1)};
    }
}
