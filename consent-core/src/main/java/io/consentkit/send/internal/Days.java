package io.consentkit.send.internal;

import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneId;

/**
 * Calendar days in one zone, as [start, end) millisecond ranges: exact on days of 23 or 25 hours
 * (daylight-saving changes) and in zones where midnight itself may be skipped. The last range is
 * cached, so the common case is two comparisons. Thread-safe.
 */
public final class Days {
    private final ZoneId zone;
    private volatile Day last;

    /** One calendar day: its date and its [start, end) in epoch milliseconds. */
    public record Day(LocalDate date, long startMillis, long endMillis) {
        public boolean contains(long millis) {
            return millis >= startMillis && millis < endMillis;
        }
    }

    public Days(ZoneId zone) {
        this.zone = zone;
        this.last = compute(Instant.EPOCH.toEpochMilli());
    }

    public ZoneId zone() {
        return zone;
    }

    /** The day containing {@code millis}. */
    public Day of(long millis) {
        Day d = last;
        if (d.contains(millis)) {
            return d;
        }
        d = compute(millis);
        last = d;
        return d;
    }

    private Day compute(long millis) {
        LocalDate date = Instant.ofEpochMilli(millis).atZone(zone).toLocalDate();
        long start = date.atStartOfDay(zone).toInstant().toEpochMilli();
        long end = date.plusDays(1).atStartOfDay(zone).toInstant().toEpochMilli();
        return new Day(date, start, end);
    }
}
