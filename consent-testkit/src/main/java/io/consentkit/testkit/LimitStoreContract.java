package io.consentkit.testkit;

import io.consentkit.send.LimitPolicy;
import io.consentkit.send.LimitStore;
import io.consentkit.send.LimitStore.Alert;
import io.consentkit.send.LimitStore.Decision;
import io.consentkit.send.LimitStore.Denial;
import io.consentkit.send.LimitStore.Reservation;
import io.consentkit.send.LimitStore.Usage;
import io.consentkit.send.SendOutcome.Reason;
import org.junit.jupiter.api.Test;

import java.math.BigDecimal;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.Currency;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The contract every {@link LimitStore} must meet, as JUnit 5 tests. Extend it and implement
 * {@link #newStore(LimitPolicy)} (a store over fresh, empty state enforcing the policy):
 *
 * <pre>{@code
 * class MyLimitStoreTest extends LimitStoreContract {
 *     protected LimitStore newStore(LimitPolicy policy) { return MyLimitStore.create(dataSource, policy); }
 * }
 * }</pre>
 *
 * <p>Covers the cooldown, the sliding hourly cap and the daily caps with their deferral times,
 * commit and release (a released place is free again; settling twice changes nothing), dry-run
 * checks that take nothing, segment weighting, the budget and its one-shot alerts, seeding (for
 * stores that {@link LimitStore#startsEmpty()}), and a race of 8 threads that must never pass a cap.
 */
public abstract class LimitStoreContract {
    /** 12:00 in Chicago, 2026-01-15. */
    protected static final Instant NOON = Instant.parse("2026-01-15T18:00:00Z");
    private static final ZoneId CHICAGO = ZoneId.of("America/Chicago");

    /** A store over fresh, empty state enforcing {@code policy}. */
    protected abstract LimitStore newStore(LimitPolicy policy);

    /** A policy in Chicago with only the given limits (0 for none). */
    protected static LimitPolicy policy(Duration cooldown, int hourly, int daily, long globalDaily, long perMinute,
                                        BigDecimal budget) {
        return new LimitPolicy(CHICAGO, cooldown, hourly, daily, globalDaily, 0, perMinute, 0, 0, budget,
                budget == null ? null : Currency.getInstance("USD"), 0.9);
    }

    private static Usage use(String who, Instant at) {
        return new Usage(who, at, true, 1, null);
    }

    private static Reservation reserved(Decision d) {
        assertThat(d).isInstanceOf(Reservation.class);
        return (Reservation) d;
    }

    private static Denial denied(Decision d, Reason reason) {
        assertThat(d).isInstanceOf(Denial.class);
        Denial denial = (Denial) d;
        assertThat(denial.reason()).isEqualTo(reason);
        return denial;
    }

    @Test
    void theCooldownDefersToTheLastSendPlusTheCooldownUnlessExempt() {
        LimitStore s = newStore(policy(Duration.ofMinutes(30), 0, 0, 0, 0, null));
        s.commit(reserved(s.reserve(use("a", NOON))));
        Denial d = denied(s.reserve(use("a", NOON.plusSeconds(60))), Reason.COOLDOWN);
        assertThat(d.until()).isEqualTo(NOON.plus(Duration.ofMinutes(30)));
        reserved(s.reserve(new Usage("a", NOON.plusSeconds(60), false, 1, null)));
        reserved(s.reserve(use("b", NOON.plusSeconds(60))));
        reserved(s.reserve(use("a", NOON.plus(Duration.ofMinutes(90)))));
    }

    @Test
    void theHourlyCapSlidesAndTheDailyCapEndsAtMidnightInTheZone() {
        LimitStore s = newStore(policy(Duration.ZERO, 2, 3, 0, 0, null));
        s.commit(reserved(s.reserve(use("a", NOON))));
        s.commit(reserved(s.reserve(use("a", NOON.plusSeconds(600)))));
        assertThat(denied(s.reserve(use("a", NOON.plusSeconds(1200))), Reason.RECIPIENT_HOURLY_CAP).until())
                .isEqualTo(NOON.plusSeconds(3600));
        s.commit(reserved(s.reserve(use("a", NOON.plusSeconds(3600)))));
        assertThat(denied(s.reserve(use("a", NOON.plusSeconds(7200))), Reason.RECIPIENT_DAILY_CAP).until())
                .isEqualTo(Instant.parse("2026-01-16T06:00:00Z"));
        reserved(s.reserve(use("a", Instant.parse("2026-01-16T06:00:00Z"))));
    }

    @Test
    void aReleasedPlaceIsFreeAgainAndSettlingTwiceChangesNothing() {
        LimitStore s = newStore(policy(Duration.ZERO, 0, 1, 1, 0, null));
        Reservation r = reserved(s.reserve(use("a", NOON)));
        denied(s.reserve(use("a", NOON)), Reason.RECIPIENT_DAILY_CAP);
        s.release(r);
        s.release(r);
        s.commit(r);
        assertThat(s.today(NOON).messages()).isZero();
        Reservation again = reserved(s.reserve(use("a", NOON)));
        s.commit(again);
        s.release(again);
        assertThat(s.today(NOON).messages()).isEqualTo(1);
        denied(s.reserve(use("b", NOON)), Reason.GLOBAL_DAILY_CAP);
    }

    @Test
    void aCheckTakesNothing() {
        LimitStore s = newStore(policy(Duration.ofMinutes(5), 0, 0, 1, 0, null));
        for (int i = 0; i < 3; i++) {
            reserved(s.check(use("a", NOON)));
        }
        assertThat(s.today(NOON).messages()).isZero();
    }

    @Test
    void windowsAreWeightedBySegmentsAndTheBudgetAlertsOnce() {
        LimitStore s = newStore(policy(Duration.ZERO, 0, 0, 0, 5, new BigDecimal("1.00")));
        Reservation first = reserved(s.reserve(new Usage("a", NOON, true, 3, new BigDecimal("0.85"))));
        assertThat(first.alerts()).isEmpty();
        denied(s.reserve(new Usage("b", NOON, true, 3, new BigDecimal("0.01"))), Reason.SEGMENT_LIMIT);
        Reservation second = reserved(s.reserve(new Usage("b", NOON, true, 2, new BigDecimal("0.05"))));
        assertThat(second.alerts()).containsExactly(Alert.DAILY_BUDGET_THRESHOLD);
        assertThat(second.spentToday()).isEqualByComparingTo("0.90");
        Reservation third = reserved(s.reserve(new Usage("c", NOON.plusSeconds(60), true, 1, new BigDecimal("0.05"))));
        assertThat(third.alerts()).isEmpty();
        denied(s.reserve(new Usage("d", NOON.plusSeconds(60), true, 1, new BigDecimal("0.2"))), Reason.DAILY_BUDGET);
        LimitStore.Today today = s.today(NOON.plusSeconds(60));
        assertThat(today.segments()).isEqualTo(6);
        assertThat(today.spent()).isEqualByComparingTo("0.95");
    }

    @Test
    void seedingCountsHistoryWithoutCheckingIt() {
        LimitStore s = newStore(policy(Duration.ofMinutes(30), 0, 2, 10, 0, null));
        if (!s.startsEmpty()) {
            return; // a store with its own durable state is never seeded
        }
        s.seed(use("a", NOON.minusSeconds(600)));
        s.seed(use("a", NOON.minusSeconds(300)));
        s.seed(use("a", NOON.minusSeconds(60))); // history over the cap is still counted
        assertThat(s.today(NOON).messages()).isEqualTo(3);
        denied(s.reserve(use("a", NOON)), Reason.RECIPIENT_DAILY_CAP);
    }

    @Test
    void racingReservationsNeverPassTheCaps() throws Exception {
        LimitStore s = newStore(policy(Duration.ZERO, 0, 7, 50, 0, null));
        ExecutorService pool = Executors.newFixedThreadPool(8);
        CountDownLatch start = new CountDownLatch(1);
        ConcurrentLinkedQueue<Reservation> kept = new ConcurrentLinkedQueue<>();
        List<Future<?>> fs = new ArrayList<>();
        for (int t = 0; t < 8; t++) {
            int tt = t;
            fs.add(pool.submit((Callable<Void>) () -> {
                start.await();
                for (int i = 0; i < 100; i++) {
                    Decision d = s.reserve(use("r" + (tt * 100 + i) % 10, NOON));
                    if (d instanceof Reservation r) {
                        if (i % 3 == 0) {
                            s.release(r); // a failed send gives its place back
                        } else {
                            s.commit(r);
                            kept.add(r);
                        }
                    }
                }
                return null;
            }));
        }
        start.countDown();
        for (Future<?> f : fs) {
            f.get(30, TimeUnit.SECONDS);
        }
        pool.shutdown();
        assertThat(kept).hasSize(50);
        assertThat(s.today(NOON).messages()).isEqualTo(50);
    }
}
