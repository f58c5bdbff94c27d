package io.consentkit.s3;

import io.consentkit.journal.ConsentRecord;
import io.consentkit.consent.ConsentTracker;
import io.consentkit.testkit.SettableClock;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.services.s3.S3Client;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Collectors;

import static org.assertj.core.api.Assertions.assertThat;

/** Several writers (threads and separate JVMs) on one bucket, visibility and refresh cost. */
class S3MultiWriterTest {
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

    private S3ConsentStore.Builder store(String prefix) {
        return S3ConsentStore.builder(s3).bucket(bucket).prefix(prefix);
    }

    /** Every row in the journal, and the customer ids of its active rows (one per event). */
    private static void assertJournalHolds(List<ConsentRecord> rows, Map<Integer, Integer> eventsPerWriter) {
        int expectedRows = eventsPerWriter.values().stream().mapToInt(Events::rowsFor).sum();
        assertThat(rows).hasSize(expectedRows);
        Set<String> customers = rows.stream().filter(r -> r.status() == io.consentkit.journal.ConsentStatus.ACTIVE)
                .map(ConsentRecord::customerId).collect(Collectors.toSet());
        Set<String> expected = new HashSet<>();
        eventsPerWriter.forEach((w, n) -> {
            for (int i = 0; i < n; i++) {
                expected.add("w" + w + "-" + i);
            }
        });
        assertThat(customers).isEqualTo(expected);
        assertThat(rows.stream().map(r -> r.consentId() + "|" + r.status()).distinct().count())
                .as("no row twice").isEqualTo(expectedRows);
    }

    @Test
    void threeTrackersWithTwoThreadsEachLoseNothing() throws Exception {
        int trackers = 3;
        int threadsPerTracker = 2;
        int each = 120;
        List<ConsentTracker> ts = new ArrayList<>();
        for (int t = 0; t < trackers; t++) {
            ts.add(ConsentTracker.builder(store("many").build()).brand("Basin Climbing").build());
        }
        ExecutorService pool = Executors.newFixedThreadPool(trackers * threadsPerTracker);
        CountDownLatch go = new CountDownLatch(1);
        List<Future<Integer>> futures = new ArrayList<>();
        long start;
        try {
            for (int t = 0; t < trackers; t++) {
                for (int th = 0; th < threadsPerTracker; th++) {
                    ConsentTracker tracker = ts.get(t);
                    int writer = t * threadsPerTracker + th;
                    futures.add(pool.submit(() -> {
                        go.await();
                        return Events.write(tracker, writer, 0, each);
                    }));
                }
            }
            start = System.nanoTime();
            go.countDown();
            for (Future<Integer> f : futures) {
                assertThat(f.get(3, TimeUnit.MINUTES)).isEqualTo(Events.rowsFor(each));
            }
        } finally {
            pool.shutdownNow();
        }
        double secs = (System.nanoTime() - start) / 1e9;
        System.out.printf("[s3-multiwriter] %d trackers x %d threads: %d events in %.2f s (%.0f events/s)%n", trackers,
                threadsPerTracker, trackers * threadsPerTracker * each, secs, trackers * threadsPerTracker * each / secs);

        Map<Integer, Integer> perWriter = new java.util.HashMap<>();
        for (int w = 0; w < trackers * threadsPerTracker; w++) {
            perWriter.put(w, each);
        }
        try (S3ConsentStore fresh = store("many").build()) {
            assertJournalHolds(Events.replayAll(fresh), perWriter);
        }
        // every tracker, once refreshed, agrees with every other on every number
        for (ConsentTracker t : ts) {
            t.refresh();
        }
        for (int w = 0; w < trackers * threadsPerTracker; w++) {
            for (int i = 0; i < each; i += 7) {
                String phone = Events.phone(w, i);
                boolean active = i % 4 != 3;
                for (ConsentTracker t : ts) {
                    assertThat(t.isActive(phone)).as("%s on a tracker", phone).isEqualTo(active);
                }
            }
        }
        assertThat(ts.get(0).activeConsents()).hasSize(trackers * threadsPerTracker * (each - each / 4));
        for (ConsentTracker t : ts) {
            t.close();
        }
    }

    @Test
    void separateProcessesAndThreadsLoseNothing(@TempDir Path dir) throws Exception {
        int processes = 2;
        int perProcess = 250;
        int threads = 2;
        int perThread = 150;
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        List<Process> children = new ArrayList<>();
        List<Path> logs = new ArrayList<>();
        for (int p = 0; p < processes; p++) {
            Path log = dir.resolve("child-" + p + ".log");
            logs.add(log);
            ProcessBuilder pb = new ProcessBuilder(java, "-Xmx256m", "-XX:TieredStopAtLevel=1", "-cp",
                    System.getProperty("java.class.path"), ChildWriter.class.getName(), server.endpoint.toString(),
                    bucket, "procs", Integer.toString(10 + p), "0", Integer.toString(perProcess))
                    .redirectErrorStream(true).redirectOutput(log.toFile());
            children.add(pb.start());
        }
        ExecutorService pool = Executors.newFixedThreadPool(threads);
        List<Future<Integer>> futures = new ArrayList<>();
        try {
            for (int th = 0; th < threads; th++) {
                int writer = th;
                futures.add(pool.submit(() -> {
                    try (ConsentTracker t = ConsentTracker.builder(store("procs").build()).build()) {
                        return Events.write(t, writer, 0, perThread);
                    }
                }));
            }
            for (Future<Integer> f : futures) {
                assertThat(f.get(3, TimeUnit.MINUTES)).isEqualTo(Events.rowsFor(perThread));
            }
            for (int p = 0; p < processes; p++) {
                Process child = children.get(p);
                assertThat(child.waitFor(3, TimeUnit.MINUTES)).as("child %d finished", p).isTrue();
                String out = Files.readString(logs.get(p));
                assertThat(child.exitValue()).as("child %d exit; output:%n%s", p, out).isZero();
                assertThat(out).contains("CHILD-DONE " + Events.rowsFor(perProcess));
            }
        } finally {
            pool.shutdownNow();
            for (Process c : children) {
                c.destroyForcibly();
            }
        }
        Map<Integer, Integer> perWriter = new java.util.HashMap<>();
        for (int th = 0; th < threads; th++) {
            perWriter.put(th, perThread);
        }
        for (int p = 0; p < processes; p++) {
            perWriter.put(10 + p, perProcess);
        }
        try (S3ConsentStore fresh = store("procs").build()) {
            assertJournalHolds(Events.replayAll(fresh), perWriter);
        }
        // the processes' writer ids are in the keys: each process wrote perProcess + revocations objects
        List<String> keys = server.keys(bucket, "procs/journal/");
        assertThat(keys.stream().filter(k -> k.contains("-proc10-"))).hasSize(Events.rowsFor(perProcess));
    }

    @Test
    void optOutOnOneMachineBlocksSendsOnAnotherWithinTheBound() {
        SettableClock clock = SettableClock.at("2025-06-01T15:00:00Z");
        Duration bound = Duration.ofSeconds(2);
        String phone = "+15125550142";
        try (ConsentTracker web = ConsentTracker.builder(store("bound").clock(clock).visibilityBound(bound).build())
                .clock(clock).build();
             ConsentTracker sender = ConsentTracker.builder(store("bound").clock(clock).visibilityBound(bound).build())
                     .clock(clock).build()) {
            web.recordWebFormConsent(phone, "c-142", "Ann", "ann@example.com", "203.0.113.4", "https://example.com/f");
            clock.advance(bound);
            assertThat(sender.isActive(phone)).as("consent seen after the bound").isTrue();

            web.revoke(phone, ConsentTracker.REVOKED_BY_KEYWORD, "STOP");
            server.counter.reset();
            clock.advance(bound.minusMillis(1));
            assertThat(sender.isActive(phone)).as("within the bound the index answers alone").isTrue();
            assertThat(server.counter.total()).as("no request before the bound is up").isZero();

            clock.advance(Duration.ofMillis(1));
            assertThat(sender.isOptedOut(phone)).as("opt-out visible once the bound is reached").isTrue();
            assertThat(sender.isActive(phone)).isFalse();
            assertThat(server.counter.snapshot()).as("one LIST, one GET of the new object")
                    .containsEntry("ListObjectsV2", 1L).containsEntry("GetObject", 1L);
        }
    }

    @Test
    void refreshWithNothingNewCostsOneRequest() {
        try (ConsentTracker a = ConsentTracker.builder(store("cost").build()).build();
             ConsentTracker b = ConsentTracker.builder(store("cost").build()).build()) {
            Events.write(a, 1, 0, 40);
            b.refresh();
            assertThat(b.activeConsents()).hasSize(30);
            server.counter.reset();
            b.refresh();
            long requests = server.counter.total();
            System.out.printf("[s3-cost] refresh with nothing new: %d request(s) %s%n", requests,
                    server.counter.snapshot());
            assertThat(requests).isEqualTo(1);
            assertThat(server.counter.get("ListObjectsV2")).isEqualTo(1);
        }
    }

    @Test
    void aKeyThatLandsLateIsSeenExactlyOnce() {
        SettableClock clockA = SettableClock.at("2025-06-01T12:00:00Z");
        SettableClock slowClock = SettableClock.at("2025-06-01T11:59:50Z"); // 10 s behind, within the 30 s window
        try (S3ConsentStore poller = store("late").clock(clockA).build();
             S3ConsentStore a = store("late").clock(clockA).writerId("a").build();
             S3ConsentStore slow = store("late").clock(slowClock).writerId("slow").build()) {
            poller.replay(r -> { });
            a.append(List.of(row("a1", "+15125550101", clockA)));
            assertThat(poller.poll()).extracting(ConsentRecord::consentId).containsExactly("a1");

            clockA.advance(Duration.ofSeconds(1));
            slowClock.advance(Duration.ofSeconds(1));
            slow.append(List.of(row("s1", "+15125550102", slowClock)));
            List<String> keys = server.keys(bucket, "late/journal/");
            assertThat(keys.get(0)).as("the slow writer's key sorts before the one already seen").contains("-slow-");

            assertThat(poller.poll()).extracting(ConsentRecord::consentId).containsExactly("s1");
            assertThat(poller.poll()).as("not delivered twice").isEmpty();
            clockA.advance(Duration.ofMinutes(5));
            assertThat(poller.poll()).as("nor after the window has passed").isEmpty();
        }
    }

    @Test
    void aWriterThatHasSeenAKeyWritesAfterItEvenWithASlowClock() {
        SettableClock clockA = SettableClock.at("2025-06-01T12:00:00Z");
        SettableClock slowClock = SettableClock.at("2025-06-01T11:59:55Z"); // 5 s behind
        try (S3ConsentStore a = store("hlc").clock(clockA).writerId("a").build();
             S3ConsentStore slow = store("hlc").clock(slowClock).writerId("slow").build()) {
            a.append(List.of(row("g1", "+15125550103", clockA)));
            slow.replay(r -> { }); // sees a's key, e.g. before revoking the consent it holds
            slow.append(List.of(row("g1", "+15125550103", slowClock).withStatus(
                    io.consentkit.journal.ConsentStatus.REVOKED, slowClock.instant(), "stop_keyword", Map.of())));
            List<String> keys = server.keys(bucket, "hlc/journal/");
            assertThat(keys).hasSize(2);
            assertThat(keys.get(1)).as("the revocation sorts after the consent it revokes").contains("-slow-");
            try (S3ConsentStore reader = store("hlc").build()) {
                assertThat(Events.replayAll(reader)).extracting(ConsentRecord::status)
                        .containsExactly(io.consentkit.journal.ConsentStatus.ACTIVE,
                                io.consentkit.journal.ConsentStatus.REVOKED);
            }
        }
    }

    @Test
    void pollingWhileOthersAppendDeliversEveryRowOnceAndNeverOwnRows() throws Exception {
        try (S3ConsentStore writer = store("stream").build();
             S3ConsentStore poller = store("stream").build()) {
            writer.replay(r -> { });
            poller.replay(r -> { });
            int appends = 120;
            // the writer wakes both pollers every 4 appends (no busy loop, no sleeping)
            java.util.concurrent.Semaphore ownTurn = new java.util.concurrent.Semaphore(0);
            java.util.concurrent.Semaphore pollTurn = new java.util.concurrent.Semaphore(0);
            AtomicBoolean done = new AtomicBoolean();
            AtomicInteger ownSeen = new AtomicInteger();
            ExecutorService pool = Executors.newFixedThreadPool(3);
            List<ConsentRecord> delivered = java.util.Collections.synchronizedList(new ArrayList<>());
            try {
                Future<?> w = pool.submit(() -> {
                    java.time.Instant t = java.time.Instant.parse("2025-06-01T00:00:00Z");
                    try {
                        for (int i = 0; i < appends; i++) {
                            writer.append(List.of(ConsentRecordFixtures.row("x" + i, "+15125550100", t.plusMillis(i))));
                            if (i % 4 == 3) {
                                ownTurn.release();
                                pollTurn.release();
                            }
                        }
                    } finally {
                        done.set(true);
                        ownTurn.release();
                        pollTurn.release();
                    }
                    return null;
                });
                Future<?> own = pool.submit(() -> {
                    while (!done.get()) {
                        ownTurn.acquire();
                        ownSeen.addAndGet(writer.poll().size());
                    }
                    return null;
                });
                Future<?> p = pool.submit(() -> {
                    while (!done.get()) {
                        pollTurn.acquire();
                        delivered.addAll(poller.poll());
                    }
                    return null;
                });
                w.get(2, TimeUnit.MINUTES);
                own.get(1, TimeUnit.MINUTES);
                p.get(1, TimeUnit.MINUTES);
            } finally {
                pool.shutdownNow();
            }
            delivered.addAll(poller.poll());
            assertThat(ownSeen.get()).as("a store never hands back its own rows").isZero();
            assertThat(delivered).hasSize(appends);
            assertThat(delivered.stream().map(ConsentRecord::consentId).distinct().count()).isEqualTo(appends);
        }
    }

    private static ConsentRecord row(String id, String phone, SettableClock clock) {
        return ConsentRecordFixtures.row(id, phone, clock.instant());
    }
}
