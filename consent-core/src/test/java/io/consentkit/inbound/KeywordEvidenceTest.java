package io.consentkit.inbound;

import io.consentkit.consent.ConsentTracker;
import io.consentkit.journal.ConsentRecord;
import io.consentkit.store.InMemoryConsentStore;
import io.consentkit.testkit.SettableClock;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/** A keyword opt-in keeps the number the person texted, as a revocation keeps {@code revoke_to}. */
class KeywordEvidenceTest {
    final SettableClock clock = SettableClock.at("2026-11-25T15:00:00Z");
    final ConsentTracker tracker = ConsentTracker.builder(new InMemoryConsentStore()).brand("Basin Climbing")
            .clock(clock).build();
    final InboundHandler handler = InboundHandler.builder(tracker).supportContact("help@basin.example").build();

    @AfterEach
    void close() {
        tracker.close();
    }

    @Test
    void aKeywordOptInKeepsTheNumberTextedLikeTheRevocationDoes() {
        InboundResult in = handler.handle(new InboundMessage("+15125551234", "+15125550100", "START", "SM1",
                clock.instant()));
        InboundResult out = handler.handle(new InboundMessage("+15125551234", "+15125550100", "STOP", "SM2",
                clock.instant()));

        ConsentRecord optIn = in.records().get(0);
        assertThat(optIn.metadata()).containsEntry("to", "+15125550100").containsEntry("message_sid", "SM1")
                .containsEntry("keyword", "START").containsEntry("inbound_body", "START");
        assertThat(optIn.consentMessage()).isEqualTo(in.reply());
        assertThat(out.records().get(0).metadata()).containsEntry("revoke_to", "+15125550100");
    }

    @Test
    void aMessageToAnUnknownNumberRecordsNoTo() {
        InboundResult in = handler.handle(InboundMessage.of("+15125551234", "START", "SM3", clock.instant()));

        assertThat(in.records().get(0).metadata()).doesNotContainKey("to");
    }
}
