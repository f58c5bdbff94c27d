package io.consentkit.revocation;

import io.consentkit.InvalidInputException;

import java.time.DayOfWeek;
import java.time.LocalDate;
import java.time.Month;
import java.time.temporal.TemporalAdjusters;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The legal public holidays of the United States (5 U.S.C. 6103(a)), computed for any year from
 * {@value #FIRST_YEAR} on, with the dates on which federal offices observe them.
 *
 * <p>The eleven holidays: New Year's Day (January 1), Birthday of Martin Luther King, Jr. (third
 * Monday in January, from 1986), Washington's Birthday (third Monday in February), Memorial Day
 * (last Monday in May), Juneteenth National Independence Day (June 19, from 2021), Independence Day
 * (July 4), Labor Day (first Monday in September), Columbus Day (second Monday in October),
 * Veterans Day (November 11), Thanksgiving Day (fourth Thursday in November) and Christmas Day
 * (December 25). The Monday dates are those of the Uniform Monday Holiday Act (in force since
 * 1971), hence the first year.
 *
 * <p><b>Observed dates</b> (5 U.S.C. 6103(b) and Executive Order 11582): a holiday that falls on a
 * Saturday is observed on the Friday before, one on a Sunday on the Monday after. So when
 * January 1 is a Saturday, New Year's Day is observed on Friday December 31 of the year before:
 * {@link #observed(int)} of that earlier year lists it, and the year itself has no observed New
 * Year's Day (2022-01-01 was a Saturday: observed 2021-12-31; 2028-01-01 is a Saturday: observed
 * 2027-12-31). Inauguration Day (a holiday only around Washington, D.C.) and holidays proclaimed
 * for one year only are not included.
 *
 * <p>Static and thread-safe; each year is computed once and cached.
 */
public final class FederalHolidays {
    /** The first year computed: the Uniform Monday Holiday Act took effect on 1971-01-01. */
    public static final int FIRST_YEAR = 1971;
    /** The last year computed. */
    public static final int LAST_YEAR = 9998;

    /**
     * One holiday in one year.
     *
     * @param name     its name in 5 U.S.C. 6103(a)
     * @param date     the date the statute names
     * @param observed the date federal offices are closed for it (a Friday or a Monday when
     *                 {@code date} falls on a weekend; may be in the year before)
     */
    public record Holiday(String name, LocalDate date, LocalDate observed) {
        public Holiday {
            Objects.requireNonNull(name, "name");
            Objects.requireNonNull(date, "date");
            Objects.requireNonNull(observed, "observed");
        }
    }

    private static final ConcurrentHashMap<Integer, List<Holiday>> BY_YEAR = new ConcurrentHashMap<>();

    private FederalHolidays() {
    }

    /**
     * The holidays <em>observed</em> in {@code year} (their {@link Holiday#observed()} date falls in
     * it), in date order: eleven in most years (ten from 1986 to 2020, nine before), one fewer when
     * January 1 is a Saturday, one more when the next January 1 is.
     *
     * @throws InvalidInputException if {@code year} is outside {@value #FIRST_YEAR}..{@value #LAST_YEAR}
     */
    public static List<Holiday> observed(int year) {
        check(year);
        return BY_YEAR.computeIfAbsent(year, FederalHolidays::compute);
    }

    /** True if federal offices are closed on {@code date} for a legal public holiday. */
    public static boolean isObservedHoliday(LocalDate date) {
        Objects.requireNonNull(date, "date");
        for (Holiday h : observed(date.getYear())) {
            if (h.observed().equals(date)) {
                return true;
            }
        }
        return false;
    }

    private static void check(int year) {
        if (year < FIRST_YEAR || year > LAST_YEAR) {
            throw new InvalidInputException("year", year + " is outside " + FIRST_YEAR + ".." + LAST_YEAR
                    + " (the Monday holidays date from the Uniform Monday Holiday Act of 1971)");
        }
    }

    private static List<Holiday> compute(int year) {
        List<Holiday> out = new ArrayList<>(12);
        for (Holiday h : statutory(year)) {
            if (h.observed().getYear() == year) {
                out.add(h);
            }
        }
        Holiday nextNewYear = fixed("New Year's Day", LocalDate.of(year + 1, Month.JANUARY, 1));
        if (nextNewYear.observed().getYear() == year) {
            out.add(nextNewYear); // a Saturday January 1: observed on Friday December 31
        }
        out.sort(Comparator.comparing(Holiday::observed));
        return List.copyOf(out);
    }

    /** The holidays whose statutory date is in {@code year}. */
    private static List<Holiday> statutory(int year) {
        List<Holiday> h = new ArrayList<>(11);
        h.add(fixed("New Year's Day", LocalDate.of(year, Month.JANUARY, 1)));
        if (year >= 1986) {
            h.add(monday("Birthday of Martin Luther King, Jr.", nth(year, Month.JANUARY, 3, DayOfWeek.MONDAY)));
        }
        h.add(monday("Washington's Birthday", nth(year, Month.FEBRUARY, 3, DayOfWeek.MONDAY)));
        h.add(monday("Memorial Day", LocalDate.of(year, Month.MAY, 1)
                .with(TemporalAdjusters.lastInMonth(DayOfWeek.MONDAY))));
        if (year >= 2021) {
            h.add(fixed("Juneteenth National Independence Day", LocalDate.of(year, Month.JUNE, 19)));
        }
        h.add(fixed("Independence Day", LocalDate.of(year, Month.JULY, 4)));
        h.add(monday("Labor Day", nth(year, Month.SEPTEMBER, 1, DayOfWeek.MONDAY)));
        h.add(monday("Columbus Day", nth(year, Month.OCTOBER, 2, DayOfWeek.MONDAY)));
        h.add(fixed("Veterans Day", LocalDate.of(year, Month.NOVEMBER, 11)));
        h.add(monday("Thanksgiving Day", nth(year, Month.NOVEMBER, 4, DayOfWeek.THURSDAY)));
        h.add(fixed("Christmas Day", LocalDate.of(year, Month.DECEMBER, 25)));
        return h;
    }

    private static LocalDate nth(int year, Month month, int n, DayOfWeek day) {
        return LocalDate.of(year, month, 1).with(TemporalAdjusters.dayOfWeekInMonth(n, day));
    }

    private static Holiday monday(String name, LocalDate date) {
        return new Holiday(name, date, date);
    }

    /** A holiday on a fixed date, moved off a weekend: Saturday to Friday, Sunday to Monday. */
    private static Holiday fixed(String name, LocalDate date) {
        LocalDate observed = switch (date.getDayOfWeek()) {
            case SATURDAY -> date.minusDays(1);
            case SUNDAY -> date.plusDays(1);
            default -> date;
        };
        return new Holiday(name, date, observed);
    }
}
