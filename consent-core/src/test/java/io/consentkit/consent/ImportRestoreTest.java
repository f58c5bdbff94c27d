package io.consentkit.consent;

import io.consentkit.journal.ConsentRecord;
import io.consentkit.journal.ConsentStatus;
import io.consentkit.journal.ConsentStore;
import io.consentkit.store.CsvConsentStore;
import io.consentkit.store.InMemoryConsentStore;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicReference;

import static org.assertj.core.api.Assertions.assertThat;

/** Import and restore by event time, idempotent re-imports, audit export round trips (issue 20, item 10). */
@Timeout(60)
class ImportRestoreTest {
    private static final String A = "+15125551234";
    private static final String B = "+15125555678";

    @TempDir
    Path dir;

    private final AtomicReference<Instant> now = new AtomicReference<>(Instant.parse("2025-06-01T15:00:00Z"));
    private final Clock clock = new Clock() {
        @Override
        public ZoneId getZone() {
            return ZoneOffset.UTC;
        }

        @Override
        public Clock withZone(ZoneId zone) {
            return this;
        }

        @Override
        public Instant instant() {
            return now.get();
        }
    };

    private ConsentTracker open(ConsentStore store) {
        return ConsentTracker.builder(store).clock(clock).build();
    }

    private void advance() {
        now.updateAndGet(t -> t.plus(Duration.ofMinutes(1)));
    }

    /** A tracker with formula-looking cells, a STOP and a fresh START on one number. */
    private void fill(ConsentTracker t) {
        t.recordConsent(ConsentRequest.builder(A, "web_form", "=HYPERLINK(\"http://evil\")")
                .customerName("-Ann, \"the\" climber").customerId("@id").customerEmail("'=kept@example.com")
                .metadata("note", "+1 \n line").build());
        advance();
        t.recordKeywordConsent(B, "start", "c2", "SM1", "start");
        advance();
        t.revoke(A, "stop_keyword", "texted STOP");
        advance();
        t.recordKeywordConsent(A, "start", "c1", "SM2", "start");
        advance();
    }

    @Test
    void anOldExportReimportedAfterAStopKeepsTheNumberOptedOut() throws Exception {
        for (boolean csv : new boolean[] {true, false}) {
            ConsentStore store = csv ? CsvConsentStore.open(dir.resolve("stop.csv")) : new InMemoryConsentStore();
            try (ConsentTracker t = open(store)) {
                ConsentRecord c = t.recordWebFormConsent(A, "c1", null, null, null, null);
                Path old = dir.resolve("old-" + csv + ".csv");
                t.exportAudit(old);
                advance();
                t.revoke(A, "stop_keyword", null);
                ImportResult r = t.importLegacy(old);
                assertThat(r).as("csv=" + csv).isEqualTo(new ImportResult(1, 0, 1, 0)); // the row is in the history
                assertThat(t.isOptedOut(A)).isTrue();
                assertThat(t.findById(c.consentId())).get().extracting(ConsentRecord::status)
                        .isEqualTo(ConsentStatus.REVOKED);
                Path audit = dir.resolve("audit-" + csv + ".csv");
                t.exportAudit(audit);
                assertThat(Files.readString(audit)).contains(",revoked,").doesNotContain(",active,");
            }
        }
    }

    @Test
    void aJournalImportedIntoItselfAddsNothing() throws Exception {
        Path journal = dir.resolve("self.csv");
        try (ConsentTracker t = open(CsvConsentStore.open(journal))) {
            fill(t);
        }
        Path copy = dir.resolve("copy.csv");
        Files.copy(journal, copy);
        long size = Files.size(journal);
        try (ConsentTracker t = open(CsvConsentStore.open(journal))) {
            ImportResult r = t.importLegacy(copy);
            assertThat(r.rowsRead()).isEqualTo(4);
            assertThat(r.rowsImported()).isZero();
            assertThat(r.rowsRead()).isEqualTo(r.rowsSkipped() + r.rowsImported() + r.rowsSuperseded());
            assertThat(t.isOptedOut(A)).isFalse();
            assertThat(t.isActive(A)).isTrue();
        }
        assertThat(Files.size(journal)).isEqualTo(size);
    }

    @Test
    void restoringAStoreFromItsOwnAuditExportAddsNoApostrophesOrDuplicates() throws Exception {
        InMemoryConsentStore source = new InMemoryConsentStore();
        Path export = dir.resolve("audit.csv");
        List<ConsentRecord> expected;
        try (ConsentTracker t = open(source)) {
            fill(t);
            t.exportAudit(export);
            expected = new ArrayList<>();
            for (String n : List.of(A, B)) {
                expected.addAll(t.consents(n));
            }
            // into itself: nothing new
            assertThat(t.importLegacy(export).rowsImported()).isZero();
        }
        assertThat(Files.readString(export)).contains("'=HYPERLINK").contains("''=kept@example.com");
        Path restored = dir.resolve("restored.csv");
        try (ConsentTracker t = open(CsvConsentStore.open(restored))) {
            assertThat(t.importLegacy(export).rowsImported()).isEqualTo(3);
            assertThat(t.importLegacy(export).rowsImported()).isZero();
            List<ConsentRecord> got = new ArrayList<>();
            for (String n : List.of(A, B)) {
                got.addAll(t.consents(n));
            }
            assertThat(got).containsExactlyElementsOf(expected);
            assertThat(t.findById(expected.get(0).consentId())).get().satisfies(c -> {
                assertThat(c.consentMessage()).isEqualTo("=HYPERLINK(\"http://evil\")");
                assertThat(c.customerName()).isEqualTo("-Ann, \"the\" climber");
                assertThat(c.customerEmail()).isEqualTo("'=kept@example.com");
            });
            assertThat(t.isActive(A)).isTrue();
            assertThat(t.isActive(B)).isTrue();
        }
    }

    @Test
    void theJournalExportIsALosslessBackup() throws Exception {
        Path backup = dir.resolve("backup.csv");
        List<ConsentRecord> history = new ArrayList<>();
        try (ConsentTracker t = open(CsvConsentStore.open(dir.resolve("live.csv")))) {
            fill(t);
            assertThat(t.exportJournal(backup)).isEqualTo(4);
            history.addAll(t.history(A));
            history.addAll(t.history(B));
            assertThat(t.importLegacy(backup)).isEqualTo(new ImportResult(4, 0, 4, 0)); // into itself
        }
        assertThat(Files.readString(backup)).contains(",\"=HYPERLINK").contains(",'=kept@example.com,")
                .doesNotContain("''=");
        for (ConsentStore target : List.of(CsvConsentStore.open(dir.resolve("restored.csv")),
                new InMemoryConsentStore())) {
            try (ConsentTracker t = open(target)) {
                assertThat(t.importLegacy(backup)).isEqualTo(new ImportResult(4, 4, 0, 0));
                List<ConsentRecord> got = new ArrayList<>(t.history(A));
                got.addAll(t.history(B));
                assertThat(got).containsExactlyElementsOf(history);
                assertThat(t.isActive(A)).isTrue();
                assertThat(t.isActive(B)).isTrue();
                Path again = dir.resolve("again-" + target.capabilities().name() + ".csv");
                t.exportJournal(again);
                assertThat(Files.readAllBytes(again)).isEqualTo(Files.readAllBytes(backup)); // byte-exact
                assertThat(t.importLegacy(backup).rowsImported()).isZero();
            }
        }
    }

    @Test
    void anOlderRevocationDoesNotReplaceANewerOneAndAPendingRowDoesNotUndoAConfirmation() {
        InMemoryConsentStore store = new InMemoryConsentStore();
        try (ConsentTracker t = open(store)) {
            ConsentRecord c = t.recordWebFormConsent(A, "c1", null, null, null, null);
            Instant grant = c.timestamp();
            ConsentRecord early = c.withStatus(ConsentStatus.REVOKED, grant.plusSeconds(10), "admin", null);
            ConsentRecord late = c.withStatus(ConsentStatus.REVOKED, grant.plusSeconds(20), "stop_keyword", null);
            ConsentRecord pending = c.withStatus(ConsentStatus.PENDING, null, "", null);
            String csv = csv(late, early, pending);
            assertThat(t.importLegacy(new java.io.StringReader(csv))).isEqualTo(new ImportResult(3, 1, 0, 2));
            assertThat(t.findById(c.consentId())).contains(late);
            assertThat(store.rows()).containsExactly(c, late);
        }
    }

    private static String csv(ConsentRecord... rows) {
        StringBuilder sb = new StringBuilder(io.consentkit.journal.JournalCodec.SCOPES_HEADER_LINE).append('\n');
        for (ConsentRecord r : rows) {
            io.consentkit.journal.JournalCodec.appendLine(sb, r, io.consentkit.journal.JournalCodec.identityMap(), false);
        }
        return sb.toString();
    }
}
