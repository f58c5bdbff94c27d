package io.consentkit.consent;

import io.consentkit.journal.ConsentRecord;
import io.consentkit.journal.ConsentStatus;
import io.consentkit.journal.OptInMethod;
import io.consentkit.InvalidInputException;
import io.consentkit.phone.InvalidPhoneNumberException;
import io.consentkit.store.CsvConsentStore;
import io.consentkit.store.InMemoryConsentStore;
import io.consentkit.journal.JournalFormatException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.StringReader;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicReference;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class DefaultConsentTrackerTest {
    @TempDir
    Path dir;

    private final AtomicReference<Instant> now = new AtomicReference<>(Instant.parse("2025-06-01T15:00:00Z"));
    private final Clock clock = new Clock() {
        @Override
        public java.time.ZoneId getZone() {
            return ZoneOffset.UTC;
        }

        @Override
        public Clock withZone(java.time.ZoneId zone) {
            return this;
        }

        @Override
        public Instant instant() {
            return now.get();
        }
    };
    private final InMemoryConsentStore store = new InMemoryConsentStore();
    private final ConsentTracker tracker = ConsentTracker.builder(store).brand("Basin Climbing").clock(clock).build();

    private void advance(Duration d) {
        now.updateAndGet(t -> t.plus(d));
    }

    @Test
    void webFormConsentKeepsEvidenceAndStandardText() {
        ConsentRecord r = tracker.recordWebFormConsent("5125551234", "1234567", "John Smith", "john@example.com",
                "192.168.1.1", "https://basinclimbing.com/sms-signup");
        assertThat(r.phoneNumber().e164()).isEqualTo("+15125551234");
        assertThat(r.optInMethod()).isEqualTo(OptInMethod.WEB_FORM);
        assertThat(r.consentMessage()).isEqualTo("By checking this box, I agree to receive marketing text messages from "
                + "Basin Climbing at the phone number provided. Message frequency varies. Message and data rates may "
                + "apply. Reply STOP to opt out or HELP for help.");
        assertThat(r.timestamp()).isEqualTo(now.get());
        assertThat(r.metadata()).containsEntry("form_url", "https://basinclimbing.com/sms-signup");
        assertThat(r.ipAddress()).isEqualTo("192.168.1.1");
        assertThat(r.consentId()).matches("[0-9a-f]{16}");
        assertThat(tracker.isActive("+15125551234")).isTrue();
        assertThat(tracker.isActive("512-555-1234")).isTrue();
        assertThat(tracker.status("(512) 555-1234")).contains(r);
    }

    @Test
    void keywordAndInPersonTexts() {
        ConsentRecord k = tracker.recordKeywordConsent("+15125555678", "start", "7654321", "SM123", "start");
        assertThat(k.consentMessage()).isEqualTo("You texted 'START' to opt in to Basin Climbing SMS messages. "
                + "Message frequency varies. Message and data rates may apply. Reply STOP to opt out or HELP for help.");
        assertThat(k.metadata()).containsEntry("message_sid", "SM123").containsEntry("inbound_body", "start");
        ConsentRecord p = tracker.recordInPersonConsent("512-555-9999", "9876543", "Jane Doe", "Sarah (Front Desk)",
                "Basin Climbing and Fitness");
        assertThat(p.consentMessage()).startsWith("By providing your phone number, you agree to receive marketing "
                + "text messages from Basin Climbing.");
        assertThat(p.metadata()).containsEntry("staff_member", "Sarah (Front Desk)");
    }

    @Test
    void textsAreConfigurable() {
        ConsentTexts texts = ConsentTexts.builder("Raven").frequency("Up to 4 msgs/month.")
                .rates("Msg&data rates may apply.").stopHelp("Reply STOP to cancel, HELP for help.").build();
        assertThat(texts.webForm()).endsWith("Up to 4 msgs/month. Msg&data rates may apply. Reply STOP to cancel, HELP for help.");
        assertThat(ConsentTexts.builder("Raven").purpose("service alerts").build().keyword("start"))
                .startsWith("You texted 'START' to opt in to Raven service alerts. Message frequency varies.");
        assertThatThrownBy(() -> ConsentTexts.builder("Raven").stopHelp("Reply HELP for help."))
                .isInstanceOf(InvalidInputException.class).hasMessageContaining("stopHelp");
    }

    @Test
    void stopThenStartKeepsOldRevokedAndAddsNewActive() {
        String phone = "+15125551234";
        ConsentRecord first = tracker.recordWebFormConsent(phone, "1", null, null, null, null);
        advance(Duration.ofMinutes(1));
        List<ConsentRecord> revoked = tracker.revoke(phone, ConsentTracker.REVOKED_BY_KEYWORD, "Customer texted STOP",
                Map.of("message_sid", "SM9"));
        assertThat(revoked).singleElement().satisfies(r -> {
            assertThat(r.consentId()).isEqualTo(first.consentId());
            assertThat(r.status()).isEqualTo(ConsentStatus.REVOKED);
            assertThat(r.revokedAt()).isEqualTo(now.get());
            assertThat(r.revokedMethod()).isEqualTo("stop_keyword");
            assertThat(r.metadata()).containsEntry("revoke_notes", "Customer texted STOP")
                    .containsEntry("revoke_message_sid", "SM9");
            assertThat(r.consentMessage()).isEqualTo(first.consentMessage());
        });
        assertThat(tracker.isActive(phone)).isFalse();
        assertThat(tracker.isOptedOut(phone)).isTrue();
        assertThat(tracker.status(phone)).get().extracting(ConsentRecord::status).isEqualTo(ConsentStatus.REVOKED);

        advance(Duration.ofMinutes(1));
        ConsentRecord second = tracker.recordKeywordConsent(phone, "START", "1", "SM10", "START");
        assertThat(tracker.isActive(phone)).isTrue();
        assertThat(tracker.isOptedOut(phone)).isFalse();
        assertThat(tracker.status(phone)).contains(second);
        assertThat(tracker.history(phone)).extracting(ConsentRecord::status)
                .containsExactly(ConsentStatus.ACTIVE, ConsentStatus.REVOKED, ConsentStatus.ACTIVE);
        assertThat(tracker.consents(phone)).extracting(ConsentRecord::status)
                .containsExactly(ConsentStatus.REVOKED, ConsentStatus.ACTIVE);
        assertThat(tracker.activeConsents()).containsExactly(second);
    }

    @Test
    void activeConsentsCountsPeopleNotConsents() {
        String ann = "+15125551234";
        tracker.recordWebFormConsent(ann, "1", "Ann", null, null, null);
        advance(Duration.ofSeconds(1));
        ConsentRecord again = tracker.recordInPersonConsent(ann, "1", "Ann", "Sam", "desk"); // a second opt-in
        advance(Duration.ofSeconds(1));
        ConsentRecord bob = tracker.recordKeywordConsent("+15125554321", "START", "2", "SM11", "START");
        assertThat(tracker.activeConsents()).as("one record per person: the latest active consent")
                .containsExactly(again, bob);
    }

    @Test
    void revokeRevokesEveryActiveConsent() {
        String phone = "+15125551234";
        tracker.recordWebFormConsent(phone, null, null, null, null, null);
        advance(Duration.ofSeconds(1));
        tracker.recordInPersonConsent(phone, null, null, "Sam", "desk");
        advance(Duration.ofSeconds(1));
        assertThat(tracker.revoke(phone, "customer_request", null)).hasSize(2);
        assertThat(tracker.activeConsents()).isEmpty();
        assertThat(tracker.consents(phone)).allSatisfy(r -> assertThat(r.status()).isEqualTo(ConsentStatus.REVOKED));
    }

    @Test
    void optOutOfUnknownNumberIsRecordedAsSuppression() {
        List<ConsentRecord> rows = tracker.revoke("+12065550199", "stop_keyword", "texted STOP");
        assertThat(rows).singleElement().satisfies(r -> {
            assertThat(r.isSuppression()).isTrue();
            assertThat(r.optInMethod()).isEmpty();
            assertThat(r.status()).isEqualTo(ConsentStatus.REVOKED);
        });
        assertThat(tracker.isOptedOut("+12065550199")).isTrue();
        assertThat(tracker.isActive("+12065550199")).isFalse();
        assertThat(store.rows()).hasSize(1);
    }

    @Test
    void unknownNumberHasNoStatus() {
        assertThat(tracker.status("+12065550199")).isEmpty();
        assertThat(tracker.isActive("+12065550199")).isFalse();
        assertThat(tracker.isOptedOut("+12065550199")).isFalse();
        assertThat(tracker.history("+12065550199")).isEmpty();
    }

    @Test
    void generalConsentWithBackfillAndMetadata() {
        Instant historical = Instant.parse("2024-03-01T12:00:00Z");
        ConsentRecord r = tracker.recordConsent(ConsentRequest.builder("+15125551234", OptInMethod.QR_CODE,
                        "You scanned our QR code and agreed to texts. Reply STOP to opt out.")
                .customerId("1234567").screenshotUrl("https://example.com/qr.png")
                .metadata("qr_code_location", "front_entrance").metadata("campaign", "summer_2025")
                .timestamp(historical).build());
        assertThat(r.timestamp()).isEqualTo(historical);
        assertThat(r.metadata()).containsExactly(Map.entry("qr_code_location", "front_entrance"),
                Map.entry("campaign", "summer_2025"));
        assertThat(tracker.isActive("+15125551234")).isTrue();
    }

    @Test
    void backfillOlderThanAnOptOutIsRejected() {
        tracker.revoke("+15125551234", "stop_keyword", null);
        assertThatThrownBy(() -> tracker.recordConsent(ConsentRequest.builder("+15125551234", "qr_code", "text")
                .timestamp(Instant.parse("2024-01-01T00:00:00Z")).build()))
                .isInstanceOf(InvalidInputException.class).hasMessageContaining("timestamp");
        assertThat(tracker.isOptedOut("+15125551234")).isTrue();
    }

    @Test
    void badInputChangesNothing() {
        assertThatThrownBy(() -> tracker.recordWebFormConsent("+1 555 555 5555", null, null, null, null, null))
                .isInstanceOf(InvalidPhoneNumberException.class);
        assertThatThrownBy(() -> tracker.recordKeywordConsent("+15125551234", " ", null, null, null))
                .isInstanceOf(InvalidInputException.class).hasMessageContaining("keyword");
        assertThatThrownBy(() -> tracker.recordConsent(ConsentRequest.builder("+15125551234", "QR Code", "x").build()))
                .isInstanceOf(InvalidInputException.class).hasMessageContaining("opt_in_method");
        assertThatThrownBy(() -> ConsentRequest.builder("+15125551234", "qr_code", "  ").build())
                .isInstanceOf(InvalidInputException.class).hasMessageContaining("consent_message");
        assertThatThrownBy(() -> tracker.revoke("abc", "stop_keyword", null))
                .isInstanceOf(InvalidPhoneNumberException.class);
        assertThatThrownBy(() -> tracker.revoke("+15125551234", "", null))
                .isInstanceOf(InvalidInputException.class).hasMessageContaining("revoked_method");
        assertThatThrownBy(() -> tracker.recordConsent(ConsentRequest.builder("+15125551234", "qr_code", "t")
                .timestamp(now.get().plus(Duration.ofDays(1))).build()))
                .isInstanceOf(InvalidInputException.class).hasMessageContaining("future");
        assertThat(store.rows()).isEmpty();
    }

    @Test
    void auditExportIsTheFoldAndFormulaSafe() {
        tracker.recordWebFormConsent("+15125551234", "=HYPERLINK(\"http://evil\")", "@SUM(A1)", "-2+3",
                "+1.2.3.4", "https://example.com/f");
        advance(Duration.ofSeconds(1));
        tracker.revoke("+15125551234", "stop_keyword", "=cmd|' /C calc'!A0");
        advance(Duration.ofSeconds(1));
        tracker.recordInPersonConsent("+12065550199", null, "Ann, \"the\" climber", "Sam", "desk\nback room");
        StringWriter out = new StringWriter();
        assertThat(tracker.exportAudit(out)).isEqualTo(2);
        String csv = out.toString();
        assertThat(csv).startsWith(io.consentkit.journal.JournalCodec.HEADER_LINE + "\n"); // version 3: its own chain
        assertThat(csv).contains(",\"'=HYPERLINK(\"\"http://evil\"\")\",'@SUM(A1),'-2+3,'+1.2.3.4,");
        assertThat(csv).contains(",+15125551234,"); // the E.164 number itself stays usable
        assertThat(csv).doesNotContain(",=", ",@", ",-2");
        assertThat(csv).contains("\"Ann, \"\"the\"\" climber\"");
        assertThat(csv.lines().filter(l -> l.contains(",revoked,")).count()).isEqualTo(1);
    }

    @Test
    void auditExportToFileReplacesAtomically() throws Exception {
        tracker.recordWebFormConsent("+15125551234", null, null, null, null, null);
        Path file = dir.resolve("out/audit.csv");
        assertThat(tracker.exportAudit(file)).isEqualTo(1);
        assertThat(Files.readAllLines(file)).hasSize(2);
        try (java.util.stream.Stream<Path> files = Files.list(file.getParent())) {
            assertThat(files).hasSize(1); // no temp file left behind
        }
    }

    private static final String LEGACY_HEADER = String.join(",", ConsentRecord.LEGACY_COLUMNS) + "\r\n";

    @Test
    void legacyImportLoadsRowsRewrittenInPlace() throws Exception {
        String legacy = "\uFEFF" + LEGACY_HEADER
                + "a1b2c3,2025-01-15T18:22:03.123456,+15125551234,web_form,\"By checking this box, I agree.\",1234567,"
                + "John Smith,john@example.com,192.168.1.1,,\"{\"\"form_url\"\": \"\"https://x\"\", \"\"n\"\": 3}\","
                + "revoked,2025-02-01T10:00:00+00:00,stop_keyword\r\n"
                + "d4e5f6,2025-01-16 09:00:00,5125555678,keyword,You texted 'START'.,,,,,,,active,,\r\n"
                + "\r\n";
        Path file = dir.resolve("sms_consents.csv");
        Files.writeString(file, legacy, StandardCharsets.UTF_8);
        ImportResult r = tracker.importLegacy(file);
        assertThat(r).isEqualTo(new ImportResult(2, 2, 0));
        assertThat(tracker.isOptedOut("+15125551234")).isTrue();
        assertThat(tracker.findById("a1b2c3")).get().satisfies(c -> {
            assertThat(c.timestamp()).isEqualTo(Instant.parse("2025-01-15T18:22:03.123456Z"));
            assertThat(c.metadata()).containsEntry("form_url", "https://x").containsEntry("n", "3");
            assertThat(c.revokedAt()).isEqualTo(Instant.parse("2025-02-01T10:00:00Z"));
        });
        assertThat(tracker.isActive("+15125555678")).isTrue();
        // importing the same file again changes nothing
        assertThat(tracker.importLegacy(file)).isEqualTo(new ImportResult(2, 0, 2));
        assertThat(store.rows()).hasSize(2);
    }

    @Test
    void legacyImportRejectsABadRowWithItsLineAndChangesNothing() {
        String legacy = LEGACY_HEADER
                + "ok1,2025-01-15T18:22:03Z,+15125551234,web_form,text,,,,,,,active,,\n"
                + "ok2,2025-01-15T18:22:04Z,+15125551235,web_form,\"multi\nline text\",,,,,,,active,,\n"
                + "bad,2025-01-15T18:22:05Z,+1 555 555 5555,web_form,text,,,,,,,active,,\n";
        assertThatThrownBy(() -> tracker.importLegacy(new StringReader(legacy)))
                .isInstanceOfSatisfying(JournalFormatException.class, e -> {
                    assertThat(e.line()).isEqualTo(5);
                    assertThat(e.field()).isEqualTo("phone_number");
                })
                .hasMessageContaining("line 5").hasMessageNotContaining("555 555");
        assertThat(store.rows()).isEmpty();
        assertThat(tracker.isActive("+15125551234")).isFalse();
    }

    @Test
    void legacyImportChecksEveryKindOfField() {
        String[][] cases = {
            {"x,not-a-time,+15125551234,web_form,t,,,,,,,active,,", "timestamp"},
            {"x,2025-01-01T00:00:00Z,+15125551234,Web Form,t,,,,,,,active,,", "opt_in_method"},
            {"x,2025-01-01T00:00:00Z,+15125551234,web_form,t,,,,,,{bad json},active,,", "metadata"},
            {"x,2025-01-01T00:00:00Z,+15125551234,web_form,t,,,,,,,maybe,,", "status"},
            {",2025-01-01T00:00:00Z,+15125551234,web_form,t,,,,,,,active,,", "consent_id"},
            {"x,2025-01-01T00:00:00Z,+15125551234,web_form,t,,,,,,,active,", "row"},
            {"x,2025-01-01T00:00:00Z,+15125551234,web_form,t,,,,,,,revoked,yesterday,", "revoked_at"},
        };
        for (String[] c : cases) {
            assertThatThrownBy(() -> tracker.importLegacy(new StringReader(LEGACY_HEADER + c[0] + "\n")))
                    .as(c[0]).isInstanceOfSatisfying(JournalFormatException.class, e -> {
                        assertThat(e.field()).isEqualTo(c[1]);
                        assertThat(e.line()).isEqualTo(2);
                    });
        }
        assertThatThrownBy(() -> tracker.importLegacy(new StringReader("consent_id,timestamp,phone\n")))
                .isInstanceOfSatisfying(JournalFormatException.class, e -> assertThat(e.field()).isEqualTo("header"))
                .hasMessageContaining("missing").hasMessageContaining("opt_in_method");
        assertThatThrownBy(() -> tracker.importLegacy(new StringReader("")))
                .isInstanceOf(JournalFormatException.class).hasMessageContaining("empty");
        assertThat(store.rows()).isEmpty();
    }

    @Test
    void csvJournalRoundTripsThroughTheTracker() {
        Path journal = dir.resolve("j.csv");
        ConsentRecord r;
        try (ConsentTracker t = ConsentTracker.builder(CsvConsentStore.open(journal)).clock(clock).build()) {
            r = t.recordConsent(ConsentRequest.builder("+15125551234", "custom_kiosk", "Line 1, \"quoted\"\nLine 2")
                    .customerName("Zoë, Jr.").metadata("k", "v,\"w\"\n").build());
            t.revoke("+15125551234", "admin", "notes, with comma");
        }
        try (ConsentTracker t = ConsentTracker.builder(CsvConsentStore.open(journal)).clock(clock).build()) {
            assertThat(t.history("+15125551234")).hasSize(2).first().isEqualTo(r);
            assertThat(t.isOptedOut("+15125551234")).isTrue();
        }
    }

    @Test
    void aBadRowDeepInTheJournalFailsOpenWithItsLineAndReleasesTheFile() throws Exception {
        Path journal = dir.resolve("big.csv");
        StringBuilder sb = new StringBuilder(String.join(",", ConsentRecord.LEGACY_COLUMNS)).append('\n');
        for (int i = 0; i < 20_000; i++) {
            String status = i == 12_345 ? "bogus" : "active";
            sb.append("id").append(i).append(",2025-01-01T00:00:00Z,+1512").append(2_000_000 + i)
                    .append(",web_form,text,,,,,,,").append(status).append(",,\n");
        }
        Files.writeString(journal, sb);
        assertThatThrownBy(() -> ConsentTracker.builder(CsvConsentStore.open(journal)).build())
                .isInstanceOfSatisfying(JournalFormatException.class, e -> {
                    assertThat(e.line()).isEqualTo(12_347);
                    assertThat(e.field()).isEqualTo("status");
                });
        CsvConsentStore.builder(journal).lockTimeout(Duration.ZERO).build().close(); // not left locked
    }

    @Test
    void aLargeJournalLoadsCompletelyInOrder() throws Exception {
        Path journal = dir.resolve("large.csv");
        try (ConsentTracker t = ConsentTracker.builder(CsvConsentStore.open(journal)).clock(clock).build()) {
            for (int i = 0; i < 10_000; i++) {
                t.recordWebFormConsent("+1512" + (2_000_000 + i), null, null, null, null, null);
                if (i % 7 == 0) {
                    t.revoke("+1512" + (2_000_000 + i), "admin", null);
                }
            }
        }
        try (ConsentTracker t = ConsentTracker.builder(CsvConsentStore.open(journal)).clock(clock).build()) {
            assertThat(t.activeConsents()).hasSize(10_000 - 1_429);
            assertThat(t.isOptedOut("+15122000007")).isTrue();
            assertThat(t.isActive("+15122000008")).isTrue();
            assertThat(t.history("+15122000014")).hasSize(2);
        }
    }

    @Test
    void repeatedConsentTextsAreStoredOnce() {
        ConsentRecord a = tracker.recordWebFormConsent("+15125551234", null, null, null, null, null);
        ConsentRecord b = tracker.recordWebFormConsent("+15125551235", null, null, null, null, null);
        ConsentTracker reopened = ConsentTracker.builder(store).clock(clock).build();
        assertThat(reopened.status("+15125551234").orElseThrow().consentMessage())
                .isSameAs(reopened.status("+15125551235").orElseThrow().consentMessage());
        assertThat(a.consentMessage()).isEqualTo(b.consentMessage());
    }

    @Test
    void appendRejectsAnIdOwnedByAnotherNumber() {
        ConsentRecord r = tracker.recordWebFormConsent("+15125551234", null, null, null, null, null);
        ConsentRecord forged = new ConsentRecord(r.consentId(), r.timestamp(),
                io.consentkit.phone.PhoneNumber.of("+15125551235"), "web_form", "t", null, null, null, null, null,
                null, ConsentStatus.ACTIVE, null, null);
        assertThatThrownBy(() -> tracker.append(forged)).isInstanceOf(InvalidInputException.class)
                .hasMessageContaining("consent_id");
    }
}
