package io.consentkit.send;

import io.consentkit.InvalidInputException;
import io.consentkit.consent.ConsentTracker;
import io.consentkit.message.MessageFormatter;
import io.consentkit.store.InMemoryConsentStore;
import io.consentkit.testkit.FakeSmsGateway;
import io.consentkit.testkit.SettableClock;
import org.junit.jupiter.api.Test;

import java.time.Duration;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** What {@link GuardedSender.Builder#build()} fixes, and what the setters reject. */
class GuardedSenderBuilderTest {
    static final String AUSTIN = "+15125551234";

    final SettableClock clock = SettableClock.at("2026-01-15T18:00:00Z"); // noon in Austin
    final ConsentTracker tracker = ConsentTracker.builder(new InMemoryConsentStore()).clock(clock).build();
    final FakeSmsGateway gateway = FakeSmsGateway.builder().clock(clock).build();

    @Test
    void theDefaultSendLogIsOneInMemoryLogHoldingEveryDecision() {
        GuardedSender sender = GuardedSender.builder(tracker, gateway).clock(clock).build();
        SendLog log = sender.sendLog();

        SendOutcome.Sent sent = (SendOutcome.Sent) sender.send(OutboundMessage.transactional(AUSTIN, "Class at 6pm"));
        sender.send(OutboundMessage.marketing(AUSTIN, "20% off")); // no consent: blocked

        assertThat(log).isInstanceOf(InMemorySendLog.class);
        assertThat(sender.sendLog()).isSameAs(log);
        assertThat(log.entries()).extracting(SendLogEntry::decision)
                .containsExactly(SendLogEntry.Decision.SENT, SendLogEntry.Decision.BLOCKED);
        assertThat(log.find(sent.providerId())).isPresent();
    }

    @Test
    void eachBuildHasItsOwnDefaultSendLog() {
        GuardedSender.Builder b = GuardedSender.builder(tracker, gateway).clock(clock);
        GuardedSender first = b.build();
        GuardedSender second = b.build();

        first.send(OutboundMessage.transactional(AUSTIN, "Class at 6pm"));

        assertThat(second.sendLog()).isNotSameAs(first.sendLog());
        assertThat(first.sendLog().entries()).hasSize(1);
        assertThat(second.sendLog().entries()).isEmpty();
    }

    @Test
    void changingTheBuilderAfterBuildLeavesTheBuiltSenderAsItWas() {
        GuardedSender.Builder b = GuardedSender.builder(tracker, gateway).clock(clock).quietHours(QuietHours.none());
        GuardedSender sender = b.build();
        b.cooldown(Duration.ofHours(1))
                .recipientDailyCap(1)
                .dryRun(true)
                .formatter(MessageCategory.TRANSACTIONAL, MessageFormatter.builder().brandPrefix("ACME:").build())
                .defaultFrom("+15017122661");

        sender.send(OutboundMessage.transactional(AUSTIN, "Class at 6pm"));
        SendOutcome second = sender.send(OutboundMessage.transactional(AUSTIN, "Class moved to 7pm"));

        assertThat(second).isInstanceOf(SendOutcome.Sent.class);
        assertThat(sender.dryRun()).isFalse();
        assertThat(gateway.requestCount()).isEqualTo(2);
        assertThat(gateway.lastRequest().body()).isEqualTo("Class moved to 7pm");
        assertThat(gateway.lastRequest().from()).isEmpty();
    }

    @Test
    void aFormatterForOneCategoryWinsOverTheDefaultFormatter() {
        GuardedSender sender = GuardedSender.builder(tracker, gateway).clock(clock).quietHours(QuietHours.none())
                .formatter(MessageFormatter.builder().brandPrefix("ACME:").build())
                .formatter(MessageCategory.EMERGENCY, MessageFormatter.builder().brandPrefix("ALERT:").build())
                .build();

        sender.send(OutboundMessage.transactional(AUSTIN, "Class at 6pm"));
        assertThat(gateway.lastRequest().body()).isEqualTo("ACME: Class at 6pm");
        sender.send(OutboundMessage.emergency(AUSTIN, "Gym closed: storm"));
        assertThat(gateway.lastRequest().body()).isEqualTo("ALERT: Gym closed: storm");
    }

    @Test
    void settersRejectBadValuesAtOnceNamingTheFieldAndTheValue() {
        GuardedSender.Builder b = GuardedSender.builder(tracker, gateway);

        assertThatThrownBy(() -> b.cooldown(Duration.ofSeconds(-5))).isInstanceOf(InvalidInputException.class)
                .hasMessageContaining("cooldown").hasMessageContaining("PT-5S");
        assertThatThrownBy(() -> b.recipientHourlyCap(-1)).isInstanceOf(InvalidInputException.class)
                .hasMessageContaining("recipientHourlyCap").hasMessageContaining("(-1)");
        assertThatThrownBy(() -> b.recipientDailyCap(-2)).isInstanceOf(InvalidInputException.class)
                .hasMessageContaining("recipientDailyCap").hasMessageContaining("(-2)");
        assertThatThrownBy(() -> b.globalDailyCap(-3)).isInstanceOf(InvalidInputException.class)
                .hasMessageContaining("globalDailyCap").hasMessageContaining("(-3)");
        assertThatThrownBy(() -> b.dailyCapAlertAt(1.5)).isInstanceOf(InvalidInputException.class)
                .hasMessageContaining("dailyCapAlertAt").hasMessageContaining("(1.5)");
        assertThatThrownBy(() -> b.segmentsPerSecond(-4)).isInstanceOf(InvalidInputException.class)
                .hasMessageContaining("segmentsPerSecond").hasMessageContaining("(-4)");
    }
}
