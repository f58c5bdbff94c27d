package io.consentkit.s3;

import io.consentkit.journal.ConsentRecord;
import io.consentkit.journal.JournalCodec;
import io.consentkit.phone.PhoneNumbers;
import io.consentkit.s3.internal.JournalObjects;
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

import static org.assertj.core.api.Assertions.assertThat;

/** Journal objects and snapshots written in the legacy 14-column schema still load; new ones are version 3 (chained). */
class S3LegacySchemaTest {
    private static LocalS3 server;
    private static S3Client s3;
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

    private static List<ConsentRecord> replay(S3ConsentStore store) {
        List<ConsentRecord> out = new ArrayList<>();
        store.replay(out::add);
        return out;
    }

    private static String body(String bucket, String key) {
        return s3.getObjectAsBytes(b -> b.bucket(bucket).key(key)).asString(StandardCharsets.UTF_8);
    }

    /** Rewrites every journal object and snapshot under {@code prefix} as a legacy tool would have written it. */
    private static int toLegacy(String bucket, String prefix) {
        int n = 0;
        for (S3Object o : s3.listObjectsV2Paginator(b -> b.bucket(bucket).prefix(prefix + "/")).contents()) {
            if (!o.key().endsWith(".csv")) {
                continue;
            }
            List<ConsentRecord> rows = JournalObjects.decode(body(bucket, o.key()).getBytes(StandardCharsets.UTF_8),
                    o.key(), PhoneNumbers.defaults());
            StringBuilder sb = new StringBuilder(JournalCodec.LEGACY_HEADER_LINE).append('\n');
            for (ConsentRecord r : rows) {
                JournalCodec.appendLine(sb, r, JournalCodec.legacyMap(), false);
            }
            s3.putObject(b -> b.bucket(bucket).key(o.key()), RequestBody.fromString(sb.toString()));
            n++;
        }
        return n;
    }

    @Test
    void legacyObjectsAndSnapshotsLoadAndTheNextSnapshotIsVersion3WithTheNewColumnsAndTheChain() {
        String bucket = server.newBucket();
        List<ConsentRecord> rows = new ArrayList<>();
        try (S3ConsentStore store = S3ConsentStore.builder(s3).bucket(bucket).prefix("p").clock(clock).build()) {
            for (int i = 0; i < 6; i++) {
                ConsentRecord r = ConsentRecordFixtures.row("old" + i, "+1512555010" + i, clock.instant());
                store.append(List.of(r));
                rows.add(r);
                if (i == 3) {
                    clock.advance(S3ConsentStore.DEFAULT_LATE_WRITE_WINDOW.plus(Duration.ofSeconds(1)));
                    assertThat(store.compact().compacted()).isTrue();
                }
            }
        }
        assertThat(toLegacy(bucket, "p")).isGreaterThanOrEqualTo(3); // a snapshot and the objects after it
        ConsentRecord scoped = ConsentRecordFixtures.row("new1", "+15125550200", clock.instant())
                .withScope("alerts", "acme", "sms");
        try (S3ConsentStore store = S3ConsentStore.builder(s3).bucket(bucket).prefix("p").clock(clock).build()) {
            assertThat(replay(store)).containsExactlyElementsOf(rows);
            store.append(List.of(scoped));
            rows.add(scoped);
            clock.advance(S3ConsentStore.DEFAULT_LATE_WRITE_WINDOW.plus(Duration.ofSeconds(1)));
            assertThat(store.compact().compacted()).isTrue();
        }
        try (S3ConsentStore store = S3ConsentStore.builder(s3).bucket(bucket).prefix("p").clock(clock).build()) {
            assertThat(replay(store)).containsExactlyElementsOf(rows);
        }
        String manifest = body(bucket, "p/manifest.json");
        String snapshotKey = manifest.replaceAll("(?s).*\"snapshot\"\\s*:\\s*\"([^\"]+)\".*", "$1");
        String snapshot = body(bucket, snapshotKey);
        assertThat(snapshot).startsWith(JournalCodec.HEADER_LINE + "\n").containsPattern(",alerts,acme,sms,[0-9a-f]{64},"
                + "[0-9a-f]{64}\n");
        assertThat(snapshot.lines().skip(1)).allSatisfy(l -> assertThat(l.split(",", -1).length).isGreaterThanOrEqualTo(19));
        try (S3ConsentStore store = S3ConsentStore.builder(s3).bucket(bucket).prefix("p").clock(clock).build()) {
            io.consentkit.journal.JournalVerifier.Result snap = store.verifyChain().get(0);
            assertThat(snap.ok()).as(String.valueOf(snap.firstBreak())).isTrue();
            assertThat(snap.legacyRows()).isEqualTo(4); // the legacy snapshot's rows, carried over unchained
            assertThat(snap.chainedRows()).isEqualTo(3); // the rows compacted onto it, chained from the genesis
        }
    }
}
