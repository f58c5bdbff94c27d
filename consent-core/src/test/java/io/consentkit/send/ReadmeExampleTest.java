package io.consentkit.send;

import io.consentkit.send.CsvSendLog;
import io.consentkit.send.GuardedSender;
import io.consentkit.send.MessageCategory;
import io.consentkit.send.OutboundMessage;
import io.consentkit.send.QuietHours;
import io.consentkit.send.SendListener;
import io.consentkit.send.SendLogEntry;
import io.consentkit.send.SendOutcome;
import io.consentkit.send.SmsGateway;
import io.consentkit.consent.ConsentTracker;
import io.consentkit.message.FooterMode;
import io.consentkit.message.MessageFormatter;
import io.consentkit.message.OverflowPolicy;
import io.consentkit.message.PriceTable;
import io.consentkit.store.CsvConsentStore;
import io.consentkit.testkit.FakeSmsGateway;
import io.consentkit.testkit.SettableClock;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.math.BigDecimal;
import java.nio.file.Path;
import java.time.Duration;
import java.time.LocalDate;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Runs the code shown in docs/sending.md and docs/testing.md; the docs harness in consent-checks
 * checks that the documents' blocks and the snippets below are identical.
 */
class ReadmeExampleTest {
    @TempDir
    Path dir;

    final List<String> alerts = new ArrayList<>();

    void alertAdmin(String text) {
        alerts.add(text);
    }

    @Test
    void guardedSending() {
        SettableClock clock = SettableClock.at("2026-01-15T18:00:00Z"); // noon in Austin
        SmsGateway gateway = FakeSmsGateway.create(); // in production: the Twilio gateway
        // snippet: sender
        ConsentTracker tracker = ConsentTracker.builder(CsvConsentStore.open(dir.resolve("consents.csv")))
                .brand("Chores").clock(clock).build();
        CsvSendLog sendLog = CsvSendLog.open(dir.resolve("sends.csv"));
        GuardedSender sender = GuardedSender.builder(tracker, gateway)
                .clock(clock)
                .zone(ZoneId.of("America/Chicago"))           // daily caps reset at midnight here
                .cooldown(Duration.ofMinutes(30))             // one reminder per 30 minutes per member
                .recipientDailyCap(5)
                .globalDailyCap(1_000)                        // a bug cannot run up the bill
                .listener(new SendListener() {
                    @Override
                    public void onDailyCapThreshold(LocalDate day, long used, long cap) {
                        alertAdmin(used + " of " + cap + " texts used on " + day); // at 90% by default
                    }
                })
                .formatter(MessageFormatter.builder().segmentBudget(1).overflow(OverflowPolicy.TRUNCATE)
                        .footer("Reply STOP to opt out", FooterMode.IF_FITS).build())
                .prices(PriceTable.example())
                .sendLog(sendLog)
                .build();

        SendOutcome outcome = sender.send(OutboundMessage.builder("512-555-1234")
                .category(MessageCategory.TRANSACTIONAL)
                .body("Chore due: Take out trash by 6pm.")
                .templateId("chore_due")
                .build());
        if (outcome instanceof SendOutcome.Sent sent) {
            System.out.println("sent " + sent.providerId() + ", " + sent.segments() + " segment(s), "
                    + sent.estimatedCost());
        } else if (outcome instanceof SendOutcome.Deferred deferred) {
            System.out.println("try again at " + deferred.until() + " (" + deferred.reason() + ")");
        } else {
            System.out.println("not sent: " + outcome);
        }
        // end snippet
        assertThat(outcome).isInstanceOf(SendOutcome.Sent.class);
        SendOutcome.Sent sent = (SendOutcome.Sent) outcome;
        assertThat(sent.segments()).isEqualTo(1);
        assertThat(sent.estimatedCost().total()).isEqualByComparingTo(new BigDecimal("0.0083"));
        assertThat(((FakeSmsGateway) gateway).lastRequest().body())
                .isEqualTo("Chore due: Take out trash by 6pm. Reply STOP to opt out");
        SendOutcome again = sender.send(OutboundMessage.transactional("512-555-1234", "Chore due: dishes"));
        assertThat(again).isInstanceOf(SendOutcome.Deferred.class);
        assertThat(((SendOutcome.Deferred) again).reason()).isEqualTo(SendOutcome.Reason.COOLDOWN);
        assertThat(sendLog.entries()).extracting(SendLogEntry::decision)
                .containsExactly(SendLogEntry.Decision.SENT, SendLogEntry.Decision.DEFERRED);
        assertThat(alerts).isEmpty();
        sendLog.close();
        tracker.close();
    }

    @Test
    void testingWithTheFakeGateway() {
        ConsentTracker tracker = ConsentTracker.builder(new io.consentkit.store.InMemoryConsentStore()).build();
        // snippet: fake-gateway
        FakeSmsGateway gateway = FakeSmsGateway.create();
        gateway.enqueueOptedOut();                         // the first send fails with 21610
        GuardedSender sender = GuardedSender.builder(tracker, gateway).quietHours(QuietHours.none()).build();

        SendOutcome first = sender.send(OutboundMessage.transactional("+15125551234", "Your order shipped"));
        SendOutcome second = sender.send(OutboundMessage.transactional("+15125551234", "Your order arrived"));

        assertThat(first).isInstanceOf(SendOutcome.Failed.class);    // consent is now revoked
        assertThat(second).isInstanceOf(SendOutcome.Blocked.class);  // blocked before the gateway
        assertThat(gateway.requestCount()).isEqualTo(1);
        assertThat(gateway.lastRequest().body()).isEqualTo("Your order shipped");
        // end snippet
        assertThat(tracker.isOptedOut("+15125551234")).isTrue();
    }
}
