package io.consentkit.s3;

import io.consentkit.journal.ConsentRecord;
import io.consentkit.journal.JournalVerifier;
import io.consentkit.testkit.SettableClock;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.S3Object;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The S3 store's tamper evidence with two writers racing on one prefix (real s3proxy): chain per object,
 * the snapshot one chain whose head the manifest records.
 */
class S3ChainTest {
    private static LocalS3 server;
    private static S3Client s3;
    private final SettableClock clock = SettableClock.at("2026-02-01T09:00:00Z");

    @BeforeAll
    static void startServer() {
        server = LocalS3.start();
        s3 = server.client();
    }

    @AfterAll
    static void stopServer() {
        server.close();
    }

    private S3ConsentStore store(String bucket, String writer) {
        return S3ConsentStore.builder(s3).bucket(bucket).prefix("p").writerId(writer).clock(clock).autoCompactAfter(0)
                .build();
    }

    private static String body(String bucket, String key) {
        return s3.getObjectAsBytes(b -> b.bucket(bucket).key(key)).asString(StandardCharsets.UTF_8);
    }

    private static List<String> journalKeys(String bucket) {
        List<String> out = new ArrayList<>();
        for (S3Object o : s3.listObjectsV2Paginator(b -> b.bucket(bucket).prefix("p/journal/")).contents()) {
            out.add(o.key());
        }
        return out;
    }

    /** Two writers append concurrently (batches of one and of two rows), each from two threads: 20 objects, 28 rows. */
    private static void race(S3ConsentStore a, S3ConsentStore b, String tag, SettableClock clock) throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(4);
        CountDownLatch go = new CountDownLatch(1);
        List<Future<?>> done = new ArrayList<>();
        for (int t = 0; t < 4; t++) {
            S3ConsentStore s = t % 2 == 0 ? a : b;
            int tt = t;
            done.add(pool.submit(() -> {
                go.await();
                for (int i = 0; i < 5; i++) {
                    String id = tag + tt + "-" + i;
                    ConsentRecord r = ConsentRecordFixtures.row(id, "+151255501" + tt + i, clock.instant());
                    s.append(i % 2 == 0 ? List.of(r) : List.of(r, ConsentRecordFixtures.row(id + "b",
                            "+151255502" + tt + i, clock.instant())));
                }
                return null;
            }));
        }
        go.countDown();
        for (Future<?> f : done) {
            f.get(60, TimeUnit.SECONDS);
        }
        pool.shutdown();
    }

    private static void assertAllOk(List<JournalVerifier.Result> results) {
        assertThat(results).isNotEmpty().allSatisfy(r -> assertThat(r.ok()).as(r.source() + ": " + r.firstBreak())
                .isTrue());
    }

    @Test
    void twoWritersKeepEveryObjectAndTheSnapshotVerifiableAcrossCompactions() throws Exception {
        String bucket = server.newBucket();
        try (S3ConsentStore a = store(bucket, "writer_a"); S3ConsentStore b = store(bucket, "writer_b")) {
            a.replay(r -> { });
            b.replay(r -> { });
            race(a, b, "x", clock);
            List<JournalVerifier.Result> before = a.verifyChain();
            assertAllOk(before);
            assertThat(before).hasSize(20).allSatisfy(r -> assertThat(r.chainedRows()).isEqualTo(r.rows()));

            clock.advance(S3ConsentStore.DEFAULT_LATE_WRITE_WINDOW.plus(Duration.ofSeconds(1)));
            assertThat(b.compact().compacted()).isTrue();
            race(a, b, "y", clock);
            clock.advance(S3ConsentStore.DEFAULT_LATE_WRITE_WINDOW.plus(Duration.ofSeconds(1)));
            assertThat(a.compact().compacted()).isTrue(); // the second snapshot chains on from the first's head
            race(a, b, "z", clock);

            List<JournalVerifier.Result> after = b.verifyChain();
            assertAllOk(after);
            assertThat(after.get(0).rows()).isEqualTo(56); // two rounds of 28 rows in the snapshot
            assertThat(after.get(0).chainedRows()).isEqualTo(56);
            assertThat(after).hasSize(21); // the snapshot and the third round's 20 objects
            assertThat(body(bucket, "p/manifest.json")).contains("\"chain_head\":\"" + after.get(0).head() + "\"");
        }
    }

    @Test
    void aChangedObjectAndAnEditedSnapshotAreNamed() throws Exception {
        String bucket = server.newBucket();
        try (S3ConsentStore a = store(bucket, "writer_a"); S3ConsentStore b = store(bucket, "writer_b")) {
            a.replay(r -> { });
            b.replay(r -> { });
            race(a, b, "x", clock);
            clock.advance(S3ConsentStore.DEFAULT_LATE_WRITE_WINDOW.plus(Duration.ofSeconds(1)));
            assertThat(a.compact().compacted()).isTrue();
            a.append(List.of(ConsentRecordFixtures.row("late1", "+15125550301", clock.instant()),
                    ConsentRecordFixtures.row("late2", "+15125550302", clock.instant())));
            List<String> keys = journalKeys(bucket);
            String object = keys.get(keys.size() - 1); // the one object after the snapshot
            String text = body(bucket, object);
            s3.putObject(p -> p.bucket(bucket).key(object), RequestBody.fromString(text.replace("late2",
                    "late9")));
            String manifest = body(bucket, "p/manifest.json");
            String snapshotKey = manifest.replaceAll("(?s).*\"snapshot\"\\s*:\\s*\"([^\"]+)\".*", "$1");
            String snapshot = body(bucket, snapshotKey);
            int lastRow = snapshot.lastIndexOf('\n', snapshot.length() - 2) + 1;
            s3.putObject(p -> p.bucket(bucket).key(snapshotKey), RequestBody.fromString(snapshot.substring(0,
                    lastRow))); // the snapshot's last row cut off: only the manifest's head shows it

            List<JournalVerifier.Result> results = b.verifyChain();
            JournalVerifier.Break snap = results.get(0).firstBreak();
            assertThat(snap.problem()).isEqualTo(JournalVerifier.Problem.TRUNCATED);
            assertThat(snap.row()).isEqualTo(28);
            assertThat(snap.detail()).contains("the manifest records 28 rows");
            JournalVerifier.Break obj = results.get(1).firstBreak();
            assertThat(results.get(1).source()).endsWith(object);
            assertThat(obj.row()).isEqualTo(2);
            assertThat(obj.consentId()).isEqualTo("late9");
            assertThat(obj.problem()).isEqualTo(JournalVerifier.Problem.DIGEST);
        }
    }
}
