package io.consentkit.inbound;

import io.consentkit.InvalidInputException;
import io.consentkit.consent.ConsentTracker;
import io.consentkit.journal.RevocationMethod;
import io.consentkit.store.InMemoryConsentStore;
import io.consentkit.testkit.SettableClock;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.time.Instant;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The provider's decision ({@link InboundMessage#providerIntent()}) in the handler's state machine. */
class ProviderIntentTest {
    static final String ANN = "+15125551234";
    final SettableClock clock = SettableClock.at("2026-03-02T15:00:00Z");
    final ConsentTracker tracker = ConsentTracker.builder(new InMemoryConsentStore()).brand("Basin").clock(clock).build();
    final Confirmations confirmations = Confirmations.builder(tracker).recordBeforeSend().build();
    final InboundHandler handler = InboundHandler.builder(tracker).supportContact("help@basin.example")
            .confirmations(confirmations).invalidReply("Please reply Y or N").build();

    @AfterEach
    void close() {
        tracker.close();
    }

    private InboundResult handle(String body, String sid, Intent decided) {
        return handler.handle(new InboundMessage(ANN, "+15125550000", body, sid, clock.instant(), decided));
    }

    @Test
    void aProviderStopForAnUnknownWordRevokesWithTheProviderMethodAndNoReply() {
        tracker.recordKeywordConsent(ANN, "START", "", "SM0", "START");

        InboundResult r = handle("basta ya", "SM1", Intent.OPT_OUT);

        assertThat(r.change()).isEqualTo(InboundResult.Change.OPTED_OUT);
        assertThat(r.match()).isEqualTo(new KeywordMatch(Intent.OPT_OUT, "BASTA YA", true));
        assertThat(r.hasReply()).isFalse();
        assertThat(r.records()).singleElement().satisfies(row -> {
            assertThat(row.revokedMethod()).isEqualTo(RevocationMethod.TWILIO_OPT_OUT);
            assertThat(row.metadata()).containsEntry("revoke_keyword", "BASTA YA")
                    .containsEntry("revoke_match", "twilio_opt_out_type").containsEntry("revoke_message_sid", "SM1");
        });
    }

    @Test
    void anOptOutTheParserReadIsNeverOverriddenAndKeepsItsMethod() {
        InboundResult r = handle("STOP", "SM2", Intent.HELP);

        assertThat(r.change()).isEqualTo(InboundResult.Change.OPTED_OUT);
        assertThat(r.records().get(0).revokedMethod()).isEqualTo(RevocationMethod.STOP_KEYWORD);
    }

    @Test
    void aProviderStartWinsOverAnUnrecognisedAnswerButNotOverAYes() {
        confirmations.request(ANN, "Reply Y to confirm", Map.of(), Duration.ofHours(1));

        InboundResult join = handle("JOIN", "SM3", Intent.OPT_IN);
        assertThat(join.change()).isEqualTo(InboundResult.Change.OPTED_IN);
        assertThat(join.reply()).isEqualTo(join.records().get(0).consentMessage());
        assertThat(confirmations.pending(ANN)).isPresent();

        InboundResult yes = handle("Y", "SM4", Intent.OPT_IN);
        assertThat(yes.change()).isEqualTo(InboundResult.Change.CONFIRMED);
        assertThat(confirmations.pending(ANN)).isEmpty();
    }

    @Test
    void aProviderHelpSuppressesOurHelpReplyOnly() {
        assertThat(handle("HELP", "SM5", Intent.HELP).hasReply()).isFalse();
        assertThat(handle("HELP", "SM6", Intent.NONE).reply()).contains("help@basin.example");
    }

    @Test
    void aDuplicateSidIsADuplicateWhateverTheProviderDecided() {
        handle("BASTA", "SM7", Intent.OPT_OUT);
        int rows = tracker.history(ANN).size();

        InboundResult again = handle("BASTA", "SM7", Intent.OPT_OUT);

        assertThat(again.isDuplicate()).isTrue();
        assertThat(tracker.history(ANN)).hasSize(rows);
    }

    @Test
    void theProviderIntentIsOptionalAndNeverAYesOrNo() {
        InboundMessage plain = InboundMessage.of(ANN, "hi", "SM8", Instant.EPOCH);
        assertThat(plain.providerIntent()).isEqualTo(Intent.NONE);
        assertThat(plain.providerDecided()).isFalse();
        assertThat(plain.withProviderIntent(Intent.OPT_OUT).providerDecided()).isTrue();
        assertThat(new InboundMessage(ANN, "", "hi", "SM8", Instant.EPOCH, null).providerIntent()).isEqualTo(Intent.NONE);
        assertThatThrownBy(() -> plain.withProviderIntent(Intent.CONFIRM_YES))
                .isInstanceOf(InvalidInputException.class).hasMessageContaining("providerIntent");
    }
}
