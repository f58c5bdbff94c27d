package io.consentkit.s3.internal;

import io.consentkit.InvalidInputException;
import io.consentkit.phone.PhoneNumbers;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.auth.credentials.AnonymousCredentialsProvider;
import software.amazon.awssdk.awscore.exception.AwsErrorDetails;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.S3Exception;

import java.net.URI;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The settings record's invariants, and the one retry loop of {@link S3Calls}, without a server. */
class S3StoreSettingsTest {
    private static S3Client s3;

    @BeforeAll
    static void client() {
        s3 = S3Client.builder().endpointOverride(URI.create("http://127.0.0.1:9")).region(Region.US_EAST_1)
                .credentialsProvider(AnonymousCredentialsProvider.create()).build(); // never called
    }

    @AfterAll
    static void close() {
        s3.close();
    }

    private static S3StoreSettings settings(String bucket, String prefix, Duration window, List<Duration> sleeps) {
        return new S3StoreSettings(s3, bucket, prefix, "w1", Clock.systemUTC(), Duration.ofSeconds(5), window, 3,
                Duration.ofMillis(10), Duration.ofMillis(40), sleeps::add, PhoneNumbers.defaults(), 8, 500,
                true);
    }

    @Test
    void theRecordHoldsOnlyValidSettings() {
        assertThatThrownBy(() -> settings(null, "p", Duration.ofSeconds(30), new ArrayList<>()))
                .isInstanceOf(InvalidInputException.class).hasMessage("bucket is required");
        assertThatThrownBy(() -> settings("acme-sms", "/p/", Duration.ofSeconds(30), new ArrayList<>()))
                .isInstanceOf(InvalidInputException.class).hasMessageStartingWith("prefix '/p/'");
        S3StoreSettings s = settings("acme-sms", "consentkit/prod", Duration.ofSeconds(30), new ArrayList<>());
        assertThat(s.location()).isEqualTo("s3://acme-sms/consentkit/prod");
        assertThat(s.putAttemptTimeout()).isEqualTo(Duration.ofMillis(7_500));
        assertThat(settings("acme-sms", "", Duration.ofSeconds(2), new ArrayList<>()).putAttemptTimeout())
                .as("at least one second").isEqualTo(Duration.ofSeconds(1));
        assertThat(S3StoreSettings.normalisePrefix(" /a/b// ")).isEqualTo("a/b");
        assertThat(S3StoreSettings.randomWriterId()).matches("[0-9a-f]{12}");
    }

    private static S3Exception error(int status, String code) {
        return (S3Exception) S3Exception.builder().statusCode(status).message(code)
                .awsErrorDetails(AwsErrorDetails.builder().errorCode(code).build()).build();
    }

    @Test
    void theRetryLoopRunsTheHookAfterEachBackoffAndNamesTheCurrentKey() {
        List<Duration> sleeps = new ArrayList<>();
        S3Calls calls = settings("acme-sms", "p", Duration.ofSeconds(30), sleeps).calls();
        AtomicInteger hooks = new AtomicInteger();
        String[] key = {"k1"};
        S3Calls.Retry retry = new S3Calls.Retry(S3Calls::isRetryable, "append not acknowledged", () -> {
            hooks.incrementAndGet();
            key[0] = "k" + (hooks.get() + 1);
        });
        assertThatThrownBy(() -> calls.retrying("PUT", () -> key[0], retry, () -> {
            throw error(503, "SlowDown");
        })).hasMessage("S3 PUT (append not acknowledged after 3 attempts) s3://acme-sms/k3 failed: HTTP 503 SlowDown");
        assertThat(hooks).as("after each of the two backoffs").hasValue(2);
        assertThat(sleeps).hasSize(2);

        AtomicInteger calls403 = new AtomicInteger();
        assertThatThrownBy(() -> calls.retrying("GET", "k", () -> {
            calls403.incrementAndGet();
            throw error(403, "AccessDenied");
        })).as("not retryable: rethrown as it is").isInstanceOf(S3Exception.class);
        assertThat(calls403).hasValue(1);
        assertThat(sleeps).hasSize(2);
    }
}
