package io.consentkit.jdbc;

import io.consentkit.send.LimitPolicy;
import io.consentkit.send.LimitStore;
import io.consentkit.send.LimitStore.Decision;
import io.consentkit.send.LimitStore.Denial;
import io.consentkit.send.LimitStore.Reservation;
import io.consentkit.send.LimitStore.Usage;
import io.consentkit.send.SendOutcome.Reason;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.math.BigDecimal;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.Currency;
import java.util.EnumSet;
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
