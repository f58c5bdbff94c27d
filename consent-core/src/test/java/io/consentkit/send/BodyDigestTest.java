package io.consentkit.send;

import io.consentkit.consent.ConsentTracker;
import io.consentkit.store.InMemoryConsentStore;
import io.consentkit.testkit.FakeSmsGateway;
import io.consentkit.testkit.SettableClock;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.nio.charset.StandardCharsets;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The send log's body digest is keyed per log, so a short body cannot be recovered from the file. */
@Timeout(30)
class BodyDigestTest {
    static final String AUSTIN = "+15125551234";
    static final String CODE = "Your Basin login code is 483920";

    @TempDir
    Path dir;

    static String sha256(String s) throws Exception {
        return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(s.getBytes(StandardCharsets.UTF_8)));
    }

    private List<SendLogEntry> sendThrough(CsvSendLog log, String... bodies) {
        SettableClock clock = SettableClock.at("2026-01-15T18:00:00Z");
        try (ConsentTracker tracker = ConsentTracker.builder(new InMemoryConsentStore()).clock(clock).build()) {
            tracker.recordWebFormConsent(AUSTIN, "cust-1", "Ann", "ann@example.com", "203.0.113.9",
                    "https://example.com/signup");
            GuardedSender sender = GuardedSender.builder(tracker, FakeSmsGateway.builder().clock(clock).build())
                    .clock(clock).sendLog(log).build();
            for (String body : bodies) {
                assertThat(sender.send(OutboundMessage.transactional(AUSTIN, body))).isInstanceOf(SendOutcome.Sent.class);
            }
        }
        return log.entries();
    }

    @Test
    void theFileHoldsNoPlainHashOfAShortBody() throws Exception {
        Path file = dir.resolve("sends.csv");
        try (CsvSendLog log = CsvSendLog.open(file)) {
            sendThrough(log, CODE);
        }
        String text = Files.readString(file);
        assertThat(text).doesNotContain(sha256(CODE)).doesNotContain("483920");
    }

    @Test
    void digestsAreKeyedPerLogAndStableWithinOne() throws Exception {
        Path a = dir.resolve("a/sends.csv");
        Path b = dir.resolve("b/sends.csv");
        String first;
        try (CsvSendLog log = CsvSendLog.open(a)) {
            List<SendLogEntry> entries = sendThrough(log, CODE, CODE, "something else");
            first = entries.get(0).bodySha256();
            assertThat(first).startsWith("hmac-sha256:").hasSize("hmac-sha256:".length() + 64)
                    .isNotEqualTo(sha256(CODE)).doesNotContain(sha256(CODE))
                    .isEqualTo(log.bodyDigest(CODE));
            assertThat(entries.get(1).bodySha256()).isEqualTo(first); // same log, same body: same digest
            assertThat(entries.get(2).bodySha256()).isNotEqualTo(first);
        }
        try (CsvSendLog other = CsvSendLog.open(b)) {
            assertThat(other.bodyDigest(CODE)).isNotEqualTo(first);
        }
        try (CsvSendLog again = CsvSendLog.open(a)) { // the key survives a reopen
            assertThat(again.bodyDigest(CODE)).isEqualTo(first);
            assertThat(again.entries().get(0).bodySha256()).isEqualTo(first);
        }
        Path key = dir.resolve("a/sends.csv.key");
        assertThat(key).exists();
        if (FileSystems.getDefault().supportedFileAttributeViews().contains("posix")) {
            assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(key))).isEqualTo("rw-------");
        }
        assertThat(Files.readString(key).strip()).hasSize(64);
        assertThat(Files.readString(a)).doesNotContain(Files.readString(key).strip());
    }

    @Test
    void aLogWithKeyedDigestsRefusesToStartANewKey() throws Exception {
        Path file = dir.resolve("sends.csv");
        try (CsvSendLog log = CsvSendLog.open(file)) {
            sendThrough(log, CODE);
        }
        Files.delete(dir.resolve("sends.csv.key"));
        byte[] before = Files.readAllBytes(file);
        assertThatThrownBy(() -> CsvSendLog.open(file)).isInstanceOf(SendLogException.class)
                .hasMessageContaining("key file").hasMessageContaining("missing");
        assertThat(Files.readAllBytes(file)).isEqualTo(before);
        assertThat(dir.resolve("sends.csv.key")).doesNotExist();
    }

    @Test
    void aMalformedKeyFileIsRefused() throws Exception {
        Path file = dir.resolve("sends.csv");
        Files.writeString(dir.resolve("sends.csv.key"), "not a key\n");
        assertThatThrownBy(() -> CsvSendLog.open(file)).isInstanceOf(SendLogException.class)
                .hasMessageContaining("64 hex digits");
    }

    @Test
    void aLogWrittenBeforeDigestsWereKeyedStaysReadableAndAppendable() throws Exception {
        Path file = dir.resolve("sends.csv");
        String plain = sha256("old body");
        Files.writeString(file, CsvSendLog.LEGACY_HEADER + "\n"
                + "decision,2026-01-14T18:00:00Z,sent,,+*********34,transactional,,"
                + plain + ",8,1,,,SM1,,,,fake,queued,\n");
        assertThat(CsvSendLog.LEGACY_HEADER).contains(",body_sha256,").isNotEqualTo(CsvSendLog.HEADER);
        try (CsvSendLog log = CsvSendLog.open(file)) {
            assertThat(log.entries()).singleElement().satisfies(e -> assertThat(e.bodySha256()).isEqualTo(plain));
            sendThrough(log, CODE);
            assertThat(log.entries()).hasSize(2);
        }
        try (CsvSendLog log = CsvSendLog.open(file)) {
            List<SendLogEntry> entries = log.entries();
            assertThat(entries.get(0).bodySha256()).isEqualTo(plain);
            assertThat(entries.get(1).bodySha256()).isEqualTo(log.bodyDigest(CODE)).startsWith("hmac-sha256:");
        }
        assertThat(Files.readAllLines(file).get(0)).isEqualTo(CsvSendLog.LEGACY_HEADER);
    }

    @Test
    void theInMemoryLogKeepsThePlainDigest() throws Exception {
        InMemorySendLog log = new InMemorySendLog();
        assertThat(log.bodyDigest(CODE)).isEqualTo(sha256(CODE));
    }
}
