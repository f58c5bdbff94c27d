package io.consentkit.send;

import io.consentkit.consent.ConsentTracker;
import io.consentkit.send.GatewayResult.FailureKind;
import io.consentkit.store.InMemoryConsentStore;
import io.consentkit.testkit.FakeSmsGateway;
import io.consentkit.testkit.SettableClock;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** Issue 13 bug 5: the outcome and the send log name the provider that sent, and log each attempt. */
class FailoverTruthTest {
    final SettableClock clock = SettableClock.at("2026-01-15T18:00:00Z");
    final ConsentTracker tracker = ConsentTracker.builder(new InMemoryConsentStore()).clock(clock).build();
    final FakeSmsGateway twilio = FakeSmsGateway.builder().clock(clock).name("twilio").build();
    final FakeSmsGateway sns = FakeSmsGateway.builder().clock(clock).name("aws_sns").build();

    @TempDir
    Path dir;

    @Test
    void theFallbackThatSentIsNamedAndBothAttemptsAreLogged() {
        twilio.enqueueServerError();
        try (CsvSendLog log = CsvSendLog.open(dir.resolve("sends.csv"))) {
            GuardedSender sender = GuardedSender.builder(tracker, FallbackGateway.of(twilio, sns)).clock(clock)
                    .sendLog(log).build();
            SendOutcome o = sender.send(OutboundMessage.transactional("+15125551234", "Chore due"));
            assertThat(o).isInstanceOfSatisfying(SendOutcome.Sent.class, s -> assertThat(s.gateway()).isEqualTo("aws_sns"));
            List<GatewayAttempt> expected = List.of(
                    new GatewayAttempt("twilio", FailureKind.TEMPORARY.name(), FakeSmsGateway.SERVER_ERROR_CODE),
                    new GatewayAttempt("aws_sns", GatewayAttempt.ACCEPTED, 0));
            SendLogEntry e = log.entries().get(0);
            assertThat(e.gateway()).isEqualTo("aws_sns");
            assertThat(e.attempts()).isEqualTo(expected);
            assertThat(e.recipientKey()).startsWith("hmac-sha256:").doesNotContain("5125551234");
        }
        try (CsvSendLog reopened = CsvSendLog.open(dir.resolve("sends.csv"))) {
            assertThat(reopened.entries().get(0).attempts()).hasSize(2).last()
                    .satisfies(a -> assertThat(a.accepted()).isTrue());
        }
    }

    @Test
    void theFirstProviderIsNamedWhenItSentAndTheLastWhenAllFailed() {
        InMemorySendLog log = new InMemorySendLog();
        GuardedSender sender = GuardedSender.builder(tracker, FallbackGateway.of(twilio, sns)).clock(clock)
                .sendLog(log).build();
        SendOutcome first = sender.send(OutboundMessage.transactional("+15125551234", "one"));
        assertThat(((SendOutcome.Sent) first).gateway()).isEqualTo("twilio");
        assertThat(log.entries().get(0).attempts()).containsExactly(new GatewayAttempt("twilio", "accepted", 0));

        twilio.enqueueServerError();
        sns.enqueueRateLimited(java.time.Duration.ofSeconds(1));
        SendOutcome failed = sender.send(OutboundMessage.transactional("+15125551235", "two"));
        assertThat(failed).isInstanceOf(SendOutcome.Failed.class);
        SendLogEntry e = log.entries().get(1);
        assertThat(e.gateway()).isEqualTo("aws_sns");
        assertThat(e.attempts()).extracting(GatewayAttempt::gateway, GatewayAttempt::outcome, GatewayAttempt::code)
                .containsExactly(org.assertj.core.groups.Tuple.tuple("twilio", "TEMPORARY", FakeSmsGateway.SERVER_ERROR_CODE),
                        org.assertj.core.groups.Tuple.tuple("aws_sns", "RATE_LIMITED", FakeSmsGateway.RATE_LIMITED_CODE));
    }

    @Test
    void aChainInsideAChainReportsTheInnerProviders() {
        FakeSmsGateway third = FakeSmsGateway.builder().clock(clock).name("vonage").build();
        twilio.enqueueServerError();
        sns.enqueueServerError();
        GatewayResult r = FallbackGateway.of(FallbackGateway.of(twilio, sns), third)
                .send(GatewayRequest.of(io.consentkit.phone.PhoneNumber.of("+15125551234"), "x"));
        assertThat(r.attempts()).extracting(GatewayAttempt::gateway).containsExactly("twilio", "aws_sns", "vonage");
    }

    @Test
    void attemptsRoundTripThroughTheirCellWhateverTheGatewayName() {
        List<GatewayAttempt> odd = List.of(new GatewayAttempt("a b;c%d+e", "TEMPORARY", 503),
                new GatewayAttempt("x", "accepted", 0));
        assertThat(GatewayAttempt.decode(GatewayAttempt.encode(odd))).isEqualTo(odd);
        assertThat(GatewayAttempt.decode("")).isEmpty();
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> GatewayAttempt.decode("twilio accepted"))
                .isInstanceOf(io.consentkit.InvalidInputException.class).hasMessageContaining("attempts");
    }
}
