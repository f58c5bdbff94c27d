package io.consentkit.revocation;

import io.consentkit.InvalidInputException;
import org.junit.jupiter.api.Test;

import java.time.LocalDate;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The observed dates against the federal holiday lists OPM publishes for each year. */
class FederalHolidaysTest {

    private static List<LocalDate> observed(int year) {
        return FederalHolidays.observed(year).stream().map(FederalHolidays.Holiday::observed).toList();
    }

    private static List<LocalDate> dates(String... iso) {
        return java.util.Arrays.stream(iso).map(LocalDate::parse).toList();
    }

    @Test
    void year2026ObservesIndependenceDayOnFridayJuly3() {
        assertThat(observed(2026)).containsExactlyElementsOf(dates("2026-01-01", "2026-01-19", "2026-02-16",
                "2026-05-25", "2026-06-19", "2026-07-03", "2026-09-07", "2026-10-12", "2026-11-11", "2026-11-26",
                "2026-12-25"));
        FederalHolidays.Holiday july = FederalHolidays.observed(2026).get(5);
        assertThat(july.name()).isEqualTo("Independence Day");
        assertThat(july.date()).isEqualTo(LocalDate.parse("2026-07-04")); // a Saturday
        assertThat(july.observed()).isEqualTo(LocalDate.parse("2026-07-03"));
    }

    @Test
    void aSaturdayNewYearIsObservedOnDecember31OfTheYearBefore() {
        // 2028-01-01 is a Saturday: 2027 has twelve observed holidays, 2028 has no New Year's Day
        assertThat(observed(2027)).containsExactlyElementsOf(dates("2027-01-01", "2027-01-18", "2027-02-15",
                "2027-05-31", "2027-06-18", "2027-07-05", "2027-09-06", "2027-10-11", "2027-11-11", "2027-11-25",
                "2027-12-24", "2027-12-31"));
        assertThat(FederalHolidays.observed(2027).get(11).date()).isEqualTo(LocalDate.parse("2028-01-01"));
        assertThat(observed(2028)).containsExactlyElementsOf(dates("2028-01-17", "2028-02-21", "2028-05-29",
                "2028-06-19", "2028-07-04", "2028-09-04", "2028-10-09", "2028-11-10", "2028-11-23", "2028-12-25"));
        assertThat(observed(2021)).hasSize(12).contains(LocalDate.parse("2021-12-31"));
        assertThat(observed(2022)).hasSize(10).noneMatch(d -> d.getMonthValue() == 1 && d.getDayOfMonth() < 10);
    }

    @Test
    void sundayHolidaysMoveToMonday() {
        assertThat(observed(2022)).contains(LocalDate.parse("2022-06-20"), LocalDate.parse("2022-12-26"));
        assertThat(observed(2023)).containsExactlyElementsOf(dates("2023-01-02", "2023-01-16", "2023-02-20",
                "2023-05-29", "2023-06-19", "2023-07-04", "2023-09-04", "2023-10-09", "2023-11-10", "2023-11-23",
                "2023-12-25"));
        assertThat(FederalHolidays.isObservedHoliday(LocalDate.parse("2027-07-05"))).isTrue();
        assertThat(FederalHolidays.isObservedHoliday(LocalDate.parse("2027-07-04"))).isFalse(); // the Sunday itself
    }

    @Test
    void holidaysStartInTheYearTheirLawDoes() {
        assertThat(FederalHolidays.observed(2020)).extracting(FederalHolidays.Holiday::name)
                .doesNotContain("Juneteenth National Independence Day").hasSize(10);
        assertThat(FederalHolidays.observed(1985)).extracting(FederalHolidays.Holiday::name)
                .doesNotContain("Birthday of Martin Luther King, Jr.");
        assertThat(FederalHolidays.observed(1986)).extracting(FederalHolidays.Holiday::name)
                .contains("Birthday of Martin Luther King, Jr.");
    }

    @Test
    void everyYearHasItsHolidaysOnWeekdaysInOrder() {
        for (int year = FederalHolidays.FIRST_YEAR; year <= 2200; year++) {
            List<LocalDate> days = observed(year);
            int y = year;
            assertThat(days).as("%d", year).isSorted().doesNotHaveDuplicates().allMatch(d -> d.getYear() == y)
                    .allMatch(d -> d.getDayOfWeek().getValue() <= 5);
            assertThat(days.size()).as("%d", year).isBetween(8, 12);
        }
    }

    @Test
    void yearsOutsideTheRangeAreRefused() {
        assertThatThrownBy(() -> FederalHolidays.observed(1970)).isInstanceOf(InvalidInputException.class)
                .hasMessageContaining("year").hasMessageContaining("1970");
        assertThatThrownBy(() -> FederalHolidays.observed(9999)).isInstanceOf(InvalidInputException.class);
    }
}
