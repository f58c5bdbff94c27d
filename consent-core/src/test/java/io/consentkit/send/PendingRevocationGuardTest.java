package io.consentkit.send;

import io.consentkit.consent.ConsentTracker;
import io.consentkit.revocation.RevocationChannel;
import io.consentkit.revocation.RevocationQueue;
import io.consentkit.revocation.RevocationRequest;
import io.consentkit.revocation.RevocationStore;
import io.consentkit.send.SendOutcome.Reason;
import io.consentkit.store.InMemoryConsentStore;
import io.consentkit.testkit.FakeSmsGateway;
import io.consentkit.testkit.SettableClock;
import org.junit.jupiter.api.Test;

import java.time.ZoneId;

import static org.assertj.core.api.Assertions.assertThat;

/** {@code GuardedSender.Builder#pendingRevocations}: marketing waits for review, other messages do not. */
class PendingRevocationGuardTest {
    static final String ANN = "+15125551234";
    static final String BOB = "+15125550101";

    final SettableClock clock = SettableClock.at("2026-01-15T18:00:00Z"); // noon in Austin
    final ConsentTracker tracker = ConsentTracker.builder(new InMemoryConsentStore()).clock(clock).build();
    final FakeSmsGateway gateway = FakeSmsGateway.builder().clock(clock).build();
    final RevocationQueue queue = RevocationQueue.builder(RevocationStore.inMemory()).tracker(tracker)
            .zone(ZoneId.of("America/Chicago")).build();
    final InMemorySendLog log = new InMemorySendLog();
    final GuardedSender sender = GuardedSender.builder(tracker, gateway).sendLog(log).pendingRevocations(queue).build();

    private void consent(String phone) {
        tracker.recordWebFormConsent(phone, "c", "Ann Lee", "ann@example.com", "203.0.113.9", "https://example.com/f");
    }

    @Test
    void aPendingRequestBlocksMarketingButNotATransactionalMessage() {
        consent(ANN);
        consent(BOB);
        RevocationRequest r = queue.submit(ANN, "", "", RevocationChannel.EMAIL, null, "please don't text me anymore",
                "support@example.com");

        SendOutcome marketing = sender.send(OutboundMessage.marketing(ANN, "20% off this week"));
        assertThat(marketing).isInstanceOf(SendOutcome.Blocked.class);
        assertThat(((SendOutcome.Blocked) marketing).reason()).isEqualTo(Reason.REVOCATION_PENDING);
        assertThat(((SendOutcome.Blocked) marketing).detail()).doesNotContain(ANN);
        assertThat(log.entries().get(0).reason()).isEqualTo("REVOCATION_PENDING");

        assertThat(sender.send(OutboundMessage.transactional(ANN, "Your order shipped")).sent()).isTrue();
        assertThat(sender.send(OutboundMessage.marketing(BOB, "20% off this week")).sent()).isTrue();
        assertThat(gateway.requests()).extracting(FakeSmsGateway.Request::body)
                .containsExactly("Your order shipped", "20% off this week");

        // dismissed after review: marketing goes again; applied: the opt-out blocks everything
        queue.dismiss(r.id(), "Lee", "not an opt-out");
        assertThat(sender.send(OutboundMessage.marketing(ANN, "20% off this week")).sent()).isTrue();
        RevocationRequest again = queue.submit(ANN, "", "", RevocationChannel.VOICE, null, "stop texting me", "Sam");
        queue.apply(again.id(), "Lee");
        SendOutcome after = sender.send(OutboundMessage.transactional(ANN, "Your order shipped"));
        assertThat(((SendOutcome.Blocked) after).reason()).isEqualTo(Reason.OPTED_OUT);
    }

    @Test
    void withoutConsentTheReasonStaysNoConsent() {
        queue.submit(ANN, "", "", RevocationChannel.WEB, null, "", "");
        SendOutcome outcome = sender.send(OutboundMessage.marketing(ANN, "20% off"));
        assertThat(((SendOutcome.Blocked) outcome).reason()).isEqualTo(Reason.NO_CONSENT);
    }

    @Test
    void aSenderWithoutAQueueIsUnchanged() {
        consent(ANN);
        queue.submit(ANN, "", "", RevocationChannel.WEB, null, "", "");
        GuardedSender plain = GuardedSender.builder(tracker, gateway).build();
        assertThat(plain.send(OutboundMessage.marketing(ANN, "20% off")).sent()).isTrue();
    }
}
