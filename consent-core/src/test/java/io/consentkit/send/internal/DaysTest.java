package io.consentkit.send.internal;

import org.junit.jupiter.api.Test;

import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;

class DaysTest {
    private static final ZoneId NEW_YORK = ZoneId.of("America/New_York");

    private static long ms(String iso) {
        return Instant.parse(iso).toEpochMilli();
    }

    @Test
    void daysOfTwentyThreeAndTwentyFiveHours() {
        Days days = new Days(NEW_YORK);
        Days.Day spring = days.of(ms("2026-03-08T12:00:00Z"));
        assertThat(spring.date()).isEqualTo(LocalDate.of(2026, 3, 8));
        assertThat(spring.startMillis()).isEqualTo(ms("2026-03-08T05:00:00Z"));
        assertThat(spring.endMillis() - spring.startMillis()).isEqualTo(23 * 3_600_000L);
        Days.Day fall = days.of(ms("2026-11-01T12:00:00Z"));
        assertThat(fall.endMillis() - fall.startMillis()).isEqualTo(25 * 3_600_000L);
        assertThat(fall.endMillis()).isEqualTo(ms("2026-11-02T05:00:00Z"));
    }

    @Test
    void theDayChangesAtLocalMidnight() {
        Days days = new Days(NEW_YORK);
        assertThat(days.of(ms("2026-01-16T04:59:59.999Z")).date()).isEqualTo(LocalDate.of(2026, 1, 15));
        assertThat(days.of(ms("2026-01-16T05:00:00Z")).date()).isEqualTo(LocalDate.of(2026, 1, 16));
    }

    @Test
    void aDailyCounterNeverPassesItsCapAndResetsAtMidnight() throws Exception {
        Days days = new Days(NEW_YORK);
        WindowCounter counter = WindowCounter.daily(days, 50);
        long evening = ms("2026-03-08T03:00:00Z"); // 22:00 EST on the 7th
        AtomicInteger reserved = new AtomicInteger();
        ExecutorService pool = Executors.newFixedThreadPool(8);
        List<Future<?>> fs = new ArrayList<>();
        for (int t = 0; t < 8; t++) {
            fs.add(pool.submit(() -> {
                for (int i = 0; i < 100; i++) {
                    WindowCounter.Count c = counter.count(evening);
                    long used = counter.tryReserve(c, 1);
                    if (used > 0) {
                        reserved.incrementAndGet();
                        if (i % 3 == 0) {
                            counter.release(c, 1); // a failed send gives its place back
                            reserved.decrementAndGet();
                        }
                    }
                }
            }));
        }
        for (Future<?> f : fs) {
            f.get();
        }
        pool.shutdown();
        assertThat(reserved.get()).isEqualTo(50);
        assertThat(counter.count(evening).used()).isEqualTo(50);
        // 23:59:59 EST still the 7th; 00:00 EST the 8th is a fresh day
        assertThat(counter.tryReserve(counter.count(ms("2026-03-08T04:59:59Z")), 1)).isEqualTo(-1);
        WindowCounter.Count next = counter.count(ms("2026-03-08T05:00:00Z"));
        assertThat(days.of(next.startMillis()).date()).isEqualTo(LocalDate.of(2026, 3, 8));
        assertThat(next.startMillis()).isEqualTo(ms("2026-03-08T05:00:00Z"));
        assertThat(counter.tryReserve(next, 1)).isEqualTo(1);
    }
}
