package io.consentkit.send;

import io.consentkit.consent.ConsentTracker;
import io.consentkit.send.SendOutcome.Reason;
import io.consentkit.store.InMemoryConsentStore;
import io.consentkit.testkit.FakeSmsGateway;
import io.consentkit.testkit.SettableClock;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Duration;
import java.time.ZoneId;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Issue 13 bug 1: a new sender over the same durable send log (a deploy, a crash, a second worker
 * after the first) must hold the caps and cooldowns the first one had used.
 */
class LimitsRestartTest {
    static final String AUSTIN = "+15125551234";
    static final String NEW_YORK = "+12125551234";

    final SettableClock clock = SettableClock.at("2026-01-15T18:00:00Z");
    final ConsentTracker tracker = ConsentTracker.builder(new InMemoryConsentStore()).clock(clock).build();
    final FakeSmsGateway gateway = FakeSmsGateway.builder().clock(clock).build();

    @TempDir
    Path dir;
    CsvSendLog log;

    @AfterEach
    void close() {
        if (log != null) {
            log.close();
        }
    }

    GuardedSender sender() {
        return GuardedSender.builder(tracker, gateway).clock(clock).zone(ZoneId.of("America/Chicago"))
                .sendLog(log).globalDailyCap(100).recipientDailyCap(2).cooldown(Duration.ofMinutes(30)).build();
    }

    /** Closes the log and opens it again: what a restarted process sees. */
    void restart() {
        log.close();
        log = CsvSendLog.open(dir.resolve("sends.csv"));
    }

    static String number(int i) {
        return "+1512555" + (2000 + i);
    }

    @Test
    void usedTodaySurvivesARestart() {
        log = CsvSendLog.open(dir.resolve("sends.csv"));
        GuardedSender first = sender();
        for (int i = 0; i < 10; i++) {
            assertThat(first.send(OutboundMessage.transactional(number(i), "Chore due")).sent()).isTrue();
        }
        assertThat(first.usedToday()).isEqualTo(10);
        assertThat(sender().usedToday()).as("a second sender over the same open log").isEqualTo(10);
        restart();
        assertThat(sender().usedToday()).as("a sender over the reopened log").isEqualTo(10);
    }

    @Test
    void anOverCapSendAndAResendInsideTheCooldownStayDeferredAfterARestart() {
        log = CsvSendLog.open(dir.resolve("sends.csv"));
        GuardedSender first = sender();
        assertThat(first.send(OutboundMessage.transactional(AUSTIN, "one")).sent()).isTrue();
        clock.advance(Duration.ofMinutes(31));
        assertThat(first.send(OutboundMessage.transactional(AUSTIN, "two")).sent()).isTrue();
        assertThat(first.send(OutboundMessage.transactional(NEW_YORK, "hello")).sent()).isTrue();
        clock.advance(Duration.ofMinutes(31));
        restart();

        GuardedSender second = sender();
        SendOutcome overCap = second.send(OutboundMessage.transactional(AUSTIN, "three"));
        assertThat(overCap).isInstanceOfSatisfying(SendOutcome.Deferred.class,
                d -> assertThat(d.reason()).isEqualTo(Reason.RECIPIENT_DAILY_CAP));
        clock.advance(Duration.ofMinutes(-30)); // back inside New York's cooldown
        restart();
        SendOutcome resend = sender().send(OutboundMessage.transactional(NEW_YORK, "hello again"));
        assertThat(resend).isInstanceOfSatisfying(SendOutcome.Deferred.class, d -> {
            assertThat(d.reason()).isEqualTo(Reason.COOLDOWN);
            assertThat(d.until()).isEqualTo(clock.instant().plus(Duration.ofMinutes(29)));
        });
        assertThat(gateway.requestCount()).isEqualTo(3);
    }

    @Test
    void onlySendsThatWereOrMayHaveBeenSentAreRebuilt() {
        log = CsvSendLog.open(dir.resolve("sends.csv"));
        GuardedSender first = sender();
        gateway.enqueueServerError();   // certainly not sent: gives its place back
        gateway.enqueueTimeout();       // may have been sent: keeps it
        assertThat(first.send(OutboundMessage.transactional(number(0), "a"))).isInstanceOf(SendOutcome.Failed.class);
        assertThat(first.send(OutboundMessage.transactional(number(1), "b"))).isInstanceOf(SendOutcome.Failed.class);
        assertThat(first.send(OutboundMessage.transactional("12", "c"))).isInstanceOf(SendOutcome.Blocked.class);
        assertThat(first.usedToday()).isEqualTo(1);
        restart();
        GuardedSender second = sender();
        assertThat(second.usedToday()).isEqualTo(1);
        assertThat(second.send(OutboundMessage.transactional(number(0), "a"))).matches(SendOutcome::sent);
        assertThat(second.send(OutboundMessage.transactional(number(1), "b"))).isInstanceOfSatisfying(
                SendOutcome.Deferred.class, d -> assertThat(d.reason()).isEqualTo(Reason.COOLDOWN));
    }

    @Test
    void sendsOfAnEarlierDayOrOlderThanTheCooldownDoNotCount() {
        log = CsvSendLog.open(dir.resolve("sends.csv"));
        assertThat(sender().send(OutboundMessage.transactional(AUSTIN, "yesterday")).sent()).isTrue();
        clock.advance(Duration.ofHours(21)); // 09:00 the next day in Austin (Texas opens at 09:00)
        restart();
        GuardedSender next = sender();
        assertThat(next.usedToday()).isZero();
        assertThat(next.send(OutboundMessage.transactional(AUSTIN, "today")).sent()).isTrue();
    }

    @Test
    void aLogWithTheEarlierHeaderRebuildsTheGlobalCountButHasNoRecipientKeys() throws Exception {
        Path file = dir.resolve("sends.csv");
        java.nio.file.Files.writeString(file, CsvSendLog.V1_HEADER + "\n"
                + "decision,2026-01-15T17:00:00Z,sent,,+*********34,transactional,,,4,1,,,SM9,,,,fake,queued,\n");
        log = CsvSendLog.open(file);
        assertThat(log.hasRecipientKeys()).isFalse();
        GuardedSender sender = sender();
        assertThat(sender.usedToday()).isEqualTo(1);
        assertThat(sender.send(OutboundMessage.transactional(AUSTIN, "x")).sent()).isTrue();
        restart();
        assertThat(java.nio.file.Files.readAllLines(file).get(0)).isEqualTo(CsvSendLog.V1_HEADER);
        assertThat(log.entries()).hasSize(2).allSatisfy(e -> assertThat(e.recipientKey()).isEmpty());
        assertThat(sender().usedToday()).isEqualTo(2);
    }

    @Test
    void aNewLogCarriesRecipientKeysUnderItsOwnSecret() {
        log = CsvSendLog.open(dir.resolve("sends.csv"));
        assertThat(log.hasRecipientKeys()).isTrue();
        assertThat(log.recipientKey(AUSTIN)).isEqualTo(log.recipientKey(AUSTIN)).isNotEqualTo(log.recipientKey(NEW_YORK))
                .startsWith("hmac-sha256:").doesNotContain("5551234");
        try (CsvSendLog other = CsvSendLog.open(dir.resolve("other.csv"))) {
            assertThat(other.recipientKey(AUSTIN)).isNotEqualTo(log.recipientKey(AUSTIN));
        }
    }
}
