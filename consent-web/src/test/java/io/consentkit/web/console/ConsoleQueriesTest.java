package io.consentkit.web.console;

import io.consentkit.InvalidInputException;
import io.consentkit.consent.ConsentRequest;
import io.consentkit.consent.ConsentTracker;
import io.consentkit.consent.Programs;
import io.consentkit.inbound.Confirmations;
import io.consentkit.inbound.PendingConfirmation;
import io.consentkit.journal.ConsentRecord;
import io.consentkit.journal.ConsentStatus;
import io.consentkit.journal.OptInMethod;
import io.consentkit.revocation.RevocationChannel;
import io.consentkit.revocation.RevocationQueue;
import io.consentkit.revocation.RevocationStore;
import io.consentkit.send.CsvSendLog;
import io.consentkit.send.MessageCategory;
import io.consentkit.send.SendLogEntry;
import io.consentkit.store.CsvConsentStore;
import io.consentkit.store.InMemoryConsentStore;
import io.consentkit.testkit.SettableClock;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.StringWriter;
import java.math.BigDecimal;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class ConsoleQueriesTest {
    static final String ANN = "+15125550101";
    static final String BOB = "+15125550102";
    final SettableClock clock = SettableClock.at("2026-03-02T15:00:00Z");

    @TempDir
    Path dir;

    private static SendLogEntry entry(Instant at, SendLogEntry.Decision d, String reason, String e164, CsvSendLog log,
                                      String cost, String sid) {
        return new SendLogEntry(at, d, reason, io.consentkit.support.Masking.phone(e164), MessageCategory.MARKETING, "",
                "", 20, 1, cost == null ? null : new BigDecimal(cost), cost == null ? "" : "USD", sid, 0, "", null,
                d == SendLogEntry.Decision.SENT ? "fake" : "", null, 0, null, log.recipientKey(e164), List.of(),
                "default", "", "");
    }

    @Test
    void timelineHasEveryRowWithItsEvidenceAndTheSendsForTheNumberOnly() {
        Path journal = dir.resolve("consents.csv");
        ConsoleStats stats = ConsoleStats.create(ZoneOffset.UTC, "default");
        try (CsvConsentStore store = CsvConsentStore.open(journal);
             ConsentTracker tracker = ConsentTracker.builder(store).clock(clock).listener(stats).build();
             ConsoleSendLog sends = ConsoleSendLog.wrap(CsvSendLog.open(dir.resolve("sends.csv")), ZoneOffset.UTC)) {
            stats.load(store::replay);
            tracker.recordWebFormConsent(ANN, "c1", "Ann Lee", "ann@example.com", "203.0.113.9",
                    "https://example.com/sms");
            tracker.recordKeywordConsent(BOB, "JOIN", "c2", "SM0000000000000000000000000000bob", "");
            CsvSendLog raw = (CsvSendLog) sends.delegate();
            sends.record(entry(clock.instant(), SendLogEntry.Decision.SENT, "", ANN, raw, "0.0079", "SMann1"));
            sends.record(entry(clock.instant(), SendLogEntry.Decision.SENT, "", BOB, raw, "0.0079", "SMbob1"));
            ConsoleQueries q = ConsoleQueries.builder(tracker, stats).sendLog(sends).build();

            clock.advance(Duration.ofMinutes(5));
            List<ConsentRecord> revoked = q.revoke("(512) 555-0101", "alice", "called the front desk");
            assertThat(revoked).singleElement().satisfies(r -> {
                assertThat(r.channel()).isEqualTo("agent");
                assertThat(r.metadata()).containsEntry("revoke_operator", "alice");
            });

            Timeline t = q.timeline("512-555-0101");
            assertThat(t.phone().e164()).isEqualTo(ANN);
            assertThat(t.active()).isFalse();
            assertThat(t.optedOut()).isTrue();
            assertThat(t.rows()).extracting(ConsentRecord::status)
                    .containsExactly(ConsentStatus.ACTIVE, ConsentStatus.REVOKED);
            ConsentRecord grant = t.rows().get(0);
            assertThat(grant.optInMethod()).isEqualTo(OptInMethod.WEB_FORM);
            assertThat(grant.ipAddress()).isEqualTo("203.0.113.9");
            assertThat(grant.consentMessage()).isEqualTo(tracker.texts().webForm());
            assertThat(t.rows().get(1).metadata()).containsEntry("revoke_notes", "called the front desk");
            assertThat(t.sends()).extracting(SendLogEntry::providerId).containsExactly("SMann1");
            assertThat(t.toString()).doesNotContain("0101");

            StringWriter evidence = new StringWriter();
            assertThat(q.exportEvidence(ANN, evidence)).isEqualTo(2);
            assertThat(evidence.toString()).startsWith("consent_id,").contains("203.0.113.9").doesNotContain(BOB);
            StringWriter audit = new StringWriter();
            assertThat(q.exportAudit(audit)).isEqualTo(2);

            assertThatThrownBy(() -> q.revoke(ANN, " ", "")).isInstanceOf(InvalidInputException.class)
                    .hasMessageContaining("operator");
            assertThatThrownBy(() -> q.timeline("not a number")).isInstanceOf(InvalidInputException.class);
        }
        // reopened: the send log is read back from its file, the counts from the journal
        ConsoleStats again = ConsoleStats.create(ZoneOffset.UTC, "default");
        try (CsvConsentStore store = CsvConsentStore.open(journal);
             ConsentTracker tracker = ConsentTracker.builder(store).clock(clock).listener(again).build();
             ConsoleSendLog sends = ConsoleSendLog.wrap(CsvSendLog.open(dir.resolve("sends.csv")), ZoneOffset.UTC)) {
            again.load(store::replay);
            ConsoleQueries q = ConsoleQueries.builder(tracker, again).sendLog(sends).build();
            assertThat(q.timeline(BOB).sends()).extracting(SendLogEntry::providerId).containsExactly("SMbob1");
            Dashboard d = q.dashboard(7);
            assertThat(d.optInsByMethod()).containsOnlyKeys(OptInMethod.WEB_FORM, OptInMethod.KEYWORD);
            assertThat(d.optInsByMethod().get(OptInMethod.KEYWORD)).containsExactly(0, 0, 0, 0, 0, 0, 1);
            assertThat(d.optOutsByMethod().get("customer_request")[6]).isEqualTo(1);
            assertThat(d.optInsByProgram().get("default")[6]).isEqualTo(2);
        }
    }

    @Test
    void dailyCountsByMethodAndProgramFromTheListenerAndTheLoad() {
        Programs programs = Programs.builder().program("alerts", "default").build();
        InMemoryConsentStore store = new InMemoryConsentStore();
        ConsoleStats stats = ConsoleStats.create(ZoneOffset.UTC, programs.defaultProgram().name());
        ConsentTracker tracker = ConsentTracker.builder(store).clock(clock).programs(programs).listener(stats).build();
        // written before load: heard and also in the replay, counted once
        tracker.recordWebFormConsent(ANN, "c1", "", "", "", "");
        stats.load(store::replay);
        // a row heard that no replay had is counted too
        ConsoleStats heardOnly = ConsoleStats.create(ZoneOffset.UTC, "default");
        heardOnly.onOptIn(tracker.history(ANN).get(0));
        heardOnly.load(sink -> { });
        assertThat(heardOnly.byMethod(ConsoleStats.Kind.OPT_IN, LocalDate.of(2026, 3, 2), LocalDate.of(2026, 3, 2))
                .get(OptInMethod.WEB_FORM)).containsExactly(1);
        assertThatThrownBy(() -> heardOnly.load(sink -> { })).isInstanceOf(IllegalStateException.class);

        clock.advance(Duration.ofDays(1));
        tracker.recordConsent(ConsentRequest.builder(BOB, OptInMethod.IN_PERSON, "Alerts? Reply STOP to end.")
                .program("alerts").build());
        tracker.revoke(BOB, "stop_keyword", "");
        LocalDate d1 = LocalDate.of(2026, 3, 2);
        LocalDate d2 = LocalDate.of(2026, 3, 3);
        assertThat(stats.byMethod(ConsoleStats.Kind.OPT_IN, d1, d2))
                .satisfies(m -> assertThat(m.get(OptInMethod.WEB_FORM)).containsExactly(1, 0))
                .satisfies(m -> assertThat(m.get(OptInMethod.IN_PERSON)).containsExactly(0, 1));
        assertThat(stats.byProgram(ConsoleStats.Kind.OPT_IN, d1, d2))
                .satisfies(m -> assertThat(m.get("default")).containsExactly(1, 0))
                .satisfies(m -> assertThat(m.get("alerts")).containsExactly(0, 1));
        // an opt-out of every program writes a row per consent and a suppression row: each is counted
        assertThat(stats.byMethod(ConsoleStats.Kind.OPT_OUT, d1, d2).get("stop_keyword")).containsExactly(0, 2);
        assertThat(stats.byProgram(ConsoleStats.Kind.OPT_OUT, d1, d2).get("alerts")).containsExactly(0, 1);
        assertThatThrownBy(() -> stats.byMethod(ConsoleStats.Kind.OPT_IN, d2, d1))
                .isInstanceOf(InvalidInputException.class).hasMessageContaining("last");
    }

    @Test
    void sendDaysCountCostAndBlocksByReasonAndSurviveAReopen() {
        Path file = dir.resolve("sends.csv");
        Instant day1 = Instant.parse("2026-03-01T10:00:00Z");
        Instant day2 = Instant.parse("2026-03-02T10:00:00Z");
        try (ConsoleSendLog log = ConsoleSendLog.wrap(CsvSendLog.open(file), ZoneOffset.UTC)) {
            CsvSendLog raw = (CsvSendLog) log.delegate();
            log.record(entry(day1, SendLogEntry.Decision.SENT, "", ANN, raw, "0.0079", "SM1"));
            log.record(entry(day1, SendLogEntry.Decision.SENT, "", BOB, raw, "0.0158", "SM2"));
            log.record(entry(day2, SendLogEntry.Decision.BLOCKED, "OPTED_OUT", ANN, raw, null, ""));
        }
        try (ConsoleSendLog log = ConsoleSendLog.wrap(CsvSendLog.open(file), ZoneOffset.UTC)) {
            CsvSendLog raw = (CsvSendLog) log.delegate();
            log.record(entry(day2, SendLogEntry.Decision.BLOCKED, "QUIET_HOURS", BOB, raw, null, ""));
            log.record(entry(day2, SendLogEntry.Decision.BLOCKED, "OPTED_OUT", BOB, raw, null, ""));
            List<ConsoleSendLog.DayTotals> days = log.days(LocalDate.of(2026, 3, 1), LocalDate.of(2026, 3, 3));
            assertThat(days).hasSize(3);
            assertThat(days.get(0).sent()).isEqualTo(2);
            assertThat(days.get(0).segments()).isEqualTo(2);
            assertThat(days.get(0).cost()).containsEntry("USD", new BigDecimal("0.0237"));
            assertThat(days.get(1).sent()).isZero();
            assertThat(days.get(1).blocked()).isEqualTo(Map.of("OPTED_OUT", 2L, "QUIET_HOURS", 1L));
            assertThat(days.get(2).decisions()).isEmpty();
            assertThat(log.recent(2)).extracting(SendLogEntry::reason).containsExactly("QUIET_HOURS", "OPTED_OUT");
            assertThat(log.forRecipient(ANN)).extracting(SendLogEntry::decision)
                    .containsExactly(SendLogEntry.Decision.SENT, SendLogEntry.Decision.BLOCKED);
        }
    }

    @Test
    void pendingConfirmationsAndPendingAndOverdueRevocations() {
        ConsentTracker tracker = ConsentTracker.builder(new InMemoryConsentStore()).clock(clock).build();
        ConsoleStats stats = ConsoleStats.create(ZoneOffset.UTC, "default");
        stats.load(sink -> { });
        try (Confirmations confirmations = Confirmations.builder(tracker).recordBeforeSend().build();
             RevocationQueue queue = RevocationQueue.builder(RevocationStore.inMemory()).tracker(tracker).clock(clock)
                     .zone(ZoneOffset.UTC).build()) {
            String id = confirmations.request(ANN, "Reply Y to get alerts", Map.of(), Duration.ofDays(1));
            queue.submit(BOB, "", "", RevocationChannel.EMAIL, null, "please stop texting me", "support@");
            ConsoleQueries q = ConsoleQueries.builder(tracker, stats).revocations(queue).confirmations(confirmations)
                    .build();
            assertThat(q.pendingConfirmations()).extracting(PendingConfirmation::id).containsExactly(id);
            assertThat(q.pendingRevocations()).hasSize(1);
            assertThat(q.overdueRevocations()).isEmpty();
            assertThat(q.timeline(BOB).revocations()).hasSize(1);
            assertThat(q.timeline(ANN).revocations()).isEmpty();
            clock.advance(Duration.ofDays(30));
            assertThat(q.overdueRevocations()).hasSize(1);
            assertThatThrownBy(() -> q.dashboard(0)).isInstanceOf(InvalidInputException.class)
                    .hasMessageContaining("days");
        }
    }
}
