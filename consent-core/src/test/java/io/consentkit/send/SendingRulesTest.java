package io.consentkit.send;

import io.consentkit.InvalidInputException;
import io.consentkit.phone.PhoneNumber;
import org.junit.jupiter.api.Test;

import java.io.StringReader;
import java.net.URI;
import java.time.DayOfWeek;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalTime;
import java.time.ZoneId;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The bundled rule pack, its loader and how {@link QuietHours} applies it (issue 13, build item 4). */
class SendingRulesTest {
    private static final PhoneNumber MIAMI = PhoneNumber.of("+13055551234");      // FL, America/New_York
    private static final PhoneNumber OKLAHOMA = PhoneNumber.of("+14055551234");   // OK, America/Chicago
    private static final PhoneNumber BALTIMORE = PhoneNumber.of("+14105551234");  // MD, America/New_York
    private static final PhoneNumber AUSTIN = PhoneNumber.of("+15125551234");     // TX, America/Chicago
    private static final PhoneNumber BIRMINGHAM = PhoneNumber.of("+12055551234"); // AL, America/Chicago
    private static final PhoneNumber CHICAGO = PhoneNumber.of("+13125551234");    // IL: no state rule
    private static final PhoneNumber TOLL_FREE = PhoneNumber.of("+18885550100");

    private final QuietHours defaults = QuietHours.defaults();

    private static Instant t(String iso) {
        return Instant.parse(iso);
    }

    private QuietHoursDecision check(PhoneNumber n, String state, String iso) {
        return defaults.check(n, state, t(iso));
    }

    @Test
    void theBundledPackIsVersionedAndEveryRuleCitesItsSource() {
        SendingRules pack = SendingRules.bundled();
        assertThat(pack.version()).isEqualTo(SendingRules.CURRENT_VERSION).isEqualTo("us-states-2026-12");
        assertThat(SendingRules.bundled("us-states-2026-12")).isSameAs(pack);
        assertThat(defaults.rules()).isSameAs(pack);
        assertThat(pack.rules()).extracting(SendingRule::jurisdiction)
                .contains("US", "US-FL", "US-OK", "US-MD", "US-TX", "US-AL", "US-LA", "US-MS");
        for (SendingRule r : pack.rules()) {
            assertThat(r.source().getScheme()).as(r.id()).startsWith("http");
        }
        SendingRule federal = pack.rule("us-tcpa").orElseThrow();
        assertThat(federal.windowOn(LocalDate.of(2026, 1, 18))).hasToString("08:00-21:00");
        SendingRule texas = pack.rule("us-tx-sb-140").orElseThrow();
        assertThat(texas.effectiveFrom()).isEqualTo(LocalDate.of(2025, 9, 1));
        assertThat(texas.windows().get(DayOfWeek.SATURDAY)).hasToString("09:00-21:00");
        assertThat(texas.windows().get(DayOfWeek.SUNDAY)).hasToString("12:00-21:00");
        for (String id : List.of("us-fl-501-616", "us-ok-775c-4", "us-md-stop-spam-calls")) {
            SendingRule r = pack.rule(id).orElseThrow();
            assertThat(r.subjectCap()).as(id).isEqualTo(3);
            assertThat(r.capPeriod().toHours()).as(id).isEqualTo(24);
            assertThat(r.windows().values()).as(id).allSatisfy(w -> assertThat(w).hasToString("08:00-20:00"));
        }
        assertThatThrownBy(() -> SendingRules.bundled("us-states-1999-01"))
                .isInstanceOf(InvalidInputException.class).hasMessageContaining("version")
                .hasMessageContaining("us-states-2026-12");
    }

    @Test
    void floridaOklahomaAndMarylandCloseAtEightPmLocal() {
        // Thursday 2026-01-15, 20:30 local in each
        QuietHoursDecision fl = check(MIAMI, "", "2026-01-16T01:30:00Z");
        assertThat(fl.nextAllowed()).isEqualTo(t("2026-01-16T13:00:00Z")); // 08:00 Eastern
        assertThat(fl.closedBy()).extracting(SendingRule::id).containsExactly("us-fl-501-616");
        assertThat(fl.subjectCaps()).extracting(SendingRule::id).containsExactly("us-fl-501-616");
        assertThat(fl.explain()).contains("us-fl-501-616", "US-FL", "08:00-20:00 on THURSDAY",
                "flsenate.gov", "us-states-2026-12", "area code 305 in FL");

        QuietHoursDecision ok = check(OKLAHOMA, "", "2026-01-16T02:30:00Z");
        assertThat(ok.nextAllowed()).isEqualTo(t("2026-01-16T14:00:00Z")); // 08:00 Central
        assertThat(ok.closedBy()).extracting(SendingRule::id).containsExactly("us-ok-775c-4");

        QuietHoursDecision md = check(BALTIMORE, "", "2026-01-16T01:30:00Z");
        assertThat(md.nextAllowed()).isEqualTo(t("2026-01-16T13:00:00Z"));
        assertThat(md.closedBy()).extracting(SendingRule::id).containsExactly("us-md-stop-spam-calls");

        // 19:59 local is still open; a state without a rule stays open until 21:00
        assertThat(check(OKLAHOMA, "", "2026-01-16T01:59:00Z").allowed()).isTrue();
        assertThat(check(CHICAGO, "", "2026-01-16T02:30:00Z").allowed()).isTrue();
    }

    @Test
    void texasOpensAtNoonOnSundayAndAtNineOnSaturday() {
        // Saturday 2026-01-17 10:00 CST: open (09:00-21:00); 08:30 waits for 09:00
        assertThat(check(AUSTIN, "", "2026-01-17T16:00:00Z").allowed()).isTrue();
        QuietHoursDecision sat = check(AUSTIN, "", "2026-01-17T14:30:00Z");
        assertThat(sat.nextAllowed()).isEqualTo(t("2026-01-17T15:00:00Z"));
        assertThat(sat.closedBy()).extracting(SendingRule::id).containsExactly("us-tx-sb-140");
        // Sunday 2026-01-18 10:00 CST: closed until 12:00 CST (18:00Z), though federal hours are open
        QuietHoursDecision sun = check(AUSTIN, "", "2026-01-18T16:00:00Z");
        assertThat(sun.nextAllowed()).isEqualTo(t("2026-01-18T18:00:00Z"));
        assertThat(sun.explain()).contains("us-tx-sb-140 (US-TX, 12:00-21:00 on SUNDAY, from 2025-09-01");
        // Sunday 20:59 open, 21:00 closed until Monday 09:00
        assertThat(check(AUSTIN, "", "2026-01-19T02:59:00Z").allowed()).isTrue();
        assertThat(check(AUSTIN, "", "2026-01-19T03:00:00Z").nextAllowed()).isEqualTo(t("2026-01-19T15:00:00Z"));
    }

    @Test
    void aRuleNotYetInEffectDoesNotApply() {
        // Sunday 2025-08-31 10:00 CDT: SB 140 starts the next day, only the federal 08:00-21:00 applies
        QuietHoursDecision before = check(AUSTIN, "", "2025-08-31T15:00:00Z");
        assertThat(before.allowed()).isTrue();
        // Sunday 2025-09-07 10:00 CDT: in force, so noon
        assertThat(check(AUSTIN, "", "2025-09-07T15:00:00Z").nextAllowed()).isEqualTo(t("2025-09-07T17:00:00Z"));
        // Maryland's act from 2024-01-01: 20:30 on 2023-12-29 was open, on 2024-01-05 it is not
        assertThat(check(BALTIMORE, "", "2023-12-30T01:30:00Z").allowed()).isTrue();
        assertThat(check(BALTIMORE, "", "2024-01-06T01:30:00Z").allowed()).isFalse();
        assertThat(SendingRules.bundled().inForce("US-MD", LocalDate.of(2023, 12, 31))).isEmpty();
        assertThat(SendingRules.bundled().inForce("US-MD", LocalDate.of(2024, 1, 1))).isPresent();
    }

    @Test
    void alabamaIsClosedOnSundaysAndFederalHolidays() {
        // Saturday 2026-01-17 20:30 CST: closed (08:00-20:00); Sunday closed; Monday 2026-01-19 is
        // Martin Luther King Jr. Day: closed; so Tuesday 08:00 CST
        QuietHoursDecision d = check(BIRMINGHAM, "", "2026-01-18T02:30:00Z");
        assertThat(d.nextAllowed()).isEqualTo(t("2026-01-20T14:00:00Z"));
        QuietHoursDecision holiday = check(BIRMINGHAM, "", "2026-01-19T18:00:00Z"); // noon on the holiday
        assertThat(holiday.allowed()).isFalse();
        assertThat(holiday.explain()).contains("us-al", "closed on us-federal holiday 2026-01-19");
        // the same noon in Illinois (no holiday rule) is open
        assertThat(check(CHICAGO, "", "2026-01-19T18:00:00Z").allowed()).isTrue();
    }

    @Test
    void federalHolidaysCountOnTheirOwnDateAndTheDayObserved() {
        SendingRule.Holidays federal = SendingRule.Holidays.US_FEDERAL;
        for (LocalDate d : List.of(LocalDate.of(2026, 1, 1), LocalDate.of(2026, 1, 19), LocalDate.of(2026, 2, 16),
                LocalDate.of(2026, 5, 25), LocalDate.of(2026, 6, 19), LocalDate.of(2026, 7, 3), LocalDate.of(2026, 7, 4),
                LocalDate.of(2026, 9, 7), LocalDate.of(2026, 10, 12), LocalDate.of(2026, 11, 11),
                LocalDate.of(2026, 11, 26), LocalDate.of(2026, 12, 25))) {
            assertThat(federal.contains(d)).as(d.toString()).isTrue();
        }
        assertThat(federal.contains(LocalDate.of(2027, 12, 31))).isTrue();  // 2028-01-01 is a Saturday
        assertThat(federal.contains(LocalDate.of(2028, 1, 1))).isTrue();
        assertThat(federal.contains(LocalDate.of(2020, 6, 19))).isFalse(); // Juneteenth from 2021
        assertThat(federal.contains(LocalDate.of(2026, 1, 20))).isFalse();
        assertThat(SendingRule.Holidays.NONE.contains(LocalDate.of(2026, 12, 25))).isFalse();
    }

    @Test
    void tollFreeNumbersGetTheFederalRuleInTheFourContiguousZonesAndNoStateRule() {
        QuietHoursDecision d = check(TOLL_FREE, "", "2026-01-15T15:30:00Z"); // 10:30 Eastern, 07:30 Pacific
        assertThat(d.zones()).isEqualTo(QuietHours.DEFAULT_FALLBACK_ZONES);
        assertThat(d.jurisdictions()).containsExactly("US");
        assertThat(d.basis()).isEqualTo("non-geographic number");
        assertThat(d.nextAllowed()).isEqualTo(t("2026-01-15T16:00:00Z"));
        assertThat(d.closedBy()).extracting(SendingRule::id).containsExactly("us-tcpa");
        assertThat(d.subjectCaps()).isEmpty();
    }

    @Test
    void aStateSpanningSeveralZonesWaitsForTheMostRestrictive() {
        // a Florida recipient (Eastern and Central): 07:30 Central is 08:30 Eastern, so wait for 08:00 Central
        QuietHoursDecision fl = check(MIAMI, "FL", "2026-01-15T13:30:00Z");
        assertThat(fl.zones()).containsExactlyInAnyOrder(ZoneId.of("America/New_York"), ZoneId.of("America/Chicago"));
        assertThat(fl.nextAllowed()).isEqualTo(t("2026-01-15T14:00:00Z"));
        // and 19:30 Central is 20:30 Eastern: closed
        assertThat(check(MIAMI, "FL", "2026-01-16T01:30:00Z").allowed()).isFalse();
        // Texas (Central and Mountain) on a Sunday: 12:00 CST is 11:00 MST, so 12:00 MST
        QuietHoursDecision tx = check(AUSTIN, "TX", "2026-01-18T18:00:00Z");
        assertThat(tx.nextAllowed()).isEqualTo(t("2026-01-18T19:00:00Z"));
        // an El Paso number (Mountain only by its area code) opens at 12:00 MST as well
        assertThat(defaults.zonesOf(PhoneNumber.of("+19155551234"))).containsExactly(ZoneId.of("America/Denver"));
    }

    @Test
    void theRecipientsStateBeatsTheAreaCode() {
        // a Miami number whose owner lives in Texas: 20:30 Eastern on Thursday is 19:30 Central, open in Texas
        QuietHoursDecision d = check(MIAMI, "TX", "2026-01-16T01:30:00Z");
        assertThat(d.allowed()).isTrue();
        assertThat(d.jurisdictions()).containsExactly("US", "US-TX");
        assertThat(d.basis()).isEqualTo("recipient state TX");
        assertThat(d.subjectCaps()).isEmpty(); // Texas has no per-subject cap; Florida's is not applied
        // and a Sunday morning is closed by the Texas rule, not Florida's
        QuietHoursDecision sunday = check(MIAMI, "TX", "2026-01-18T16:00:00Z");
        assertThat(sunday.closedBy()).extracting(SendingRule::id).containsExactly("us-tx-sb-140");
        // an Austin number whose owner lives in Florida gets Florida's cap
        assertThat(check(AUSTIN, "FL", "2026-01-15T18:00:00Z").subjectCaps()).extracting(SendingRule::id)
                .containsExactly("us-fl-501-616");
        assertThatThrownBy(() -> defaults.check(MIAMI, "XX", t("2026-01-15T18:00:00Z")))
                .isInstanceOf(InvalidInputException.class).extracting("field").isEqualTo("recipientState");
    }

    @Test
    void usersOverrideAndAddRulesAndPinTheVersion() {
        SendingRules mine = SendingRules.bundled().toBuilder()
                .version("us-states-2026-12+acme")
                .put(SendingRule.builder("us-tx-sb-140", "US-TX").window(LocalTime.of(10, 0), LocalTime.of(18, 0))
                        .source(URI.create("https://acme.example/policy")).build())
                .put(SendingRule.builder("acme-il", "US-IL").window(LocalTime.of(9, 0), LocalTime.of(20, 0))
                        .closed(DayOfWeek.SUNDAY).source(URI.create("https://acme.example/policy")).build())
                .remove("us-fl-501-616")
                .build();
        QuietHours hours = QuietHours.builder().rules(mine).build();
        assertThat(mine.version()).isEqualTo("us-states-2026-12+acme");
        assertThat(SendingRules.bundled().rule("us-fl-501-616")).isPresent(); // the bundled pack is unchanged
        // Saturday 17:59 CST open, 18:00 closed in Texas by the replaced rule
        assertThat(hours.allows(AUSTIN, t("2026-01-17T23:59:00Z"))).isTrue();
        assertThat(hours.check(AUSTIN, "", t("2026-01-18T00:00:00Z")).explain()).contains("acme.example")
                .contains("us-states-2026-12+acme");
        // Illinois is closed on Sundays by the added rule; Florida is open until 21:00 without its rule
        assertThat(hours.allows(CHICAGO, t("2026-01-18T18:00:00Z"))).isFalse();
        assertThat(hours.allows(MIAMI, t("2026-01-16T01:30:00Z"))).isTrue();
        // a plain builder applies no pack; defaults() applies the bundled one
        assertThat(QuietHours.builder().build().rules().rules()).isEmpty();
    }

    @Test
    void aMalformedPackIsRejectedWithATypedErrorNamingTheRuleAndField() {
        String header = "# version: test-1\n" + String.join(",", SendingRules.COLUMNS) + "\n";
        String good = "ok-1,US-OK,,08:00-20:00,08:00-20:00,08:00-20:00,08:00-20:00,08:00-20:00,08:00-20:00,"
                + "08:00-20:00,none,3,24,https://example.com/ok,\n";
        assertThat(SendingRules.parse("test.csv", new StringReader(header + good)).rules()).hasSize(1);

        String badSaturday = good.replace("ok-1", "ok-2").replaceFirst("(08:00-20:00,){5}08:00-20:00",
                "08:00-20:00,08:00-20:00,08:00-20:00,08:00-20:00,08:00-20:00,25:00-20:00");
        assertThatThrownBy(() -> SendingRules.parse("test.csv", new StringReader(header + good + badSaturday)))
                .isInstanceOfSatisfying(RulePackException.class, e -> {
                    assertThat(e.rule()).isEqualTo("ok-2");
                    assertThat(e.field()).isEqualTo("sat");
                    assertThat(e.line()).isEqualTo(4);
                    assertThat(e.pack()).isEqualTo("test.csv");
                    assertThat(e).isInstanceOf(InvalidInputException.class)
                            .hasMessageContaining("rule pack test.csv, line 4, rule ok-2: sat '25:00-20:00'");
                });
        assertThatThrownBy(() -> SendingRules.parse("t", new StringReader(header + good.replace("none", "easter"))))
                .isInstanceOfSatisfying(RulePackException.class, e -> assertThat(e.field()).isEqualTo("holidays"));
        assertThatThrownBy(() -> SendingRules.parse("t", new StringReader(header + good.replace(",3,24,", ",3,0,"))))
                .isInstanceOfSatisfying(RulePackException.class, e -> assertThat(e.field()).isEqualTo("subject_cap"));
        assertThatThrownBy(() -> SendingRules.parse("t", new StringReader(header + good.replace("https://example.com/ok", "n/a"))))
                .isInstanceOfSatisfying(RulePackException.class, e -> assertThat(e.field()).isEqualTo("source"));
        assertThatThrownBy(() -> SendingRules.parse("t", new StringReader(header + good.replace(",,08:00", ",2025-13-01,08:00"))))
                .isInstanceOfSatisfying(RulePackException.class, e -> assertThat(e.field()).isEqualTo("effective_from"));
        assertThatThrownBy(() -> SendingRules.parse("t", new StringReader(header + good + good)))
                .isInstanceOfSatisfying(RulePackException.class, e -> assertThat(e.field()).isEqualTo("id"));
        assertThatThrownBy(() -> SendingRules.parse("t", new StringReader(header.replace("# version: test-1\n", "") + good)))
                .isInstanceOfSatisfying(RulePackException.class, e -> {
                    assertThat(e.field()).isEqualTo("version");
                    assertThat(e.rule()).isEmpty();
                });
        assertThatThrownBy(() -> SendingRules.parse("t", new StringReader(header.replace(",note", "") + good)))
                .isInstanceOfSatisfying(RulePackException.class, e -> assertThat(e.field()).isEqualTo("header"));
        String allClosed = "shut,US-OK,,closed,closed,closed,closed,closed,closed,closed,none,0,0,https://example.com/x,\n";
        assertThatThrownBy(() -> SendingRules.parse("t", new StringReader(header + allClosed)))
                .isInstanceOfSatisfying(RulePackException.class, e -> {
                    assertThat(e.rule()).isEqualTo("shut");
                    assertThat(e.problem()).contains("closed every day");
                });
    }

    @Test
    void zipCodesMapToTheirState() {
        assertThat(OutboundMessage.builder("+13055551234").body("hi").recipientZip("73301").build().recipientState())
                .isEqualTo("TX");
        assertThat(OutboundMessage.builder("+13055551234").body("hi").recipientZip("33101-1234").build().recipientState())
                .isEqualTo("FL");
        assertThat(OutboundMessage.builder("+13055551234").body("hi").recipientZip("73101").build().recipientState())
                .isEqualTo("OK");
        assertThat(OutboundMessage.builder("+13055551234").body("hi").recipientState("md").build().recipientState())
                .isEqualTo("MD");
        assertThatThrownBy(() -> OutboundMessage.builder("+13055551234").recipientZip("7330"))
                .isInstanceOf(InvalidInputException.class).extracting("field").isEqualTo("recipientZip");
        assertThatThrownBy(() -> OutboundMessage.builder("+13055551234").recipientZip("09012")) // military (AE)
                .isInstanceOf(InvalidInputException.class).hasMessageContaining("090");
        assertThatThrownBy(() -> OutboundMessage.builder("+13055551234").body("hi").recipientState("Texas").build())
                .isInstanceOf(InvalidInputException.class).extracting("field").isEqualTo("recipientState");
    }
}
