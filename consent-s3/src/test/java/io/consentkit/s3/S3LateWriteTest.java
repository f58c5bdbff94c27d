package io.consentkit.s3;

import io.consentkit.consent.ConsentTracker;
import io.consentkit.journal.ConsentRecord;
import io.consentkit.journal.ConsentStatus;
import io.consentkit.testkit.SettableClock;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import software.amazon.awssdk.services.s3.S3Client;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Appends whose upload is still in flight while a compaction lists the journal. The upload is
 * held inside the server with latches and the compaction's slowness is a jump of the shared
 * {@link SettableClock}, so each interleaving is exact and nothing sleeps.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class S3LateWriteTest {
    private static final Duration WINDOW = S3ConsentStore.DEFAULT_LATE_WRITE_WINDOW;
    private static final String PHONE = "+15125550140";
    private static LocalS3 server;
    private static S3Client s3;
    private String bucket;
    private final SettableClock clock = SettableClock.at("2025-09-01T08:00:00Z");
    private final ExecutorService pool = Executors.newSingleThreadExecutor();

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

    @AfterEach
    void cleanUp() {
        server.faults.clear();
        pool.shutdownNow();
    }

    private S3ConsentStore.Builder store(String writerId) {
        return S3ConsentStore.builder(s3).bucket(bucket).prefix("late").clock(clock).writerId(writerId);
    }

    private static boolean journalOf(String key, String writerId) {
        return key.startsWith("late/journal/") && key.contains("-" + writerId + "-");
    }

    /** Holds the next journal PUT of {@code writerId} inside the server until {@code release} opens. */
    private void holdNextPut(String writerId, CountDownLatch entered, CountDownLatch release) {
        server.faults.before(FaultBlobStore.Op.PUT, k -> journalOf(k, writerId), () -> {
            entered.countDown();
            await(release);
        });
    }

    private static void await(CountDownLatch latch) {
        try {
            if (!latch.await(30, TimeUnit.SECONDS)) {
                throw new IllegalStateException("latch not released in time");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    private boolean optedOutOnAFreshOpen() {
        try (ConsentTracker fresh = ConsentTracker.builder(store("reader").build()).clock(clock).build()) {
            return fresh.isOptedOut(PHONE);
        }
    }

    /**
     * The case: a STOP's upload is in flight when the compaction lists the journal, lands
     * a moment later, and the compaction then spends longer than the late-write window reading
     * objects. The compaction must not cover the STOP's key, which it never read.
     */
    @Test
    void aStopInFlightAcrossTheListingIsNeverHiddenByTheCompaction() throws Exception {
        try (ConsentTracker tracker = ConsentTracker.builder(store("w").build()).clock(clock).build();
             S3ConsentStore compactor = store("c").build()) {
            tracker.recordWebFormConsent(PHONE, "cust-1", "Ann", "", "", "");
            clock.advance(Duration.ofSeconds(1));

            CountDownLatch entered = new CountDownLatch(1);
            CountDownLatch release = new CountDownLatch(1);
            holdNextPut("w", entered, release);
            Future<List<ConsentRecord>> stop = pool.submit(() ->
                    tracker.revoke(PHONE, ConsentTracker.REVOKED_BY_KEYWORD, "texted STOP"));
            await(entered);

            // another writer's object, newer than the STOP's key, is listed and read by the compaction
            clock.advance(Duration.ofSeconds(1));
            compactor.append(List.of(ConsentRecordFixtures.row("other", "+15125550141", clock.instant())));
            // after the listing, while it reads objects: the STOP lands (1.5 s upload), then the reads
            // take longer than the window
            server.faults.before(FaultBlobStore.Op.GET, k -> journalOf(k, "c"), () -> {
                release.countDown();
                try {
                    assertThat(stop.get(30, TimeUnit.SECONDS)).hasSize(1);
                } catch (Exception e) {
                    throw new IllegalStateException(e);
                }
                clock.advance(WINDOW.plusSeconds(6));
            });
            CompactionResult during = compactor.compact();
            assertThat(stop.get(30, TimeUnit.SECONDS)).as("the STOP was acknowledged").hasSize(1);
            assertThat(optedOutOnAFreshOpen()).as("a fresh open sees the acknowledged STOP").isTrue();
            assertThat(during.compacted()).as("nothing was older than the window when the journal was listed")
                    .isFalse();

            // a later compaction reads the STOP's object and keeps it
            assertThat(compactor.compact()).isEqualTo(new CompactionResult(true, 3, 3, 0));
            assertThat(optedOutOnAFreshOpen()).as("after the next compaction too").isTrue();
            try (S3ConsentStore reader = store("reader").build()) {
                assertThat(Events.replayAll(reader)).extracting(ConsentRecord::status)
                        .containsExactly(ConsentStatus.ACTIVE, ConsentStatus.REVOKED, ConsentStatus.ACTIVE);
            }
        }
    }

    /**
     * A compaction run by a store whose own append is still in flight stops short of that key,
     * even when the key is older than the window (the upload took too long): the store knows
     * its own uploads.
     */
    @Test
    void aCompactionNeverCoversItsOwnAppendStillInFlight() throws Exception {
        try (S3ConsentStore w = store("w").build(); S3ConsentStore other = store("c").build()) {
            other.append(List.of(ConsentRecordFixtures.row("consent", PHONE, clock.instant())));
            clock.advance(Duration.ofSeconds(1));
            CountDownLatch entered = new CountDownLatch(1);
            CountDownLatch release = new CountDownLatch(1);
            holdNextPut("w", entered, release);
            ConsentRecord stopRow = revocation("consent", clock);
            Future<?> stop = pool.submit(() -> w.append(List.of(stopRow)));
            await(entered);
            clock.advance(Duration.ofSeconds(1));
            other.append(List.of(ConsentRecordFixtures.row("later", "+15125550141", clock.instant())));
            clock.advance(WINDOW.plusSeconds(6));

            CompactionResult during = w.compact();
            assertThat(during).as("only the object before the one in flight")
                    .isEqualTo(new CompactionResult(true, 1, 1, 0));
            release.countDown();
            stop.get(30, TimeUnit.SECONDS);
            try (S3ConsentStore reader = store("reader").build()) {
                assertThat(Events.replayAll(reader)).extracting(ConsentRecord::consentId)
                        .containsExactly("consent", "consent", "later");
            }
            assertThat(w.compact()).isEqualTo(new CompactionResult(true, 2, 3, 0));
            assertThat(optedOutOnAFreshOpen()).isTrue();
        }
    }

    /**
     * Beyond the assumption: another writer's upload takes longer than the window, so its key is
     * older than the cut-off but missing from the listing, and it lands while the compaction
     * reads. The second listing, just before the snapshot is written, finds it and the
     * compaction stops before it instead of hiding it; the next compaction reads it.
     */
    @Test
    void anUploadLandingBelowTheCutOffDuringTheCompactionIsLeftForTheNextOne() throws Exception {
        try (S3ConsentStore w = store("w").build(); S3ConsentStore c = store("c").build()) {
            c.append(List.of(ConsentRecordFixtures.row("consent", PHONE, clock.instant())));
            clock.advance(Duration.ofSeconds(1));
            CountDownLatch entered = new CountDownLatch(1);
            CountDownLatch release = new CountDownLatch(1);
            holdNextPut("w", entered, release);
            Future<?> stop = pool.submit(() -> w.append(List.of(revocation("consent", clock))));
            await(entered);
            clock.advance(Duration.ofSeconds(1));
            c.append(List.of(ConsentRecordFixtures.row("later", "+15125550141", clock.instant())));
            String laterKey = server.keys(bucket, "late/journal/").get(1);
            clock.advance(WINDOW.plusSeconds(6));
            server.faults.before(FaultBlobStore.Op.GET, laterKey::equals, () -> {
                release.countDown();
                try {
                    stop.get(30, TimeUnit.SECONDS);
                } catch (Exception e) {
                    throw new IllegalStateException(e);
                }
            });

            CompactionResult during = c.compact();
            assertThat(optedOutOnAFreshOpen()).as("a fresh open sees the STOP that landed late").isTrue();
            assertThat(during).as("stopped before the late key").isEqualTo(new CompactionResult(true, 1, 1, 0));
            assertThat(c.compact()).as("the next compaction reads it").isEqualTo(new CompactionResult(true, 2, 3, 0));
            assertThat(optedOutOnAFreshOpen()).isTrue();
            try (S3ConsentStore reader = store("reader").build()) {
                assertThat(Events.replayAll(reader)).extracting(ConsentRecord::status)
                        .containsExactly(ConsentStatus.ACTIVE, ConsentStatus.REVOKED, ConsentStatus.ACTIVE);
            }
        }
    }

    private static ConsentRecord revocation(String consentId, SettableClock clock) {
        ConsentRecord r = ConsentRecordFixtures.row(consentId, PHONE, clock.instant());
        return new ConsentRecord(r.consentId(), r.timestamp(), r.phoneNumber(), r.optInMethod(), r.consentMessage(),
                r.customerId(), r.customerName(), r.customerEmail(), r.ipAddress(), r.screenshotUrl(), r.metadata(),
                ConsentStatus.REVOKED, clock.instant(), ConsentTracker.REVOKED_BY_KEYWORD);
    }
}
