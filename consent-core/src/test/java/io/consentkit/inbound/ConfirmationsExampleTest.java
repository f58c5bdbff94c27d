package io.consentkit.inbound;

import io.consentkit.consent.ConsentTracker;
import io.consentkit.send.GuardedSender;
import io.consentkit.store.CsvConsentStore;
import io.consentkit.testkit.FakeSmsGateway;
import io.consentkit.testkit.SettableClock;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

import static org.assertj.core.api.Assertions.assertThat;

/** Runs the confirmations example of docs/inbound.md; the docs harness checks the two stay identical. */
class ConfirmationsExampleTest {
    @TempDir
    Path dir;

    @Test
    void askExample() {
        SettableClock clock = SettableClock.at("2026-05-04T14:00:00Z"); // 10:00 in Rochester, NY
        ConsentTracker tracker = ConsentTracker.builder(CsvConsentStore.open(dir.resolve("consents.csv")))
                .brand("GreenWatt USA").clock(clock).build();
        FakeSmsGateway gateway = FakeSmsGateway.builder().clock(clock).build();
        GuardedSender sender = GuardedSender.builder(tracker, gateway).clock(clock).build();
        Map<String, String> sheet = new ConcurrentHashMap<>();
        String question = "GreenWatt USA: reply Y to confirm your CDG bill credit enrollment, N to decline.";

        // snippet: confirmations-ask
        Confirmations confirmations = Confirmations.builder(tracker)
                .sender(sender)                                     // asks through the guards
                .outbox(dir.resolve("confirmations-outbox.csv"))    // listener delivery survives restarts
                .listener(e -> sheet.put(e.context().get("row"), e.outcome() + " " + e.at())) // at least once
                .build();
        confirmations.deliver(); // at start: events a previous run did not get acknowledged

        ConfirmationRequest asked = confirmations.ask("+15855550123", question, Map.of("row", "42"),
                Duration.ofHours(48));
        if (!asked.pending()) {
            // nothing went out (quiet hours, a block, a failure): asked.outcome() says why; sheet says NOT_SENT
        }
        // end snippet

        assertThat(asked.pending()).isTrue();
        assertThat(sheet.get("42")).startsWith("REQUESTED ");
        assertThat(gateway.requestCount()).isEqualTo(1);
        confirmations.close();
        tracker.close();
    }
}
