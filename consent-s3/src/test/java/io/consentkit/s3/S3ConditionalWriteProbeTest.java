package io.consentkit.s3;

import io.consentkit.consent.ConsentTracker;
import io.consentkit.journal.ConsentRecord;
import io.consentkit.journal.ConsentStoreException;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import software.amazon.awssdk.services.s3.S3Client;

import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The open-time check that the S3 server enforces If-None-Match and If-Match on PUT. */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class S3ConditionalWriteProbeTest {
    private static LocalS3 server;
    private static S3Client s3;
    private static S3Client ignoresBoth;
    private static S3Client ignoresIfMatch;
    private String bucket;

    @BeforeAll
    static void startServer() {
        server = LocalS3.start();
        s3 = server.client();
        ignoresBoth = server.client(new DroppedHeaders("If-None-Match", "If-Match"));
        ignoresIfMatch = server.client(new DroppedHeaders("If-Match"));
    }

    @AfterAll
    static void stopServer() {
        server.close();
    }

    @BeforeEach
    void newBucket() {
        bucket = server.newBucket();
        server.counter.reset();
    }

    @AfterEach
    void clearFaults() {
        server.faults.clear();
    }

    private S3ConsentStore.Builder store(S3Client client) {
        return S3ConsentStore.builder(client).bucket(bucket).prefix("p");
    }

    @Test
    void aServerThatIgnoresConditionalWritesIsRefusedAtOpen() {
        S3ConsentStore store = store(ignoresBoth).build();
        assertThatThrownBy(() -> ConsentTracker.builder(store).build())
                .isInstanceOf(ConditionalWritesUnsupportedException.class)
                .hasMessageStartingWith("refusing to use s3://" + bucket + "/p: the S3 server ignores If-None-Match: *")
                .hasMessageContaining("412 Precondition Failed");
        try (S3ConsentStore compactor = store(ignoresBoth).build()) {
            assertThatThrownBy(compactor::compact).isInstanceOf(ConditionalWritesUnsupportedException.class);
        }
        assertThat(server.keys(bucket, "")).as("the probe object is deleted, nothing else written").isEmpty();
    }

    @Test
    void aServerThatIgnoresOnlyIfMatchIsRefusedToo() {
        try (S3ConsentStore store = store(ignoresIfMatch).build()) {
            assertThatThrownBy(() -> store.replay(r -> { }))
                    .isInstanceOfSatisfying(ConditionalWritesUnsupportedException.class, e ->
                            assertThat(e.behaviour()).startsWith("ignores If-Match (a PUT of s3://" + bucket
                                    + "/p/probe/"))
                    .isInstanceOf(ConsentStoreException.class);
        }
        assertThat(server.keys(bucket, "")).isEmpty();
    }

    @Test
    void aServerThatRejectsConditionalWritesIsRefused() {
        server.faults.fail(FaultBlobStore.Op.PUT, k -> k.startsWith("p/probe/"), 1, 501, "NotImplemented");
        try (S3ConsentStore store = store(s3).build()) {
            assertThatThrownBy(() -> store.replay(r -> { }))
                    .isInstanceOf(ConditionalWritesUnsupportedException.class)
                    .hasMessageContaining("rejects PUT with If-None-Match: * (HTTP 501 NotImplemented");
            // a failed probe is not remembered: once the server behaves, the same instance opens
            assertThat(Events.replayAll(store)).isEmpty();
        }
    }

    @Test
    void onAConformingServerTheProbeCostsFourRequestsOncePerInstanceAndLeavesNothing() {
        ConsentRecord row = ConsentRecordFixtures.row("r1", "+15125550160", Instant.now());
        try (S3ConsentStore store = store(s3).build()) {
            store.append(List.of(row));
            server.counter.reset();
            assertThat(Events.replayAll(store)).containsExactly(row);
            System.out.printf("[s3-cost] first open with the conditional-write probe: %s%n", server.counter.snapshot());
            assertThat(server.counter.snapshot()).as("probe: 3 PUT + 1 DELETE; open: manifest GET, LIST, 1 GET")
                    .isEqualTo(Map.of("PutObject", 3L, "DeleteObject", 1L, "GetObject", 2L, "ListObjectsV2", 1L));
            server.counter.reset();
            store.compact();
            assertThat(Events.replayAll(store)).containsExactly(row);
            assertThat(server.counter.get("PutObject") + server.counter.get("DeleteObject"))
                    .as("no second probe on the same instance").isZero();
        }
        assertThat(server.keys(bucket, "p/probe/")).isEmpty();
        assertThat(server.keys(bucket, "p/")).hasSize(1);
    }

    @Test
    void theProbeCanBeTurnedOffExplicitly() {
        try (S3ConsentStore store = store(ignoresBoth).conditionalWriteProbe(false).build()) {
            assertThat(Events.replayAll(store)).isEmpty();
        }
        assertThat(server.counter.get("PutObject")).isZero();
    }
}
