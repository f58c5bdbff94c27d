package io.consentkit.s3;

import io.consentkit.journal.ConsentRecord;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.s3.S3Client;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Measures appends per second against the local server for 1 and for 8 concurrent writers
 * (8 store instances, as on 8 machines) and logs them to stdout and
 * {@code target/s3-measurements.txt}. A measurement, not a timed assertion: it checks only that
 * every append landed.
 */
class S3ThroughputTest {
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

    private double run(String bucket, int writers, int each) throws Exception {
        List<S3ConsentStore> stores = new ArrayList<>();
        for (int w = 0; w < writers; w++) {
            stores.add(S3ConsentStore.builder(s3).bucket(bucket).prefix("tp" + writers).build());
        }
        // warm-up: one append per store (connections, class loading)
        for (S3ConsentStore s : stores) {
            s.append(List.of(ConsentRecordFixtures.row("warm-" + s.writerId(), "+15125550000", Instant.now())));
        }
        ExecutorService pool = Executors.newFixedThreadPool(writers);
        CountDownLatch go = new CountDownLatch(1);
        List<Future<?>> fs = new ArrayList<>();
        for (int w = 0; w < writers; w++) {
            S3ConsentStore s = stores.get(w);
            int writer = w;
            fs.add(pool.submit(() -> {
                go.await();
                for (int i = 0; i < each; i++) {
                    s.append(List.of(ConsentRecordFixtures.row(writer + "-" + i, Events.phone(writer, i), Instant.now())));
                }
                return null;
            }));
        }
        long t0 = System.nanoTime();
        go.countDown();
        for (Future<?> f : fs) {
            f.get(2, TimeUnit.MINUTES);
        }
        double secs = (System.nanoTime() - t0) / 1e9;
        pool.shutdown();
        try (S3ConsentStore reader = S3ConsentStore.builder(s3).bucket(bucket).prefix("tp" + writers).build()) {
            List<ConsentRecord> rows = Events.replayAll(reader);
            assertThat(rows).hasSize(writers * each + writers);
        }
        stores.forEach(S3ConsentStore::close);
        return writers * each / secs;
    }

    @Test
    void appendsPerSecondForOneAndForEightWriters() throws Exception {
        String bucket = server.newBucket();
        double one = run(bucket, 1, 300);
        double eight = run(bucket, 8, 100);
        String line = String.format("[s3-throughput] local s3proxy, one PUT per append: 1 writer %.0f appends/s, "
                + "8 concurrent writers %.0f appends/s (%d cores)%n", one, eight,
                Runtime.getRuntime().availableProcessors());
        System.out.print(line);
        Files.writeString(Path.of("target", "s3-measurements.txt"), line, StandardOpenOption.CREATE,
                StandardOpenOption.APPEND);
        assertThat(one).isPositive();
        assertThat(eight).isPositive();
    }
}
