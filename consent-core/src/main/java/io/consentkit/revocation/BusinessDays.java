package io.consentkit.revocation;

import io.consentkit.InvalidInputException;

import java.time.DayOfWeek;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneId;
import java.util.Objects;

/**
 * Business-day arithmetic for the revocation deadline of 47 CFR 64.1200(a)(10): a revocation must be
 * honoured "within a reasonable time not to exceed ten business days of receipt" (FCC 24-24,
 * 89 FR 15756, in force since 2025-04-11). A business day is a Monday to Friday that is not an
 * observed federal holiday ({@link FederalHolidays}); weekends and federal holidays do not count.
 *
 * <p><b>How the days are counted.</b> The day of receipt is the date of the receipt instant in
 * {@link #zone()} (the business's zone). It is day 0, whatever its hour and whether or not it is a
 * business day; day 1 is the first business day <em>after</em> it, and the deadline is business day
 * {@code n} (10 by default): the request must be honoured by the end of that day, and it is overdue
 * from the start of the next calendar day in the zone ({@link #overdueAt}). This is the usual federal
 * rule for counting a period stated in days (exclude the day of the event that triggers the period,
 * count every following day, include the last day: Fed. R. Civ. P. 6(a)(1)), applied to business
 * days. Received on Wednesday 2026-11-25, the day before Thanksgiving: day 1 is Friday 11-27 and
 * day 10 is Thursday 2026-12-10. An app that wants a margin configures fewer days.
 *
 * <p>Immutable and thread-safe.
 */
public final class BusinessDays {
    /** The FCC's limit: ten business days. */
    public static final int FCC_REVOCATION_DAYS = 10;

    private final ZoneId zone;

    private BusinessDays(ZoneId zone) {
        this.zone = zone;
    }

    /** Business days on the US federal holiday calendar, with receipt dates taken in {@code zone}. */
    public static BusinessDays federal(ZoneId zone) {
        if (zone == null) {
            throw new InvalidInputException("zone", "is null");
        }
        return new BusinessDays(zone);
    }

    /** The zone whose calendar dates count. */
    public ZoneId zone() {
        return zone;
    }

    /** True for a Monday to Friday that is not an observed federal holiday. */
    public boolean isBusinessDay(LocalDate date) {
        Objects.requireNonNull(date, "date");
        DayOfWeek d = date.getDayOfWeek();
        return d != DayOfWeek.SATURDAY && d != DayOfWeek.SUNDAY && !FederalHolidays.isObservedHoliday(date);
    }

    /**
     * The {@code n}th business day after {@code date} ({@code date} itself never counts); {@code date}
     * for {@code n == 0}.
     *
     * @throws InvalidInputException if {@code n} is negative
     */
    public LocalDate plusBusinessDays(LocalDate date, int n) {
        Objects.requireNonNull(date, "date");
        if (n < 0) {
            throw new InvalidInputException("businessDays", "must be zero or positive (" + n + ")");
        }
        LocalDate d = date;
        for (int left = n; left > 0; ) {
            d = d.plusDays(1);
            if (isBusinessDay(d)) {
                left--;
            }
        }
        return d;
    }

    /** The day of receipt: the date of {@code receivedAt} in {@link #zone()}. */
    public LocalDate receiptDate(Instant receivedAt) {
        return Objects.requireNonNull(receivedAt, "receivedAt").atZone(zone).toLocalDate();
    }

    /** The last day to honour a request received at {@code receivedAt}: business day {@code n} after receipt. */
    public LocalDate deadline(Instant receivedAt, int n) {
        return plusBusinessDays(receiptDate(receivedAt), n);
    }

    /** {@link #deadline(Instant, int)} with the FCC's ten business days. */
    public LocalDate deadline(Instant receivedAt) {
        return deadline(receivedAt, FCC_REVOCATION_DAYS);
    }

    /** When a request whose last day is {@code deadline} becomes overdue: the start of the next day in the zone. */
    public Instant overdueAt(LocalDate deadline) {
        return Objects.requireNonNull(deadline, "deadline").plusDays(1).atStartOfDay(zone).toInstant();
    }

    @Override
    public String toString() {
        return "BusinessDays[federal, " + zone + "]";
    }
}
