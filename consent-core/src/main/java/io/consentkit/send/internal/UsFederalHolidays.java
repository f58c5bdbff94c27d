package io.consentkit.send.internal;

import java.time.DayOfWeek;
import java.time.LocalDate;
import java.time.Month;
import java.time.temporal.TemporalAdjusters;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The US federal legal public holidays of 5 U.S.C. 6103(a), computed per year: New Year's Day,
 * Birthday of Martin Luther King Jr. (third Monday of January), Washington's Birthday (third Monday
 * of February), Memorial Day (last Monday of May), Juneteenth (June 19, from 2021), Independence Day,
 * Labor Day (first Monday of September), Columbus Day (second Monday of October), Veterans Day,
 * Thanksgiving (fourth Thursday of November) and Christmas Day. A fixed-date holiday that falls on a
 * Saturday is observed the Friday before, on a Sunday the Monday after (5 U.S.C. 6103(b)); both the
 * date itself and the observed day count as holidays here, so a rule closed on holidays is closed on
 * either. Used by the sending rules' {@code us-federal} holiday list. Thread-safe.
 */
public final class UsFederalHolidays {
    private static final ConcurrentHashMap<Integer, Set<LocalDate>> BY_YEAR = new ConcurrentHashMap<>();

    private UsFederalHolidays() {
    }

    /** True if {@code date} is a federal holiday or the day one is observed. */
    public static boolean contains(LocalDate date) {
        if (of(date.getYear()).contains(date)) {
            return true;
        }
        // January 1 on a Saturday is observed on December 31 of the year before
        return date.getMonth() == Month.DECEMBER && date.getDayOfMonth() == 31
                && of(date.getYear() + 1).contains(date);
    }

    /** The holidays of {@code year}, with their observed days (which may fall in the year before). */
    public static Set<LocalDate> of(int year) {
        return BY_YEAR.computeIfAbsent(year, UsFederalHolidays::compute);
    }

    private static Set<LocalDate> compute(int year) {
        TreeSet<LocalDate> days = new TreeSet<>();
        fixed(days, LocalDate.of(year, Month.JANUARY, 1));
        days.add(nth(year, Month.JANUARY, DayOfWeek.MONDAY, 3));
        days.add(nth(year, Month.FEBRUARY, DayOfWeek.MONDAY, 3));
        days.add(LocalDate.of(year, Month.MAY, 1).with(TemporalAdjusters.lastInMonth(DayOfWeek.MONDAY)));
        if (year >= 2021) {
            fixed(days, LocalDate.of(year, Month.JUNE, 19));
        }
        fixed(days, LocalDate.of(year, Month.JULY, 4));
        days.add(nth(year, Month.SEPTEMBER, DayOfWeek.MONDAY, 1));
        days.add(nth(year, Month.OCTOBER, DayOfWeek.MONDAY, 2));
        fixed(days, LocalDate.of(year, Month.NOVEMBER, 11));
        days.add(nth(year, Month.NOVEMBER, DayOfWeek.THURSDAY, 4));
        fixed(days, LocalDate.of(year, Month.DECEMBER, 25));
        return Set.copyOf(days);
    }

    private static void fixed(Set<LocalDate> days, LocalDate date) {
        days.add(date);
        if (date.getDayOfWeek() == DayOfWeek.SATURDAY) {
            days.add(date.minusDays(1));
        } else if (date.getDayOfWeek() == DayOfWeek.SUNDAY) {
            days.add(date.plusDays(1));
        }
    }

    private static LocalDate nth(int year, Month month, DayOfWeek day, int n) {
        return LocalDate.of(year, month, 1).with(TemporalAdjusters.dayOfWeekInMonth(n, day));
    }
}
