package io.consentkit.consent;

import io.consentkit.InvalidInputException;
import io.consentkit.journal.ConsentRecord;
import io.consentkit.journal.ConsentStatus;
import io.consentkit.journal.RevocationMethod;
import io.consentkit.phone.PhoneNumber;
import io.consentkit.store.InMemoryConsentStore;
import io.consentkit.testkit.SettableClock;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Programs, brands and senders: scoped lookups, scoped revocation and the revocation policy. */
class ConsentScopesTest {
    static final String MARKETING_SENDER = "+15125550100";
    static final String ALERTS_SENDER = "+15125550199";
    static final String SOLAR_SENDER = "+15125550200";
    static final PhoneNumber ANN = PhoneNumber.of("+15125551234");

    private final SettableClock clock = SettableClock.at("2026-06-01T15:00:00Z");

    static Programs programs(RevocationPolicy policy) {
        return Programs.builder()
                .defaultProgram("marketing", "basin")
                .program("marketing", "basin", MARKETING_SENDER)
                .program("alerts", "basin", ALERTS_SENDER, "MG0123456789ABCDEF0123456789abcdef")
                .program("solar", "greenwatt", SOLAR_SENDER)
                .policy(policy)
                .build();
    }

    private ConsentTracker tracker(RevocationPolicy policy) {
        return ConsentTracker.builder(new InMemoryConsentStore()).brand("Basin Climbing").clock(clock)
                .programs(programs(policy)).build();
    }

    private ConsentRecord optIn(ConsentTracker t, String program) {
        clock.advance(Duration.ofSeconds(1));
        return t.recordConsent(ConsentRequest.builder(ANN.e164(), "keyword", "Reply YES for " + program)
                .program(program).build());
    }

    private List<ConsentRecord> stop(ConsentTracker t, String to, boolean stopAll) {
        clock.advance(Duration.ofSeconds(1));
        return t.revokeFromSender(ANN, to, stopAll, RevocationMethod.STOP_KEYWORD, "texted STOP",
                Map.of("message_sid", "SM1", "to", to));
    }

    @Test
    void aStopToTheAlertsSenderUnderSenderLeavesMarketingActive() {
        ConsentTracker t = tracker(RevocationPolicy.SENDER);
        optIn(t, "marketing");
        optIn(t, "alerts");
        List<ConsentRecord> rows = stop(t, ALERTS_SENDER, false);
        assertThat(rows).singleElement().satisfies(r -> {
            assertThat(r.program()).isEqualTo("alerts");
            assertThat(r.brand()).isEmpty(); // the default brand is written empty
            assertThat(r.channel()).isEqualTo("sms");
            assertThat(r.metadata()).containsEntry("revoke_to", ALERTS_SENDER);
        });
        assertThat(t.isActive(ANN, "marketing")).isTrue();
        assertThat(t.isActive(ANN.e164(), "marketing")).isTrue();
        assertThat(t.isActive(ANN, "alerts")).isFalse();
        assertThat(t.isOptedOut(ANN, "alerts")).isTrue();
        assertThat(t.isOptedOut(ANN, "marketing")).isFalse();
        assertThat(t.isActive(ANN)).as("unscoped: the default program, marketing").isTrue();
    }

    @Test
    void aStopToTheAlertsSenderUnderAllRevokesTheWholeBrand() {
        ConsentTracker t = tracker(RevocationPolicy.ALL);
        optIn(t, "marketing");
        optIn(t, "alerts");
        optIn(t, "solar");
        assertThat(stop(t, ALERTS_SENDER, false)).extracting(ConsentRecord::program)
                .containsExactlyInAnyOrder("", "alerts");
        assertThat(t.isActive(ANN, "marketing")).isFalse();
        assertThat(t.isActive(ANN, "alerts")).isFalse();
        assertThat(t.isActive(ANN)).isFalse();
        assertThat(t.isActive(ANN, "solar")).as("another brand").isTrue();
    }

    @Test
    void stopAllRevokesEverythingIncludingOtherBrands() {
        ConsentTracker t = tracker(RevocationPolicy.SENDER);
        optIn(t, "marketing");
        optIn(t, "solar");
        // the two consents revoked, and a suppression of everything: alerts had no consent to revoke
        assertThat(stop(t, ALERTS_SENDER, true)).hasSize(3).last().satisfies(r -> assertThat(r.isSuppression()).isTrue());
        for (String p : List.of("marketing", "alerts", "solar")) {
            assertThat(t.isActive(ANN, p)).as(p).isFalse();
        }
        assertThat(t.isOptedOut(ANN, "marketing")).isTrue();
        assertThat(t.isOptedOut(ANN, "solar")).isTrue();
        // nothing was active in alerts, yet STOPALL opts the number out of it too
        assertThat(t.isOptedOut(ANN, "alerts")).isTrue();
    }

    @Test
    void stopAllWithNothingActiveWritesASuppressionOfEverything() {
        ConsentTracker t = tracker(RevocationPolicy.SENDER);
        ConsentRecord row = stop(t, SOLAR_SENDER, true).get(0);
        assertThat(row.isSuppression()).isTrue();
        assertThat(row.program()).isEmpty();
        assertThat(row.brand()).isEmpty();
        for (String p : List.of("marketing", "alerts", "solar")) {
            assertThat(t.isOptedOut(ANN, p)).as(p).isTrue();
        }
    }

    @Test
    void theRevokeAllDateWidensSenderToTheBrand() {
        Instant date = Programs.FCC_REVOKE_ALL_DATE;
        clock.set(date.minus(Duration.ofMinutes(5)));
        ConsentTracker t = tracker(RevocationPolicy.SENDER);
        optIn(t, "marketing");
        optIn(t, "alerts");
        assertThat(clock.instant()).isBefore(date);
        stop(t, ALERTS_SENDER, false);
        assertThat(t.isActive(ANN, "marketing")).as("before 2027-01-31").isTrue();

        optIn(t, "alerts");
        clock.set(date);
        stop(t, ALERTS_SENDER, false);
        assertThat(t.isActive(ANN, "marketing")).as("from 2027-01-31").isFalse();
        assertThat(t.isActive(ANN, "alerts")).isFalse();
        assertThat(t.isActive(ANN, "solar")).isFalse(); // never consented
    }

    @Test
    void theRevokeAllSwitchIsConfigurableOrOff() {
        Programs off = Programs.builder().defaultProgram("marketing", "basin").program("alerts", "basin", ALERTS_SENDER)
                .policy(RevocationPolicy.SENDER).revokeAllOff().build();
        Instant later = Instant.parse("2030-01-01T00:00:00Z");
        assertThat(off.revokeAllFrom()).isEmpty();
        assertThat(off.resolve(ALERTS_SENDER, false, later)).isEqualTo(RevocationScope.program("alerts"));
        Programs early = Programs.builder().defaultProgram("marketing", "basin").program("alerts", "basin", ALERTS_SENDER)
                .policy(RevocationPolicy.SENDER).revokeAllFrom(Instant.parse("2026-01-01T00:00:00Z")).build();
        assertThat(early.resolve(ALERTS_SENDER, false, clock.instant())).isEqualTo(RevocationScope.brand("basin"));
        assertThat(early.resolve(ALERTS_SENDER, true, clock.instant())).isEqualTo(RevocationScope.all());
    }

    @Test
    void anUnknownSenderIsTheDefaultProgramsBrandUnderAllAndTheDefaultProgramUnderSender() {
        Instant before = Instant.parse("2026-06-01T00:00:00Z");
        assertThat(programs(RevocationPolicy.ALL).programsForSender("+15125550999")).extracting(Program::name)
                .containsExactly("marketing");
        assertThat(programs(RevocationPolicy.ALL).resolve("+15125550999", false, before))
                .isEqualTo(RevocationScope.brand("basin"));
        assertThat(programs(RevocationPolicy.SENDER).resolve("not a sender", false, before))
                .isEqualTo(RevocationScope.program("marketing"));
        assertThat(programs(RevocationPolicy.SENDER).programsForSender("sms:MG0123456789abcdef0123456789ABCDEF"))
                .extracting(Program::name).containsExactly("alerts");
    }

    @Test
    void aLegacyRowAnswersForTheDefaultProgramAndTheUnscopedCall() {
        InMemoryConsentStore store = new InMemoryConsentStore();
        ConsentRecord legacy = new ConsentRecord("00000000000000a1", Instant.parse("2024-01-01T00:00:00Z"), ANN,
                "web_form", "I agree", "", "", "", "", "", Map.of(), ConsentStatus.ACTIVE, null, "");
        store.append(List.of(legacy));
        ConsentTracker t = ConsentTracker.builder(store).clock(clock).programs(programs(RevocationPolicy.ALL)).build();
        assertThat(t.isActive(ANN)).isTrue();
        assertThat(t.isActive(ANN.e164())).isTrue();
        assertThat(t.isActive(ANN, "marketing")).isTrue();
        assertThat(t.isActive(ANN, "alerts")).isFalse();
        assertThat(t.status(ANN, "marketing")).contains(legacy);
        assertThat(t.status(ANN, "alerts")).isEmpty();
        assertThat(t.activeConsents("marketing")).containsExactly(legacy);
        assertThat(t.activeNumbers("marketing")).containsExactly(ANN);
        assertThat(t.activeNumbers("alerts")).isEmpty();
        // and on a tracker without programs, the same row is the one program's
        ConsentTracker plain = ConsentTracker.builder(store).clock(clock).build();
        assertThat(plain.isActive(ANN, Programs.DEFAULT_NAME)).isTrue();
        assertThat(plain.programs().defaultProgram().name()).isEqualTo("default");
    }

    @Test
    void aLegacySuppressionBlocksEveryProgramAndAnOptInLiftsOnlyItsOwn() {
        ConsentTracker t = tracker(RevocationPolicy.SENDER);
        t.revoke(ANN, RevocationMethod.CUSTOMER_REQUEST, "asked at the desk"); // unscoped: a legacy-shaped row
        assertThat(t.history(ANN)).singleElement().satisfies(r -> assertThat(r.isLegacyShaped()).isTrue());
        for (String p : List.of("marketing", "alerts", "solar")) {
            assertThat(t.isOptedOut(ANN, p)).as(p).isTrue();
        }
        optIn(t, "alerts");
        assertThat(t.isActive(ANN, "alerts")).isTrue();
        assertThat(t.isOptedOut(ANN, "alerts")).isFalse();
        assertThat(t.isOptedOut(ANN, "marketing")).isTrue();
        assertThat(t.isOptedOut(ANN, "solar")).isTrue();
        assertThat(t.isOptedOut(ANN)).isTrue();
    }

    @Test
    void aBrandSuppressionBlocksThatBrandsProgramsOnly() {
        ConsentTracker t = tracker(RevocationPolicy.SENDER);
        ConsentRecord row = t.revoke(new RevocationRequest(ANN, RevocationScope.brand("basin"), ConsentChannel.EMAIL,
                RevocationMethod.CUSTOMER_REQUEST, "emailed support", Map.of())).get(0);
        assertThat(row.isSuppression()).isTrue();
        assertThat(row.program()).isEmpty();
        assertThat(row.brand()).as("the default brand named, or it would mean everything").isEqualTo("basin");
        assertThat(row.channel()).isEqualTo("email");
        assertThat(t.isOptedOut(ANN, "marketing")).isTrue();
        assertThat(t.isOptedOut(ANN, "alerts")).isTrue();
        assertThat(t.isOptedOut(ANN, "solar")).isFalse();
        optIn(t, "solar");
        assertThat(t.isActive(ANN, "solar")).isTrue();
        optIn(t, "marketing");
        assertThat(t.isActive(ANN, "marketing")).isTrue();
        assertThat(t.isOptedOut(ANN, "alerts")).as("an opt-in lifts its own program only").isTrue();
    }

    @Test
    void aProgramSuppressionBlocksThatProgramOnly() {
        ConsentTracker t = tracker(RevocationPolicy.SENDER);
        ConsentRecord row = t.revoke(new RevocationRequest(ANN, RevocationScope.program("marketing"),
                ConsentChannel.WEB, RevocationMethod.CUSTOMER_REQUEST, null, null)).get(0);
        assertThat(row.program()).isEqualTo("marketing");
        assertThat(row.brand()).isEqualTo("basin");
        assertThat(t.isOptedOut(ANN, "marketing")).isTrue();
        assertThat(t.isOptedOut(ANN)).isTrue();
        assertThat(t.isOptedOut(ANN, "alerts")).isFalse();
        assertThat(t.status(ANN, "marketing")).contains(row);
        assertThat(t.status(ANN, "alerts")).isEmpty();
    }

    @Test
    void theRowsCarryTheirScopeThroughHistory() {
        ConsentTracker t = tracker(RevocationPolicy.SENDER);
        ConsentRecord m = optIn(t, "marketing");
        ConsentRecord s = optIn(t, "solar");
        stop(t, SOLAR_SENDER, false);
        assertThat(m.isLegacyShaped()).as("default program, default brand").isTrue();
        assertThat(s.program()).isEqualTo("solar");
        assertThat(s.brand()).isEqualTo("greenwatt");
        assertThat(t.history(ANN)).extracting(ConsentRecord::program, ConsentRecord::brand, ConsentRecord::channel)
                .containsExactly(org.assertj.core.groups.Tuple.tuple("", "", ""),
                        org.assertj.core.groups.Tuple.tuple("solar", "greenwatt", ""),
                        org.assertj.core.groups.Tuple.tuple("solar", "greenwatt", "sms"));
        assertThat(t.findById(s.consentId())).get().extracting(ConsentRecord::status).isEqualTo(ConsentStatus.REVOKED);
    }

    @Test
    void theUnscopedRevokeStillRevokesEveryProgram() {
        ConsentTracker t = tracker(RevocationPolicy.SENDER);
        optIn(t, "marketing");
        optIn(t, "alerts");
        optIn(t, "solar");
        clock.advance(Duration.ofSeconds(1));
        assertThat(t.revoke(ANN, RevocationMethod.STOP_KEYWORD, "STOP")).hasSize(3)
                .allSatisfy(r -> assertThat(r.channel()).isEmpty());
        for (String p : List.of("marketing", "alerts", "solar")) {
            assertThat(t.isActive(ANN, p)).as(p).isFalse();
            assertThat(t.isOptedOut(ANN, p)).as(p).isTrue();
        }
    }

    @Test
    void activeConsentsAndNumbersPerProgram() {
        ConsentTracker t = tracker(RevocationPolicy.SENDER);
        optIn(t, "alerts");
        optIn(t, "alerts"); // twice: still one person
        PhoneNumber bob = PhoneNumber.of("+15125554321");
        t.recordConsent(ConsentRequest.builder(bob.e164(), "web_form", "Alerts, please").program("alerts").build());
        assertThat(t.activeConsents("alerts")).hasSize(2);
        assertThat(t.activeNumbers("alerts")).containsExactly(ANN, bob);
        assertThat(t.activeConsents()).as("the default program").isEmpty();
        assertThat(t.activeNumbers("solar")).isEmpty();
    }

    @Test
    void badNamesAreTypedErrorsNamingTheField() {
        assertThatThrownBy(() -> Programs.builder().program("Marketing", "basin"))
                .isInstanceOfSatisfying(InvalidInputException.class, e -> assertThat(e.field()).isEqualTo("program"));
        assertThatThrownBy(() -> Programs.builder().program("alerts", "Basin Climbing"))
                .isInstanceOfSatisfying(InvalidInputException.class, e -> assertThat(e.field()).isEqualTo("brand"));
        assertThatThrownBy(() -> Programs.builder().program("alerts", "basin", "512-555-0100"))
                .isInstanceOfSatisfying(InvalidInputException.class, e -> assertThat(e.field()).isEqualTo("senders"));
        assertThatThrownBy(() -> Programs.builder().program("alerts", "basin").program("alerts", "other"))
                .isInstanceOfSatisfying(InvalidInputException.class, e -> assertThat(e.field()).isEqualTo("program"));
        assertThatThrownBy(() -> Programs.builder().defaultProgram("alerts", "basin").program("alerts", "other").build())
                .isInstanceOfSatisfying(InvalidInputException.class, e -> assertThat(e.field()).isEqualTo("brand"));
        ConsentTracker t = tracker(RevocationPolicy.ALL);
        assertThatThrownBy(() -> t.isActive(ANN, "coupons"))
                .isInstanceOfSatisfying(UnknownScopeException.class, e -> assertThat(e.field()).isEqualTo("program"));
        assertThatThrownBy(() -> t.recordConsent(ConsentRequest.builder(ANN.e164(), "keyword", "Y").program("coupons")
                .build())).isInstanceOf(UnknownScopeException.class);
        assertThatThrownBy(() -> t.revoke(RevocationRequest.of(ANN, RevocationScope.brand("acme"), ConsentChannel.API,
                RevocationMethod.CUSTOMER_REQUEST)))
                .isInstanceOfSatisfying(UnknownScopeException.class, e -> assertThat(e.field()).isEqualTo("brand"));
        assertThatThrownBy(() -> ConsentChannel.of("fax"))
                .isInstanceOfSatisfying(InvalidInputException.class, e -> assertThat(e.field()).isEqualTo("channel"));
        assertThat(t.history(ANN)).as("nothing written").isEmpty();
    }
}
