package io.consentkit.retention;

import io.consentkit.InvalidInputException;
import io.consentkit.consent.ConsentRequest;
import io.consentkit.consent.ConsentTracker;
import io.consentkit.journal.ConsentRecord;
import io.consentkit.journal.ErasureKey;
import io.consentkit.journal.JournalVerifier;
import io.consentkit.journal.OptInMethod;
import io.consentkit.journal.Redaction;
import io.consentkit.send.CsvSendLog;
import io.consentkit.send.GuardedSender;
import io.consentkit.send.OutboundMessage;
import io.consentkit.send.SendOutcome;
import io.consentkit.store.CsvConsentStore;
import io.consentkit.testkit.FakeSmsGateway;
import io.consentkit.testkit.SettableClock;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * Erasure on real files: the journal, the send log and a quarantine file written by the real code,
 * then searched byte by byte for the erased person; the number stays blocked through the guarded sender.
 */
class ErasureTest {
    static final String ANN = "+15125551234";
    static final String BOB = "+15125556789";
    static final String TEXT = "Basin Climbing: route news, up to 4 msgs/mo. Reply STOP to opt out.";
    static final String BODY = "Hi Ann, your locker 14 is ready. Reply STOP to opt out.";

    @TempDir
    Path dir;
    final SettableClock clock = SettableClock.at("2026-01-15T18:00:00Z");
    final ErasureKey key = ErasureKey.of("k".repeat(32).getBytes(StandardCharsets.UTF_8));
    String annRecipientKey;

    Path journal() {
        return dir.resolve("consents.csv");
    }

    Path sends() {
        return dir.resolve("sends.csv");
    }

    GuardedSender sender(ConsentTracker t, CsvSendLog log) {
        return GuardedSender.builder(t, FakeSmsGateway.builder().clock(clock).build()).clock(clock)
                .zone(ZoneId.of("America/Chicago")).sendLog(log).build();
    }

    /** Ann and Bob opt in, both get a text, and a crash leaves a torn row of Ann's in a quarantine file. */
    void history() throws Exception {
        try (ConsentTracker t = ConsentTracker.builder(CsvConsentStore.open(journal())).clock(clock).build();
             CsvSendLog log = CsvSendLog.open(sends())) {
            t.recordConsent(ConsentRequest.builder(ANN, OptInMethod.WEB_FORM, TEXT).customerId("cust-ann-1")
                    .customerName("Ann Example").customerEmail("ann@example.com").ipAddress("203.0.113.7")
                    .screenshotUrl("https://shots.example.com/ann-form.png")
                    .metadata("form_url", "https://basin.example.com/join?ref=ann-newsletter").build());
            t.recordConsent(ConsentRequest.builder(BOB, OptInMethod.WEB_FORM, TEXT).customerName("Bob Other").build());
            GuardedSender s = sender(t, log);
            assertThat(s.send(OutboundMessage.builder(ANN).body(BODY).correlationId("order-ann-77").build()).sent()).isTrue();
            assertThat(s.send(OutboundMessage.builder(BOB).body("Hi Bob").build()).sent()).isTrue();
            annRecipientKey = log.recipientKey(ANN);
        }
        // a row cut short by a crash: the next writable open moves it to <journal>.torn-<millis>
        Files.writeString(journal(), "c0ffee,2026-01-16T10:00:00Z," + ANN + ",web_form,\"" + TEXT + "\",cust-ann-1,Ann Exa",
                StandardOpenOption.APPEND);
        try (CsvConsentStore s = CsvConsentStore.builder(journal()).clock(clock).build()) {
            assertThat(s.quarantined()).isPresent();
        }
    }

    Erasure erasure() {
        return Erasure.builder(journal()).sendLog(sends()).key(key).clock(clock).build();
    }

    /** Every file of the folder with its bytes. */
    Map<String, byte[]> snapshot() throws Exception {
        Map<String, byte[]> out = new TreeMap<>();
        try (Stream<Path> files = Files.list(dir)) {
            for (Path p : files.toList()) {
                out.put(p.getFileName().toString(), Files.readAllBytes(p));
            }
        }
        return out;
    }

    @Test
    void theErasedNumberStaysBlockedAndNoneOfTheirFieldsRemainsInAnyFile() throws Exception {
        history();
        ErasureResult r = erasure().erase(ANN, "GDPR request 2026-004");
        assertThat(r.journalRows()).isEqualTo(1);
        assertThat(r.revoked()).isEqualTo(1);
        assertThat(r.sendLogRows()).isEqualTo(1);
        assertThat(r.quarantineFiles()).hasSize(1);

        List<String> traces = List.of(ANN, ANN.substring(1), ANN.substring(2), "Ann Example", "Ann Exa",
                "ann@example.com", "203.0.113.7", "cust-ann-1", "shots.example.com/ann-form.png", "ann-newsletter",
                "order-ann-77", annRecipientKey, "+*********34");
        List<String> found = new ArrayList<>();
        for (Map.Entry<String, byte[]> f : snapshot().entrySet()) {
            String text = new String(f.getValue(), StandardCharsets.ISO_8859_1);
            for (String t : traces) {
                if (text.contains(t)) {
                    found.add(f.getKey() + ": " + t);
                }
            }
        }
        assertThat(found).as("traces of the erased person left in any file").isEmpty();
        String journalText = Files.readString(journal());
        assertThat(journalText).as("the consent text is the business's evidence and stays").contains(TEXT)
                .contains("Bob Other").contains(BOB).contains(Redaction.MARKER).contains("GDPR request 2026-004");

        try (ConsentTracker t = ConsentTracker.builder(CsvConsentStore.open(journal())).clock(clock).erasureKey(key).build();
             CsvSendLog log = CsvSendLog.open(sends())) {
            assertThat(t.isOptedOut(ANN)).isTrue();
            assertThat(t.isActive(ANN)).isFalse();
            assertThat(t.isActive(BOB)).isTrue();
            GuardedSender s = sender(t, log);
            SendOutcome transactional = s.send(OutboundMessage.transactional(ANN, "Your code is 1234"));
            assertThat(transactional).isInstanceOfSatisfying(SendOutcome.Blocked.class,
                    b -> assertThat(b.reason()).isEqualTo(SendOutcome.Reason.OPTED_OUT));
            assertThat(s.send(OutboundMessage.marketing(ANN, "Sale!")).sent()).isFalse();
            assertThat(s.send(OutboundMessage.marketing(BOB, "Sale!")).sent()).isTrue();
            ConsentRecord erasureRow = t.history(Redaction.NUMBER).stream().filter(Redaction::isErasure).findFirst()
                    .orElseThrow();
            assertThat(erasureRow.metadata()).containsEntry(Redaction.NUMBER_HASH, key.hash(t.phoneNumbers().parse(ANN)))
                    .containsEntry(Redaction.REASON, "GDPR request 2026-004").containsEntry(Redaction.ROWS, "1");
            // a new opt-in after the erasure is a new consent, answered by its own rows
            t.recordConsent(ConsentRequest.builder(ANN, OptInMethod.KEYWORD, TEXT).build());
            assertThat(t.isActive(ANN)).isTrue();
        }
    }

    @Test
    void theChainStaysVerifiableThroughTheErasureRowsVouching() throws Exception {
        history();
        JournalVerifier.Result before = JournalVerifier.verify(journal());
        assertThat(before.ok()).isTrue();
        assertThat(before.chainedRows()).isEqualTo(before.rows());
        erasure().erase(ANN, "request 9");
        Redaction.Vouched vouched = new Redaction.Vouched();
        try (CsvConsentStore s = CsvConsentStore.openReadOnly(journal())) {
            s.replay(vouched);
        }
        JournalVerifier.Result after = JournalVerifier.verify(journal(),
                JournalVerifier.Options.DEFAULTS.withRedactedRows(vouched.redactedRows()));
        assertThat(after.ok()).as(String.valueOf(after.firstBreak())).isTrue();
        assertThat(after.rows()).isEqualTo(before.rows() + 2); // Ann's revocation and the erasure row
        assertThat(after.redactedRows()).isEqualTo(2);
        JournalVerifier.Result unvouched = JournalVerifier.verify(journal());
        assertThat(unvouched.ok()).as("without the erasure row's word, the redacted row no longer hashes to its digest")
                .isFalse();
        assertThat(unvouched.firstBreak().problem()).isEqualTo(JournalVerifier.Problem.DIGEST);
        assertThat(unvouched.firstBreak().row()).isEqualTo(1);
        // the chain goes on after the erasure: a writer appends, and the whole journal still verifies
        try (ConsentTracker t = ConsentTracker.builder(CsvConsentStore.open(journal())).clock(clock).erasureKey(key).build()) {
            t.recordConsent(ConsentRequest.builder("+15125550000", OptInMethod.KEYWORD, TEXT).build());
        }
        assertThat(JournalVerifier.verify(journal(), JournalVerifier.Options.DEFAULTS
                .withRedactedRows(vouched.redactedRows())).ok()).isTrue();
    }

    @Test
    void theDocumentedErasure() throws Exception {
        history();
        Path keyFile = dir.resolve("erasure.key");
        Files.writeString(keyFile, java.util.HexFormat.of().formatHex("k".repeat(32).getBytes(StandardCharsets.UTF_8)));
        Path journal = journal();
        Path sendLog = sends();
        // snippet: erasure
        ErasureKey key = ErasureKey.load(keyFile);
        ErasureResult result = Erasure.builder(journal).sendLog(sendLog).key(key).build()
                .erase("+15125551234", "GDPR request 2026-004");
        ConsentTracker tracker = ConsentTracker.builder(CsvConsentStore.open(journal)).erasureKey(key).build();
        boolean blocked = tracker.isOptedOut("+15125551234"); // true: the number stays suppressed
        // end snippet
        try (tracker) {
            assertThat(blocked).isTrue();
            assertThat(result.journalRows()).isEqualTo(1);
            assertThat(Files.readString(journal)).doesNotContain(ANN);
        }
    }

    @Test
    void aTrackerWithoutTheKeyRefusesToOpenOverErasures() throws Exception {
        history();
        erasure().erase(ANN, "request 5");
        assertThatThrownBy(() -> ConsentTracker.builder(CsvConsentStore.openReadOnly(journal())).build())
                .isInstanceOfSatisfying(InvalidInputException.class,
                        e -> assertThat(e.field()).isEqualTo("erasureKey"));
        ErasureKey other = ErasureKey.of("x".repeat(32).getBytes(StandardCharsets.UTF_8));
        try (ConsentTracker t = ConsentTracker.builder(CsvConsentStore.openReadOnly(journal())).erasureKey(other).build()) {
            assertThat(t.isOptedOut(ANN)).as("another key does not recognise the number").isFalse();
        }
    }

    @Test
    void badInputIsATypedErrorThatChangesNoByte() throws Exception {
        history();
        Map<String, byte[]> before = snapshot();
        assertThatThrownBy(() -> erasure().erase("+15125550000", "request 6"))
                .isInstanceOfSatisfying(InvalidInputException.class, e -> assertThat(e.field()).isEqualTo("phone"))
                .hasMessageNotContaining("5125550000");
        assertThatThrownBy(() -> Erasure.builder(journal()).sendLog(sends()).build())
                .isInstanceOfSatisfying(InvalidInputException.class, e -> assertThat(e.field()).isEqualTo("erasureKey"));
        assertThatThrownBy(() -> erasure().erase(ANN, " "))
                .isInstanceOfSatisfying(InvalidInputException.class, e -> assertThat(e.field()).isEqualTo("reason"));
        assertThatThrownBy(() -> erasure().erase("not a number", "request 7")).isInstanceOf(InvalidInputException.class);
        assertThatThrownBy(() -> ErasureKey.of(new byte[16])).isInstanceOf(InvalidInputException.class);
        Map<String, byte[]> after = snapshot();
        assertThat(after.keySet()).isEqualTo(before.keySet());
        before.forEach((name, bytes) -> assertThat(after.get(name)).as(name).isEqualTo(bytes));
    }

    @Test
    void erasingAgainCompletesAndChangesNothingMore() throws Exception {
        history();
        erasure().erase(ANN, "request 8");
        Map<String, byte[]> once = snapshot();
        clock.advance(Duration.ofMinutes(5));
        ErasureResult again = erasure().erase(ANN, "request 8");
        assertThat(again.completed()).isEqualTo(1);
        assertThat(again.journalRows()).isZero();
        Map<String, byte[]> twice = snapshot();
        once.forEach((name, bytes) -> assertThat(twice.get(name)).as(name).isEqualTo(bytes));
    }
}
