package io.consentkit.revocation;

import io.consentkit.consent.ConsentTracker;
import io.consentkit.journal.ConsentRecord;
import io.consentkit.send.GuardedSender;
import io.consentkit.send.OutboundMessage;
import io.consentkit.send.SendOutcome;
import io.consentkit.store.CsvConsentStore;
import io.consentkit.testkit.FakeSmsGateway;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneId;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** The example of docs/inbound.md, section "Revocation by any reasonable means". */
class RevocationExampleTest {
    @TempDir
    Path dir;

    @Test
    void docsExample() {
        FakeSmsGateway gateway = FakeSmsGateway.create();
        // snippet: revocation-queue
        ConsentTracker tracker = ConsentTracker.builder(CsvConsentStore.open(dir.resolve("consents.csv"))).build();
        RevocationQueue queue = RevocationQueue.builder(CsvRevocationStore.open(dir.resolve("revocations.csv")))
                .tracker(tracker).zone(ZoneId.of("America/New_York")).build();
        GuardedSender sender = GuardedSender.builder(tracker, gateway).pendingRevocations(queue).build();

        // An email to support, to be reviewed: marketing to the number is blocked from now on.
        RevocationRequest request = queue.submit("512-555-1234", "", "", RevocationChannel.EMAIL,
                Instant.parse("2026-11-25T15:00:00Z"), "please don't text me anymore", "support@example.com");
        // request.deadline() is 2026-12-10: ten business days, weekends and Thanksgiving (11-26) skipped

        queue.apply(request.id(), "Lee"); // revokes in the journal; the evidence names the channel and the request
        List<RevocationRequest> late = queue.overdue(); // pending past their deadline: alert on these daily
        // end snippet

        assertThat(request.deadline()).isEqualTo(LocalDate.parse("2026-12-10"));
        assertThat(late).isEmpty();
        assertThat(tracker.isOptedOut("+15125551234")).isTrue();
        ConsentRecord row = tracker.history("+15125551234").get(0);
        assertThat(row.metadata()).containsEntry("revoke_channel", "email")
                .containsEntry("revoke_request_id", request.id());
        SendOutcome outcome = sender.send(OutboundMessage.transactional("+15125551234", "Your order shipped"));
        assertThat(outcome.sent()).isFalse();
        queue.close();
        tracker.close();
    }
}
