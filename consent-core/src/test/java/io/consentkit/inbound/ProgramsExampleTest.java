package io.consentkit.inbound;

import io.consentkit.consent.ConsentRequest;
import io.consentkit.consent.ConsentTracker;
import io.consentkit.consent.Programs;
import io.consentkit.consent.RevocationPolicy;
import io.consentkit.journal.OptInMethod;
import io.consentkit.store.InMemoryConsentStore;
import org.junit.jupiter.api.Test;

import java.time.Instant;

import static org.assertj.core.api.Assertions.assertThat;

/** The example of docs/inbound.md, section "Programs and senders". */
class ProgramsExampleTest {
    @Test
    void docsExample() {
        // snippet: inbound-programs
        Programs programs = Programs.builder()
                .defaultProgram("marketing", "basin")
                .program("marketing", "basin", "+15125550100")
                .program("alerts", "basin", "+15125550199")
                .policy(RevocationPolicy.SENDER) // a STOP revokes only the programs of the sender it reached
                .build();
        ConsentTracker tracker = ConsentTracker.builder(new InMemoryConsentStore())
                .brand("Basin Climbing").programs(programs).build();
        InboundHandler inbound = InboundHandler.builder(tracker)
                .supportContact("help@basin.example")
                .optInReply("alerts", "Thanks for subscribing to Basin Climbing alerts. Reply STOP to opt out, "
                        + "HELP for help. Msg&data rates may apply. Up to 4 msgs/month.")
                .build();
        tracker.recordConsent(ConsentRequest.builder("+15125551234", OptInMethod.WEB_FORM,
                "Basin Climbing marketing texts. Reply STOP to opt out.").program("marketing").build());

        // START to the alerts number opts in to alerts only, with the alerts wording.
        InboundResult start = inbound.handle(
                new InboundMessage("+15125551234", "+15125550199", "START", "SM0001", Instant.now()));
        // STOP to the alerts number: under SENDER only alerts is revoked, marketing stays.
        InboundResult stop = inbound.handle(
                new InboundMessage("+15125551234", "+15125550199", "STOP", "SM0002", Instant.now()));
        boolean marketing = tracker.isActive("+15125551234", "marketing"); // true
        // end snippet

        assertThat(start.reply()).startsWith("Thanks for subscribing to Basin Climbing alerts.");
        assertThat(start.records().get(0).metadata()).containsEntry("to", "+15125550199");
        assertThat(stop.change()).isEqualTo(InboundResult.Change.OPTED_OUT);
        assertThat(tracker.isActive("+15125551234", "alerts")).isFalse();
        assertThat(marketing).isTrue();
        tracker.close();
    }
}
