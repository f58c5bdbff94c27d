package io.consentkit.send;

import io.consentkit.consent.ConsentTracker;
import io.consentkit.message.MessageParts;
import io.consentkit.send.SendOutcome.Reason;
import io.consentkit.store.InMemoryConsentStore;
import io.consentkit.testkit.FakeSmsGateway;
import io.consentkit.testkit.SettableClock;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.time.Instant;

import static org.assertj.core.api.Assertions.assertThat;

/** The guarded sender with the bundled rule pack: state windows and per-subject caps (issue 13). */
class StateRulesSenderTest {
    /** Thursday 2026-01-15, 10:00 Eastern, 09:00 Central. */
    private final SettableClock clock = SettableClock.at("2026-01-15T15:00:00Z");
    private final ConsentTracker tracker = ConsentTracker.builder(new InMemoryConsentStore()).clock(clock).build();
    private final FakeSmsGateway gateway = FakeSmsGateway.builder().clock(clock).build();
    private final InMemorySendLog log = new InMemorySendLog();
    private final GuardedSender sender = GuardedSender.builder(tracker, gateway).clock(clock).sendLog(log).build();

    private void consent(String phone) {
        tracker.recordWebFormConsent(phone, "cust-1", "Ann", "ann@example.com", "203.0.113.9", "https://example.com/signup");
    }

    private static OutboundMessage sale(String to, String templateId) {
        return OutboundMessage.builder(to).category(MessageCategory.MARKETING).body("Spring sale: 20% off")
                .templateId(templateId).build();
    }

    private static SendOutcome.Deferred deferred(SendOutcome o) {
        assertThat(o).isInstanceOf(SendOutcome.Deferred.class);
        return (SendOutcome.Deferred) o;
    }

    @ParameterizedTest
    @ValueSource(strings = {"+13055551234", "+14055551234", "+14105551234"}) // FL, OK, MD
    void threeMarketingMessagesPer24HoursOnTheSameSubject(String to) {
        consent(to);
        Instant first = clock.instant();
        for (int i = 0; i < 3; i++) {
            assertThat(sender.send(sale(to, "spring_sale")).sent()).as("send %d", i + 1).isTrue();
            clock.advance(Duration.ofHours(1));
        }
        SendOutcome.Deferred fourth = deferred(sender.send(sale(to, "spring_sale")));
        assertThat(fourth.reason()).isEqualTo(Reason.SUBJECT_CAP);
        assertThat(fourth.until()).isEqualTo(first.plus(Duration.ofHours(24)));
        assertThat(fourth.detail()).contains("3 messages on this subject within 24 hours").contains("is 3")
                .contains("us-states-2026-12").containsPattern("us-(fl|ok|md)-");
        assertThat(log.entries().get(3).reason()).isEqualTo("SUBJECT_CAP");
        // another subject, and a transactional message, are not counted against it
        assertThat(sender.send(sale(to, "new_store")).sent()).isTrue();
        assertThat(sender.send(OutboundMessage.transactional(to, "Your order shipped")).sent()).isTrue();
        // 24 hours after the first, one more fits
        clock.set(first.plus(Duration.ofHours(24)));
        assertThat(sender.send(sale(to, "spring_sale")).sent()).isTrue();
        assertThat(deferred(sender.send(sale(to, "spring_sale"))).reason()).isEqualTo(Reason.SUBJECT_CAP);
    }

    @Test
    void theSubjectIsThePartsSubjectElseTheTemplateElseOneSubjectForAll() {
        String to = "+13055551234";
        consent(to);
        for (int i = 0; i < 3; i++) {
            assertThat(sender.send(OutboundMessage.marketing(to, "Offer " + i)).sent()).isTrue();
        }
        assertThat(deferred(sender.send(OutboundMessage.marketing(to, "Offer 4"))).reason()).isEqualTo(Reason.SUBJECT_CAP);
        OutboundMessage withSubject = OutboundMessage.builder(to).parts(MessageParts.of("20% off").withSubject("Sale"))
                .templateId("spring_sale").build();
        assertThat(withSubject.capSubject()).isEqualTo("Sale");
        assertThat(sender.send(withSubject).sent()).isTrue();
        // a number with no subject cap (Illinois) is not capped
        consent("+13125551234");
        for (int i = 0; i < 5; i++) {
            assertThat(sender.send(OutboundMessage.marketing("+13125551234", "Offer " + i)).sent()).isTrue();
        }
    }

    @Test
    void aSendThatDidNotHappenGivesItsPlaceBackAndADryRunTakesNone() {
        String to = "+13055551234";
        consent(to);
        gateway.enqueueServerError().enqueueServerError();
        assertThat(sender.send(sale(to, "s")).sent()).isFalse();
        assertThat(sender.send(sale(to, "s")).sent()).isFalse();
        GuardedSender dry = GuardedSender.builder(tracker, gateway).clock(clock).dryRun(true).build();
        for (int i = 0; i < 5; i++) {
            assertThat(dry.send(sale(to, "s"))).isInstanceOf(SendOutcome.DryRun.class);
        }
        for (int i = 0; i < 3; i++) {
            assertThat(sender.send(sale(to, "s")).sent()).as("send %d", i + 1).isTrue();
        }
        assertThat(deferred(sender.send(sale(to, "s"))).reason()).isEqualTo(Reason.SUBJECT_CAP);
        // a timeout may have sent it: it keeps its place
        String other = "+14105551234";
        consent(other);
        gateway.enqueueTimeout();
        assertThat(((SendOutcome.Failed) sender.send(sale(other, "s"))).unknownOutcome()).isTrue();
        sender.send(sale(other, "s"));
        sender.send(sale(other, "s"));
        assertThat(deferred(sender.send(sale(other, "s"))).reason()).isEqualTo(Reason.SUBJECT_CAP);
    }

    @Test
    void everyQuietHoursDeferralNamesTheRuleThatMadeIt() {
        clock.set(Instant.parse("2026-01-18T16:00:00Z")); // Sunday 10:00 Central
        SendOutcome.Deferred texas = deferred(sender.send(OutboundMessage.transactional("+15125551234", "hi")));
        assertThat(texas.reason()).isEqualTo(Reason.QUIET_HOURS);
        assertThat(texas.until()).isEqualTo(Instant.parse("2026-01-18T18:00:00Z"));
        assertThat(texas.detail()).isEqualTo("closed by rule us-tx-sb-140 (US-TX, 12:00-21:00 on SUNDAY, from 2025-09-01, "
                + "https://www.morganlewis.com/pubs/2025/09/texas-telephone-solicitation-law-now-covers-text-messages) "
                + "of pack us-states-2026-12 in [America/Chicago] (US, US-TX; area code 512 in TX)");
        assertThat(log.entries().get(0).detail()).isEqualTo(texas.detail());
        // the app knows the recipient lives in Illinois (ZIP 60601): the Texas rule does not apply
        assertThat(sender.send(OutboundMessage.builder("+15125551234").category(MessageCategory.TRANSACTIONAL)
                .body("hi").recipientZip("60601").build()).sent()).isTrue();
        // a toll-free number at 07:30 Pacific
        clock.set(Instant.parse("2026-01-15T15:30:00Z"));
        SendOutcome.Deferred tollFree = deferred(sender.send(OutboundMessage.transactional("+18005550199", "hi")));
        assertThat(tollFree.until()).isEqualTo(Instant.parse("2026-01-15T16:00:00Z"));
        assertThat(tollFree.detail()).contains("rule us-tcpa (US, 08:00-21:00 on THURSDAY").contains("non-geographic number");
    }

    @Test
    void theDocumentedExampleDefersASundayMorningByTheTexasRule() {
        clock.set(Instant.parse("2026-01-18T16:00:00Z")); // Sunday 10:00 Central, 11:00 Eastern
        consent("+13055551234");
        java.util.List<String> printed = new java.util.ArrayList<>();
        // snippet: sending-rules
        GuardedSender sender = GuardedSender.builder(tracker, gateway)
                .clock(clock)
                .quietHours(QuietHours.builder()
                        .rules(SendingRules.bundled("us-states-2026-12"))   // pinned: an upgrade does not move it
                        .build())
                .build();
        SendOutcome outcome = sender.send(OutboundMessage.builder("+13055551234") // a Miami number...
                .category(MessageCategory.MARKETING)
                .body("Spring sale: 20% off")
                .templateId("spring_sale")        // the subject Florida's 3-per-24-hours cap would count
                .recipientZip("73301")            // ...whose owner lives in Texas: the Texas rule applies
                .build());
        if (outcome instanceof SendOutcome.Deferred deferred) {
            printed.add("try at " + deferred.until() + ": " + deferred.detail()); // names the rule and its source
        }
        // end snippet
        assertThat(printed).singleElement().asString().startsWith("try at 2026-01-18T19:00:00Z: closed by rule us-tx-sb-140") // noon Mountain: Texas spans two zones
                .contains("recipient state TX");
    }
}
