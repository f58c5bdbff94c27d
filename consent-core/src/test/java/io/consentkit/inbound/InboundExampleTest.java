package io.consentkit.inbound;

import io.consentkit.journal.ConsentRecord;
import io.consentkit.journal.ConsentStatus;
import io.consentkit.consent.ConsentTracker;
import io.consentkit.store.InMemoryConsentStore;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

import static org.assertj.core.api.Assertions.assertThat;

/** Runs the example of docs/inbound.md; the docs harness in consent-checks checks the two stay identical. */
class InboundExampleTest {

    @Test
    void readmeExample() {
        // snippet: inbound-example
        Map<String, String> sheet = new ConcurrentHashMap<>(); // stands in for the app's spreadsheet
        ConsentTracker tracker = ConsentTracker.builder(new InMemoryConsentStore()).brand("GreenWatt USA").build();
        Confirmations confirmations = Confirmations.builder(tracker).recordBeforeSend()
                .listener(e -> sheet.put(e.context().get("row"), e.outcome() + " " + e.at()))
                .build();
        InboundHandler inbound = InboundHandler.builder(tracker)
                .confirmations(confirmations)
                .supportContact("greenwatt.example/help or 585-888-9205")
                .build();

        // A field agent submits the form: record the question, then send it exactly as given.
        String question = "Reply Y to confirm your participation in our CDG bill credit program. Reply N to decline.";
        String id = confirmations.request("+15855550123", question, Map.of("row", "42"), Duration.ofHours(48));

        // The webhook: one call per inbound text.
        InboundResult answer = inbound.handle(
                new InboundMessage("+15855550123", "+15858889205", "Y", "SM0001", Instant.now()));
        // answer.change() == CONFIRMED: an active consent whose text is the question; sheet row 42 says so.

        InboundResult stop = inbound.handle(
                InboundMessage.of("+15125551234", "please stop texting me", "SM0002", Instant.now()));
        // stop.change() == OPTED_OUT; Twilio ignores this wording, so stop.reply() is ours to send.
        // end snippet

        assertThat(answer.change()).isEqualTo(InboundResult.Change.CONFIRMED);
        ConsentRecord consent = tracker.findById(id).orElseThrow();
        assertThat(consent.status()).isEqualTo(ConsentStatus.ACTIVE);
        assertThat(consent.consentMessage()).isEqualTo(question);
        assertThat(sheet.get("42")).startsWith("CONFIRMED ");
        assertThat(stop.change()).isEqualTo(InboundResult.Change.OPTED_OUT);
        assertThat(stop.reply()).startsWith("GreenWatt USA:");
        assertThat(tracker.isOptedOut("+15125551234")).isTrue();
        tracker.close();
    }
}
