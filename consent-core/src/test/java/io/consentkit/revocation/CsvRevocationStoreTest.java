package io.consentkit.revocation;

import io.consentkit.phone.PhoneNumber;
import io.consentkit.testkit.SettableClock;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.time.LocalDate;
import java.time.ZoneId;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The CSV queue file: restart, append-only rows, torn and hostile input, read-only opens. */
class CsvRevocationStoreTest {
    static final ZoneId NEW_YORK = ZoneId.of("America/New_York");
    static final String ANN = "+15125551234";

    @TempDir
    Path dir;
    final SettableClock clock = SettableClock.at("2026-11-25T15:00:00Z");

    private RevocationQueue open(Path file) {
        return RevocationQueue.builder(CsvRevocationStore.open(file, Duration.ofSeconds(2), clock)).clock(clock)
                .zone(NEW_YORK).build();
    }

    @Test
    void aRestartKeepsPendingRequestsAndClosedOnesStayClosed() throws Exception {
        Path file = dir.resolve("data/revocations.csv");
        RevocationRequest kept;
        RevocationRequest dismissed;
        try (RevocationQueue q = open(file)) {
            kept = q.submit(ANN, "alerts", "", RevocationChannel.EMAIL, null, "Please, don't text me \"anymore\",\nthanks",
                    "support@example.com");
            dismissed = q.submit("+15125550101", "", "", RevocationChannel.SMS, null, "stop by later?", "inbox");
            clock.advance(Duration.ofMinutes(5));
            dismissed = q.dismiss(dismissed.id(), "Lee", "not an opt-out");
        }
        byte[] before = Files.readAllBytes(file);
        try (RevocationQueue q = open(file)) {
            assertThat(q.pending()).containsExactly(kept);
            assertThat(q.find(dismissed.id())).contains(dismissed);
            assertThat(q.isPending(PhoneNumber.of(ANN))).isTrue();
            assertThat(q.pending().get(0).evidenceText()).isEqualTo("Please, don't text me \"anymore\",\nthanks");
            assertThat(q.pending().get(0).deadline()).isEqualTo(LocalDate.parse("2026-12-10"));
            q.dismiss(kept.id(), "Lee", "asked again by phone: handled there");
        }
        byte[] after = Files.readAllBytes(file);
        assertThat(new String(after, 0, before.length, StandardCharsets.UTF_8))
                .as("rows are appended, never rewritten").isEqualTo(new String(before, StandardCharsets.UTF_8));
        assertThat(Files.readAllLines(file).get(0)).isEqualTo(CsvRevocationStore.HEADER);
        try (RevocationQueue q = open(file)) {
            assertThat(q.pending()).isEmpty();
            assertThat(q.all()).hasSize(2);
        }
    }

    @Test
    void aTornLastRowIsQuarantinedByAWriterAndLeftOutByAReader() throws Exception {
        Path file = dir.resolve("revocations.csv");
        RevocationRequest kept;
        try (RevocationQueue q = open(file)) {
            kept = q.submit(ANN, "", "", RevocationChannel.VOICE, null, "caller said stop", "agent Sam");
        }
        String torn = "submitted,2026-11-25T15:01:00Z,rv-00000000000000ff,+15125550101,,,email,2026-11-25T15:0";
        Files.writeString(file, torn, StandardOpenOption.APPEND);
        byte[] withTail = Files.readAllBytes(file);

        try (CsvRevocationStore ro = CsvRevocationStore.openReadOnly(file);
             RevocationQueue q = RevocationQueue.builder(ro).clock(clock).zone(NEW_YORK).build()) {
            assertThat(ro.tornTailBytes()).isEqualTo(torn.length());
            assertThat(q.pending()).containsExactly(kept);
        }
        assertThat(Files.readAllBytes(file)).as("a read-only open changes nothing").isEqualTo(withTail);

        try (CsvRevocationStore store = CsvRevocationStore.open(file, Duration.ofSeconds(2), clock);
             RevocationQueue q = RevocationQueue.builder(store).clock(clock).zone(NEW_YORK).build()) {
            assertThat(store.quarantined()).isPresent();
            assertThat(Files.readString(store.quarantined().orElseThrow())).isEqualTo(torn);
            assertThat(q.pending()).containsExactly(kept);
            q.submit("+15125550102", "", "", RevocationChannel.WEB, null, "", "");
        }
        try (RevocationQueue q = open(file)) {
            assertThat(q.pending()).hasSize(2);
        }
    }

    @Test
    void aCompleteRowThatDoesNotParseFailsTheOpenAndChangesNoByte() throws Exception {
        Path file = dir.resolve("revocations.csv");
        try (RevocationQueue q = open(file)) {
            q.submit(ANN, "", "", RevocationChannel.EMAIL, null, "", "");
        }
        Files.writeString(file, "submitted,2026-11-25T15:01:00Z,rv-1,=cmd|' /C calc'!A0,,,email,"
                + "2026-11-25T15:00:00Z,,,2026-12-10,2026-12-11T05:00:00Z,,\n", StandardOpenOption.APPEND);
        assertRefused(file, "line 3: phone_number is not a valid E.164 number");

        Files.writeString(file, CsvRevocationStore.HEADER + "\napplied,2026-11-25T15:01:00Z,rv-nobody,,,,,,,,,,Lee,\n");
        assertRefused(file, "never submitted");

        Files.writeString(file, CsvRevocationStore.HEADER + "\nsubmitted,yesterday,rv-1,+15125551234,,,email,"
                + "2026-11-25T15:00:00Z,,,2026-12-10,2026-12-11T05:00:00Z,,\n");
        assertRefused(file, "line 2: at 'yesterday' is not an ISO-8601 instant");

        Files.writeString(file, CsvRevocationStore.HEADER + "\nsubmitted,2026-11-25T15:01:00Z,rv-1,+15125551234,,,"
                + "fax\u001b[2J,2026-11-25T15:00:00Z,,,2026-12-10,2026-12-11T05:00:00Z,,\n");
        assertRefused(file, "channel");

        Files.writeString(file, "consent_id,timestamp,phone_number\nabc,2026-01-01T00:00:00Z,+15125551234\n");
        assertRefused(file, "header is not the revocation queue's");
    }

    private void assertRefused(Path file, String problem) throws Exception {
        byte[] before = Files.readAllBytes(file);
        assertThatThrownBy(() -> open(file)).isInstanceOf(RevocationQueueException.class)
                .hasMessageContaining(problem).satisfies(e -> assertThat(e.getMessage()).doesNotContain("\u001b"));
        assertThatThrownBy(() -> RevocationQueue.builder(CsvRevocationStore.openReadOnly(file)).build())
                .isInstanceOf(RevocationQueueException.class).hasMessageContaining(problem);
        assertThat(Files.readAllBytes(file)).isEqualTo(before);
        try (Stream<Path> files = Files.list(dir)) {
            assertThat(files.map(p -> p.getFileName().toString())).noneMatch(n -> n.contains(".torn-"));
        }
    }

    @Test
    void aSecondWriterWaitsForTheLockAndFails() {
        Path file = dir.resolve("revocations.csv");
        try (RevocationQueue q = open(file)) {
            assertThatThrownBy(() -> CsvRevocationStore.open(file, Duration.ofMillis(50), clock))
                    .isInstanceOf(RevocationQueueException.class);
            try (CsvRevocationStore ro = CsvRevocationStore.openReadOnly(file)) {
                assertThat(ro.events()).isEmpty();
            }
            q.submit(ANN, "", "", RevocationChannel.API, null, "", "");
        }
    }

    @Test
    void aReadOnlyOpenOfAMissingFileCreatesNothing() {
        Path file = dir.resolve("no-such/revocations.csv");
        assertThatThrownBy(() -> CsvRevocationStore.openReadOnly(file)).isInstanceOf(RevocationQueueException.class);
        assertThat(dir.resolve("no-such")).doesNotExist();
    }
}
