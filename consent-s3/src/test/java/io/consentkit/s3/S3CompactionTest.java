package io.consentkit.s3;

import io.consentkit.journal.ConsentRecord;
import io.consentkit.consent.ConsentTracker;
import io.consentkit.testkit.SettableClock;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.s3.S3Client;

import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;

/** Snapshots, the manifest compare-and-swap, and compaction racing writers and readers. */
class S3CompactionTest {
    private static final Duration WINDOW = S3ConsentStore.DEFAULT_LATE_WRITE_WINDOW;
    private static LocalS3 server;
    private static S3Client s3;
    private String bucket;
    private final SettableClock clock = SettableClock.at("2025-07-01T09:00:00Z");

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

    private S3ConsentStore.Builder store(String prefix) {
        return S3ConsentStore.builder(s3).bucket(bucket).prefix(prefix).clock(clock);
    }

    private List<ConsentRecord> appendEach(S3ConsentStore store, String tag, int n) {
        List<ConsentRecord> rows = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            ConsentRecord r = ConsentRecordFixtures.row(tag + i, "+1512555" + String.format("%04d", i), clock.instant());
            store.append(List.of(r));
            rows.add(r);
        }
        return rows;
    }

    private String manifest(String prefix) {
        return s3.getObjectAsBytes(b -> b.bucket(bucket).key(prefix + "/manifest.json")).asString(StandardCharsets.UTF_8);
    }

    @Test
    void compactionFoldsOldObjectsIntoASnapshotAndOpenReadsSnapshotPlusNewer() {
        try (S3ConsentStore store = store("c1").build()) {
            List<ConsentRecord> all = new ArrayList<>(appendEach(store, "old", 30));
            assertThat(store.compact()).as("nothing is older than the late-write window yet")
                    .isEqualTo(new CompactionResult(false, 0, 0, 0));

            clock.advance(WINDOW.plusSeconds(1));
            all.addAll(appendEach(store, "new", 5));
            CompactionResult first = store.compact();
            assertThat(first).isEqualTo(new CompactionResult(true, 30, 30, 0));
            assertThat(manifest("c1")).contains("\"rows\":\"30\"", "\"journal_objects\":\"30\"");
            assertThat(server.keys(bucket, "c1/journal/")).as("journal objects are never deleted").hasSize(35);
            assertThat(server.keys(bucket, "c1/snapshots/")).hasSize(1);

            server.counter.reset();
            // the read path alone; the conditional-write probe's 4 requests are counted in S3ConditionalWriteProbeTest
            try (S3ConsentStore reader = store("c1").conditionalWriteProbe(false).build()) {
                assertThat(Events.replayAll(reader)).containsExactlyElementsOf(all);
            }
            System.out.printf("[s3-cost] open after compaction (5 newer objects): %s%n", server.counter.snapshot());
            assertThat(server.counter.snapshot()).as("manifest + snapshot + 5 objects, one listing")
                    .containsEntry("GetObject", 7L).containsEntry("ListObjectsV2", 1L).hasSize(2);

            clock.advance(WINDOW.plusSeconds(1));
            String oldSnapshot = server.keys(bucket, "c1/snapshots/").get(0);
            server.counter.reset();
            assertThat(store.compact()).isEqualTo(new CompactionResult(true, 5, 35, 0));
            System.out.printf("[s3-cost] compaction folding 5 objects: %s%n", server.counter.snapshot());
            assertThat(server.keys(bucket, "c1/snapshots/")).as("the superseded snapshot is removed")
                    .hasSize(1).doesNotContain(oldSnapshot);
            try (S3ConsentStore reader = store("c1").build()) {
                assertThat(Events.replayAll(reader)).containsExactlyElementsOf(all);
            }
            assertThat(store.compact().compacted()).isFalse();
        }
    }

    @Test
    void theLoserOfTheManifestRaceRereadsAndRetries() {
        try (S3ConsentStore a = store("race").build(); S3ConsentStore b = store("race").build()) {
            List<ConsentRecord> all = new ArrayList<>(appendEach(a, "a", 20));
            clock.advance(WINDOW.plusSeconds(1));
            AtomicInteger hookRuns = new AtomicInteger();
            // Just before a's manifest PUT is served, b compacts (and wins), then more rows arrive.
            server.faults.before(FaultBlobStore.Op.PUT, k -> k.equals("race/manifest.json"), () -> {
                hookRuns.incrementAndGet();
                assertThat(b.compact()).isEqualTo(new CompactionResult(true, 20, 20, 0));
                all.addAll(appendEach(b, "b", 5));
                clock.advance(WINDOW.plusSeconds(1));
            });
            CompactionResult r = a.compact();
            assertThat(hookRuns).hasValue(1);
            assertThat(r).isEqualTo(new CompactionResult(true, 5, 25, 1));
            assertThat(server.keys(bucket, "race/snapshots/"))
                    .as("the loser's unused snapshot and the superseded one are gone").hasSize(1);
            try (S3ConsentStore reader = store("race").build()) {
                assertThat(Events.replayAll(reader)).containsExactlyElementsOf(all);
            }
        }
    }

    @Test
    void anOpenRacingACompactionRereadsTheManifest() {
        try (S3ConsentStore a = store("reopen").build(); S3ConsentStore b = store("reopen").build()) {
            List<ConsentRecord> all = new ArrayList<>(appendEach(a, "a", 10));
            clock.advance(WINDOW.plusSeconds(1));
            a.compact();
            all.addAll(appendEach(a, "b", 10));
            clock.advance(WINDOW.plusSeconds(1));
            AtomicInteger hookRuns = new AtomicInteger();
            // The reader has the manifest; before its snapshot GET is served, b replaces the snapshot.
            server.faults.before(FaultBlobStore.Op.GET, k -> k.startsWith("reopen/snapshots/"), () -> {
                hookRuns.incrementAndGet();
                assertThat(b.compact().compacted()).isTrue();
            });
            try (S3ConsentStore reader = store("reopen").build()) {
                assertThat(Events.replayAll(reader)).containsExactlyElementsOf(all);
            }
            assertThat(hookRuns).hasValue(1);
        }
    }

    @Test
    void openCompactsWhenManyObjectsFollowTheSnapshot() {
        try (S3ConsentStore w = store("auto").build()) {
            List<ConsentRecord> all = appendEach(w, "x", 12);
            clock.advance(WINDOW.plusSeconds(1));
            try (ConsentTracker t = ConsentTracker.builder(store("auto").autoCompactAfter(10).build()).clock(clock)
                    .build()) {
                assertThat(t.isActive("+15125550011")).isTrue();
            }
            assertThat(manifest("auto")).contains("\"rows\":\"12\"");
            try (S3ConsentStore reader = store("auto").build()) {
                assertThat(Events.replayAll(reader)).containsExactlyElementsOf(all);
            }
        }
    }

    /**
     * Real time: writers append while two compactors loop; every row is kept exactly once and
     * each writer's rows stay in order. The late-write window is 2 s so compactions during the
     * race fold in objects that are at least 2 s old.
     */
    @Test
    void compactionRacingWritersLosesNothing() throws Exception {
        Duration window = Duration.ofSeconds(2);
        int writers = 3;
        int maxPerWriter = 2_000;
        AtomicInteger successful = new AtomicInteger();
        AtomicInteger conflicts = new AtomicInteger();
        AtomicBoolean writing = new AtomicBoolean(true);
        ExecutorService pool = Executors.newFixedThreadPool(writers + 2);
        List<Future<List<ConsentRecord>>> written = new ArrayList<>();
        List<Future<?>> compactors = new ArrayList<>();
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(40);
        try {
            for (int w = 0; w < writers; w++) {
                int writer = w;
                written.add(pool.submit(() -> {
                    List<ConsentRecord> rows = new ArrayList<>();
                    try (S3ConsentStore s = S3ConsentStore.builder(s3).bucket(bucket).prefix("live")
                            .lateWriteWindow(window).build()) {
                        // write until two compactions have folded objects in (bounded in count and time)
                        for (int i = 0; i < maxPerWriter && (successful.get() < 2 || i < 50)
                                && System.nanoTime() < deadline; i++) {
                            ConsentRecord r = ConsentRecordFixtures.row("w" + writer + "-" + i,
                                    Events.phone(writer, i % 10_000), Instant.now());
                            s.append(List.of(r));
                            rows.add(r);
                        }
                    }
                    return rows;
                }));
            }
            for (int c = 0; c < 2; c++) {
                compactors.add(pool.submit(() -> {
                    try (S3ConsentStore s = S3ConsentStore.builder(s3).bucket(bucket).prefix("live")
                            .lateWriteWindow(window).build()) {
                        while (writing.get()) {
                            CompactionResult r = s.compact();
                            conflicts.addAndGet(r.conflicts());
                            if (r.compacted()) {
                                successful.incrementAndGet();
                            }
                        }
                    }
                    return null;
                }));
            }
            Map<String, List<ConsentRecord>> byWriter = new LinkedHashMap<>();
            for (int w = 0; w < writers; w++) {
                byWriter.put("w" + w + "-", written.get(w).get(2, TimeUnit.MINUTES));
            }
            writing.set(false);
            for (Future<?> f : compactors) {
                f.get(1, TimeUnit.MINUTES);
            }
            System.out.printf("[s3-compaction-race] %d writers wrote %d objects; %d compactions during the race, "
                            + "%d lost CAS races%n", writers, byWriter.values().stream().mapToInt(List::size).sum(),
                    successful.get(), conflicts.get());
            assertThat(successful.get()).as("compactions that folded objects in while writers wrote")
                    .isGreaterThanOrEqualTo(2);

            // a last compaction with a clock past the window folds everything in
            try (S3ConsentStore last = S3ConsentStore.builder(s3).bucket(bucket).prefix("live").lateWriteWindow(window)
                    .clock(Clock.offset(Clock.systemUTC(), Duration.ofMinutes(1))).build()) {
                last.compact();
            }
            try (S3ConsentStore reader = S3ConsentStore.builder(s3).bucket(bucket).prefix("live").build()) {
                List<ConsentRecord> rows = Events.replayAll(reader);
                int total = byWriter.values().stream().mapToInt(List::size).sum();
                assertThat(rows).hasSize(total);
                for (Map.Entry<String, List<ConsentRecord>> e : byWriter.entrySet()) {
                    assertThat(rows.stream().filter(r -> r.consentId().startsWith(e.getKey())).toList())
                            .as("writer %s: every row once, in its order", e.getKey())
                            .containsExactlyElementsOf(e.getValue());
                }
            }
            assertThat(manifest("live")).contains("\"journal_objects\":\""
                    + byWriter.values().stream().mapToInt(List::size).sum() + "\"");
        } finally {
            writing.set(false);
            pool.shutdownNow();
        }
    }
}
