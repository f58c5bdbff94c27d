package io.consentkit.send;

import com.google.i18n.phonenumbers.PhoneNumberUtil;
import com.google.i18n.phonenumbers.geocoding.PhoneNumberOfflineGeocoder;
import io.consentkit.InvalidInputException;
import io.consentkit.phone.PhoneNumber;
import org.junit.jupiter.api.Test;

import java.time.Instant;
import java.time.LocalTime;
import java.time.ZoneId;
import java.util.List;
import java.util.Locale;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class QuietHoursTest {
    private static final PhoneNumber CHICAGO = PhoneNumber.of("+13125551234");     // Illinois, America/Chicago (no state rule)
    private static final PhoneNumber NEW_YORK = PhoneNumber.of("+12125551234");    // America/New_York
    private static final PhoneNumber MIAMI = PhoneNumber.of("+13055551234");       // Florida, America/New_York
    private static final PhoneNumber IDAHO = PhoneNumber.of("+12085551234");       // America/Boise + America/Los_Angeles
    private static final PhoneNumber TOLL_FREE = PhoneNumber.of("+18005550199");   // every NANP zone
    private static final PhoneNumber INTL_FREEPHONE = PhoneNumber.of("+80012345678"); // no zone known

    private final QuietHours defaults = QuietHours.defaults();

    private static Instant t(String iso) {
        return Instant.parse(iso);
    }

    @Test
    void insideTheWindowIsAllowedAsIs() {
        Instant noonCentral = t("2026-01-15T18:00:00Z");
        assertThat(defaults.nextAllowed(CHICAGO, noonCentral)).isEqualTo(noonCentral);
        assertThat(defaults.allows(CHICAGO, noonCentral)).isTrue();
    }

    @Test
    void windowEdgesAreStartInclusiveEndExclusive() {
        assertThat(defaults.allows(CHICAGO, t("2026-01-15T14:00:00Z"))).isTrue();   // 08:00 CST
        assertThat(defaults.allows(CHICAGO, t("2026-01-15T13:59:59Z"))).isFalse();  // 07:59:59
        assertThat(defaults.allows(CHICAGO, t("2026-01-16T02:59:59Z"))).isTrue();   // 20:59:59
        assertThat(defaults.allows(CHICAGO, t("2026-01-16T03:00:00Z"))).isFalse();  // 21:00
    }

    @Test
    void earlyMorningDefersToEightLocalTheSameDay() {
        assertThat(defaults.nextAllowed(CHICAGO, t("2026-01-15T13:59:00Z"))).isEqualTo(t("2026-01-15T14:00:00Z"));
    }

    @Test
    void lateEveningDefersAcrossMidnightToEightTheNextDay() {
        // 21:00 CST on the 15th, and 23:30 CST (already the 16th in UTC)
        assertThat(defaults.nextAllowed(CHICAGO, t("2026-01-16T03:00:00Z"))).isEqualTo(t("2026-01-16T14:00:00Z"));
        assertThat(defaults.nextAllowed(CHICAGO, t("2026-01-16T05:30:00Z"))).isEqualTo(t("2026-01-16T14:00:00Z"));
        // 00:30 local: the same local day's 08:00
        assertThat(defaults.nextAllowed(CHICAGO, t("2026-01-16T06:30:00Z"))).isEqualTo(t("2026-01-16T14:00:00Z"));
    }

    @Test
    void springForwardDayOpensAtEightDaylightTime() {
        // 2026-03-08: US clocks go 02:00 CST -> 03:00 CDT. 01:00 CST = 07:00Z; 08:00 CDT = 13:00Z (not 14:00Z)
        assertThat(defaults.nextAllowed(CHICAGO, t("2026-03-08T07:00:00Z"))).isEqualTo(t("2026-03-08T13:00:00Z"));
        // the evening before, still CST: 21:00 CST = 03:00Z -> next morning 08:00 CDT
        assertThat(defaults.nextAllowed(CHICAGO, t("2026-03-08T03:00:00Z"))).isEqualTo(t("2026-03-08T13:00:00Z"));
        // the evening of the change: 20:59 CDT allowed, 21:00 CDT = 02:00Z closed
        assertThat(defaults.allows(CHICAGO, t("2026-03-09T01:59:00Z"))).isTrue();
        assertThat(defaults.allows(CHICAGO, t("2026-03-09T02:00:00Z"))).isFalse();
    }

    @Test
    void fallBackDayOpensAtEightStandardTime() {
        // 2026-11-01: 02:00 CDT -> 01:00 CST. 01:30 CDT = 06:30Z; 08:00 CST = 14:00Z
        assertThat(defaults.nextAllowed(CHICAGO, t("2026-11-01T06:30:00Z"))).isEqualTo(t("2026-11-01T14:00:00Z"));
        // the repeated hour (01:30 CST = 07:30Z) gives the same answer
        assertThat(defaults.nextAllowed(CHICAGO, t("2026-11-01T07:30:00Z"))).isEqualTo(t("2026-11-01T14:00:00Z"));
    }

    @Test
    void aNumberSpanningTwoZonesMustBeInsideTheWindowInBoth() {
        assertThat(defaults.zonesOf(IDAHO)).containsExactlyInAnyOrder(ZoneId.of("America/Boise"),
                ZoneId.of("America/Los_Angeles"));
        // 08:30 MST in Boise but 07:30 PST in the Pacific part: wait for 08:00 PST
        assertThat(defaults.nextAllowed(IDAHO, t("2026-01-15T15:30:00Z"))).isEqualTo(t("2026-01-15T16:00:00Z"));
        // 21:30 MST (20:30 PST): closed in Boise; next morning 08:00 MST is 07:00 PST, so 08:00 PST
        assertThat(defaults.nextAllowed(IDAHO, t("2026-01-16T04:30:00Z"))).isEqualTo(t("2026-01-16T16:00:00Z"));
        // 20:30 PST is 21:30 MST: still closed although the Pacific window is open
        assertThat(defaults.allows(IDAHO, t("2026-01-16T04:30:00Z"))).isFalse();
        assertThat(defaults.allows(IDAHO, t("2026-01-16T03:59:00Z"))).isTrue(); // 20:59 MST, 19:59 PST
    }

    @Test
    void aCountryWithManyZonesUsesTheWindowCommonToAll() {
        PhoneNumber auMobile = PhoneNumber.of("+61412345678"); // Perth (UTC+8) ... Lord Howe (UTC+11) and more
        assertThat(defaults.zonesOf(auMobile)).hasSizeGreaterThan(3);
        Instant next = defaults.nextAllowed(auMobile, t("2026-01-15T00:00:00Z"));
        for (ZoneId z : defaults.zonesOf(auMobile)) {
            LocalTime local = next.atZone(z).toLocalTime();
            assertThat(local).as(z.getId()).isBetween(LocalTime.of(8, 0), LocalTime.of(20, 59, 59));
        }
        assertThat(defaults.allows(auMobile, next.minusSeconds(1))).isFalse();
    }

    @Test
    void floridaAreaCodesCloseAtEightPm() {
        Instant at2030Eastern = t("2026-01-16T01:30:00Z");
        assertThat(defaults.allows(NEW_YORK, at2030Eastern)).isTrue();
        assertThat(defaults.allows(MIAMI, at2030Eastern)).isFalse();
        assertThat(defaults.windowFor(MIAMI)).isEqualTo(new QuietHours.Window(LocalTime.of(8, 0), LocalTime.of(20, 0)));
        assertThat(defaults.nextAllowed(MIAMI, at2030Eastern)).isEqualTo(t("2026-01-16T13:00:00Z"));
        // without the Florida rule the default window applies
        assertThat(QuietHours.builder().build().allows(MIAMI, at2030Eastern)).isTrue();
    }

    @Test
    void everyFloridaAreaCodeIsInFloridaByTheGeocodingData() {
        PhoneNumberUtil util = PhoneNumberUtil.getInstance();
        PhoneNumberOfflineGeocoder geo = PhoneNumberOfflineGeocoder.getInstance();
        for (String code : QuietHours.FLORIDA_AREA_CODES) {
            String description = "";
            for (int nxx = 200; nxx < 1000 && description.isEmpty(); nxx++) {
                var pn = new com.google.i18n.phonenumbers.Phonenumber.PhoneNumber().setCountryCode(1)
                        .setNationalNumber(Long.parseLong(code + nxx + "4567"));
                if (util.isValidNumber(pn)) {
                    description = geo.getDescriptionForNumber(pn, Locale.ENGLISH);
                }
            }
            assertThat(description).as(code).matches(".*(, FL|Florida)$");
        }
    }

    @Test
    void theLongestMatchingPrefixWins() {
        QuietHours q = QuietHours.builder()
                .override("+1", LocalTime.of(9, 0), LocalTime.of(17, 0))
                .override("+1305", LocalTime.of(10, 0), LocalTime.of(12, 0))
                .build();
        assertThat(q.windowFor(MIAMI)).hasToString("10:00-12:00");
        assertThat(q.windowFor(NEW_YORK)).hasToString("09:00-17:00");
        assertThat(q.windowFor(PhoneNumber.of("+447911123456"))).hasToString("08:00-21:00");
    }

    @Test
    void aWindowMayWrapMidnight() {
        QuietHours night = QuietHours.builder().window(LocalTime.of(22, 0), LocalTime.of(6, 0)).build();
        // noon CST = 18:00Z -> 22:00 CST = 04:00Z next day
        assertThat(night.nextAllowed(CHICAGO, t("2026-01-15T18:00:00Z"))).isEqualTo(t("2026-01-16T04:00:00Z"));
        assertThat(night.allows(CHICAGO, t("2026-01-16T10:00:00Z"))).isTrue(); // 04:00 CST
    }

    @Test
    void tollFreeAndOtherNonGeographicNanpNumbersUseTheFourContiguousZones() {
        // issue 13 bug 3: +1 800/888/500 numbers mapped to every NANP zone from Guam (UTC+10) to Pago
        // Pago (UTC-11), leaving 22:00Z-00:30Z (~150 minutes, ~90 with Guam's window) a day to send
        for (String n : List.of("+18005550199", "+18885550100", "+15005550006", "+19005551234")) {
            PhoneNumber number = PhoneNumber.of(n);
            assertThat(defaults.zonesOf(number)).as(n).isEqualTo(QuietHours.DEFAULT_FALLBACK_ZONES);
            // 10:30 Eastern is 07:30 Pacific: wait for 08:00 Pacific (16:00Z), not 08:00 in Guam (22:00Z)
            assertThat(defaults.nextAllowed(number, t("2026-01-15T15:30:00Z"))).as(n).isEqualTo(t("2026-01-15T16:00:00Z"));
            assertThat(defaults.allows(number, t("2026-01-16T01:59:00Z"))).as(n).isTrue();  // 20:59 Eastern
            assertThat(defaults.allows(number, t("2026-01-16T02:00:00Z"))).as(n).isFalse(); // 21:00 Eastern
        }
        // 10 hours a day (11:00-21:00 Eastern), as documented, instead of 2.5
        assertThat(java.time.Duration.between(t("2026-01-15T16:00:00Z"), t("2026-01-16T02:00:00Z")).toHours()).isEqualTo(10);
        // the zones are configurable
        QuietHours eastern = QuietHours.builder().nonGeographicZones(List.of(ZoneId.of("America/New_York"))).build();
        assertThat(eastern.nextAllowed(TOLL_FREE, t("2026-01-15T12:30:00Z"))).isEqualTo(t("2026-01-15T13:00:00Z"));
        // a geographic number is unaffected
        assertThat(defaults.zonesOf(CHICAGO)).containsExactly(ZoneId.of("America/Chicago"));
    }

    @Test
    void zonesWithNoCommonWindowUseTheFallbackZones() {
        PhoneNumber auMobile = PhoneNumber.of("+61412345678"); // UTC+7 (Christmas Island) ... UTC+11 (Sydney)
        QuietHours narrow = QuietHours.builder()
                .override("+61", LocalTime.of(10, 0), LocalTime.of(12, 0))
                .fallbackZones(List.of(ZoneId.of("Australia/Sydney")))
                .build();
        // 2026-01-15T20:00Z is 07:00 on the 16th in Sydney (UTC+11): wait for 10:00 Sydney = 23:00Z
        assertThat(narrow.nextAllowed(auMobile, t("2026-01-15T20:00:00Z"))).isEqualTo(t("2026-01-15T23:00:00Z"));
        assertThat(narrow.zonesOf(auMobile)).containsExactly(ZoneId.of("Australia/Sydney"));
    }

    @Test
    void whenEvenTheFallbackZonesShareNoWindowTheNumbersFirstZoneDecides() {
        PhoneNumber auMobile = PhoneNumber.of("+61412345678");
        QuietHours narrow = QuietHours.builder().override("+61", LocalTime.of(10, 0), LocalTime.of(12, 0)).build();
        Instant next = narrow.nextAllowed(auMobile, t("2026-01-15T20:00:00Z"));
        ZoneId first = QuietHours.defaults().zonesOf(auMobile).get(0);
        assertThat(next.atZone(first).toLocalTime()).isEqualTo(LocalTime.of(10, 0));
    }

    @Test
    void unknownZonesUseTheFallbackZones() {
        assertThat(defaults.zonesOf(INTL_FREEPHONE)).isEqualTo(QuietHours.DEFAULT_FALLBACK_ZONES);
        QuietHours london = QuietHours.builder().fallbackZones(List.of(ZoneId.of("Europe/London"))).build();
        assertThat(london.nextAllowed(INTL_FREEPHONE, t("2026-01-15T07:00:00Z"))).isEqualTo(t("2026-01-15T08:00:00Z"));
    }

    @Test
    void noneAllowsEveryInstant() {
        Instant night = t("2026-01-16T08:00:00Z"); // 02:00 CST
        assertThat(QuietHours.none().enabled()).isFalse();
        assertThat(QuietHours.none().nextAllowed(CHICAGO, night)).isEqualTo(night);
        assertThat(defaults.allows(CHICAGO, night)).isFalse();
    }

    @Test
    void builderRejectsBadInputNamingTheField() {
        assertThatThrownBy(() -> QuietHours.builder().window(LocalTime.NOON, LocalTime.NOON))
                .isInstanceOf(InvalidInputException.class).extracting("field").isEqualTo("window");
        assertThatThrownBy(() -> QuietHours.builder().override("1305", LocalTime.of(8, 0), LocalTime.of(20, 0)))
                .isInstanceOf(InvalidInputException.class).extracting("field").isEqualTo("prefix");
        assertThatThrownBy(() -> QuietHours.builder().areaCodes(List.of("30"), LocalTime.of(8, 0), LocalTime.of(20, 0)))
                .isInstanceOf(InvalidInputException.class).extracting("field").isEqualTo("areaCode");
        assertThatThrownBy(() -> QuietHours.builder().fallbackZones(List.of()))
                .isInstanceOf(InvalidInputException.class).extracting("field").isEqualTo("fallbackZones");
        assertThatThrownBy(() -> QuietHours.builder().window(LocalTime.of(8, 0), LocalTime.of(9, 0))
                .fallbackZones(List.of(ZoneId.of("Pacific/Guam"), ZoneId.of("America/Adak"))).build())
                .isInstanceOf(InvalidInputException.class).extracting("field").isEqualTo("fallbackZones");
    }
}
