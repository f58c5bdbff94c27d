package io.consentkit.s3;

import io.consentkit.journal.ConsentRecord;
import io.consentkit.consent.ConsentTracker;
import io.consentkit.journal.ConsentStoreException;
import io.consentkit.testkit.SettableClock;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.S3Exception;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Injected 500/503/403 faults, lost responses and key collisions against the local S3 server. */
class S3FaultTest {
    private static LocalS3 server;
    private static S3Client s3;
    private String bucket;
    private final List<Duration> sleeps = new CopyOnWriteArrayList<>();
    private final SettableClock clock = SettableClock.at("2025-08-01T10:00:00Z");

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
    void setUp() {
        bucket = server.newBucket();
        server.counter.reset();
    }

    @AfterEach
    void clearFaults() {
        server.faults.clear();
    }

    /** Retries: 4 attempts, 10 ms doubling to 40 ms, recorded instead of slept. */
    private S3ConsentStore.Builder store() {
        return S3ConsentStore.builder(s3).bucket(bucket).prefix("f").clock(clock)
                .retries(4, Duration.ofMillis(10), Duration.ofMillis(40)).sleeper(sleeps::add);
    }

    private static boolean journal(String key) {
        return key.startsWith("f/journal/");
    }

    @Test
    void slowDownAndInternalErrorOnAppendAreRetriedWithBackoff() {
        server.faults.fail(FaultBlobStore.Op.PUT, S3FaultTest::journal, 2, 503, "SlowDown");
        server.faults.fail(FaultBlobStore.Op.PUT, S3FaultTest::journal, 1, 500, "InternalError");
        try (S3ConsentStore store = store().build()) {
            ConsentRecord r = ConsentRecordFixtures.row("r1", "+15125550001", clock.instant());
            store.append(List.of(r));
            assertThat(server.counter.get("PutObject")).isEqualTo(4);
            assertThat(sleeps).hasSize(3);
            assertThat(sleeps.get(0)).isBetween(Duration.ofMillis(5), Duration.ofMillis(10));
            assertThat(sleeps.get(1)).isBetween(Duration.ofMillis(10), Duration.ofMillis(20));
            assertThat(sleeps.get(2)).isBetween(Duration.ofMillis(20), Duration.ofMillis(40));
            assertThat(Events.replayAll(store)).containsExactly(r);
        }
    }

    @Test
    void aWriteThatLandedButLostItsResponseIsAcknowledgedOnce() {
        server.faults.failAfterWrite(S3FaultTest::journal, 1, 500, "InternalError");
        try (S3ConsentStore store = store().build()) {
            ConsentRecord r = ConsentRecordFixtures.row("r1", "+15125550001", clock.instant());
            store.append(List.of(r));
            assertThat(server.counter.snapshot()).as("PUT (landed, 500), PUT (412), GET to compare")
                    .containsEntry("PutObject", 2L).containsEntry("GetObject", 1L);
            assertThat(server.keys(bucket, "f/journal/")).hasSize(1);
            assertThat(Events.replayAll(store)).containsExactly(r);
        }
    }

    @Test
    void aCompactionWhoseManifestSwapLandedButLostItsResponseKeepsItsSnapshot() {
        try (S3ConsentStore store = store().build()) {
            List<ConsentRecord> rows = new java.util.ArrayList<>();
            for (int i = 0; i < 5; i++) {
                ConsentRecord r = ConsentRecordFixtures.row("c" + i, "+1512555000" + i, clock.instant());
                store.append(List.of(r));
                rows.add(r);
            }
            clock.advance(S3ConsentStore.DEFAULT_LATE_WRITE_WINDOW.plusSeconds(1));
            // the swap is stored, its response lost: the SDK's retry then fails If-Match (412)
            server.faults.failAfterWrite(k -> k.equals("f/manifest.json"), 1, 500, "InternalError");
            CompactionResult r = store.compact();
            assertThat(r.compacted()).isTrue();
            server.faults.clear();
            assertThat(server.keys(bucket, "f/snapshots/")).as("the snapshot the manifest names is kept").hasSize(1);
            try (S3ConsentStore reader = store().build()) {
                assertThat(Events.replayAll(reader)).containsExactlyElementsOf(rows);
            }
        }
    }

    @Test
    void retriesAreBoundedAndAFailedAppendChangesNothing() {
        server.faults.fail(FaultBlobStore.Op.PUT, S3FaultTest::journal, 100, 503, "SlowDown");
        try (ConsentTracker tracker = ConsentTracker.builder(store().build()).clock(clock).build()) {
            server.counter.reset(); // count the append alone, not the open's conditional-write probe
            assertThatThrownBy(() -> tracker.recordWebFormConsent("+15125550002", "c", "Ann", "", "", ""))
                    .isInstanceOf(ConsentStoreException.class)
                    .hasMessageContaining("not acknowledged after 4 attempts").hasMessageContaining("503")
                    .hasCauseInstanceOf(S3Exception.class);
            assertThat(server.counter.get("PutObject")).isEqualTo(4);
            assertThat(sleeps).hasSize(3);
            assertThat(tracker.isActive("+15125550002")).isFalse();

            server.faults.clear();
            tracker.recordWebFormConsent("+15125550002", "c", "Ann", "", "", "");
            assertThat(tracker.isActive("+15125550002")).isTrue();
        }
    }

    @Test
    void otherErrorsFailAtOnceWithTheCause() {
        server.faults.fail(FaultBlobStore.Op.PUT, S3FaultTest::journal, 1, 403, "AccessDenied");
        try (S3ConsentStore store = store().build()) {
            assertThatThrownBy(() -> store.append(List.of(ConsentRecordFixtures.row("r", "+15125550003",
                    clock.instant()))))
                    .isInstanceOf(ConsentStoreException.class).hasMessageContaining("HTTP 403 AccessDenied")
                    .hasCauseInstanceOf(S3Exception.class);
            assertThat(server.counter.get("PutObject")).isEqualTo(1);
            assertThat(sleeps).isEmpty();
        }
        try (S3ConsentStore missing = S3ConsentStore.builder(s3).bucket("no-such-bucket").build()) {
            assertThatThrownBy(() -> missing.replay(r -> { })).isInstanceOf(ConsentStoreException.class)
                    .hasMessageContaining("404");
        }
    }

    @Test
    void readFaultsOnOpenAndRefreshAreRetried() {
        try (S3ConsentStore w = store().build()) {
            w.append(List.of(ConsentRecordFixtures.row("r1", "+15125550004", clock.instant())));
        }
        server.faults.fail(FaultBlobStore.Op.LIST, k -> true, 2, 503, "SlowDown");
        server.faults.fail(FaultBlobStore.Op.GET, S3FaultTest::journal, 1, 500, "InternalError");
        try (ConsentTracker t = ConsentTracker.builder(store().build()).clock(clock).build()) {
            assertThat(t.isActive("+15125550004")).isTrue();
            assertThat(sleeps).hasSize(3);
            try (S3ConsentStore w = store().build()) {
                w.append(List.of(ConsentRecordFixtures.row("r2", "+15125550005", clock.instant())));
            }
            server.faults.fail(FaultBlobStore.Op.LIST, k -> true, 1, 500, "InternalError");
            t.refresh();
            assertThat(t.isActive("+15125550005")).isTrue();
            assertThat(sleeps).hasSize(4);
        }
    }

    @Test
    void aWriterIdClashIsDetectedAndTheBatchWrittenUnderANewKey() {
        // Two stores with the same writer id and the same clock mint the same first key.
        try (S3ConsentStore one = store().writerId("dup").build(); S3ConsentStore two = store().writerId("dup").build()) {
            ConsentRecord a = ConsentRecordFixtures.row("a", "+15125550006", clock.instant());
            ConsentRecord b = ConsentRecordFixtures.row("b", "+15125550007", clock.instant());
            one.append(List.of(a));
            two.append(List.of(b));
            assertThat(server.keys(bucket, "f/journal/")).hasSize(2);
            assertThat(server.counter.snapshot()).as("412, GET to compare, PUT under the next key")
                    .containsEntry("PutObject", 3L).containsEntry("GetObject", 1L);
            assertThat(Events.replayAll(one)).containsExactly(a, b);
        }
    }

    @Test
    void aRetryOfAnOldKeyIsResentUnderAFreshKey() {
        // The sleeper moves the clock: after a long backoff the key is older than half the window.
        S3ConsentStore.Sleeper slowSleeper = d -> {
            sleeps.add(d);
            clock.advance(Duration.ofSeconds(20));
        };
        server.faults.fail(FaultBlobStore.Op.PUT, S3FaultTest::journal, 1, 503, "SlowDown");
        try (S3ConsentStore store = store().sleeper(slowSleeper).writerId("w").build()) {
            ConsentRecord r = ConsentRecordFixtures.row("r", "+15125550008", clock.instant());
            store.append(List.of(r));
            List<String> keys = server.keys(bucket, "f/journal/");
            assertThat(keys).hasSize(1);
            assertThat(keys.get(0)).as("re-minted at the later time").contains("1754042420000-w-");
            assertThat(Events.replayAll(store)).containsExactly(r);
        }
    }

    @Test
    void withASmallWindowARetryIsReKeyedSoTheObjectLandsWithinThreeQuartersOfIt() {
        // window 2 s, attempts time out after 1 s: a retry keeps its key only while it is at most 0.5 s old
        S3ConsentStore.Sleeper slowSleeper = d -> {
            sleeps.add(d);
            clock.advance(Duration.ofMillis(600));
        };
        server.faults.fail(FaultBlobStore.Op.PUT, S3FaultTest::journal, 1, 503, "SlowDown");
        try (S3ConsentStore store = store().lateWriteWindow(Duration.ofSeconds(2)).sleeper(slowSleeper).writerId("w")
                .build()) {
            ConsentRecord r = ConsentRecordFixtures.row("r", "+15125550009", clock.instant());
            store.append(List.of(r));
            List<String> keys = server.keys(bucket, "f/journal/");
            assertThat(keys).hasSize(1);
            assertThat(keys.get(0)).as("re-minted at the later time").contains("1754042400600-w-");
            assertThat(Events.replayAll(store)).containsExactly(r);
        }
    }
}
