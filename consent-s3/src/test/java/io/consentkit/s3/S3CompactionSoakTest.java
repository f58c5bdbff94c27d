package io.consentkit.s3;

import io.consentkit.journal.ConsentRecord;
import io.consentkit.journal.ConsentStoreException;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.services.s3.S3Client;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The unprovoked loss, as a soak (mvn verify -P soak): 3 writer JVMs x 300 appends with a
 * 2 s late-write window while two compactors loop; every fresh open must hold all 900 rows (the
 * old compactor once lost 1 of 900 here).
 */
@Tag("soak")
@Timeout(value = 10, unit = TimeUnit.MINUTES)
class S3CompactionSoakTest {
    private static final Duration WINDOW = Duration.ofSeconds(2);
    private static final int PROCESSES = 3;
    private static final int EVENTS = 240; // + every 4th revoked = 300 appends per process
    private static final int ROUNDS = Integer.getInteger("consentkit.s3.soak.rounds", 3);
    private static LocalS3 server;
    private static S3Client s3;

    @BeforeAll
    static void startServer() {
        server = LocalS3.start();
        s3 = server.client();
    }

    @AfterAll
    static void stopServer() {
        server.close();
    }

    private static long distinct(List<ConsentRecord> rows) {
        return rows.stream().map(r -> r.consentId() + "|" + r.status()).distinct().count();
    }

    private S3ConsentStore.Builder store(String bucket) {
        return S3ConsentStore.builder(s3).bucket(bucket).prefix("soak").lateWriteWindow(WINDOW);
    }

    @Test
    void threeWriterProcessesWithCompactionsRacingLoseNoRow(@TempDir Path dir) throws Exception {
        int expected = PROCESSES * Events.rowsFor(EVENTS);
        for (int round = 0; round < ROUNDS; round++) {
            String bucket = server.newBucket();
            String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
            List<Process> children = new ArrayList<>();
            List<Path> logs = new ArrayList<>();
            AtomicBoolean writing = new AtomicBoolean(true);
            AtomicInteger compactions = new AtomicInteger();
            AtomicInteger starved = new AtomicInteger();
            ExecutorService pool = Executors.newFixedThreadPool(2);
            List<Future<?>> compactors = new ArrayList<>();
            try {
                for (int p = 0; p < PROCESSES; p++) {
                    Path log = dir.resolve("round-" + round + "-child-" + p + ".log");
                    logs.add(log);
                    children.add(new ProcessBuilder(java, "-Xmx256m", "-XX:TieredStopAtLevel=1", "-cp",
                            System.getProperty("java.class.path"), ChildWriter.class.getName(),
                            server.endpoint.toString(), bucket, "soak", Integer.toString(p), "0",
                            Integer.toString(EVENTS), Long.toString(WINDOW.toMillis()))
                            .redirectErrorStream(true).redirectOutput(log.toFile()).start());
                }
                for (int c = 0; c < 2; c++) {
                    compactors.add(pool.submit(() -> {
                        try (S3ConsentStore s = store(bucket).build()) {
                            while (writing.get()) {
                                try {
                                    if (s.compact().compacted()) {
                                        compactions.incrementAndGet();
                                    }
                                } catch (ConsentStoreException e) {
                                    // two compactors looping back to back can starve one of them; that
                                    // costs a retry, never a row
                                    assertThat(e).hasMessageContaining("lost the manifest race");
                                    starved.incrementAndGet();
                                }
                            }
                        }
                        return null;
                    }));
                }
                for (int p = 0; p < PROCESSES; p++) {
                    assertThat(children.get(p).waitFor(5, TimeUnit.MINUTES)).as("child %d finished", p).isTrue();
                    assertThat(children.get(p).exitValue()).as("child %d: %s", p, Files.readString(logs.get(p)))
                            .isZero();
                }
                writing.set(false);
                for (Future<?> f : compactors) {
                    f.get(2, TimeUnit.MINUTES);
                }
            } finally {
                writing.set(false);
                pool.shutdownNow();
                children.forEach(Process::destroyForcibly);
            }
            List<ConsentRecord> afterRace;
            try (S3ConsentStore reader = store(bucket).build()) {
                afterRace = Events.replayAll(reader);
            }
            try (S3ConsentStore last = store(bucket).clock(Clock.offset(Clock.systemUTC(), Duration.ofMinutes(1)))
                    .build()) {
                last.compact();
            }
            List<ConsentRecord> afterLast;
            try (S3ConsentStore reader = store(bucket).build()) {
                afterLast = Events.replayAll(reader);
            }
            System.out.printf("[s3-soak] round %d: %d compactions during the race (%d gave up after 16 lost races);"
                    + " fresh open %d/%d distinct rows (%d in all), after a final compaction %d/%d (%d)%n", round,
                    compactions.get(), starved.get(), distinct(afterRace), expected, afterRace.size(),
                    distinct(afterLast), expected, afterLast.size());
            // no row lost; a row twice (an append retried after a timeout whose first attempt landed late) is not a loss
            assertThat(distinct(afterRace)).as("round %d, fresh open after the race", round).isEqualTo(expected);
            assertThat(distinct(afterLast)).as("round %d, after the final compaction", round).isEqualTo(expected);
        }
    }
}
