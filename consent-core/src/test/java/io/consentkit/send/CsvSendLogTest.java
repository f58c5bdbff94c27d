package io.consentkit.send;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class CsvSendLogTest {
    private static final Instant T0 = Instant.parse("2026-01-15T18:00:00Z");

    @TempDir
    Path dir;

    static SendLogEntry sent(String providerId, Instant at) {
        return new SendLogEntry(at, SendLogEntry.Decision.SENT, "", "+*********34", MessageCategory.TRANSACTIONAL,
                "chore_due", "ab".repeat(32), 42, 1, new BigDecimal("0.0079"), "USD", providerId, 0,
                "", null, "fake", DeliveryStatus.QUEUED, 0, at);
    }

    static SendLogEntry deferred(Instant at) {
        return new SendLogEntry(at, SendLogEntry.Decision.DEFERRED, "QUIET_HOURS", "+*********34",
                MessageCategory.MARKETING, "", "cd".repeat(32), 7, 0, null, "", "", 0,
                "outside 08:00-21:00, \"quoted\"\nand a new line", at.plusSeconds(3600), "", null, 0, null);
    }

    @Test
    void everyFieldSurvivesARoundTripThroughTheFile() {
        Path file = dir.resolve("logs/sends.csv");
        SendLogEntry a = sent("SM1", T0);
        SendLogEntry b = deferred(T0.plusSeconds(1));
        SendLogEntry c = new SendLogEntry(T0.plusSeconds(2), SendLogEntry.Decision.FAILED, "OPTED_OUT", "+*********34",
                MessageCategory.EMERGENCY, "", "ef".repeat(32), 3, 0, null, "", "", 21610, "unsubscribed", null, "fake",
                null, 0, null);
        try (CsvSendLog log = CsvSendLog.open(file)) {
            log.record(a);
            log.record(b);
            log.record(c);
            assertThat(log.entries()).containsExactly(a, b, c);
        }
        try (CsvSendLog log = CsvSendLog.open(file)) {
            assertThat(log.entries()).containsExactly(a, b, c);
            assertThat(log.find("SM1")).contains(a);
            assertThat(log.find("SM404")).isEmpty();
        }
    }

    @Test
    void statusUpdatesAreAppendedRowsFoldedOnRead() throws Exception {
        Path file = dir.resolve("sends.csv");
        try (CsvSendLog log = CsvSendLog.open(file)) {
            log.record(sent("SM1", T0));
            log.record(sent("SM2", T0));
            log.recordStatus(DeliveryUpdate.of("SM1", DeliveryStatus.SENT, 0, T0.plusSeconds(1)));
            log.recordStatus(DeliveryUpdate.of("SM1", DeliveryStatus.DELIVERED, 0, T0.plusSeconds(5)));
            log.recordStatus(DeliveryUpdate.of("SM2", DeliveryStatus.UNDELIVERED, 30003, T0.plusSeconds(6)));
            // a late "sent" callback must not undo "delivered"
            log.recordStatus(DeliveryUpdate.of("SM1", DeliveryStatus.SENT, 0, T0.plusSeconds(7)));
        }
        List<String> lines = Files.readAllLines(file);
        assertThat(lines).hasSize(1 + 2 + 4);
        assertThat(lines.get(0)).isEqualTo(CsvSendLog.HEADER);
        try (CsvSendLog log = CsvSendLog.open(file)) {
            SendLogEntry one = log.find("SM1").orElseThrow();
            assertThat(one.status()).isEqualTo(DeliveryStatus.DELIVERED);
            assertThat(one.statusAt()).isEqualTo(T0.plusSeconds(5));
            SendLogEntry two = log.find("SM2").orElseThrow();
            assertThat(two.status()).isEqualTo(DeliveryStatus.UNDELIVERED);
            assertThat(two.statusErrorCode()).isEqualTo(30003);
            assertThat(log.entries()).hasSize(2);
        }
    }

    @Test
    void aStatusThatOvertakesItsSendIsStillApplied() {
        try (CsvSendLog log = CsvSendLog.open(dir.resolve("sends.csv"))) {
            log.recordStatus(DeliveryUpdate.of("SM9", DeliveryStatus.FAILED, 30007, T0.plusSeconds(2)));
            log.record(sent("SM9", T0));
            SendLogEntry e = log.find("SM9").orElseThrow();
            assertThat(e.status()).isEqualTo(DeliveryStatus.FAILED);
            assertThat(e.statusErrorCode()).isEqualTo(30007);
        }
    }

    @Test
    void concurrentWritersLoseNothing() throws Exception {
        Path file = dir.resolve("sends.csv");
        int threads = 8;
        int each = 50;
        try (CsvSendLog log = CsvSendLog.open(file)) {
            ExecutorService pool = Executors.newFixedThreadPool(threads);
            List<Future<?>> fs = new ArrayList<>();
            for (int t = 0; t < threads; t++) {
                int tt = t;
                fs.add(pool.submit(() -> {
                    for (int i = 0; i < each; i++) {
                        log.record(sent("SM-" + tt + "-" + i, T0));
                    }
                }));
            }
            for (Future<?> f : fs) {
                f.get();
            }
            pool.shutdown();
        }
        try (CsvSendLog log = CsvSendLog.open(file)) {
            assertThat(log.entries()).hasSize(threads * each);
            assertThat(log.entries().stream().map(SendLogEntry::providerId).distinct()).hasSize(threads * each);
        }
    }

    @Test
    void aTornLastRowIsQuarantinedOnOpen() throws Exception {
        Path file = dir.resolve("sends.csv");
        try (CsvSendLog log = CsvSendLog.open(file)) {
            log.record(sent("SM1", T0));
        }
        Files.writeString(file, "decision,2026-01-15T18:00:01Z,sent,,+**", StandardCharsets.UTF_8,
                StandardOpenOption.APPEND);
        Clock clock = Clock.fixed(T0, ZoneOffset.UTC);
        try (CsvSendLog log = CsvSendLog.open(file, Duration.ofSeconds(1), clock)) {
            assertThat(log.quarantined()).isPresent();
            assertThat(Files.readString(log.quarantined().orElseThrow())).startsWith("decision,2026-01-15T18:00:01Z");
            assertThat(log.entries()).extracting(SendLogEntry::providerId).containsExactly("SM1");
            log.record(sent("SM2", T0));
            assertThat(log.entries()).hasSize(2);
        }
    }

    @Test
    void aReadOnlyOpenReadsBesideTheWriterAndCreatesOrLocksNothing() throws Exception {
        Path file = dir.resolve("sends.csv");
        assertThatThrownBy(() -> CsvSendLog.openReadOnly(dir.resolve("no-such/sends.csv")))
                .isInstanceOf(SendLogException.class).hasMessageContaining("does not exist");
        assertThat(dir.resolve("no-such")).doesNotExist();
        try (CsvSendLog writer = CsvSendLog.open(file)) {
            writer.record(sent("SM1", T0));
            String digest = writer.bodyDigest("hello");
            Files.writeString(file, "decision,2026-01-15T18:00:01Z,sent,,+**", StandardCharsets.UTF_8,
                    StandardOpenOption.APPEND);
            byte[] before = Files.readAllBytes(file);
            try (CsvSendLog reader = CsvSendLog.openReadOnly(file)) {
                assertThat(reader.isReadOnly()).isTrue();
                assertThat(reader.entries()).extracting(SendLogEntry::providerId).containsExactly("SM1");
                assertThat(reader.bodyDigest("hello")).isEqualTo(digest);
                assertThatThrownBy(() -> reader.record(sent("SM2", T0))).isInstanceOf(SendLogException.class)
                        .hasMessageContaining("read-only");
            }
            assertThat(Files.readAllBytes(file)).isEqualTo(before);
            assertThat(writer.isReadOnly()).isFalse();
        }
        Files.delete(dir.resolve("sends.csv.key"));
        try (CsvSendLog reader = CsvSendLog.openReadOnly(file)) {
            assertThatThrownBy(() -> reader.bodyDigest("hello")).isInstanceOf(SendLogException.class)
                    .hasMessageContaining("no key file");
        }
        assertThat(dir.resolve("sends.csv.key")).doesNotExist();
    }

    @Test
    void aSecondWriterIsRefused() {
        Path file = dir.resolve("sends.csv");
        try (CsvSendLog first = CsvSendLog.open(file)) {
            assertThatThrownBy(() -> CsvSendLog.open(file, Duration.ZERO, Clock.systemUTC()))
                    .isInstanceOf(SendLogException.class).hasMessageContaining("locked");
            first.record(sent("SM1", T0));
        }
    }

    @Test
    void aFileThatIsNotASendLogIsRejected() throws Exception {
        Path file = dir.resolve("consents.csv");
        Files.writeString(file, "consent_id,timestamp\n");
        assertThatThrownBy(() -> CsvSendLog.open(file)).isInstanceOf(SendLogException.class)
                .hasMessageContaining("line 1").hasMessageContaining("header");
    }

    @Test
    void aMalformedRowIsReportedWithItsLine() throws Exception {
        Path file = dir.resolve("sends.csv");
        try (CsvSendLog log = CsvSendLog.open(file)) {
            log.record(sent("SM1", T0));
        }
        String bad = "decision,yesterday,sent,,x,transactional,,,1,1,,,SM2,,,,fake,,,,,,,,\n";
        Files.writeString(file, bad, StandardCharsets.UTF_8, StandardOpenOption.APPEND);
        try (CsvSendLog log = CsvSendLog.open(file)) {
            assertThatThrownBy(log::entries).isInstanceOf(SendLogException.class)
                    .hasMessageContaining("line 3").hasMessageContaining("time");
        }
    }

    @Test
    void aCellQuotedInAnErrorHasItsControlAndBidiCharactersEscaped() throws Exception {
        Path file = dir.resolve("sends.csv");
        try (CsvSendLog log = CsvSendLog.open(file)) {
            log.record(sent("SM1", T0));
        }
        String bad = "decision,\u001b[2J\u202etomorrow,sent,,x,transactional,,,1,1,,,SM2,,,,fake,,,,,,,,\n";
        Files.writeString(file, bad, StandardCharsets.UTF_8, StandardOpenOption.APPEND);
        try (CsvSendLog log = CsvSendLog.open(file)) {
            assertThatThrownBy(log::entries).isInstanceOf(SendLogException.class)
                    .hasMessageContaining("\\u001b[2J\\u202etomorrow")
                    .satisfies(e -> assertThat(e.getMessage()).doesNotContain("\u001b", "\u202e"));
        }
    }

    @Test
    void programConsentIdAndCorrelationIdSurviveAndAVersion2LogIsReadAndAppendedInItsColumns() throws Exception {
        Path file = dir.resolve("sends.csv");
        SendLogEntry gated = new SendLogEntry(T0, SendLogEntry.Decision.SENT, "", "+*********34", MessageCategory.REMINDER,
                "", "ab".repeat(32), 42, 1, null, "", "SM9", 0, "", null, "fake", null, 0, null, "k", List.of(),
                "alerts", "c0ffee", "household-42");
        try (CsvSendLog log = CsvSendLog.open(file)) {
            log.record(gated);
        }
        try (CsvSendLog log = CsvSendLog.open(file)) {
            assertThat(log.entries()).containsExactly(gated);
        }
        assertThat(Files.readAllLines(file).get(0)).endsWith(",attempts,program,consent_id,correlation_id,subject_key");

        Path v2 = dir.resolve("v2.csv");
        Files.writeString(v2, CsvSendLog.V2_HEADER + "\n"
                + "decision,2026-01-15T18:00:00Z,sent,,+*********34,marketing,,,5,1,,,SM1,,,,fake,queued,,key1,\n");
        try (CsvSendLog log = CsvSendLog.open(v2)) {
            assertThat(log.hasRecipientKeys()).isTrue();
            log.record(gated);
            assertThat(log.entries()).extracting(SendLogEntry::recipientKey).containsExactly("key1", "k");
            assertThat(log.entries()).extracting(SendLogEntry::program).containsExactly("", "");
        }
        assertThat(Files.readAllLines(v2).get(0)).isEqualTo(CsvSendLog.V2_HEADER);
    }

    @Test
    void writingAfterCloseFails() {
        CsvSendLog log = CsvSendLog.open(dir.resolve("sends.csv"));
        log.close();
        assertThatThrownBy(() -> log.record(sent("SM1", T0))).isInstanceOf(SendLogException.class)
                .hasMessageContaining("closed");
    }
}
