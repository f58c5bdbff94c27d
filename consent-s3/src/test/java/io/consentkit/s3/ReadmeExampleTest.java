package io.consentkit.s3;

import io.consentkit.consent.ConsentTracker;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.services.s3.S3Client;

import java.nio.charset.StandardCharsets;
import java.time.Duration;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Runs the S3 "Configure" example of docs/stores.md against the local server; the docs
 * harness in consent-checks fails if the document's block and the copy below differ.
 */
class ReadmeExampleTest {
    private static LocalS3 server;

    @BeforeAll
    static void startServer() {
        server = LocalS3.start();
    }

    @AfterAll
    static void stopServer() {
        server.close();
    }

    @Test
    void theConfigureExampleRuns() {
        S3Client s3 = server.client();
        s3.createBucket(b -> b.bucket("acme-sms"));
        s3.putObject(b -> b.bucket("acme-sms").key("twilio/sms_consents.csv"),
                RequestBody.fromString(S3ConsentFilesTest.LEGACY));
        // snippet: s3-configure
        S3ConsentStore store = S3ConsentStore.builder(s3)          // your S3Client
                .bucket("acme-sms")
                .prefix("consentkit/prod")                          // every writer uses the same bucket + prefix
                .visibilityBound(Duration.ofSeconds(5))             // opt-outs from other machines seen within 5 s
                .build();
        try (ConsentTracker tracker = ConsentTracker.builder(store).brand("Basin Climbing").build()) {
            tracker.recordWebFormConsent("512-555-1234", "cust-1", "Ann Lee", "ann@example.com", "203.0.113.9",
                    "https://basin.example/sms-signup");
            boolean mayText = tracker.isActive("+15125551234");     // refreshes first if the last refresh is > 5 s old

            // the file the old tool kept, imported once (safe to repeat), and the audit trail written to S3
            S3ConsentFiles files = S3ConsentFiles.of(s3);
            files.importLegacy(tracker, "s3://acme-sms/twilio/sms_consents.csv");
            files.exportAudit(tracker, "s3://acme-sms/audit/consents.csv");

            store.compact();                                        // e.g. nightly; opening also compacts past 500 objects
        }
        // end snippet
        try (ConsentTracker again = ConsentTracker.builder(S3ConsentStore.builder(s3).bucket("acme-sms")
                .prefix("consentkit/prod").build()).build()) {
            assertThat(again.isActive("+15125551234")).isTrue();
            assertThat(again.isOptedOut("+15125555678")).as("imported revocation").isTrue();
        }
        assertThat(server.keys("acme-sms", "consentkit/prod/journal/")).hasSize(2);
        String audit = s3.getObjectAsBytes(b -> b.bucket("acme-sms").key("audit/consents.csv"))
                .asString(StandardCharsets.UTF_8);
        assertThat(audit.lines()).hasSize(4); // header + the new consent + two imported
    }
}
