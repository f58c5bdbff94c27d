package io.consentkit.consent;

import io.consentkit.InvalidInputException;
import io.consentkit.journal.ConsentRecord;
import io.consentkit.journal.ConsentStore;
import io.consentkit.journal.JournalFormatException;
import io.consentkit.store.CsvConsentStore;
import io.consentkit.store.InMemoryConsentStore;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.io.StringReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.function.Supplier;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Bounds on what enters the journal: oversize fields, deep metadata, invalid UTF-8 (issue 20, item 5). */
@Timeout(60)
class JournalBoundsTest {
    private static final String HEADER = String.join(",", ConsentRecord.LEGACY_COLUMNS) + "\n";
    private static final String NUMBER = "+15125551234";

    @TempDir
    Path dir;

    private static String repeat(char c, int n) {
        return String.valueOf(c).repeat(n);
    }

    private static String deepJson(int depth) {
        return "{\"\"k\"\":" + "[".repeat(depth) + "]".repeat(depth) + "}";
    }

    @Test
    void aSeventeenMebibyteFieldThroughTheApiIsRefusedAndTheCsvJournalStillOpens() throws Exception {
        Path journal = dir.resolve("c.csv");
        try (ConsentTracker t = ConsentTracker.builder(CsvConsentStore.open(journal)).build()) {
            t.recordWebFormConsent(NUMBER, "c1", null, null, null, null);
            long before = Files.size(journal);
            String huge = repeat('x', 17 << 20);
            assertThatThrownBy(() -> t.recordConsent(ConsentRequest.builder("+15125550000", "web_form", huge).build()))
                    .isInstanceOfSatisfying(InvalidInputException.class, e -> {
                        assertThat(e.field()).isEqualTo("consent_message");
                        assertThat(e.problem()).contains(String.valueOf(ConsentRequest.MAX_CONSENT_MESSAGE));
                    });
            assertThatThrownBy(() -> t.recordWebFormConsent("+15125550001", "c2", huge, null, null, null))
                    .isInstanceOfSatisfying(InvalidInputException.class, e -> assertThat(e.field()).isEqualTo("customer_name"));
            assertThatThrownBy(() -> t.recordConsent(ConsentRequest.builder("+15125550002", "web_form", "ok")
                    .metadata("note", huge).build()))
                    .isInstanceOfSatisfying(InvalidInputException.class, e -> assertThat(e.field()).isEqualTo("metadata"));
            assertThatThrownBy(() -> t.revoke(NUMBER, "admin", huge))
                    .isInstanceOfSatisfying(InvalidInputException.class, e -> assertThat(e.field()).isEqualTo("metadata"));
            assertThat(Files.size(journal)).isEqualTo(before); // nothing written
            assertThat(t.isActive(NUMBER)).isTrue(); // the failed revoke changed nothing
            assertThat(t.isActive("+15125550000")).isFalse();
        }
        try (ConsentTracker t = ConsentTracker.builder(CsvConsentStore.open(journal)).build()) {
            assertThat(t.isActive(NUMBER)).isTrue();
            assertThat(t.history(NUMBER)).hasSize(1);
        }
    }

    @Test
    void aStoreWrittenWithoutATrackerRefusesAnOverLimitBatchWhole() throws Exception {
        Path journal = dir.resolve("direct.csv");
        try (CsvConsentStore store = CsvConsentStore.open(journal)) {
            java.time.Instant at = java.time.Instant.parse("2025-01-15T18:22:03Z");
            io.consentkit.phone.PhoneNumber pn = io.consentkit.phone.PhoneNumbers.defaults().parse(NUMBER);
            ConsentRecord ok = new ConsentRecord("a1b2c3d4e5f60718", at, pn, "web_form", "text", "", "", "", "", "",
                    java.util.Map.of(), io.consentkit.journal.ConsentStatus.ACTIVE, null, "");
            ConsentRecord huge = new ConsentRecord("b1b2c3d4e5f60718", at, pn, "web_form", "text", "",
                    repeat('x', 17 << 20), "", "", "", java.util.Map.of(), io.consentkit.journal.ConsentStatus.ACTIVE,
                    null, "");
            long before = Files.size(journal);
            assertThatThrownBy(() -> store.append(java.util.List.of(ok, huge)))
                    .isInstanceOfSatisfying(InvalidInputException.class, e -> assertThat(e.field()).isEqualTo("customer_name"));
            assertThat(Files.size(journal)).as("no row of the batch written").isEqualTo(before);
            store.append(java.util.List.of(ok));
        }
        try (ConsentTracker t = ConsentTracker.builder(CsvConsentStore.open(journal)).build()) {
            assertThat(t.isActive(NUMBER)).isTrue();
        }
    }

    @Test
    void aStopIsNeverRefusedBecauseTheConsentItRevokesIsNearTheLimit() {
        InMemoryConsentStore store = new InMemoryConsentStore();
        try (ConsentTracker t = ConsentTracker.builder(store).build()) {
            String big = repeat('m', io.consentkit.journal.JournalLimits.MAX_ACTIVE_METADATA_CHARS - 20);
            t.recordConsent(ConsentRequest.builder(NUMBER, "web_form", "text").metadata("form", big).build());
            assertThat(t.revoke(NUMBER, "stop_keyword", "texted STOP",
                    java.util.Map.of("message_sid", "SM" + repeat('0', 32), "inbound_body", "STOP"))).hasSize(1);
            assertThat(t.isOptedOut(NUMBER)).isTrue();
            assertThat(store.rows()).hasSize(2);
        }
    }

    @Test
    void anOversizeRowAppendedAsARecordIsRefusedByTheInMemoryStoreToo() {
        InMemoryConsentStore store = new InMemoryConsentStore();
        try (ConsentTracker t = ConsentTracker.builder(store).build()) {
            ConsentRecord ok = t.recordWebFormConsent(NUMBER, "c1", null, null, null, null);
            ConsentRecord big = new ConsentRecord(t.newConsentId(ok.phoneNumber(), ok.timestamp()), ok.timestamp(),
                    ok.phoneNumber(), "custom", "text", repeat('i', 1 << 20), "", "", "", "", java.util.Map.of(),
                    io.consentkit.journal.ConsentStatus.ACTIVE, null, "");
            assertThatThrownBy(() -> t.append(big))
                    .isInstanceOfSatisfying(InvalidInputException.class, e -> assertThat(e.field()).isEqualTo("customer_id"));
            assertThat(store.rows()).containsExactly(ok);
        }
    }

    @Test
    void aTwentyMegabyteCellThroughImportIsRefusedAndNothingIsImported() throws Exception {
        Path journal = dir.resolve("c.csv");
        Path legacy = dir.resolve("legacy.csv");
        Files.writeString(legacy, HEADER
                + "ok1,2025-01-15T18:22:03Z,+15125551234,web_form,text,,,,,,,active,,\n"
                + "big,2025-01-15T18:22:04Z,+15125551235,web_form," + repeat('y', 20_000_000) + ",,,,,,,active,,\n");
        try (ConsentTracker t = ConsentTracker.builder(CsvConsentStore.open(journal)).build()) {
            long before = Files.size(journal);
            assertThatThrownBy(() -> t.importLegacy(legacy))
                    .isInstanceOfSatisfying(JournalFormatException.class, e -> {
                        assertThat(e.line()).isEqualTo(3);
                        assertThat(e.field()).isEqualTo("consent_message");
                    });
            assertThat(Files.size(journal)).isEqualTo(before);
            assertThat(t.isActive(NUMBER)).isFalse();
        }
        try (ConsentTracker t = ConsentTracker.builder(CsvConsentStore.open(journal)).build()) {
            assertThat(t.isActive(NUMBER)).isFalse();
        }
    }

    @Test
    void deeplyNestedMetadataInAnImportIsATypedErrorNotAStackOverflow() {
        ConsentTracker t = ConsentTracker.builder(new InMemoryConsentStore()).build();
        String csv = HEADER + "d1,2025-01-15T18:22:03Z,+15125551234,web_form,text,,,,,,\"" + deepJson(50_000)
                + "\",active,,\n";
        assertThatThrownBy(() -> t.importLegacy(new StringReader(csv)))
                .isInstanceOfSatisfying(JournalFormatException.class, e -> {
                    assertThat(e.line()).isEqualTo(2);
                    assertThat(e.field()).isEqualTo("metadata");
                    assertThat(e.problem()).contains("nested deeper than");
                });
        assertThat(t.isActive(NUMBER)).isFalse();
        // nesting within the limit is kept as the value's JSON text, as before
        String ok = HEADER + "d2,2025-01-15T18:22:03Z,+15125551234,web_form,text,,,,,,\"" + deepJson(10)
                + "\",active,,\n";
        assertThat(t.importLegacy(new StringReader(ok)).rowsImported()).isEqualTo(1);
    }

    @Test
    void deeplyNestedMetadataInAJournalFailsOpenWithATypedError() throws Exception {
        Path journal = dir.resolve("deep.csv");
        Files.writeString(journal, HEADER + "d1,2025-01-15T18:22:03Z,+15125551234,web_form,text,,,,,,\""
                + deepJson(50_000) + "\",active,,\n");
        assertThatThrownBy(() -> ConsentTracker.builder(CsvConsentStore.open(journal)).build())
                .isInstanceOfSatisfying(JournalFormatException.class, e -> {
                    assertThat(e.line()).isEqualTo(2);
                    assertThat(e.field()).isEqualTo("metadata");
                });
    }

    private static byte[] withBadByte(String before, String after) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.writeBytes(before.getBytes(StandardCharsets.UTF_8));
        out.write(0xC3); // a lead byte ...
        out.write(0x28); // ... followed by '(' instead of a continuation byte
        out.writeBytes(after.getBytes(StandardCharsets.UTF_8));
        return out.toByteArray();
    }

    @Test
    void invalidUtf8InAnImportNamesTheLineAndColumn() throws Exception {
        Path legacy = dir.resolve("latin.csv");
        Files.write(legacy, withBadByte(HEADER + "ok1,2025-01-15T18:22:03Z,+15125551234,web_form,text,,,,,,,active,,\n"
                + "bad,2025-01-15T18:22:04Z,+15125551235,web_form,text,,Jos", "e,,,,,active,,\n"));
        InMemoryConsentStore store = new InMemoryConsentStore();
        ConsentTracker t = ConsentTracker.builder(store).build();
        assertThatThrownBy(() -> t.importLegacy(legacy))
                .isInstanceOfSatisfying(JournalFormatException.class, e -> {
                    assertThat(e.line()).isEqualTo(3);
                    assertThat(e.field()).isEqualTo("encoding");
                    assertThat(e.problem()).contains("column 57").contains("0xC3");
                });
        assertThat(store.rows()).isEmpty();
    }

    @Test
    void invalidUtf8InAJournalNamesTheLineAndColumnOnOpen() throws Exception {
        Path journal = dir.resolve("bad-utf8.csv");
        Files.write(journal, withBadByte(HEADER + "ok1,2025-01-15T18:22:03Z,+15125551234,web_form,text,,,,,,,active,,\n"
                + "bad,2025-01-15T18:22:04Z,+15125551235,web_form,\"multi\nline\",,Jos", "e,,,,,active,,\n"));
        assertThatThrownBy(() -> ConsentTracker.builder(CsvConsentStore.open(journal)).build())
                .isInstanceOfSatisfying(JournalFormatException.class, e -> {
                    assertThat(e.line()).isEqualTo(4);
                    assertThat(e.field()).isEqualTo("encoding");
                    assertThat(e.problem()).contains("column 11").contains("0xC3");
                });
    }

    @Test
    void errorMessagesQuotingInputEscapeControlAndBidiCharacters() {
        ConsentTracker t = ConsentTracker.builder(new InMemoryConsentStore()).build();
        String csv = HEADER + "x1,2025-01-15T18:22:03Z,+15125551234,web\u001b[2Jform\u202e,text,,,,,,,active,,\n";
        assertThatThrownBy(() -> t.importLegacy(new StringReader(csv)))
                .isInstanceOf(JournalFormatException.class)
                .hasMessageContaining("web\\u001b[2Jform\\u202e")
                .satisfies(e -> assertThat(e.getMessage()).doesNotContain("\u001b", "\u202e"));
        String time = HEADER + "x1,2025-01-15\u001b[2J\u0007,+15125551234,web_form,text,,,,,,,active,,\n";
        assertThatThrownBy(() -> t.importLegacy(new StringReader(time)))
                .isInstanceOf(JournalFormatException.class)
                .satisfies(e -> assertThat(e.getMessage()).doesNotContain("\u0007", "\u001b").contains("\\u0007"));
        String status = HEADER + "x1,2025-01-15T18:22:03Z,+15125551234,web_form,text,,,,,,,act\u0000ive,,\n";
        assertThatThrownBy(() -> t.importLegacy(new StringReader(status)))
                .isInstanceOf(JournalFormatException.class)
                .satisfies(e -> assertThat(e.getMessage()).doesNotContain("\u0000").contains("\\u0000"));
        String header = HEADER.replace("customer_id", "cust\u001bomer") ;
        assertThatThrownBy(() -> t.importLegacy(new StringReader(header)))
                .isInstanceOf(JournalFormatException.class)
                .satisfies(e -> assertThat(e.getMessage()).doesNotContain("\u001b").contains("cust\\u001bomer"));
    }
}
