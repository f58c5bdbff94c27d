package io.consentkit.s3;

import io.consentkit.InvalidInputException;
import io.consentkit.journal.ConsentRecord;
import io.consentkit.journal.ConsentStatus;
import io.consentkit.consent.ConsentTracker;
import io.consentkit.consent.ImportResult;
import io.consentkit.journal.ConsentStoreException;
import io.consentkit.journal.JournalFormatException;
import io.consentkit.testkit.SettableClock;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.services.s3.S3Client;

import java.nio.charset.StandardCharsets;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Legacy import from the single-object layout and audit export to an S3 key. */
class S3ConsentFilesTest {
    /** What the existing tool kept in s3://bucket/twilio/sms_consents.csv: rows rewritten in place. */
    static final String LEGACY = """
            consent_id,timestamp,phone_number,opt_in_method,consent_message,customer_id,customer_name,customer_email,ip_address,screenshot_url,metadata,status,revoked_at,revoked_method
            a1b2c3d4e5f60718,2024-03-01T10:00:00.123456,+15125551234,web_form,"By checking this box, I agree to receive texts from Basin Climbing. Reply STOP to opt out.",cust-1,Ann Lee,ann@example.com,203.0.113.9,,"{""form_url"": ""https://basin.example/signup""}",active,,
            b1b2c3d4e5f60718,2024-03-02T11:30:00,+15125555678,keyword,"You texted JOIN. Reply STOP to opt out.",,,,,,,revoked,2024-04-01T08:00:00,stop_keyword
            """;

    private static LocalS3 server;
    private static S3Client s3;
    private String bucket;

    @BeforeAll
    static void startServer() {
        server = LocalS3.start();
        s3 = server.client();
    }

    @AfterAll
    static void stopServer() {
        server.close();
    }

    @BeforeEach
    void newBucket() {
        bucket = server.newBucket();
    }

    private ConsentTracker tracker() {
        return ConsentTracker.builder(S3ConsentStore.builder(s3).bucket(bucket).prefix("consentkit").build())
                .clock(SettableClock.at("2025-01-01T00:00:00Z")).build();
    }

    @Test
    void importsTheLegacySingleObjectIntoTheJournalOnce() {
        s3.putObject(b -> b.bucket(bucket).key("twilio/sms_consents.csv"), RequestBody.fromString(LEGACY));
        S3ConsentFiles files = S3ConsentFiles.of(s3);
        try (ConsentTracker t = tracker()) {
            assertThat(files.importLegacy(t, "s3://" + bucket + "/twilio/sms_consents.csv"))
                    .isEqualTo(new ImportResult(2, 2, 0));
            assertThat(t.isActive("+15125551234")).isTrue();
            assertThat(t.isOptedOut("+15125555678")).isTrue();
            assertThat(files.importLegacy(t, bucket, "twilio/sms_consents.csv"))
                    .as("importing again is harmless").isEqualTo(new ImportResult(2, 0, 2));
        }
        try (S3ConsentStore fresh = S3ConsentStore.builder(s3).bucket(bucket).prefix("consentkit").build()) {
            assertThat(Events.replayAll(fresh)).extracting(ConsentRecord::consentId)
                    .containsExactly("a1b2c3d4e5f60718", "b1b2c3d4e5f60718");
        }
    }

    @Test
    void aBadLegacyObjectImportsNothing() {
        s3.putObject(b -> b.bucket(bucket).key("twilio/bad.csv"),
                RequestBody.fromString(LEGACY.replace("+15125555678", "not-a-number")));
        try (ConsentTracker t = tracker()) {
            assertThatThrownBy(() -> S3ConsentFiles.of(s3).importLegacy(t, "s3://" + bucket + "/twilio/bad.csv"))
                    .isInstanceOf(JournalFormatException.class).hasMessageContaining("line 3");
            assertThat(t.isActive("+15125551234")).isFalse();
            assertThatThrownBy(() -> S3ConsentFiles.of(s3).importLegacy(t, "s3://" + bucket + "/twilio/none.csv"))
                    .isInstanceOf(ConsentStoreException.class).hasMessageContaining("does not exist");
            assertThatThrownBy(() -> S3ConsentFiles.of(s3).importLegacy(t, "https://example.com/x.csv"))
                    .isInstanceOf(InvalidInputException.class).hasMessageContaining("s3://bucket/key");
        }
    }

    @Test
    void invalidUtf8InALegacyObjectOrAJournalObjectIsATypedErrorWithItsLine() {
        byte[] bad = LEGACY.replace("Ann Lee", "Ann L\u00e9e").getBytes(StandardCharsets.UTF_8);
        int at = indexOf(bad, (byte) 0xC3);
        byte[] truncated = java.util.Arrays.copyOf(bad, bad.length);
        truncated[at + 1] = 'x'; // 0xC3 followed by a byte that cannot continue it
        s3.putObject(b -> b.bucket(bucket).key("twilio/bad-bytes.csv"), RequestBody.fromBytes(truncated));
        try (ConsentTracker t = tracker()) {
            assertThatThrownBy(() -> S3ConsentFiles.of(s3).importLegacy(t, bucket, "twilio/bad-bytes.csv"))
                    .isInstanceOfSatisfying(JournalFormatException.class, e -> {
                        assertThat(e.field()).isEqualTo("encoding");
                        assertThat(e.line()).isEqualTo(2);
                    });
            assertThat(t.isActive("+15125551234")).as("nothing imported").isFalse();
        }
        // a journal object with such a byte (written by another tool) fails the open, naming the object
        String key = "consentkit/journal/0000000000001-other-000000000001.csv";
        s3.putObject(b -> b.bucket(bucket).key(key), RequestBody.fromBytes(truncated));
        assertThatThrownBy(() -> tracker().close())
                .isInstanceOfSatisfying(JournalFormatException.class, e -> {
                    assertThat(e.field()).isEqualTo("encoding");
                    assertThat(e.getMessage()).contains("0000000000001-other-000000000001.csv");
                });
    }

    private static int indexOf(byte[] a, byte b) {
        for (int i = 0; i < a.length; i++) {
            if (a[i] == b) {
                return i;
            }
        }
        throw new AssertionError("byte not found");
    }

    @Test
    void writesTheAuditExportToAKey() {
        try (ConsentTracker t = tracker()) {
            t.recordWebFormConsent("+15125551234", "c1", "=HYPERLINK(\"http://x\")", "ann@example.com", "", "");
            t.revoke("+15125559999", "admin", "do not text");
            int n = S3ConsentFiles.of(s3).exportAudit(t, "s3://" + bucket + "/audit/consents.csv");
            assertThat(n).isEqualTo(2);
        }
        String csv = s3.getObjectAsBytes(b -> b.bucket(bucket).key("audit/consents.csv")).asString(StandardCharsets.UTF_8);
        List<String> lines = csv.lines().toList();
        assertThat(lines).hasSize(3);
        assertThat(lines.get(0)).startsWith("consent_id,timestamp,phone_number");
        assertThat(csv).contains("'=HYPERLINK").contains(",revoked,")
                .contains("," + ConsentStatus.ACTIVE.journalName() + ",");
    }
}
