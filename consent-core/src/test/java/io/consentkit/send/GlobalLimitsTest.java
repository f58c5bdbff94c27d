package io.consentkit.send;

import io.consentkit.consent.ConsentTracker;
import io.consentkit.message.PriceTable;
import io.consentkit.send.SendOutcome.Reason;
import io.consentkit.store.InMemoryConsentStore;
import io.consentkit.testkit.FakeSmsGateway;
import io.consentkit.testkit.SettableClock;
import org.junit.jupiter.api.Test;

import java.math.BigDecimal;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.Currency;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Global segments per minute, hour and day (segment-weighted) and the daily money budget. */
class GlobalLimitsTest {
    /** 12:00:10 in Austin. */
    final SettableClock clock = SettableClock.at("2026-01-15T18:00:10Z");
    final ConsentTracker tracker = ConsentTracker.builder(new InMemoryConsentStore()).clock(clock).build();
    final FakeSmsGateway gateway = FakeSmsGateway.builder().clock(clock).build();
    final InMemorySendLog log = new InMemorySendLog();

    GuardedSender.Builder builder() {
        return GuardedSender.builder(tracker, gateway).clock(clock).zone(ZoneId.of("America/Chicago")).sendLog(log);
    }

    static String number(int i) {
        return "+1512555" + (2000 + i);
    }

    /** A GSM-7 body of exactly {@code segments} segments (153 characters each when concatenated). */
    static String body(int segments) {
        return segments == 1 ? "Chore due" : "x".repeat(153 * segments);
    }

    static SendOutcome.Deferred deferred(SendOutcome o) {
        assertThat(o).isInstanceOf(SendOutcome.Deferred.class);
        return (SendOutcome.Deferred) o;
    }

    @Test
    void segmentsPerMinuteAreWeightedAndDeferToTheNextMinute() {
        GuardedSender sender = builder().segmentsPerMinute(10).build();
        assertThat(sender.send(OutboundMessage.transactional(number(0), body(3))).sent()).isTrue();
        assertThat(sender.send(OutboundMessage.transactional(number(1), body(3))).sent()).isTrue();
        assertThat(sender.send(OutboundMessage.transactional(number(2), body(3))).sent()).isTrue();
        // 9 of 10 used: a 3-segment message does not fit, a 1-segment one does
        SendOutcome.Deferred d = deferred(sender.send(OutboundMessage.transactional(number(3), body(3))));
        assertThat(d.reason()).isEqualTo(Reason.SEGMENT_LIMIT);
        assertThat(d.until()).isEqualTo(Instant.parse("2026-01-15T18:01:00Z"));
        assertThat(d.detail()).contains("10 segments per minute");
        assertThat(sender.send(OutboundMessage.transactional(number(4), body(1))).sent()).isTrue();
        assertThat(deferred(sender.send(OutboundMessage.transactional(number(5), body(1)))).reason())
                .isEqualTo(Reason.SEGMENT_LIMIT);
        clock.set(d.until());
        assertThat(sender.send(OutboundMessage.transactional(number(3), body(3))).sent()).isTrue();
        assertThat(sender.today().segments()).isEqualTo(13);
        assertThat(gateway.requestCount()).isEqualTo(5);
    }

    @Test
    void aMessageHeavierThanTheWholeMinuteGoesOnlyIntoAnEmptyMinute() {
        GuardedSender sender = builder().segmentsPerMinute(2).build();
        assertThat(sender.send(OutboundMessage.transactional(number(0), body(3))).sent()).isTrue();
        assertThat(deferred(sender.send(OutboundMessage.transactional(number(1), body(1)))).reason())
                .isEqualTo(Reason.SEGMENT_LIMIT);
    }

    @Test
    void segmentsPerHourAndPerDayDeferToTheEndOfTheirWindow() {
        GuardedSender sender = builder().segmentsPerHour(4).segmentsPerDay(6).build();
        assertThat(sender.send(OutboundMessage.transactional(number(0), body(2))).sent()).isTrue();
        assertThat(sender.send(OutboundMessage.transactional(number(1), body(2))).sent()).isTrue();
        SendOutcome.Deferred hour = deferred(sender.send(OutboundMessage.transactional(number(2), body(2))));
        assertThat(hour.until()).isEqualTo(Instant.parse("2026-01-15T19:00:00Z"));
        clock.set(hour.until());
        assertThat(sender.send(OutboundMessage.transactional(number(2), body(2))).sent()).isTrue();
        clock.advance(Duration.ofHours(1));
        SendOutcome.Deferred day = deferred(sender.send(OutboundMessage.transactional(number(3), body(1))));
        assertThat(day.reason()).isEqualTo(Reason.SEGMENT_LIMIT);
        assertThat(day.detail()).contains("6 segments per day");
        assertThat(day.until()).isEqualTo(Instant.parse("2026-01-16T06:00:00Z")); // midnight in Austin
    }

    @Test
    void aDryRunUsesNoWindow() {
        GuardedSender dry = builder().segmentsPerMinute(1).dryRun(true).build();
        for (int i = 0; i < 3; i++) {
            assertThat(dry.send(OutboundMessage.transactional(number(i), "x"))).isInstanceOf(SendOutcome.DryRun.class);
        }
        assertThat(dry.today().segments()).isZero();
    }

    @Test
    void theDailyBudgetAlertsAt90PercentOnceAndDefersAt100() {
        // 0.0083 USD a segment: 10 single-segment texts are 0.083
        List<String> alerts = new ArrayList<>();
        SendListener listener = new SendListener() {
            @Override
            public void onDailyBudgetThreshold(LocalDate day, BigDecimal spent, BigDecimal budget, Currency currency) {
                alerts.add("threshold " + day + " " + spent.stripTrailingZeros().toPlainString() + "/" + budget + " " + currency);
            }

            @Override
            public void onDailyBudgetReached(LocalDate day, BigDecimal budget, Currency currency) {
                alerts.add("reached " + day + " " + budget);
            }
        };
        GuardedSender sender = builder().prices(PriceTable.example()).dailyBudget(new BigDecimal("0.083"))
                .listener(listener).build();
        for (int i = 0; i < 8; i++) {
            assertThat(sender.send(OutboundMessage.transactional(number(i), body(1))).sent()).isTrue();
        }
        assertThat(alerts).isEmpty();
        assertThat(sender.send(OutboundMessage.transactional(number(8), body(1))).sent()).isTrue(); // 0.0747: 90%
        assertThat(alerts).containsExactly("threshold 2026-01-15 0.0747/0.083 USD");
        assertThat(sender.send(OutboundMessage.transactional(number(9), body(1))).sent()).isTrue(); // 0.083: 100%
        assertThat(alerts).containsExactly("threshold 2026-01-15 0.0747/0.083 USD", "reached 2026-01-15 0.083");
        SendOutcome.Deferred d = deferred(sender.send(OutboundMessage.transactional(number(10), body(1))));
        assertThat(d.reason()).isEqualTo(Reason.DAILY_BUDGET);
        assertThat(d.until()).isEqualTo(Instant.parse("2026-01-16T06:00:00Z"));
        assertThat(d.detail()).contains("0.083 USD");
        assertThat(sender.today().spent()).isEqualByComparingTo("0.083");
        assertThat(gateway.requestCount()).isEqualTo(10);
        assertThat(alerts).hasSize(2);
    }

    @Test
    void aFailedSendGivesItsSpendBackAndAMessageOverTheWholeBudgetIsBlocked() {
        GuardedSender sender = builder().prices(PriceTable.example()).dailyBudget(new BigDecimal("0.02")).build();
        gateway.enqueueServerError();
        assertThat(sender.send(OutboundMessage.transactional(number(0), body(2)))).isInstanceOf(SendOutcome.Failed.class);
        assertThat(sender.today().spent()).isEqualByComparingTo("0");
        assertThat(sender.send(OutboundMessage.transactional(number(0), body(2))).sent()).isTrue(); // 0.0166
        assertThat(deferred(sender.send(OutboundMessage.transactional(number(1), body(1)))).reason())
                .isEqualTo(Reason.DAILY_BUDGET);
        SendOutcome big = sender.send(OutboundMessage.transactional(number(2), body(3))); // 0.0249 > 0.02
        assertThat(big).isInstanceOfSatisfying(SendOutcome.Blocked.class, b -> {
            assertThat(b.reason()).isEqualTo(Reason.DAILY_BUDGET);
            assertThat(b.detail()).contains("more than the daily budget");
        });
    }

    @Test
    void aBudgetNeedsPricesAndLimitsMustNotBeNegative() {
        assertThatThrownBy(() -> builder().dailyBudget(new BigDecimal("5")).build())
                .isInstanceOf(io.consentkit.InvalidInputException.class).hasMessageContaining("dailyBudget");
        assertThatThrownBy(() -> builder().dailyBudget(BigDecimal.ZERO))
                .isInstanceOf(io.consentkit.InvalidInputException.class).hasMessageContaining("dailyBudget");
        assertThatThrownBy(() -> builder().segmentsPerMinute(-1))
                .isInstanceOf(io.consentkit.InvalidInputException.class).hasMessageContaining("segmentsPerMinute");
    }

    @Test
    void windowsAndTheBudgetAreRebuiltFromTheSendLog() {
        GuardedSender first = builder().prices(PriceTable.example()).dailyBudget(new BigDecimal("0.05"))
                .segmentsPerMinute(5).build();
        assertThat(first.send(OutboundMessage.transactional(number(0), body(2))).sent()).isTrue();
        assertThat(first.send(OutboundMessage.transactional(number(1), body(2))).sent()).isTrue();
        GuardedSender second = builder().prices(PriceTable.example()).dailyBudget(new BigDecimal("0.05"))
                .segmentsPerMinute(5).build();
        assertThat(second.today().segments()).isEqualTo(4);
        assertThat(second.today().spent()).isEqualByComparingTo("0.0332");
        assertThat(deferred(second.send(OutboundMessage.transactional(number(2), body(2)))).reason())
                .isEqualTo(Reason.SEGMENT_LIMIT);
        clock.advance(Duration.ofMinutes(1));
        assertThat(deferred(second.send(OutboundMessage.transactional(number(2), body(3)))).reason())
                .isEqualTo(Reason.DAILY_BUDGET);
    }
}
