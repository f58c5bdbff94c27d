package io.consentkit.send;

import io.consentkit.consent.ConsentTracker;
import io.consentkit.send.SendOutcome.Reason;
import io.consentkit.store.InMemoryConsentStore;
import io.consentkit.testkit.FakeSmsGateway;
import io.consentkit.testkit.SettableClock;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Issue 13: the rule pack's per-subject caps (Florida, Oklahoma, Maryland: 3 marketing messages per
 * 24 hours on one subject) hold across a restart: a new sender over the same durable send log
 * rebuilds them from the log's {@code subject_key} column, as it does the other limits.
 */
class SubjectCapRestartTest {
    /** Thursday 2026-01-15, 10:00 Eastern. */
    private final SettableClock clock = SettableClock.at("2026-01-15T15:00:00Z");
    private final ConsentTracker tracker = ConsentTracker.builder(new InMemoryConsentStore()).clock(clock).build();
    private final FakeSmsGateway gateway = FakeSmsGateway.builder().clock(clock).build();
    private static final String MIAMI = "+13055551234";

    @TempDir
    Path dir;
    private CsvSendLog log;

    @AfterEach
    void close() {
        if (log != null) {
            log.close();
        }
    }

    private GuardedSender sender() {
        return GuardedSender.builder(tracker, gateway).clock(clock).sendLog(log).build();
    }

    private void restart() {
        log.close();
        log = CsvSendLog.open(dir.resolve("sends.csv"));
    }

    private static OutboundMessage sale(String templateId) {
        return OutboundMessage.builder(MIAMI).category(MessageCategory.MARKETING).body("Spring sale: 20% off")
                .templateId(templateId).build();
    }

    @Test
    void aSecondSenderOverTheSameLogStillRefusesTheFourthMessageOnASubject() {
        tracker.recordWebFormConsent(MIAMI, "cust-1", "Ann", "ann@example.com", "203.0.113.9", "https://example.com/s");
        log = CsvSendLog.open(dir.resolve("sends.csv"));
        GuardedSender first = sender();
        Instant start = clock.instant();
        for (int i = 0; i < 3; i++) {
            assertThat(first.send(sale("spring_sale")).sent()).as("send %d", i + 1).isTrue();
            clock.advance(Duration.ofHours(1));
        }

        restart();
        GuardedSender second = sender();
        SendOutcome fourth = second.send(sale("spring_sale"));
        assertThat(fourth).isInstanceOf(SendOutcome.Deferred.class);
        SendOutcome.Deferred d = (SendOutcome.Deferred) fourth;
        assertThat(d.reason()).isEqualTo(Reason.SUBJECT_CAP);
        assertThat(d.until()).isEqualTo(start.plus(Duration.ofHours(24)));
        assertThat(d.detail()).contains("3 messages on this subject within 24 hours").contains("us-states-");
        assertThat(d.rule()).as("the cap's rule, on its own").isEqualTo("us-fl-501-616");
        // another subject is not counted against it, and the cap frees up 24 hours after the first
        assertThat(second.send(sale("new_store")).sent()).isTrue();
        clock.set(start.plus(Duration.ofHours(24)));
        restart();
        GuardedSender third = sender();
        assertThat(third.send(sale("spring_sale")).sent()).isTrue();
        assertThat(third.send(sale("spring_sale"))).isInstanceOf(SendOutcome.Deferred.class);
    }

    @Test
    void theLogHoldsOnlyAKeyedDigestOfNumberAndSubject() throws Exception {
        tracker.recordWebFormConsent(MIAMI, "cust-1", "Ann", "ann@example.com", "203.0.113.9", "https://example.com/s");
        log = CsvSendLog.open(dir.resolve("sends.csv"));
        GuardedSender sender = sender();
        assertThat(sender.send(sale("spring_sale")).sent()).isTrue();
        assertThat(sender.send(OutboundMessage.transactional(MIAMI, "Your order shipped")).sent()).isTrue();
        var entries = log.entries();
        assertThat(entries.get(0).subjectKey()).isEqualTo(log.subjectKey(MIAMI, "spring_sale"))
                .isNotEqualTo(log.subjectKey(MIAMI, "new_store")).isNotEqualTo(entries.get(0).recipientKey());
        assertThat(entries.get(1).subjectKey()).as("no per-subject cap counts a transactional message").isEmpty();
        String text = Files.readString(log.file());
        assertThat(text.lines().findFirst().orElseThrow()).endsWith(",subject_key");
        assertThat(text).doesNotContain("5551234");
        try (CsvSendLog other = CsvSendLog.open(dir.resolve("other.csv"))) {
            assertThat(other.subjectKey(MIAMI, "spring_sale")).isNotEqualTo(log.subjectKey(MIAMI, "spring_sale"));
        }
    }

    @Test
    void aLogWithTheEarlierHeaderIsReadAndAppendedToInItsOwnColumns() throws Exception {
        Path file = dir.resolve("v3.csv");
        Files.writeString(file, CsvSendLog.V3_HEADER + "\n");
        tracker.recordWebFormConsent(MIAMI, "cust-1", "Ann", "ann@example.com", "203.0.113.9", "https://example.com/s");
        log = CsvSendLog.open(file);
        assertThat(sender().send(sale("spring_sale")).sent()).isTrue();
        assertThat(Files.readAllLines(file).get(0)).isEqualTo(CsvSendLog.V3_HEADER);
        assertThat(log.entries()).singleElement().satisfies(e -> assertThat(e.subjectKey()).isEmpty());
    }
}
