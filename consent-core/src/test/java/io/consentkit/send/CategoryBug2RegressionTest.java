package io.consentkit.send;

import io.consentkit.consent.ConsentTracker;
import io.consentkit.send.SendOutcome.Reason;
import io.consentkit.store.InMemoryConsentStore;
import io.consentkit.testkit.FakeSmsGateway;
import io.consentkit.testkit.SettableClock;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * One policy for every kind of message: a 2FA code at 23:30 was deferred to 08:00, an emergency
 * alert was deferred an hour by the per-recipient hourly cap, and an opt-in reminder had to be
 * labelled marketing to have its consent checked. Written against the API that existed before
 * categories had policies (categories by name), so it runs against both.
 */
class CategoryBug2RegressionTest {
    static final String NEW_YORK = "+12125551234";

    final SettableClock clock = SettableClock.at("2026-01-16T04:30:00Z"); // 23:30 in New York
    final ConsentTracker tracker = ConsentTracker.builder(new InMemoryConsentStore()).clock(clock).build();
    final FakeSmsGateway gateway = FakeSmsGateway.builder().clock(clock).build();

    @Test
    void aLoginCodeAt2330EasternIsSentNowNotDeferredToTheMorning() {
        GuardedSender sender = GuardedSender.builder(tracker, gateway).clock(clock).build();
        SendOutcome o = sender.send(OutboundMessage.builder(NEW_YORK).category(MessageCategory.parse("otp"))
                .body("Your login code is 482913").build());
        assertThat(o).isInstanceOf(SendOutcome.Sent.class);
        assertThat(gateway.requestCount()).isEqualTo(1);
    }

    @Test
    void anEmergencyAlertIsNotDeferredByTheRecipientsHourlyCap() {
        clock.set(java.time.Instant.parse("2026-01-15T18:00:00Z")); // 13:00 in New York
        GuardedSender sender = GuardedSender.builder(tracker, gateway).clock(clock).recipientHourlyCap(1).build();
        assertThat(sender.send(OutboundMessage.transactional(NEW_YORK, "Your order shipped")).sent()).isTrue();
        SendOutcome alert = sender.send(OutboundMessage.emergency(NEW_YORK, "Tornado warning: take shelter now"));
        assertThat(alert).isInstanceOf(SendOutcome.Sent.class);
    }

    @Test
    void aReminderNeedsConsentWithoutBeingLabelledMarketing() {
        clock.set(java.time.Instant.parse("2026-01-15T18:00:00Z"));
        GuardedSender sender = GuardedSender.builder(tracker, gateway).clock(clock).build();
        OutboundMessage reminder = OutboundMessage.builder(NEW_YORK).category(MessageCategory.parse("reminder"))
                .body("Class tomorrow at 9").build();
        SendOutcome without = sender.send(reminder);
        assertThat(without).isInstanceOf(SendOutcome.Blocked.class);
        assertThat(((SendOutcome.Blocked) without).reason()).isEqualTo(Reason.NO_CONSENT);
        tracker.recordWebFormConsent(NEW_YORK, "c-1", "Ann", "ann@example.com", "203.0.113.9", "https://example.com/f");
        assertThat(sender.send(reminder).sent()).isTrue();
        assertThat(gateway.requestCount()).isEqualTo(1);
    }
}
