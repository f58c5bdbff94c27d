package io.consentkit.revocation;

import io.consentkit.InvalidInputException;
import org.junit.jupiter.api.Test;

import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneId;
import java.time.ZoneOffset;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The ten-business-day deadline: day 0 is the day of receipt in the business's zone. */
class BusinessDaysTest {
    static final ZoneId CHICAGO = ZoneId.of("America/Chicago");
    final BusinessDays days = BusinessDays.federal(CHICAGO);

    @Test
    void acrossAWeekend() {
        // Friday 2026-02-27 at noon: day 1 is Monday 03-02, day 5 Friday 03-06, day 10 Friday 03-13
        assertThat(days.deadline(Instant.parse("2026-02-27T18:00:00Z"))).isEqualTo(LocalDate.parse("2026-03-13"));
        // received on the Saturday or the Sunday: day 1 is still Monday 03-02
        assertThat(days.deadline(Instant.parse("2026-02-28T18:00:00Z"))).isEqualTo(LocalDate.parse("2026-03-13"));
        assertThat(days.deadline(Instant.parse("2026-03-01T18:00:00Z"))).isEqualTo(LocalDate.parse("2026-03-13"));
        // received on the Monday: day 10 is Monday 03-16
        assertThat(days.deadline(Instant.parse("2026-03-02T15:00:00Z"))).isEqualTo(LocalDate.parse("2026-03-16"));
    }

    @Test
    void acrossThanksgiving() {
        // Wednesday 2026-11-25; Thursday 11-26 is Thanksgiving, Friday 11-27 is a business day (day 1)
        assertThat(days.deadline(Instant.parse("2026-11-25T16:00:00Z"))).isEqualTo(LocalDate.parse("2026-12-10"));
        // a Wednesday with no holiday in its next two weeks: ten business days are fourteen calendar days
        assertThat(days.deadline(Instant.parse("2026-10-14T16:00:00Z"))).isEqualTo(LocalDate.parse("2026-10-28"));
    }

    @Test
    void acrossASaturdayIndependenceDayObservedOnFriday() {
        // Thursday 2026-07-02: Friday 07-03 is the observed holiday, day 1 is Monday 07-06
        assertThat(days.plusBusinessDays(LocalDate.parse("2026-07-02"), 1)).isEqualTo(LocalDate.parse("2026-07-06"));
        assertThat(days.deadline(Instant.parse("2026-07-02T15:00:00Z"))).isEqualTo(LocalDate.parse("2026-07-17"));
        assertThat(days.isBusinessDay(LocalDate.parse("2026-07-03"))).isFalse();
        assertThat(days.isBusinessDay(LocalDate.parse("2026-07-02"))).isTrue();
    }

    @Test
    void theDayOfReceiptIsTakenInTheBusinessZone() {
        // 22:30 on Thursday 2026-02-26 in Chicago is already Friday in UTC
        Instant lateThursday = Instant.parse("2026-02-27T04:30:00Z");
        assertThat(days.receiptDate(lateThursday)).isEqualTo(LocalDate.parse("2026-02-26"));
        assertThat(days.deadline(lateThursday)).isEqualTo(LocalDate.parse("2026-03-12"));
        assertThat(BusinessDays.federal(ZoneOffset.UTC).deadline(lateThursday)).isEqualTo(LocalDate.parse("2026-03-13"));
        // overdue from midnight after the last day, in the business zone
        assertThat(days.overdueAt(LocalDate.parse("2026-03-12"))).isEqualTo(Instant.parse("2026-03-13T05:00:00Z")); // CDT
    }

    @Test
    void aDeadlineAcrossTheYearEndSkipsChristmasAndTheDecember31Observance() {
        // Monday 2027-12-20: 12-24 (Christmas, Saturday) and 12-31 (New Year 2028, Saturday) are observed
        assertThat(days.deadline(Instant.parse("2027-12-20T15:00:00Z"))).isEqualTo(LocalDate.parse("2028-01-05"));
    }

    @Test
    void badInputIsRefused() {
        assertThatThrownBy(() -> days.plusBusinessDays(LocalDate.parse("2026-01-05"), -1))
                .isInstanceOf(InvalidInputException.class).hasMessageContaining("businessDays");
        assertThatThrownBy(() -> BusinessDays.federal(null)).isInstanceOf(InvalidInputException.class)
                .hasMessageContaining("zone");
    }
}
