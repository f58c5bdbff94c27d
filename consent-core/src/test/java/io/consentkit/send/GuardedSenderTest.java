package io.consentkit.send;

import io.consentkit.send.CsvSendLog;
import io.consentkit.send.DeliveryStatus;
import io.consentkit.send.DeliveryUpdate;
import io.consentkit.send.GuardedSender;
import io.consentkit.send.InMemorySendLog;
import io.consentkit.send.MessageCategory;
import io.consentkit.send.OutboundMessage;
import io.consentkit.send.QuietHours;
import io.consentkit.send.SendListener;
import io.consentkit.send.SendLog;
import io.consentkit.send.SendLogEntry;
import io.consentkit.send.SendLogException;
import io.consentkit.send.SendOutcome;
import io.consentkit.send.SmsGateway;
import io.consentkit.journal.ConsentRecord;
import io.consentkit.consent.ConsentTracker;
import io.consentkit.message.FooterMode;
import io.consentkit.message.MessageFormatter;
import io.consentkit.message.MessageParts;
import io.consentkit.message.OverflowPolicy;
import io.consentkit.message.PriceTable;
import io.consentkit.message.SmsTemplate;
import io.consentkit.phone.PhoneNumber;
import io.consentkit.send.GatewayResult.FailureKind;
import io.consentkit.send.SendOutcome.Reason;
import io.consentkit.store.InMemoryConsentStore;
import io.consentkit.testkit.FakeSmsGateway;
import io.consentkit.testkit.SettableClock;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;

import java.math.BigDecimal;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;

class GuardedSenderTest {
    static final String AUSTIN = "+15125551234";       // Texas, America/Chicago
    static final String CHICAGO = "+13125551234";      // Illinois, America/Chicago (no state rule in the pack)
    static final String NEW_YORK = "+12125551234";     // America/New_York
    static final String MIAMI = "+13055551234";        // Florida area code
    static final String IDAHO = "+12085551234";        // Mountain and Pacific
    /** Noon in Austin, 13:00 in New York, on a plain winter day. */
    static final String NOON_CENTRAL = "2026-01-15T18:00:00Z";

    final SettableClock clock = SettableClock.at(NOON_CENTRAL);
    final ConsentTracker tracker = ConsentTracker.builder(new InMemoryConsentStore()).clock(clock).build();
    final FakeSmsGateway gateway = FakeSmsGateway.builder().clock(clock).build();
    final InMemorySendLog log = new InMemorySendLog();

    GuardedSender.Builder builder() {
        return GuardedSender.builder(tracker, gateway).clock(clock).sendLog(log);
    }

    void consent(String phone) {
        tracker.recordWebFormConsent(phone, "cust-1", "Ann", "ann@example.com", "203.0.113.9",
                "https://example.com/signup");
    }

    static Instant t(String iso) {
        return Instant.parse(iso);
    }

    static String sha256(String s) throws Exception {
        return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(s.getBytes(StandardCharsets.UTF_8)));
    }

    static SendOutcome.Deferred deferred(SendOutcome o) {
        assertThat(o).isInstanceOf(SendOutcome.Deferred.class);
        return (SendOutcome.Deferred) o;
    }

    static SendOutcome.Blocked blocked(SendOutcome o) {
        assertThat(o).isInstanceOf(SendOutcome.Blocked.class);
        return (SendOutcome.Blocked) o;
    }

    static SendOutcome.Failed failed(SendOutcome o) {
        assertThat(o).isInstanceOf(SendOutcome.Failed.class);
        return (SendOutcome.Failed) o;
    }

    @Nested
    class Consent {
        @Test
        void marketingWithActiveConsentIsSentAndLogged() throws Exception {
            consent(AUSTIN);
            GuardedSender sender = builder().build();
            OutboundMessage m = OutboundMessage.builder("(512) 555-1234").category(MessageCategory.MARKETING)
                    .body("20% off climbing shoes this weekend").templateId("promo_weekend").build();

            SendOutcome outcome = sender.send(m);

            assertThat(outcome).isInstanceOf(SendOutcome.Sent.class);
            SendOutcome.Sent sent = (SendOutcome.Sent) outcome;
            assertThat(sent.providerId()).matches("SM[0-9a-f]{32}");
            assertThat(sent.gateway()).isEqualTo("fake");
            assertThat(gateway.lastRequest().to()).isEqualTo(PhoneNumber.of(AUSTIN));
            assertThat(gateway.lastRequest().body()).isEqualTo(m.body());

            SendLogEntry e = log.entries().get(0);
            assertThat(e.decision()).isEqualTo(SendLogEntry.Decision.SENT);
            assertThat(e.to()).isEqualTo("+*********34");
            assertThat(e.category()).isEqualTo(MessageCategory.MARKETING);
            assertThat(e.templateId()).isEqualTo("promo_weekend");
            assertThat(e.bodySha256()).isEqualTo(sha256(m.body()));
            assertThat(e.bodyLength()).isEqualTo(m.body().length());
            assertThat(e.providerId()).isEqualTo(sent.providerId());
            assertThat(e.status()).isEqualTo(DeliveryStatus.QUEUED);
            assertThat(e.time()).isEqualTo(t(NOON_CENTRAL));
            assertThat(e.toString()).doesNotContain("5551234").doesNotContain("climbing");
        }

        @Test
        void marketingWithoutConsentIsBlocked() {
            SendOutcome o = builder().build().send(OutboundMessage.marketing(AUSTIN, "Sale!"));
            assertThat(blocked(o).reason()).isEqualTo(Reason.NO_CONSENT);
            assertThat(gateway.requestCount()).isZero();
            assertThat(log.entries().get(0).reason()).isEqualTo("NO_CONSENT");
        }

        @Test
        void transactionalAndEmergencyNeedNoOptIn() {
            GuardedSender sender = builder().build();
            assertThat(sender.send(OutboundMessage.transactional(AUSTIN, "Your order shipped")).sent()).isTrue();
            assertThat(sender.send(OutboundMessage.emergency(NEW_YORK, "Evacuate dock 4")).sent()).isTrue();
        }

        @Test
        void anOptOutBlocksEveryCategoryEvenEmergency() {
            consent(AUSTIN);
            tracker.revoke(AUSTIN, ConsentTracker.REVOKED_BY_KEYWORD, "STOP");
            GuardedSender sender = builder().build();
            clock.advance(Duration.ofMinutes(5)); // past the one confirmation's window
            for (MessageCategory c : MessageCategory.values()) {
                SendOutcome o = sender.send(OutboundMessage.builder(AUSTIN).category(c).body("hello").build());
                assertThat(blocked(o).reason()).as(c.name()).isEqualTo(Reason.OPTED_OUT);
            }
            assertThat(gateway.requestCount()).isZero();
        }

        @Test
        void anUnreadableStoreBlocksEveryCategoryFailClosed() {
            FlakyStore store = new FlakyStore();
            ConsentTracker flaky = ConsentTracker.builder(store).clock(clock).refreshInterval(Duration.ofMillis(1))
                    .build();
            flaky.recordWebFormConsent(AUSTIN, "", "", "", "", "");
            GuardedSender sender = GuardedSender.builder(flaky, gateway).clock(clock).sendLog(log).build();
            store.readsFail.set(true);
            clock.advance(Duration.ofSeconds(1));
            for (MessageCategory c : MessageCategory.values()) {
                SendOutcome o = sender.send(OutboundMessage.builder(AUSTIN).category(c).body("hello").build());
                assertThat(blocked(o).reason()).as(c.name()).isEqualTo(Reason.STORE_UNAVAILABLE);
                assertThat(blocked(o).detail()).contains("unreachable");
            }
            assertThat(gateway.requestCount()).isZero();
            store.readsFail.set(false);
            clock.advance(Duration.ofSeconds(1));
            assertThat(sender.send(OutboundMessage.marketing(AUSTIN, "hello")).sent()).isTrue();
        }
    }

    @Nested
    class NumberAndSwitches {
        @Test
        void anInvalidNumberIsBlockedAndLoggedMasked() {
            SendOutcome o = builder().build().send(OutboundMessage.transactional("+1 512 555 12", "hi"));
            assertThat(blocked(o).reason()).isEqualTo(Reason.INVALID_NUMBER);
            assertThat(blocked(o).detail()).doesNotContain("55512");
            assertThat(log.entries().get(0).to()).doesNotContain("55512");
            assertThat(gateway.requestCount()).isZero();
        }

        @Test
        void theKillSwitchBlocksEverythingFirst() {
            GuardedSender sender = builder().build();
            sender.halt("billing incident");
            assertThat(sender.halted()).isTrue();
            SendOutcome o = sender.send(OutboundMessage.transactional("not a number", "hi"));
            assertThat(blocked(o).reason()).isEqualTo(Reason.KILL_SWITCH);
            assertThat(blocked(o).detail()).contains("billing incident");
            sender.resume();
            assertThat(sender.send(OutboundMessage.transactional(AUSTIN, "hi")).sent()).isTrue();
            assertThat(gateway.requestCount()).isEqualTo(1);
        }

        @Test
        void anExternalKillSwitchIsReadOnEverySend() {
            AtomicInteger flag = new AtomicInteger(1);
            GuardedSender sender = builder().killSwitch(() -> flag.get() == 1).build();
            assertThat(blocked(sender.send(OutboundMessage.transactional(AUSTIN, "hi"))).reason())
                    .isEqualTo(Reason.KILL_SWITCH);
            flag.set(0);
            assertThat(sender.send(OutboundMessage.transactional(AUSTIN, "hi")).sent()).isTrue();
        }

        @Test
        void dryRunEvaluatesAndLogsEveryGuardButSendsNothingAndUsesNoBudget() {
            consent(AUSTIN);
            GuardedSender sender = builder().dryRun(true).cooldown(Duration.ofHours(1)).recipientDailyCap(1)
                    .globalDailyCap(1).segmentsPerSecond(1).build();
            OutboundMessage m = OutboundMessage.marketing(AUSTIN, "Sale!");
            SendOutcome first = sender.send(m);
            SendOutcome second = sender.send(m);
            assertThat(first).isInstanceOf(SendOutcome.DryRun.class);
            assertThat(((SendOutcome.DryRun) first).body()).isEqualTo("Sale!");
            assertThat(second).isInstanceOf(SendOutcome.DryRun.class);
            assertThat(blocked(sender.send(OutboundMessage.marketing(NEW_YORK, "Sale!"))).reason())
                    .isEqualTo(Reason.NO_CONSENT);
            clock.set(t("2026-01-16T05:00:00Z")); // 23:00 in Austin
            assertThat(deferred(sender.send(m)).reason()).isEqualTo(Reason.QUIET_HOURS);
            assertThat(gateway.requestCount()).isZero();
            assertThat(sender.usedToday()).isZero();
            assertThat(log.entries()).extracting(SendLogEntry::decision).containsExactly(
                    SendLogEntry.Decision.DRY_RUN, SendLogEntry.Decision.DRY_RUN, SendLogEntry.Decision.BLOCKED,
                    SendLogEntry.Decision.DEFERRED);
        }

        @Test
        void guardsRunInOrderCheapestFirst() {
            consent(AUSTIN);
            tracker.revoke(AUSTIN, "customer_request", null);
            clock.set(t("2026-01-16T05:00:00Z")); // quiet hours in Austin
            GuardedSender sender = builder().build();
            // opted out wins over quiet hours; quiet hours win over caps
            assertThat(blocked(sender.send(OutboundMessage.transactional(AUSTIN, "hi"))).reason())
                    .isEqualTo(Reason.OPTED_OUT);
            GuardedSender capped = builder().globalDailyCap(1).build();
            assertThat(deferred(capped.send(OutboundMessage.transactional(NEW_YORK, "hi"))).reason())
                    .isEqualTo(Reason.QUIET_HOURS);
            assertThat(capped.usedToday()).isZero();
        }

        @Test
        void senderAndCallbackDefaultsApplyUnlessTheMessageNamesItsOwn() {
            GuardedSender sender = builder().defaultFrom("+15005550006")
                    .defaultStatusCallback(URI.create("https://example.com/status")).build();
            sender.send(OutboundMessage.transactional(AUSTIN, "one"));
            assertThat(gateway.lastRequest().from()).isEqualTo("+15005550006");
            assertThat(gateway.lastRequest().statusCallback()).isEqualTo(URI.create("https://example.com/status"));
            sender.send(OutboundMessage.builder(AUSTIN).category(MessageCategory.TRANSACTIONAL).body("two")
                    .from("SAFESHIPPER").media(URI.create("https://example.com/p.jpg")).build());
            assertThat(gateway.lastRequest().from()).isEqualTo("SAFESHIPPER");
            assertThat(gateway.lastRequest().mediaUrls()).containsExactly(URI.create("https://example.com/p.jpg"));
        }
    }

    @Nested
    class QuietHoursGuard {
        @Test
        void lateEveningIsDeferredToEightTheNextMorningLocal() {
            clock.set(t("2026-01-16T04:00:00Z")); // 22:00 in Chicago
            SendOutcome o = builder().build().send(OutboundMessage.transactional(CHICAGO, "Chore due"));
            assertThat(deferred(o).reason()).isEqualTo(Reason.QUIET_HOURS);
            assertThat(deferred(o).until()).isEqualTo(t("2026-01-16T14:00:00Z"));
            assertThat(deferred(o).detail()).contains("us-tcpa").contains("08:00-21:00").contains("America/Chicago");
            assertThat(log.entries().get(0).until()).isEqualTo(t("2026-01-16T14:00:00Z"));
            assertThat(gateway.requestCount()).isZero();
        }

        @Test
        void emergencyBypassesQuietHoursUnlessConfiguredOtherwise() {
            clock.set(t("2026-01-16T08:00:00Z")); // 02:00 in Chicago
            assertThat(builder().build().send(OutboundMessage.emergency(CHICAGO, "Hazmat spill, dock 4")).sent())
                    .isTrue();
            GuardedSender sender = builder().build();
            MessageCategory drill = MessageCategory.of("drill", CategoryPolicy.builder(CategoryPolicy.Consent.NONE)
                    .caps(CategoryPolicy.Caps.EXEMPT).build());
            assertThat(deferred(sender.send(OutboundMessage.builder(CHICAGO).category(drill).body("Drill at 9").build()))
                    .reason()).isEqualTo(Reason.QUIET_HOURS);
            GuardedSender lenient = builder().quietHoursExempt(MessageCategory.TRANSACTIONAL).build();
            assertThat(lenient.send(OutboundMessage.transactional(CHICAGO, "Your order shipped")).sent()).isTrue();
        }

        @Test
        void aMultiZoneNumberWaitsForTheLatestZone() {
            clock.set(t("2026-01-16T04:30:00Z")); // 21:30 Mountain, 20:30 Pacific
            SendOutcome o = builder().build().send(OutboundMessage.transactional(IDAHO, "hi"));
            assertThat(deferred(o).until()).isEqualTo(t("2026-01-16T16:00:00Z")); // 08:00 Pacific
        }

        @Test
        void theSpringForwardMorningOpensAtEightDaylightTime() {
            clock.set(t("2026-03-08T07:00:00Z")); // 01:00 CST, the night clocks go forward
            SendOutcome o = builder().build().send(OutboundMessage.transactional(CHICAGO, "hi"));
            assertThat(deferred(o).until()).isEqualTo(t("2026-03-08T13:00:00Z"));
            clock.set(deferred(o).until());
            assertThat(builder().build().send(OutboundMessage.transactional(CHICAGO, "hi")).sent()).isTrue();
        }

        @Test
        void floridaNumbersCloseAnHourEarlierByDefault() {
            clock.set(t("2026-01-16T01:30:00Z")); // 20:30 Eastern
            GuardedSender sender = builder().build();
            assertThat(deferred(sender.send(OutboundMessage.transactional(MIAMI, "hi"))).until())
                    .isEqualTo(t("2026-01-16T13:00:00Z"));
            assertThat(sender.send(OutboundMessage.transactional(NEW_YORK, "hi")).sent()).isTrue();
        }

        @Test
        void quietHoursCanBeTurnedOff() {
            clock.set(t("2026-01-16T08:00:00Z"));
            assertThat(builder().quietHours(QuietHours.none()).build()
                    .send(OutboundMessage.transactional(AUSTIN, "hi")).sent()).isTrue();
        }
    }

    @Nested
    class ContentGuard {
        final String gsm161 = "x".repeat(161);

        @Test
        void withoutAFormatterSegmentsAreCountedButNotLimited() {
            GuardedSender sender = builder().build();
            SendOutcome.Sent s = (SendOutcome.Sent) sender.send(OutboundMessage.transactional(AUSTIN, gsm161));
            assertThat(s.segments()).isEqualTo(2);
            assertThat(s.estimatedCost()).isNull();
            assertThat(log.entries().get(0).segments()).isEqualTo(2);
            SendOutcome.Sent emoji = (SendOutcome.Sent) sender.send(OutboundMessage.transactional(AUSTIN,
                    "Delivered \uD83D\uDE9A " + "y".repeat(50))); // 63 UTF-16 units: UCS-2, 1 segment
            assertThat(emoji.segments()).isEqualTo(1);
            SendOutcome.Sent ucs2 = (SendOutcome.Sent) sender.send(OutboundMessage.transactional(AUSTIN,
                    "Delivered \uD83D\uDE9A " + "y".repeat(70)));
            assertThat(ucs2.segments()).isEqualTo(2);
        }

        @Test
        void aMessageOverTheBudgetIsBlockedUnderTheRejectPolicy() {
            GuardedSender sender = builder().formatter(MessageFormatter.builder().segmentBudget(1).build()).build();
            SendOutcome o = sender.send(OutboundMessage.transactional(AUSTIN, gsm161));
            assertThat(blocked(o).reason()).isEqualTo(Reason.CONTENT);
            assertThat(blocked(o).detail()).contains("needs 2 segments").contains("the budget is 1")
                    .doesNotContain("xxxx");
            assertThat(gateway.requestCount()).isZero();
        }

        @Test
        void theTruncatePolicyCutsTheBodyToFitAndKeepsARequiredFooter() {
            GuardedSender sender = builder().formatter(MessageFormatter.builder().segmentBudget(1)
                    .overflow(OverflowPolicy.TRUNCATE).footer("Reply STOP to opt out").build()).build();
            SendOutcome.Sent s = (SendOutcome.Sent) sender.send(OutboundMessage.transactional(AUSTIN, gsm161));
            String sentText = gateway.lastRequest().body();
            assertThat(sentText).hasSizeLessThanOrEqualTo(160).endsWith("... Reply STOP to opt out");
            assertThat(s.segments()).isEqualTo(1);
            assertThat(log.entries().get(0).bodyLength()).isEqualTo(sentText.length());
        }

        @Test
        void marketingCanRequireAnOptOutFooterWhileOtherCategoriesDoNot() {
            consent(AUSTIN);
            GuardedSender sender = builder().formatter(MessageCategory.MARKETING,
                    MessageFormatter.builder().footer("Reply STOP to opt out").build()).build();
            sender.send(OutboundMessage.marketing(AUSTIN, "Climbing shoes 20% off this weekend."));
            assertThat(gateway.lastRequest().body())
                    .isEqualTo("Climbing shoes 20% off this weekend. Reply STOP to opt out");
            sender.send(OutboundMessage.transactional(AUSTIN, "Your class starts at 6pm."));
            assertThat(gateway.lastRequest().body()).isEqualTo("Your class starts at 6pm.");
        }

        @Test
        void anOptionalFooterIsDroppedWhenItDoesNotFit() {
            GuardedSender sender = builder().formatter(MessageFormatter.builder()
                    .footer("Reply STOP to opt out", FooterMode.IF_FITS).build()).build();
            sender.send(OutboundMessage.transactional(AUSTIN, "z".repeat(150)));
            assertThat(gateway.lastRequest().body()).isEqualTo("z".repeat(150));
            sender.send(OutboundMessage.transactional(AUSTIN, "short"));
            assertThat(gateway.lastRequest().body()).isEqualTo("short Reply STOP to opt out");
        }

        @Test
        void templatesAndReminderPartsAreRenderedAndFitted() throws Exception {
            SmsTemplate delivered = SmsTemplate.builder("Shipment {tracking_number} delivered to {recipient_name}.")
                    .brandPrefix("SafeShipper:").build();
            GuardedSender sender = builder().build();
            sender.send(OutboundMessage.builder(AUSTIN).category(MessageCategory.TRANSACTIONAL)
                    .template("shipment_delivered", delivered, Map.of("tracking_number", "SH123", "recipient_name", "Ana"))
                    .build());
            assertThat(gateway.lastRequest().body()).isEqualTo("SafeShipper: Shipment SH123 delivered to Ana.");
            SendLogEntry e = log.entries().get(0);
            assertThat(e.templateId()).isEqualTo("shipment_delivered");
            assertThat(e.bodySha256()).isEqualTo(sha256("SafeShipper: Shipment SH123 delivered to Ana."));

            sender.send(OutboundMessage.builder(AUSTIN).category(MessageCategory.TRANSACTIONAL)
                    .parts(MessageParts.of("Take out trash by 6pm.").withSubject("Chore due")
                            .withLink("https://short.link/abc123"))
                    .templateId("chore_due").build());
            assertThat(gateway.lastRequest().body())
                    .isEqualTo("Chore due: Take out trash by 6pm. View: https://short.link/abc123");
        }

        @Test
        void costIsSegmentsTimesThePriceForTheRecipientsCountry() {
            GuardedSender sender = builder().prices(PriceTable.example()).build();
            SendOutcome.Sent us = (SendOutcome.Sent) sender.send(OutboundMessage.transactional(AUSTIN, gsm161));
            assertThat(us.estimatedCost().total()).isEqualByComparingTo(new BigDecimal("0.0166"));
            assertThat(us.estimatedCost().regionCode()).isEqualTo("US");
            assertThat(us.estimatedCost().examplePrices()).isTrue();
            SendLogEntry e = log.entries().get(0);
            assertThat(e.estimatedCost()).isEqualByComparingTo(new BigDecimal("0.0166"));
            assertThat(e.currency()).isEqualTo("USD");
            // the provider's own segment count wins, and the cost follows it
            gateway.enqueueAccepted("SM-three", 3);
            SendOutcome.Sent billed = (SendOutcome.Sent) sender.send(OutboundMessage.transactional("+447911123456", "hi"));
            assertThat(billed.segments()).isEqualTo(3);
            assertThat(billed.estimatedCost().total()).isEqualByComparingTo(new BigDecimal("0.15"));
        }

        @Test
        void theRateLimitIsWeightedBySegments() {
            GuardedSender sender = builder().segmentsPerSecond(3).build();
            assertThat(sender.send(OutboundMessage.transactional(AUSTIN, gsm161)).sent()).isTrue(); // 2 segments
            assertThat(deferred(sender.send(OutboundMessage.transactional(NEW_YORK, gsm161))).reason())
                    .isEqualTo(Reason.RATE_LIMIT);
            assertThat(sender.send(OutboundMessage.transactional(NEW_YORK, "one segment")).sent()).isTrue();
        }

        @Test
        void aDryRunShowsTheFormattedTextAndCost() {
            GuardedSender sender = builder().dryRun(true).prices(PriceTable.example())
                    .formatter(MessageFormatter.builder().brandPrefix("Basin:").build()).build();
            SendOutcome.DryRun d = (SendOutcome.DryRun) sender.send(OutboundMessage.transactional(AUSTIN, "Gym closes at 5"));
            assertThat(d.body()).isEqualTo("Basin: Gym closes at 5");
            assertThat(d.segments()).isEqualTo(1);
            assertThat(d.estimatedCost().total()).isEqualByComparingTo(new BigDecimal("0.0083"));
        }
    }

    @Nested
    class Limits {
        @Test
        void cooldownDefersUntilItEndsAndEmergencyBypassesIt() {
            GuardedSender sender = builder().cooldown(Duration.ofMinutes(30)).build();
            assertThat(sender.send(OutboundMessage.transactional(AUSTIN, "Chore due")).sent()).isTrue();
            clock.advance(Duration.ofMinutes(10));
            SendOutcome o = sender.send(OutboundMessage.transactional(AUSTIN, "Chore due"));
            assertThat(deferred(o).reason()).isEqualTo(Reason.COOLDOWN);
            assertThat(deferred(o).until()).isEqualTo(t(NOON_CENTRAL).plus(Duration.ofMinutes(30)));
            assertThat(sender.send(OutboundMessage.emergency(AUSTIN, "Smoke alarm")).sent()).isTrue();
            // emergency is exempt from the limits: not held by the cooldown and not counted into it
            clock.set(t(NOON_CENTRAL).plus(Duration.ofMinutes(30)));
            assertThat(sender.send(OutboundMessage.transactional(AUSTIN, "x")).sent()).isTrue();
            // other recipients are not affected
            assertThat(sender.send(OutboundMessage.transactional(NEW_YORK, "x")).sent()).isTrue();
        }

        @Test
        void hourlyCapIsASlidingHour() {
            GuardedSender sender = builder().recipientHourlyCap(3).build();
            for (int i = 0; i < 3; i++) {
                assertThat(sender.send(OutboundMessage.transactional(AUSTIN, "n" + i)).sent()).isTrue();
                clock.advance(Duration.ofMinutes(10));
            }
            SendOutcome o = sender.send(OutboundMessage.transactional(AUSTIN, "n3"));
            assertThat(deferred(o).reason()).isEqualTo(Reason.RECIPIENT_HOURLY_CAP);
            assertThat(deferred(o).until()).isEqualTo(t(NOON_CENTRAL).plus(Duration.ofHours(1)));
            clock.set(deferred(o).until().minusMillis(1));
            assertThat(sender.send(OutboundMessage.transactional(AUSTIN, "n3")).sent()).isFalse();
            clock.set(deferred(o).until());
            assertThat(sender.send(OutboundMessage.transactional(AUSTIN, "n3")).sent()).isTrue();
        }

        @Test
        void recipientDailyCapResetsAtMidnightOfTheShortSpringForwardDay() {
            // 2026-03-08 in New York is 23 hours long: midnight EST 05:00Z to midnight EDT 04:00Z
            clock.set(t("2026-03-08T05:30:00Z")); // 00:30 EST
            GuardedSender sender = builder().quietHours(QuietHours.none()).zone(ZoneId.of("America/New_York"))
                    .recipientDailyCap(2).build();
            assertThat(sender.send(OutboundMessage.transactional(AUSTIN, "1")).sent()).isTrue();
            clock.set(t("2026-03-09T03:59:00Z")); // 23:59 EDT, still the 8th
            assertThat(sender.send(OutboundMessage.transactional(AUSTIN, "2")).sent()).isTrue();
            SendOutcome o = sender.send(OutboundMessage.transactional(AUSTIN, "3"));
            assertThat(deferred(o).reason()).isEqualTo(Reason.RECIPIENT_DAILY_CAP);
            assertThat(deferred(o).until()).isEqualTo(t("2026-03-09T04:00:00Z"));
            clock.set(t("2026-03-09T04:00:00Z"));
            assertThat(sender.send(OutboundMessage.transactional(AUSTIN, "3")).sent()).isTrue();
        }

        @Test
        void globalDailyCapAlertsAtNinetyPercentAndResetsOnTheLongFallBackDay() {
            List<String> alerts = new ArrayList<>();
            SendListener listener = new SendListener() {
                @Override
                public void onDailyCapThreshold(LocalDate day, long used, long cap) {
                    alerts.add("threshold " + day + " " + used + "/" + cap);
                }

                @Override
                public void onDailyCapReached(LocalDate day, long cap) {
                    alerts.add("reached " + day + " " + cap);
                }
            };
            // 2026-11-01 in New York is 25 hours long: 04:00Z to 05:00Z the next day
            clock.set(t("2026-11-01T04:30:00Z")); // 00:30 EDT
            GuardedSender sender = builder().quietHours(QuietHours.none()).zone(ZoneId.of("America/New_York"))
                    .globalDailyCap(10).listener(listener).build();
            for (int i = 0; i < 10; i++) {
                assertThat(sender.send(OutboundMessage.transactional("+1512555" + (1000 + i), "x")).sent()).isTrue();
                if (i == 7) {
                    assertThat(alerts).isEmpty();
                }
            }
            assertThat(alerts).containsExactly("threshold 2026-11-01 9/10", "reached 2026-11-01 10");
            assertThat(sender.usedToday()).isEqualTo(10);
            clock.set(t("2026-11-02T04:59:59Z")); // 23:59:59 EST, still the 1st
            SendOutcome o = sender.send(OutboundMessage.transactional(AUSTIN, "x"));
            assertThat(deferred(o).reason()).isEqualTo(Reason.GLOBAL_DAILY_CAP);
            assertThat(deferred(o).until()).isEqualTo(t("2026-11-02T05:00:00Z"));
            clock.set(deferred(o).until());
            assertThat(sender.send(OutboundMessage.transactional(AUSTIN, "x")).sent()).isTrue();
            assertThat(sender.usedToday()).isEqualTo(1);
            assertThat(alerts).hasSize(2);
        }

        @Test
        void theAlertFractionIsConfigurable() {
            List<Long> at = new ArrayList<>();
            GuardedSender sender = builder().globalDailyCap(10).dailyCapAlertAt(0.5).listener(new SendListener() {
                @Override
                public void onDailyCapThreshold(LocalDate day, long used, long cap) {
                    at.add(used);
                }
            }).build();
            for (int i = 0; i < 10; i++) {
                sender.send(OutboundMessage.transactional("+1512555" + (1000 + i), "x"));
            }
            assertThat(at).containsExactly(5L);
        }

        @Test
        void theRateIsSegmentsPerSecond() {
            GuardedSender sender = builder().segmentsPerSecond(3).build();
            for (int i = 0; i < 3; i++) {
                assertThat(sender.send(OutboundMessage.transactional("+1512555" + (1000 + i), "x")).sent()).isTrue();
            }
            SendOutcome o = sender.send(OutboundMessage.transactional(AUSTIN, "x"));
            assertThat(deferred(o).reason()).isEqualTo(Reason.RATE_LIMIT);
            assertThat(deferred(o).until()).isEqualTo(t(NOON_CENTRAL).plusNanos(333_333_333));
            clock.set(deferred(o).until());
            assertThat(sender.send(OutboundMessage.transactional(AUSTIN, "x")).sent()).isTrue();
        }

        @Test
        void aRefusalByALaterGuardGivesBackEarlierReservations() {
            GuardedSender sender = builder().cooldown(Duration.ofMinutes(5)).recipientDailyCap(5).globalDailyCap(1)
                    .build();
            assertThat(sender.send(OutboundMessage.transactional(NEW_YORK, "x")).sent()).isTrue();
            // global cap refuses AUSTIN: its cooldown must not have started
            assertThat(deferred(sender.send(OutboundMessage.transactional(AUSTIN, "x"))).reason())
                    .isEqualTo(Reason.GLOBAL_DAILY_CAP);
            GuardedSender roomy = builder().cooldown(Duration.ofMinutes(5)).build();
            assertThat(roomy.send(OutboundMessage.transactional(AUSTIN, "x")).sent()).isTrue();
        }
    }

    @Nested
    class GatewayFailures {
        @Test
        void providerOptOutRevokesConsentAndTheNextSendNeverReachesTheGateway() {
            consent(AUSTIN);
            List<String> heard = new ArrayList<>();
            GuardedSender sender = builder().listener(new SendListener() {
                @Override
                public void onProviderOptOut(PhoneNumber number, int code) {
                    heard.add(number.e164() + " " + code);
                }
            }).build();
            gateway.enqueueOptedOut();

            SendOutcome.Failed f = failed(sender.send(OutboundMessage.marketing(AUSTIN, "Sale!")));
            assertThat(f.code()).isEqualTo(21610);
            assertThat(f.recipientOptedOut()).isTrue();
            assertThat(f.retryable()).isFalse();
            assertThat(tracker.isOptedOut(AUSTIN)).isTrue();
            ConsentRecord last = tracker.history(AUSTIN).get(tracker.history(AUSTIN).size() - 1);
            assertThat(last.revokedMethod()).isEqualTo(GuardedSender.REVOKED_BY_PROVIDER);
            assertThat(last.metadata()).containsEntry("revoke_provider_code", "21610");
            assertThat(heard).containsExactly(AUSTIN + " 21610");

            SendOutcome next = sender.send(OutboundMessage.transactional(AUSTIN, "Your order shipped"));
            assertThat(blocked(next).reason()).isEqualTo(Reason.OPTED_OUT);
            assertThat(gateway.requestCount()).isEqualTo(1);
            assertThat(log.entries().get(0).errorCode()).isEqualTo(21610);
        }

        @Test
        void ifTheStoreCannotRecordTheProviderOptOutTheNumberStaysBlockedAndItIsRetried() {
            FlakyStore store = new FlakyStore();
            ConsentTracker t = ConsentTracker.builder(store).clock(clock).build();
            GuardedSender sender = GuardedSender.builder(t, gateway).clock(clock).sendLog(log).build();
            gateway.enqueueOptedOut();
            store.writesFail.set(true);
            assertThat(failed(sender.send(OutboundMessage.transactional(AUSTIN, "a"))).recipientOptedOut()).isTrue();
            assertThat(t.isOptedOut(AUSTIN)).isFalse();
            assertThat(blocked(sender.send(OutboundMessage.transactional(AUSTIN, "b"))).reason())
                    .isEqualTo(Reason.OPTED_OUT);
            store.writesFail.set(false);
            assertThat(blocked(sender.send(OutboundMessage.transactional(AUSTIN, "c"))).reason())
                    .isEqualTo(Reason.OPTED_OUT);
            assertThat(t.isOptedOut(AUSTIN)).isTrue();
            assertThat(gateway.requestCount()).isEqualTo(1);
        }

        @Test
        void anUnknownOutcomeIsReportedNotRetriedAndStillCounts() {
            GuardedSender sender = builder().cooldown(Duration.ofMinutes(30)).globalDailyCap(100).build();
            gateway.enqueueTimeout();
            SendOutcome.Failed f = failed(sender.send(OutboundMessage.transactional(AUSTIN, "Chore due")));
            assertThat(f.unknownOutcome()).isTrue();
            assertThat(f.retryable()).isFalse();
            assertThat(gateway.requestCount()).isEqualTo(1);
            // it may have been delivered: the cooldown and the daily count treat it as sent
            assertThat(deferred(sender.send(OutboundMessage.transactional(AUSTIN, "Chore due"))).reason())
                    .isEqualTo(Reason.COOLDOWN);
            assertThat(sender.usedToday()).isEqualTo(1);
        }

        @Test
        void aFailureThatCertainlyDidNotSendGivesItsBudgetBack() {
            GuardedSender sender = builder().cooldown(Duration.ofMinutes(30)).recipientDailyCap(1).globalDailyCap(2)
                    .build();
            gateway.enqueueRateLimited(Duration.ofSeconds(2));
            SendOutcome.Failed f = failed(sender.send(OutboundMessage.transactional(AUSTIN, "x")));
            assertThat(f.kind()).isEqualTo(FailureKind.RATE_LIMITED);
            assertThat(f.retryable()).isTrue();
            assertThat(f.retryAfter()).isEqualTo(Duration.ofSeconds(2));
            assertThat(sender.usedToday()).isZero();
            assertThat(sender.send(OutboundMessage.transactional(AUSTIN, "x")).sent()).isTrue();
            gateway.enqueueInvalidNumber();
            SendOutcome.Failed invalid = failed(sender.send(OutboundMessage.transactional(NEW_YORK, "x")));
            assertThat(invalid.code()).isEqualTo(21211);
            assertThat(invalid.retryable()).isFalse();
            assertThat(sender.usedToday()).isEqualTo(1);
            assertThat(sender.send(OutboundMessage.transactional(NEW_YORK, "x")).sent()).isTrue();
        }

        @Test
        void aGatewayThatThrowsIsAnUnknownOutcome() {
            SmsGateway broken = request -> {
                throw new IllegalStateException("bug in adapter");
            };
            GuardedSender sender = GuardedSender.builder(tracker, broken).clock(clock).sendLog(log).build();
            SendOutcome.Failed f = failed(sender.send(OutboundMessage.transactional(AUSTIN, "x")));
            assertThat(f.unknownOutcome()).isTrue();
            assertThat(f.message()).contains("IllegalStateException");
        }
    }

    @Nested
    class LogAndListeners {
        @Test
        void deliveryStatusesAreAppliedByProviderId() {
            GuardedSender sender = builder().build();
            SendOutcome.Sent s = (SendOutcome.Sent) sender.send(OutboundMessage.transactional(AUSTIN, "x"));
            clock.advance(Duration.ofSeconds(5));
            sender.onDeliveryStatus(DeliveryUpdate.of(s.providerId(), DeliveryStatus.DELIVERED, 0, clock.instant()));
            SendLogEntry e = sender.sendLog().find(s.providerId()).orElseThrow();
            assertThat(e.status()).isEqualTo(DeliveryStatus.DELIVERED);
            assertThat(e.statusAt()).isEqualTo(clock.instant());
        }

        @Test
        void anAsynchronousOptOutInAStatusCallbackRevokesConsent() {
            consent(AUSTIN);
            GuardedSender sender = builder().build();
            SendOutcome.Sent s = (SendOutcome.Sent) sender.send(OutboundMessage.marketing(AUSTIN, "x"));
            sender.onDeliveryStatus(new DeliveryUpdate(s.providerId(), DeliveryStatus.FAILED, 21610, clock.instant(),
                    AUSTIN, true));
            assertThat(tracker.isOptedOut(AUSTIN)).isTrue();
            assertThat(log.find(s.providerId()).orElseThrow().statusErrorCode()).isEqualTo(21610);
            assertThat(blocked(sender.send(OutboundMessage.marketing(AUSTIN, "y"))).reason())
                    .isEqualTo(Reason.OPTED_OUT);
        }

        @Test
        void failingListenersAndLogsNeverBreakTheSend() {
            List<RuntimeException> logFailures = new ArrayList<>();
            SendLog broken = new SendLog() {
                @Override
                public void record(SendLogEntry entry) {
                    throw new SendLogException("disk full");
                }

                @Override
                public void recordStatus(DeliveryUpdate update) {
                    throw new SendLogException("disk full");
                }

                @Override
                public List<SendLogEntry> entries() {
                    return List.of();
                }

                @Override
                public java.util.Optional<SendLogEntry> find(String providerId) {
                    return java.util.Optional.empty();
                }
            };
            GuardedSender sender = GuardedSender.builder(tracker, gateway).clock(clock).sendLog(broken)
                    .listener(new SendListener() {
                        @Override
                        public void onOutcome(OutboundMessage message, SendOutcome outcome) {
                            throw new IllegalStateException("listener bug");
                        }

                        @Override
                        public void onSendLogFailure(RuntimeException failure) {
                            logFailures.add(failure);
                        }
                    }).build();
            assertThat(sender.send(OutboundMessage.transactional(AUSTIN, "x")).sent()).isTrue();
            sender.onDeliveryStatus(DeliveryUpdate.of("SM1", DeliveryStatus.DELIVERED, 0, clock.instant()));
            assertThat(logFailures).hasSize(2).allMatch(e -> e.getMessage().contains("disk full"));
        }

        @Test
        void theSendLogCanBeACsvFile(@org.junit.jupiter.api.io.TempDir java.nio.file.Path dir) {
            try (CsvSendLog csv = CsvSendLog.open(dir.resolve("sends.csv"))) {
                GuardedSender sender = GuardedSender.builder(tracker, gateway).clock(clock).sendLog(csv).build();
                SendOutcome.Sent s = (SendOutcome.Sent) sender.send(OutboundMessage.transactional(AUSTIN, "x"));
                sender.send(OutboundMessage.marketing(AUSTIN, "no consent"));
                sender.onDeliveryStatus(DeliveryUpdate.of(s.providerId(), DeliveryStatus.UNDELIVERED, 30003,
                        clock.instant()));
                assertThat(csv.entries()).extracting(SendLogEntry::decision)
                        .containsExactly(SendLogEntry.Decision.SENT, SendLogEntry.Decision.BLOCKED);
                assertThat(csv.find(s.providerId()).orElseThrow().statusErrorCode()).isEqualTo(30003);
            }
        }
    }
}
