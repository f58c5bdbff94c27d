package io.consentkit.jdbc;

import io.consentkit.send.LimitPolicy;
import io.consentkit.send.LimitStore;
import io.consentkit.send.LimitStore.Decision;
import io.consentkit.send.LimitStore.Denial;
import io.consentkit.send.LimitStore.Reservation;
import io.consentkit.send.LimitStore.Usage;
import io.consentkit.send.SendOutcome.Reason;
import io.consentkit.send.SendingRule;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.math.BigDecimal;
import java.net.URI;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalTime;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.Currency;
import java.util.EnumSet;
import java.util.List;
import java.util.Random;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Every limit at once (cooldown, hourly and daily per-recipient caps, the global daily cap, segments
 * per minute, hour and day, the per-second rate, the budget and its alerts): the JDBC store decides a
 * long seeded sequence of reservations, releases and dry-run checks exactly as the in-memory store.
 */
@Timeout(120)
class JdbcLimitDifferentialTest {
    private static final Instant START = Instant.parse("2026-03-07T23:30:00Z");

    @Test
    void theJdbcStoreDecidesLikeTheInMemoryStore() {
        LimitPolicy policy = new LimitPolicy(ZoneId.of("America/Chicago"), Duration.ofMinutes(3), 3, 5, 25, 4, 7, 60,
                150, new BigDecimal("0.90"), Currency.getInstance("USD"), 0.8);
        LimitStore memory = LimitStore.inMemory(policy);
        LimitStore jdbc = JdbcLimitStore.builder(new TinyPool(LocalPostgres.newDatabase())).tablePrefix("d_")
                .createSchema(true).clock(Clock.fixed(START, ZoneOffset.UTC)).build(policy);
        Random random = new Random(14);
        Instant at = START;
        EnumSet<Reason> seen = EnumSet.noneOf(Reason.class);
        int reserved = 0;
        for (int i = 0; i < 600; i++) {
            at = at.plusMillis(random.nextInt(4) == 0 ? random.nextInt(900_000) : random.nextInt(400));
            Usage u = new Usage("r" + random.nextInt(8), at, random.nextInt(5) != 0, 1 + random.nextInt(3),
                    random.nextInt(4) == 0 ? null : new BigDecimal("0.0" + (1 + random.nextInt(9)) + "25"));
            if (random.nextInt(6) == 0) {
                same(memory.check(u), jdbc.check(u), i);
                continue;
            }
            Decision m = memory.reserve(u);
            Decision j = jdbc.reserve(u);
            same(m, j, i);
            if (m instanceof Reservation mr) {
                reserved++;
                if (random.nextInt(4) == 0) {
                    memory.release(mr);
                    jdbc.release((Reservation) j);
                } else {
                    memory.commit(mr);
                    jdbc.commit((Reservation) j);
                }
            } else {
                seen.add(((Denial) m).reason());
            }
            LimitStore.Today mt = memory.today(at);
            LimitStore.Today jt = jdbc.today(at);
            assertThat(jt.messages()).as("messages today after #%d", i).isEqualTo(mt.messages());
            assertThat(jt.segments()).as("segments today after #%d", i).isEqualTo(mt.segments());
            assertThat(jt.spent()).as("spent today after #%d", i).isEqualByComparingTo(mt.spent());
        }
        assertThat(reserved).as("reservations (denials: %s)", seen).isGreaterThan(40);
        assertThat(seen).as("the sequence reaches every limit").contains(Reason.COOLDOWN, Reason.RECIPIENT_HOURLY_CAP,
                Reason.RECIPIENT_DAILY_CAP, Reason.RATE_LIMIT, Reason.SEGMENT_LIMIT, Reason.GLOBAL_DAILY_CAP, Reason.DAILY_BUDGET);
    }

    /**
     * The sending rules' per-subject caps (two rules at once, one stricter over a shorter period)
     * beside a recipient cap: decided by the JDBC store exactly as in memory, releases included, and
     * a second JDBC store over the same tables (another process, a restart) sees what the first counted.
     */
    @Test
    void perSubjectCapsDecideLikeTheInMemoryStoreAndSpanStores() {
        LimitPolicy policy = new LimitPolicy(ZoneId.of("America/New_York"), Duration.ZERO, 0, 6, 0, 0, 0, 0,
                0, null, null, 0.8);
        List<SendingRule> caps = List.of(
                SendingRule.builder("t-day", "US-FL").window(LocalTime.of(8, 0), LocalTime.of(20, 0))
                        .subjectCap(3, Duration.ofHours(24)).source(URI.create("https://example.com/fl")).build(),
                SendingRule.builder("t-hour", "US-FL").window(LocalTime.of(8, 0), LocalTime.of(20, 0))
                        .subjectCap(2, Duration.ofHours(1)).source(URI.create("https://example.com/fl")).build());
        LimitStore memory = LimitStore.inMemory(policy);
        TinyPool pool = new TinyPool(LocalPostgres.newDatabase());
        LimitStore jdbc = JdbcLimitStore.builder(pool).tablePrefix("s_").createSchema(true)
                .clock(Clock.fixed(START, ZoneOffset.UTC)).build(policy);
        Random random = new Random(13);
        Instant at = START;
        EnumSet<Reason> seen = EnumSet.noneOf(Reason.class);
        int reserved = 0;
        for (int i = 0; i < 400; i++) {
            at = at.plusMillis(random.nextInt(3) == 0 ? random.nextInt(7_200_000) : random.nextInt(600_000));
            String subject = "subject-r" + random.nextInt(3) + "-" + random.nextInt(2);
            Usage u = new Usage("r" + random.nextInt(3), at, false, 1, null, subject, caps);
            if (random.nextInt(6) == 0) {
                same(memory.check(u), jdbc.check(u), i);
                continue;
            }
            Decision m = memory.reserve(u);
            Decision j = jdbc.reserve(u);
            same(m, j, i);
            if (m instanceof Reservation mr) {
                reserved++;
                if (random.nextInt(4) == 0) {
                    memory.release(mr);
                    jdbc.release((Reservation) j);
                } else {
                    memory.commit(mr);
                    jdbc.commit((Reservation) j);
                }
            } else {
                seen.add(((Denial) m).reason());
            }
        }
        assertThat(reserved).as("reservations (denials: %s)", seen).isGreaterThan(40);
        assertThat(seen).as("the sequence reaches both caps").contains(Reason.SUBJECT_CAP, Reason.RECIPIENT_DAILY_CAP);

        // a second store over the same tables refuses what the first would, and so does the first
        LimitStore other = JdbcLimitStore.builder(pool).tablePrefix("s_").clock(Clock.fixed(START, ZoneOffset.UTC))
                .build(policy);
        Instant later = at.plusMillis(1);
        for (int k = 0; k < 2; k++) {
            assertThat(other.reserve(new Usage("fresh", later.plusMillis(k), false, 1, null, "subject-full", caps)))
                    .isInstanceOf(Reservation.class);
        }
        Decision third = jdbc.reserve(new Usage("fresh", later.plusMillis(5), false, 1, null, "subject-full", caps));
        assertThat(third).isInstanceOf(Denial.class);
        assertThat(((Denial) third).reason()).isEqualTo(Reason.SUBJECT_CAP);
        assertThat(((Denial) third).detail()).contains("2 messages on this subject within 1 hours").contains("t-hour");
    }

    private static void same(Decision m, Decision j, int i) {
        if (m instanceof Denial md) {
            assertThat(j).as("decision #%d", i).isInstanceOf(Denial.class);
            Denial jd = (Denial) j;
            assertThat(jd.reason()).as("reason #%d", i).isEqualTo(md.reason());
            assertThat(jd.until()).as("until #%d (%s)", i, md.reason()).isEqualTo(md.until());
            assertThat(jd.detail()).as("detail #%d", i).isEqualTo(md.detail());
            return;
        }
        assertThat(j).as("decision #%d: %s", i, j).isInstanceOf(Reservation.class);
        Reservation mr = (Reservation) m;
        Reservation jr = (Reservation) j;
        assertThat(jr.day()).isEqualTo(mr.day());
        assertThat(jr.messagesToday()).as("messages #%d", i).isEqualTo(mr.messagesToday());
        assertThat(jr.spentToday()).as("spent #%d", i).isEqualByComparingTo(mr.spentToday());
        assertThat(jr.alerts()).as("alerts #%d", i).isEqualTo(mr.alerts());
    }
}
