package io.consentkit.s3;

import io.consentkit.InvalidInputException;
import io.consentkit.journal.ConsentStoreException;
import io.consentkit.journal.StoreCapabilities;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.s3.S3Client;

import java.net.URI;
import java.time.Duration;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Builder validation and store lifecycle rules that need no server. */
class S3ConsentStoreBuilderTest {
    private static S3Client s3;

    @BeforeAll
    static void client() {
        s3 = LocalS3.newClient(URI.create("http://127.0.0.1:9"), null); // never called
    }

    @AfterAll
    static void close() {
        s3.close();
    }

    @Test
    void settersValidateAtOnceNamingTheField() {
        assertThatThrownBy(() -> S3ConsentStore.builder(null)).isInstanceOf(InvalidInputException.class)
                .extracting(e -> ((InvalidInputException) e).field()).isEqualTo("s3");
        S3ConsentStore.Builder b = S3ConsentStore.builder(s3);
        assertThatThrownBy(b::build).hasMessage("bucket is required");
        assertThatThrownBy(() -> b.bucket("Bad_Bucket")).hasMessageContaining("bucket 'Bad_Bucket' is not");
        assertThatThrownBy(() -> b.writerId("a-b")).hasMessageStartingWith("writerId");
        assertThatThrownBy(() -> b.prefix("a//b")).hasMessageStartingWith("prefix");
        assertThatThrownBy(() -> b.visibilityBound(Duration.ZERO)).hasMessage("visibilityBound must be positive");
        assertThatThrownBy(() -> b.lateWriteWindow(Duration.ofHours(2))).hasMessageStartingWith("lateWriteWindow");
        assertThatThrownBy(() -> b.retries(0, Duration.ZERO, Duration.ZERO)).hasMessageStartingWith("maxAttempts");
        assertThatThrownBy(() -> b.retries(3, Duration.ofSeconds(2), Duration.ofSeconds(1)))
                .hasMessageStartingWith("maxDelay");
        assertThatThrownBy(() -> b.readParallelism(0)).hasMessageStartingWith("readParallelism");
        assertThatThrownBy(() -> b.autoCompactAfter(-1)).hasMessageStartingWith("autoCompactAfter");
    }

    @Test
    void defaultsAndCapabilities() {
        try (S3ConsentStore store = S3ConsentStore.builder(s3).bucket("acme-sms").prefix("/consentkit/prod/")
                .visibilityBound(Duration.ofSeconds(3)).build()) {
            assertThat(store.prefix()).isEqualTo("consentkit/prod");
            assertThat(store.writerId()).matches("[0-9a-f]{12}");
            assertThat(store.capabilities()).isEqualTo(new StoreCapabilities("s3", true, true, true,
                    Duration.ofSeconds(3)));
            assertThat(store.toString()).contains("s3://acme-sms/consentkit/prod");
            assertThatThrownBy(store::poll).isInstanceOf(ConsentStoreException.class)
                    .hasMessageContaining("before replay");
        }
    }

    @Test
    void aClosedStoreRefusesWork() {
        S3ConsentStore store = S3ConsentStore.builder(s3).bucket("acme-sms").build();
        store.close();
        assertThatThrownBy(() -> store.append(List.of())).isInstanceOf(ConsentStoreException.class)
                .hasMessageContaining("closed");
        assertThatThrownBy(() -> store.replay(r -> { })).isInstanceOf(ConsentStoreException.class);
        assertThatThrownBy(store::poll).isInstanceOf(ConsentStoreException.class);
        assertThatThrownBy(store::compact).isInstanceOf(ConsentStoreException.class);
    }
}
