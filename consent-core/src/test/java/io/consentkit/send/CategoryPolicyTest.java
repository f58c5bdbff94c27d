package io.consentkit.send;

import io.consentkit.InvalidInputException;
import io.consentkit.consent.ConsentRequest;
import io.consentkit.consent.ConsentTracker;
import io.consentkit.consent.Programs;
import io.consentkit.journal.ConsentRecord;
import io.consentkit.message.MessageFormatter;
import io.consentkit.send.CategoryPolicy.Caps;
import io.consentkit.send.CategoryPolicy.Consent;
import io.consentkit.send.SendOutcome.Reason;
import io.consentkit.store.InMemoryConsentStore;
import io.consentkit.testkit.FakeSmsGateway;
import io.consentkit.testkit.SettableClock;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.time.Instant;

import static io.consentkit.send.GuardedSenderTest.blocked;
import static io.consentkit.send.GuardedSenderTest.deferred;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The per-category table of docs/sending.md, case by case. */
class CategoryPolicyTest {
    static final String NEW_YORK = "+12125551234";
    static final String AUSTIN = "+15125551234";
    static final Instant LATE_EVENING = Instant.parse("2026-01-16T04:30:00Z"); // 23:30 New York, 22:30 Austin

    final SettableClock clock = SettableClock.at("2026-01-15T18:00:00Z"); // 13:00 New York, noon Austin
    final ConsentTracker tracker = ConsentTracker.builder(new InMemoryConsentStore()).clock(clock)
            .programs(Programs.builder().defaultProgram("marketing", "basin").program("alerts", "basin").build())
            .build();
    final FakeSmsGateway gateway = FakeSmsGateway.builder().clock(clock).build();
    final InMemorySendLog log = new InMemorySendLog();

    GuardedSender.Builder builder() {
        return GuardedSender.builder(tracker, gateway).clock(clock).sendLog(log);
    }

    static OutboundMessage.Builder to(String phone, MessageCategory c) {
        return OutboundMessage.builder(phone).category(c).body("hello");
    }

    ConsentRecord optIn(String phone, String program) {
        return tracker.recordConsent(ConsentRequest.builder(phone, "keyword", "Reply YES for " + program)
                .program(program).build());
    }

    @Test
    void anOtpAt2330IsSentWithItsRemainingValidityAndAnOldOneIsDroppedNeverDeferred() {
        GuardedSender sender = builder().build();
        clock.set(LATE_EVENING);
        OutboundMessage fresh = to(NEW_YORK, MessageCategory.OTP).createdAt(LATE_EVENING.minusSeconds(60)).build();
        assertThat(sender.send(fresh).sent()).isTrue();
        assertThat(gateway.lastRequest().validity()).isEqualTo(Duration.ofMinutes(9));

        OutboundMessage stale = to(NEW_YORK, MessageCategory.OTP).createdAt(LATE_EVENING.minus(Duration.ofMinutes(10)))
                .build();
        SendOutcome.Blocked b = blocked(sender.send(stale));
        assertThat(b.reason()).isEqualTo(Reason.EXPIRED_TTL);
        assertThat(b.detail()).contains("PT10M");
        assertThat(gateway.requestCount()).isEqualTo(1);
        assertThat(log.entries().get(1).reason()).isEqualTo("EXPIRED_TTL");
    }

    @Test
    void anOtpTheCapWouldDeferPastItsLifeIsDroppedAndOneWithinItWaits() {
        GuardedSender capped = builder().recipientHourlyCap(1).build();
        assertThat(capped.send(OutboundMessage.transactional(NEW_YORK, "Your order shipped")).sent()).isTrue();
        SendOutcome.Blocked b = blocked(capped.send(to(NEW_YORK, MessageCategory.OTP).build()));
        assertThat(b.reason()).isEqualTo(Reason.EXPIRED_TTL);
        assertThat(b.detail()).contains("RECIPIENT_HOURLY_CAP").contains("1 of 1 in the last 60 minutes");

        MessageCategory slowCode = MessageCategory.of("slow_code", CategoryPolicy.builder(Consent.NONE)
                .quietHours(CategoryPolicy.QuietHoursRule.SKIP).timeToLive(Duration.ofHours(2)).build());
        SendOutcome.Deferred d = deferred(capped.send(to(NEW_YORK, slowCode).build()));
        assertThat(d.reason()).isEqualTo(Reason.RECIPIENT_HOURLY_CAP);
    }

    @Test
    void emergencyIsNotCappedSkipsQuietHoursAndGoesWhileTheKillSwitchIsOn() {
        GuardedSender sender = builder().recipientHourlyCap(1).globalDailyCap(1).build();
        for (int i = 0; i < 3; i++) {
            assertThat(sender.send(OutboundMessage.emergency(NEW_YORK, "Tornado warning " + i)).sent()).isTrue();
        }
        assertThat(sender.today().messages()).as("not counted either").isZero();
        sender.halt("billing incident");
        assertThat(blocked(sender.send(OutboundMessage.transactional(AUSTIN, "Your order shipped"))).reason())
                .isEqualTo(Reason.KILL_SWITCH);
        clock.set(LATE_EVENING);
        assertThat(sender.send(OutboundMessage.emergency(AUSTIN, "Evacuate now")).sent()).isTrue();
        assertThat(gateway.requestCount()).isEqualTo(4);
    }

    @Test
    void aReminderNeedsConsentForItsProgramAndMarketingIsBlockedWhereOnlyAlertsIsActive() {
        ConsentRecord alerts = optIn(NEW_YORK, "alerts");
        GuardedSender sender = builder().build();
        assertThat(blocked(sender.send(to(NEW_YORK, MessageCategory.MARKETING).build())).detail())
                .contains("program marketing");
        assertThat(blocked(sender.send(to(NEW_YORK, MessageCategory.REMINDER).build())).reason())
                .isEqualTo(Reason.NO_CONSENT);
        assertThat(sender.send(to(NEW_YORK, MessageCategory.REMINDER).program("alerts").build()).sent()).isTrue();
        assertThat(sender.send(to(NEW_YORK, MessageCategory.MARKETING).program("alerts").build()).sent()).isTrue();
        assertThat(blocked(sender.send(to(NEW_YORK, MessageCategory.REMINDER).program("bingo").build())).reason())
                .isEqualTo(Reason.UNKNOWN_PROGRAM);
        assertThat(log.entries()).extracting(SendLogEntry::program)
                .containsExactly("marketing", "marketing", "alerts", "alerts", "bingo");
        assertThat(log.entries().get(2).consentId()).isEqualTo(alerts.consentId());
    }

    @Test
    void transactionalNeedsNoConsentButNeverReachesAnOptedOutNumber() {
        GuardedSender sender = builder().build();
        assertThat(sender.send(OutboundMessage.transactional(NEW_YORK, "Your order shipped")).sent()).isTrue();
        tracker.revoke(NEW_YORK, ConsentTracker.REVOKED_BY_KEYWORD, "STOP");
        assertThat(blocked(sender.send(OutboundMessage.transactional(NEW_YORK, "Your order shipped"))).reason())
                .isEqualTo(Reason.OPTED_OUT);
        assertThat(log.entries().get(0).consentId()).as("not consent-gated").isEmpty();
    }

    @Test
    void transactionalWaitsForQuietHoursButInternalNeedsNoConsentAndIgnoresThem() {
        GuardedSender sender = builder().build();
        clock.set(LATE_EVENING);
        assertThat(deferred(sender.send(OutboundMessage.transactional(NEW_YORK, "Your order shipped"))).reason())
                .isEqualTo(Reason.QUIET_HOURS);
        assertThat(sender.send(to(NEW_YORK, MessageCategory.INTERNAL).body("New lead: roof quote").build()).sent())
                .isTrue();
    }

    @Test
    void theOneOptOutConfirmationGoesOnceWithinFiveMinutes() {
        GuardedSender sender = builder().build();
        tracker.revoke(NEW_YORK, ConsentTracker.REVOKED_BY_KEYWORD, "STOP");
        clock.advance(Duration.ofMinutes(1));
        OutboundMessage confirmation = to(NEW_YORK, MessageCategory.OPT_OUT_CONFIRMATION)
                .body("You are unsubscribed. Reply START to resubscribe.").build();
        assertThat(sender.send(confirmation).sent()).isTrue();
        assertThat(blocked(sender.send(confirmation)).detail()).contains("sent already");
        assertThat(blocked(sender.send(OutboundMessage.transactional(NEW_YORK, "hi"))).reason())
                .isEqualTo(Reason.OPTED_OUT);

        tracker.revoke(AUSTIN, ConsentTracker.REVOKED_BY_KEYWORD, "STOP");
        clock.advance(Duration.ofMinutes(5));
        assertThat(blocked(sender.send(to(AUSTIN, MessageCategory.OPT_OUT_CONFIRMATION).build())).detail())
                .contains("too long");
        assertThat(gateway.requestCount()).isEqualTo(1);
    }

    @Test
    void anAppCategoryWithItsOwnPolicyAndFormatter() {
        MessageCategory survey = MessageCategory.of("survey", CategoryPolicy.builder(Consent.ANY)
                .timeToLive(Duration.ofHours(2)).build());
        GuardedSender sender = builder().formatter(survey, MessageFormatter.builder().footer("Reply STOP to opt out")
                .build()).build();
        OutboundMessage m = OutboundMessage.builder(NEW_YORK).category(survey).body("How did we do?")
                .clock(clock).correlationId("household-42").build();
        assertThat(blocked(sender.send(m)).detail()).contains("any program");
        ConsentRecord alerts = optIn(NEW_YORK, "alerts");
        assertThat(sender.send(m).sent()).isTrue();
        assertThat(gateway.lastRequest().body()).endsWith("Reply STOP to opt out");
        assertThat(gateway.lastRequest().validity()).isEqualTo(Duration.ofHours(2));
        SendLogEntry row = log.entries().get(1);
        assertThat(row.category()).isEqualTo(survey);
        assertThat(row.consentId()).isEqualTo(alerts.consentId());
        assertThat(row.correlationId()).isEqualTo("household-42");
        clock.advance(Duration.ofHours(2));
        assertThat(blocked(sender.send(m)).reason()).isEqualTo(Reason.EXPIRED_TTL);

        assertThatThrownBy(() -> MessageCategory.of("otp", survey.policy())).isInstanceOf(InvalidInputException.class)
                .hasMessageContaining("built-in");
        assertThatThrownBy(() -> MessageCategory.of("Survey!", survey.policy()))
                .isInstanceOf(InvalidInputException.class).hasMessageContaining("category");
        assertThatThrownBy(() -> OutboundMessage.builder(NEW_YORK).body("x").correlationId("household 42").build())
                .isInstanceOf(InvalidInputException.class).hasMessageContaining("correlationId");
        assertThatThrownBy(() -> CategoryPolicy.builder(Consent.PROGRAM).timeToLive(Duration.ofDays(4)).build())
                .isInstanceOf(InvalidInputException.class).hasMessageContaining("timeToLive");
        assertThatThrownBy(() -> CategoryPolicy.builder(Consent.PROGRAM).optOutConfirmation(Duration.ofMinutes(1))
                .build()).isInstanceOf(InvalidInputException.class).hasMessageContaining("optOutConfirmation");
    }

    @Test
    void capExemptSendsAreNotCountedWhenASenderRebuildsItsLimitsFromTheLog(@org.junit.jupiter.api.io.TempDir
                                                                               java.nio.file.Path dir) {
        MessageCategory page = MessageCategory.of("page", CategoryPolicy.builder(Consent.NONE).caps(Caps.EXEMPT)
                .build());
        try (CsvSendLog csv = CsvSendLog.open(dir.resolve("sends.csv"))) {
            GuardedSender first = GuardedSender.builder(tracker, gateway).clock(clock).sendLog(csv).build();
            assertThat(first.send(OutboundMessage.emergency(NEW_YORK, "Tornado warning")).sent()).isTrue();
            assertThat(first.send(to(NEW_YORK, page).build()).sent()).isTrue();
            assertThat(first.send(OutboundMessage.transactional(NEW_YORK, "Your order shipped")).sent()).isTrue();
            GuardedSender second = GuardedSender.builder(tracker, gateway).clock(clock).sendLog(csv).categories(page)
                    .build();
            assertThat(second.today().messages()).isEqualTo(1);
            GuardedSender unaware = GuardedSender.builder(tracker, gateway).clock(clock).sendLog(csv).build();
            assertThat(unaware.today().messages()).as("an unknown category counts, the strict way").isEqualTo(2);
            assertThat(csv.entries()).extracting(SendLogEntry::category).extracting(MessageCategory::name)
                    .containsExactly("emergency", "page", "transactional");
        }
    }
}
