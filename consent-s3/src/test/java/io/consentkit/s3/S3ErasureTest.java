package io.consentkit.s3;

import io.consentkit.InvalidInputException;
import io.consentkit.consent.ConsentRequest;
import io.consentkit.consent.ConsentTracker;
import io.consentkit.journal.ConsentRecord;
import io.consentkit.journal.ConsentStoreException;
import io.consentkit.journal.ErasureKey;
import io.consentkit.journal.JournalVerifier;
import io.consentkit.journal.OptInMethod;
import io.consentkit.journal.Redaction;
import io.consentkit.retention.Erasure;
import io.consentkit.retention.ErasureResult;
import io.consentkit.send.GuardedSender;
import io.consentkit.send.OutboundMessage;
import io.consentkit.send.SendOutcome;
import io.consentkit.testkit.FakeSmsGateway;
import io.consentkit.testkit.SettableClock;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.s3.S3Client;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * Erasure on the S3 store ({@link S3ConsentStore#rewrite}) against the local S3 server: every object of
 * the bucket is read byte by byte for the erased person afterwards; the number stays blocked.
 */
class S3ErasureTest {
    static final String ANN = "+15125551234";
    static final String BOB = "+15125556789";
    static final String TEXT = "Basin Climbing: route news, up to 4 msgs/mo. Reply STOP to opt out.";
    static final List<String> TRACES = List.of(ANN, ANN.substring(1), ANN.substring(2), "Ann Example",
            "ann@example.com", "203.0.113.7", "cust-ann-1", "shots.example.com/ann-form.png", "ann-newsletter");
    private static final Duration WINDOW = S3ConsentStore.DEFAULT_LATE_WRITE_WINDOW;

    static LocalS3 server;
    static S3Client s3;
    String bucket;
    final SettableClock clock = SettableClock.at("2026-01-15T18:00:00Z");
    final ErasureKey key = ErasureKey.of("k".repeat(32).getBytes(StandardCharsets.UTF_8));
    final List<Duration> waits = new java.util.concurrent.CopyOnWriteArrayList<>();
    /** Held by the racing appender around each append: time passes between appends, never during one. */
    final java.util.concurrent.locks.ReentrantLock time = new java.util.concurrent.locks.ReentrantLock();

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
    void clearFaults() {
        server.faults.clear();
    }

    /** A store whose waits (retries, the erasure waiting for the late-write window) advance the clock. */
    S3ConsentStore store() {
        return S3ConsentStore.builder(s3).bucket(bucket).prefix("e").clock(clock)
                .retries(3, Duration.ofMillis(10), Duration.ofMillis(40)).sleeper(d -> {
                    time.lock();
                    try {
                        waits.add(d);
                        clock.advance(d);
                    } finally {
                        time.unlock();
                    }
                }).build();
    }

    Erasure erasure(S3ConsentStore store) {
        return Erasure.builder(store).key(key).clock(clock).build();
    }

    ConsentRequest ann(String ref) {
        return ConsentRequest.builder(ANN, OptInMethod.WEB_FORM, TEXT).customerId("cust-ann-1")
                .customerName("Ann Example").customerEmail("ann@example.com").ipAddress("203.0.113.7")
                .screenshotUrl("https://shots.example.com/ann-form.png")
                .metadata("form_url", "https://basin.example.com/join?ref=" + ref).build();
    }

    /**
     * Ann opts in twice and Bob once, the first two compacted into the snapshot (their journal objects
     * stay as the audit trail), the rest still young journal objects.
     */
    void history() {
        S3ConsentStore store = store();
        try (ConsentTracker t = ConsentTracker.builder(store).clock(clock).build()) {
            t.recordConsent(ann("ann-newsletter"));
            t.recordConsent(ConsentRequest.builder(BOB, OptInMethod.WEB_FORM, TEXT).customerName("Bob Other").build());
            clock.advance(WINDOW.plusSeconds(1));
            assertThat(store.compact().compacted()).isTrue();
            t.recordConsent(ann("ann-newsletter-2"));
            t.recordConsent(ConsentRequest.builder("+15125550111", OptInMethod.WEB_FORM, TEXT).customerName("Cy").build());
        }
    }

    /** Every object of the bucket (every version the server lists, if it lists versions) with its bytes. */
    Map<String, String> everything() {
        Map<String, String> out = new java.util.TreeMap<>();
        for (String k : server.keys(bucket, "")) {
            out.put(k, s3.getObjectAsBytes(b -> b.bucket(bucket).key(k)).asString(StandardCharsets.UTF_8));
        }
        return out;
    }

    /** Every version of every object of the bucket with its bytes (a versioned bucket). */
    Map<String, String> everyVersion() {
        Map<String, String> out = new java.util.TreeMap<>();
        s3.listObjectVersionsPaginator(b -> b.bucket(bucket)).versions().forEach(v -> out.put(v.key() + "@" + v.versionId(),
                s3.getObjectAsBytes(b -> b.bucket(bucket).key(v.key()).versionId(v.versionId()))
                        .asString(StandardCharsets.UTF_8)));
        return out;
    }

    List<String> traces(Map<String, String> objects) {
        List<String> found = new ArrayList<>();
        objects.forEach((k, text) -> TRACES.stream().filter(text::contains).forEach(t -> found.add(k + ": " + t)));
        return found;
    }

    GuardedSender sender(ConsentTracker t) {
        return GuardedSender.builder(t, FakeSmsGateway.builder().clock(clock).build()).clock(clock)
                .zone(ZoneId.of("America/Chicago")).build();
    }

    void assertErasedAndBlocked() {
        assertThat(traces(everything())).as("traces of the erased person left in any object").isEmpty();
        try (ConsentTracker t = ConsentTracker.builder(store()).clock(clock).erasureKey(key).build()) {
            assertThat(t.isOptedOut(ANN)).isTrue();
            assertThat(t.isActive(ANN)).isFalse();
            assertThat(t.isActive(BOB)).isTrue();
            assertThat(sender(t).send(OutboundMessage.transactional(ANN, "Your code is 1234")))
                    .isInstanceOfSatisfying(SendOutcome.Blocked.class,
                            b -> assertThat(b.reason()).isEqualTo(SendOutcome.Reason.OPTED_OUT));
            assertThat(sender(t).send(OutboundMessage.marketing(BOB, "Sale!")).sent()).isTrue();
        }
    }

    @Test
    void anErasureLeavesNoTraceInAnyObjectAndTheNumberStaysBlocked() {
        history();
        try (S3ConsentStore store = store()) {
            assertThat(traces(everything())).as("Ann is in the snapshot and in journal objects").hasSizeGreaterThan(8);
            ErasureResult r = erasure(store).erase(ANN, "GDPR request 7");
            assertThat(r.journalRows()).isEqualTo(2);
            assertThat(r.revoked()).isEqualTo(2);
            assertThat(waits).as("the erasure waited for the young objects to age past the late-write window")
                    .isNotEmpty();
        }
        Map<String, String> after = everything();
        assertThat(String.join("\n", after.values())).contains("Bob Other").contains(TEXT).contains(Redaction.MARKER)
                .contains("GDPR request 7");
        assertThat(after.keySet()).as("one snapshot, no staged object left").filteredOn(k -> k.startsWith("e/snapshots/"))
                .hasSize(1);
        assertThat(after.keySet()).noneMatch(k -> k.startsWith("e/erasure/"));
        assertThat(after.get("e/manifest.json")).doesNotContain("erasure");
        assertErasedAndBlocked();
    }

    @Test
    void onAVersionedBucketNoOldVersionKeepsATrace() {
        s3.putBucketVersioning(b -> b.bucket(bucket).versioningConfiguration(v -> v.status(
                software.amazon.awssdk.services.s3.model.BucketVersioningStatus.ENABLED)));
        history();
        try (S3ConsentStore store = store()) {
            // a second compaction supersedes the first snapshot: a delete marker hides a version holding Ann
            clock.advance(WINDOW.plusSeconds(1));
            assertThat(store.compact().compacted()).isTrue();
            assertThat(traces(everyVersion())).hasSizeGreaterThan(traces(everything()).size());
            erasure(store).erase(ANN, "request 14");
        }
        assertThat(traces(everyVersion())).as("traces of the erased person left in any object version").isEmpty();
        assertThat(s3.listObjectVersions(b -> b.bucket(bucket).prefix("e/snapshots/")).deleteMarkers()).isEmpty();
        assertErasedAndBlocked();
    }

    @Test
    void theChainVerifiesAfterTheErasureAndAfterLaterAppends() {
        history();
        try (S3ConsentStore store = store()) {
            erasure(store).erase(ANN, "request 8");
            List<JournalVerifier.Result> v = store.verifyChain();
            assertThat(v).allMatch(JournalVerifier.Result::ok, "chain ok");
            assertThat(v.get(0).redactedRows()).as("the snapshot's redacted rows, vouched by the erasure row")
                    .isEqualTo(4);
            try (ConsentTracker t = ConsentTracker.builder(store()).clock(clock).erasureKey(key).build()) {
                t.recordConsent(ConsentRequest.builder("+15125550222", OptInMethod.WEB_FORM, TEXT).build());
                clock.advance(WINDOW.plusSeconds(1));
                assertThat(store.compact().compacted()).isTrue();
                t.recordConsent(ConsentRequest.builder("+15125550333", OptInMethod.WEB_FORM, TEXT).build());
            }
            assertThat(store.verifyChain()).hasSize(2).allMatch(JournalVerifier.Result::ok, "chain ok");
        }
        assertErasedAndBlocked();
    }

    @Test
    void anUnknownNumberChangesNoByte() {
        history();
        try (S3ConsentStore store = store()) {
            Map<String, String> before = everything();
            assertThatThrownBy(() -> erasure(store).erase("+15125550999", "request 9"))
                    .isInstanceOfSatisfying(InvalidInputException.class, e -> assertThat(e.field()).isEqualTo("phone"));
            assertThat(everything()).isEqualTo(before);
        }
    }

    @Test
    void aFailureBeforeTheManifestSwapChangesNothingAndARerunCompletes() {
        history();
        try (S3ConsentStore store = store()) {
            Map<String, String> before = everything();
            server.faults.fail(FaultBlobStore.Op.PUT, k -> k.equals("e/manifest.json"), 1, 403, "AccessDenied");
            assertThatThrownBy(() -> erasure(store).erase(ANN, "request 10"))
                    .isInstanceOf(ConsentStoreException.class).hasMessageContaining("nothing was changed");
            assertThat(everything()).as("staged objects and the new snapshot deleted").isEqualTo(before);
            erasure(store).erase(ANN, "request 10");
        }
        assertErasedAndBlocked();
    }

    @Test
    void aFailureAfterTheSwapLeavesOnlyGarbageThatARerunRemoves() {
        history();
        try (S3ConsentStore store = store()) {
            // the swap lands, then overwriting the first journal object that holds Ann is refused
            server.faults.fail(FaultBlobStore.Op.PUT, k -> k.startsWith("e/journal/"), 1, 403, "AccessDenied");
            assertThatThrownBy(() -> erasure(store).erase(ANN, "request 11"))
                    .isInstanceOf(ConsentStoreException.class).hasMessageContaining("is committed");
            assertThat(everything().get("e/manifest.json")).as("the unfinished erasure is recorded").contains("erasure");
            try (S3ConsentStore reader = store()) {
                List<ConsentRecord> rows = Events.replayAll(reader);
                assertThat(rows).noneMatch(r -> r.phoneNumber().e164().equals(ANN));
                assertThat(rows.stream().map(ConsentRecord::customerName).collect(Collectors.toSet()))
                        .as("no open reads the old copies").doesNotContain("Ann Example").contains("Bob Other");
                assertThat(reader.verifyChain()).allMatch(JournalVerifier.Result::ok, "chain ok");
            }
            ErasureResult again = erasure(store).erase(ANN, "request 11");
            assertThat(again.completed()).isEqualTo(1);
        }
        assertErasedAndBlocked();
    }

    @Test
    void aCompactionFinishesAnUnfinishedErasure() {
        history();
        try (S3ConsentStore store = store()) {
            server.faults.fail(FaultBlobStore.Op.DELETE, k -> k.startsWith("e/snapshots/"), 1, 403, "AccessDenied");
            assertThatThrownBy(() -> erasure(store).erase(ANN, "request 12")).isInstanceOf(ConsentStoreException.class);
            assertThat(traces(everything())).as("the superseded snapshot is left").isNotEmpty();
            store.compact();
        }
        assertErasedAndBlocked();
    }

    @Test
    void aCompactionWhileTheErasureWaitsForTheWindowIsNoObstacle() {
        history();
        boolean[] compacted = {false};
        try (S3ConsentStore other = store();
             S3ConsentStore store = S3ConsentStore.builder(s3).bucket(bucket).prefix("e").clock(clock).sleeper(d -> {
                 clock.advance(d);
                 if (!compacted[0]) {
                     compacted[0] = other.compact().compacted(); // covers every object the erasure waits for
                 }
             }).build()) {
            ErasureResult r = erasure(store).erase(ANN, "request 15");
            assertThat(compacted[0]).isTrue();
            assertThat(r.journalRows()).isEqualTo(2);
        }
        assertErasedAndBlocked();
    }

    @Test
    void anAppenderOnAnotherInstanceRacingTheErasureLosesNothing() throws Exception {
        Set<String> acknowledged = java.util.concurrent.ConcurrentHashMap.newKeySet();
        history();
        try (S3ConsentStore store = store(); S3ConsentStore other = store()) {
            other.replay(r -> { });
            int[] n = {0};
            Runnable appendSome = () -> {
                for (int i = 0; i < 3; i++) {
                    ConsentRecord r = ConsentRecordFixtures.row("race-" + n[0]++, "+1512555" + (4000 + n[0]), clock.instant());
                    other.append(List.of(r));
                    acknowledged.add(r.consentId());
                }
            };
            // appends land as the erasure first lists, while it reads, just before it stages and its swap
            server.faults.before(FaultBlobStore.Op.LIST, k -> k.startsWith("e/journal/"), appendSome);
            server.faults.before(FaultBlobStore.Op.LIST, k -> k.startsWith("e/snapshots/"), appendSome);
            server.faults.before(FaultBlobStore.Op.PUT, k -> k.startsWith("e/erasure/"), appendSome);
            server.faults.before(FaultBlobStore.Op.PUT, k -> k.equals("e/manifest.json"), appendSome);
            java.util.concurrent.atomic.AtomicBoolean stop = new java.util.concurrent.atomic.AtomicBoolean();
            // an appender that keeps going: the store's assumption holds (an object lands within the
            // late-write window of its key's time) because the test clock moves only between its appends
            Thread background = new Thread(() -> {
                for (int i = 0; !stop.get() && i < 150; i++) {
                    time.lock();
                    try {
                        ConsentRecord r = ConsentRecordFixtures.row("bg-" + i, "+1512556" + String.format("%04d", i),
                                clock.instant());
                        other.append(List.of(r));
                        acknowledged.add(r.consentId());
                    } finally {
                        time.unlock();
                    }
                }
            });
            background.start();
            try {
                erasure(store).erase(ANN, "request 13");
            } finally {
                stop.set(true);
                background.join();
            }
            assertThat(n[0]).isEqualTo(12);
            assertThat(acknowledged).as("the background appender got some in too").hasSizeGreaterThan(12);
        }
        try (S3ConsentStore reader = store()) {
            List<ConsentRecord> rows = Events.replayAll(reader);
            Set<String> ids = rows.stream().map(ConsentRecord::consentId).collect(Collectors.toSet());
            assertThat(ids).containsAll(acknowledged);
            assertThat(rows).as("history (4) + 2 revocations + erasure row + acknowledged appends, each once")
                    .hasSize(4 + 3 + acknowledged.size());
            assertThat(reader.verifyChain()).allMatch(JournalVerifier.Result::ok, "chain ok");
        }
        assertErasedAndBlocked();
    }
}
