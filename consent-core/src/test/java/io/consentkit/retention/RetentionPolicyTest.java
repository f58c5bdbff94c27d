package io.consentkit.retention;

import io.consentkit.InvalidInputException;
import io.consentkit.consent.ConsentChannel;
import io.consentkit.consent.ConsentRequest;
import io.consentkit.consent.RevocationRequest;
import io.consentkit.consent.RevocationScope;
import io.consentkit.consent.ConsentTracker;
import io.consentkit.consent.Programs;
import io.consentkit.journal.OptInMethod;
import io.consentkit.journal.RevocationMethod;
import io.consentkit.phone.PhoneNumber;
import io.consentkit.send.CsvSendLog;
import io.consentkit.send.GuardedSender;
import io.consentkit.send.OutboundMessage;
import io.consentkit.store.CsvConsentStore;
import io.consentkit.testkit.FakeSmsGateway;
import io.consentkit.testkit.SettableClock;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Instant;
import java.time.Period;
import java.time.ZoneId;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Who has outlived the retention policy, from a real journal and send log, on a settable clock. */
class RetentionPolicyTest {
    static final String ANN = "+15125550101"; // opted in 2020-01, marketing send 2020-02, STOP 2020-03
    static final String BOB = "+15125550102"; // alerts (kept 2 years): opted in 2020-01, STOP to alerts 2020-06
    static final String CY = "+15125550103";  // still active
    static final String DAN = "+15125550104"; // STOP 2020-01, then an order text in 2023

    @TempDir
    Path dir;
    final SettableClock clock = SettableClock.at("2020-01-10T15:00:00Z");
    final Programs programs = Programs.builder().program("alerts", "default").build();

    void history() {
        try (ConsentTracker t = ConsentTracker.builder(CsvConsentStore.open(dir.resolve("consents.csv"))).clock(clock)
                .programs(programs).build();
             CsvSendLog log = CsvSendLog.open(dir.resolve("sends.csv"))) {
            GuardedSender s = GuardedSender.builder(t, FakeSmsGateway.builder().clock(clock).build()).clock(clock)
                    .zone(ZoneId.of("America/Chicago")).sendLog(log).build();
            t.recordConsent(ConsentRequest.builder(ANN, OptInMethod.WEB_FORM, "Basin news").build());
            t.recordConsent(ConsentRequest.builder(BOB, OptInMethod.WEB_FORM, "Basin alerts").program("alerts").build());
            t.recordConsent(ConsentRequest.builder(CY, OptInMethod.WEB_FORM, "Basin news").build());
            t.revoke(DAN, RevocationMethod.STOP_KEYWORD, "STOP");
            clock.set(Instant.parse("2020-02-10T15:00:00Z"));
            assertThat(s.send(OutboundMessage.marketing(ANN, "Sale!")).sent()).isTrue();
            clock.set(Instant.parse("2020-03-10T15:00:00Z"));
            t.revoke(ANN, RevocationMethod.STOP_KEYWORD, "STOP");
            clock.set(Instant.parse("2020-06-10T15:00:00Z"));
            t.revoke(new RevocationRequest(PhoneNumber.of(BOB), RevocationScope.program("alerts"), ConsentChannel.SMS,
                    RevocationMethod.STOP_KEYWORD, "STOP", Map.of()));
            clock.set(Instant.parse("2023-05-10T15:00:00Z"));
            assertThat(s.send(OutboundMessage.transactional(DAN, "Your order shipped")).sent()).as("Dan's STOP was "
                    + "for everything; a transactional text is blocked").isFalse();
        }
    }

    List<String> due(RetentionPolicy policy, String at) {
        clock.set(Instant.parse(at));
        try (CsvConsentStore store = CsvConsentStore.openReadOnly(dir.resolve("consents.csv"));
             CsvSendLog log = CsvSendLog.open(dir.resolve("sends.csv"))) {
            return policy.due(store, log, programs, clock).stream().map(c -> c.phoneNumber().e164()).toList();
        }
    }

    @Test
    void proofIsKeptFiveYearsAfterTheConsentEndedOrWasLastUsedAndPerProgram() {
        history();
        RetentionPolicy defaults = RetentionPolicy.defaults();
        assertThat(due(defaults, "2025-01-10T00:00:00Z")).as("Dan's STOP is 5 years old only from 2025-01-10T15:00")
                .isEmpty();
        assertThat(due(defaults, "2025-01-10T15:00:00Z")).containsExactly(DAN);
        assertThat(due(defaults, "2025-03-10T15:00:00Z")).containsExactly(ANN, DAN);
        assertThat(due(defaults, "2025-06-10T15:00:00Z")).containsExactly(ANN, BOB, DAN);
        RetentionPolicy alerts = RetentionPolicy.builder().keep("alerts", Period.ofYears(2)).build();
        assertThat(due(alerts, "2022-06-10T15:00:00Z")).containsExactly(BOB);
        assertThat(due(alerts, "2099-01-01T00:00:00Z")).as("an active consent is never due").doesNotContain(CY);
    }

    @Test
    void aSendReliedOnAConsentKeepsItsProofLonger() {
        history();
        // Ann's marketing send on 2020-02-10 relied on her consent, ended 2020-03-10: that end is later
        try (CsvConsentStore store = CsvConsentStore.openReadOnly(dir.resolve("consents.csv"));
             CsvSendLog log = CsvSendLog.open(dir.resolve("sends.csv"))) {
            clock.set(Instant.parse("2030-01-01T00:00:00Z"));
            RetentionCandidate ann = RetentionPolicy.defaults().due(store, log, programs, clock).stream()
                    .filter(c -> c.phoneNumber().equals(PhoneNumber.of(ANN))).findFirst().orElseThrow();
            assertThat(ann.lastReliedOn()).isEqualTo(Instant.parse("2020-03-10T15:00:00Z"));
            assertThat(ann.keepUntil()).isEqualTo(Instant.parse("2025-03-10T15:00:00Z"));
            assertThat(ann.toString()).doesNotContain(ANN);
        }
    }

    @Test
    void theDocumentedDryRun() {
        history();
        clock.set(Instant.parse("2022-07-01T00:00:00Z"));
        try (CsvConsentStore store = CsvConsentStore.openReadOnly(dir.resolve("consents.csv"));
             CsvSendLog sendLog = CsvSendLog.openReadOnly(dir.resolve("sends.csv"))) {
            // snippet: retention-due
            RetentionPolicy policy = RetentionPolicy.builder()
                    .keep("alerts", Period.ofYears(2)) // every other program keeps the default, 5 years
                    .build();
            List<RetentionCandidate> due = policy.due(store, sendLog, programs, clock);
            // end snippet
            assertThat(due).extracting(c -> c.phoneNumber().e164()).containsExactly(BOB);
        }
    }

    @Test
    void aBadPeriodNamesTheKey() {
        assertThatThrownBy(() -> RetentionPolicy.parse("five years", "consentkit.retention.keep", "", "p"))
                .isInstanceOfSatisfying(InvalidInputException.class,
                        e -> assertThat(e.field()).isEqualTo("consentkit.retention.keep"));
        assertThatThrownBy(() -> RetentionPolicy.parse("P5Y", "k", "alerts", "consentkit.retention.programs"))
                .isInstanceOfSatisfying(InvalidInputException.class,
                        e -> assertThat(e.field()).isEqualTo("consentkit.retention.programs"));
        assertThatThrownBy(() -> RetentionPolicy.builder().keep(Period.ZERO)).isInstanceOf(InvalidInputException.class);
        RetentionPolicy p = RetentionPolicy.parse("P6Y", "k", "alerts=P2Y, news=P18M", "p");
        assertThat(p.keep("alerts")).isEqualTo(Period.ofYears(2));
        assertThat(p.keep("news")).isEqualTo(Period.ofMonths(18));
        assertThat(p.keep("other")).isEqualTo(Period.ofYears(6));
    }
}
