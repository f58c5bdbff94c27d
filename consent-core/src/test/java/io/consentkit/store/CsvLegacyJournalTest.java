package io.consentkit.store;

import io.consentkit.InvalidInputException;
import io.consentkit.journal.ConsentRecord;
import io.consentkit.journal.ConsentStatus;
import io.consentkit.journal.JournalCodec;
import io.consentkit.journal.StoreLockedException;
import io.consentkit.phone.PhoneNumber;
import org.apache.commons.csv.CSVFormat;
import org.apache.commons.csv.CSVParser;
import org.apache.commons.csv.CSVRecord;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.io.InputStream;
import java.io.StringReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** A legacy 14-column journal: loads as it is, keeps taking default rows, refuses scoped ones, upgrades explicitly. */
class CsvLegacyJournalTest {
    private static final Instant T = Instant.parse("2025-06-01T12:00:00Z");

    @TempDir
    Path dir;
    private Path file;
    private byte[] fixture;

    @BeforeEach
    void copyFixture() throws IOException {
        try (InputStream in = getClass().getResourceAsStream("legacy-14-columns.csv")) {
            fixture = in.readAllBytes();
        }
        file = dir.resolve("consents.csv");
        Files.write(file, fixture);
    }

    private static ConsentRecord row(String id, String phone) {
        return new ConsentRecord(id, T, PhoneNumber.of(phone), "web_form", "Texts, \"weekly\".", "c", "n", "", "", "",
                Map.of(), ConsentStatus.ACTIVE, null, "");
    }

    private static List<ConsentRecord> replay(CsvConsentStore s) {
        List<ConsentRecord> out = new ArrayList<>();
        s.replay(out::add);
        return out;
    }

    /** What a tool that knows only the 14 legacy columns reads: every record by header name, 14 cells each. */
    private static List<CSVRecord> legacyReader(Path f) throws IOException {
        try (CSVParser p = CSVFormat.RFC4180.builder().setHeader().setSkipHeaderRecord(true).get()
                .parse(new StringReader(Files.readString(f)))) {
            assertThat(p.getHeaderNames()).containsExactlyElementsOf(ConsentRecord.LEGACY_COLUMNS);
            List<CSVRecord> out = p.getRecords();
            assertThat(out).allSatisfy(r -> assertThat(r.size()).isEqualTo(14));
            return out;
        }
    }

    @Test
    void aLegacyFileLoadsAsItIsAndOpeningOrReadingWritesNothing() throws IOException {
        List<ConsentRecord> rows;
        try (CsvConsentStore s = CsvConsentStore.open(file)) {
            assertThat(s.schemaVersion()).isEqualTo(JournalCodec.LEGACY_SCHEMA_VERSION);
            rows = replay(s);
        }
        try (CsvConsentStore s = CsvConsentStore.openReadOnly(file)) {
            assertThat(replay(s)).isEqualTo(rows);
        }
        assertThat(Files.readAllBytes(file)).isEqualTo(fixture);
        assertThat(rows).extracting(ConsentRecord::consentId).containsExactly("a1b2c3", "d4e5f6", "9f8e7d");
        assertThat(rows).allSatisfy(r -> assertThat(r.isLegacyShaped()).isTrue());
        assertThat(rows.get(0).timestamp()).isEqualTo(Instant.parse("2024-11-02T14:03:11.250413Z"));
        assertThat(rows.get(0).metadata()).containsEntry("form_url", "https://example.com/sms");
        assertThat(rows.get(2).isSuppression()).isTrue();
    }

    @Test
    void defaultRowsKeepAppendingAsFourteenCellsThatALegacyReaderReads() throws IOException {
        try (CsvConsentStore s = CsvConsentStore.open(file)) {
            s.append(List.of(row("n1", "+15125550101"), row("n2", "+15125550102")));
        }
        String text = Files.readString(file);
        assertThat(text).startsWith(new String(fixture, StandardCharsets.UTF_8));
        List<CSVRecord> records = legacyReader(file);
        assertThat(records).extracting(r -> r.get("consent_id")).containsExactly("a1b2c3", "d4e5f6", "9f8e7d", "n1",
                "n2");
        assertThat(records.get(4).get("phone_number")).isEqualTo("+15125550102");
        try (CsvConsentStore s = CsvConsentStore.open(file)) {
            assertThat(s.schemaVersion()).isEqualTo(JournalCodec.LEGACY_SCHEMA_VERSION);
            assertThat(replay(s)).hasSize(5).last().isEqualTo(row("n2", "+15125550102"));
        }
    }

    @Test
    void aScopedRowOnALegacyFileFailsBeforeAnyByteIsWrittenAndNamesTheUpgrade() throws IOException {
        try (CsvConsentStore s = CsvConsentStore.open(file)) {
            ConsentRecord scoped = row("s1", "+15125550103").withScope("marketing", "acme", "web");
            assertThatThrownBy(() -> s.append(List.of(row("ok", "+15125550104"), scoped)))
                    .isInstanceOf(JournalUpgradeRequiredException.class)
                    .hasMessageContaining("legacy 14-column schema")
                    .hasMessageContaining("nothing was appended")
                    .hasMessageContaining("CsvConsentStore.upgrade")
                    .hasMessageContaining("consent upgrade-journal --store")
                    .hasMessageNotContaining("+15125550103")
                    .satisfies(e -> assertThat(((JournalUpgradeRequiredException) e).file()).isEqualTo(
                            file.toAbsolutePath()));
            assertThat(Files.readAllBytes(file)).isEqualTo(fixture);
            ConsentRecord channelOnly = row("s2", "+15125550105").withScope("", "", "sms");
            assertThatThrownBy(() -> s.append(List.of(channelOnly))).isInstanceOf(JournalUpgradeRequiredException.class);
            assertThat(Files.readAllBytes(file)).isEqualTo(fixture);
            s.append(List.of(row("ok", "+15125550104"))); // the store still works
            assertThat(replay(s)).hasSize(4);
        }
    }

    @Test
    void aNewJournalHasTheVersion3HeaderAndTakesScopedRows() throws IOException {
        Path fresh = dir.resolve("new.csv");
        ConsentRecord scoped = row("s1", "+15125550103").withScope("alerts", "acme", "sms");
        try (CsvConsentStore s = CsvConsentStore.open(fresh)) {
            assertThat(s.schemaVersion()).isEqualTo(JournalCodec.SCHEMA_VERSION);
            s.append(List.of(scoped, row("d1", "+15125550104")));
        }
        List<String> lines = Files.readAllLines(fresh);
        assertThat(lines.get(0)).isEqualTo(JournalCodec.HEADER_LINE)
                .isEqualTo(JournalCodec.LEGACY_HEADER_LINE + ",program,brand,channel,row_digest,chain_link");
        assertThat(lines.get(1)).matches(".*,alerts,acme,sms,[0-9a-f]{64},[0-9a-f]{64}");
        assertThat(lines.get(2)).matches(".*,,,,[0-9a-f]{64},[0-9a-f]{64}");
        try (CsvConsentStore s = CsvConsentStore.openReadOnly(fresh)) {
            assertThat(replay(s)).containsExactly(scoped, row("d1", "+15125550104"));
        }
    }

    @Test
    void upgradeWritesAVersion3CopyKeepingEveryLegacyCellUnchainedAndThenTakesChainedScopedRows() throws IOException {
        List<ConsentRecord> before;
        try (CsvConsentStore s = CsvConsentStore.open(file)) {
            s.append(List.of(row("n1", "+15125550101")));
            before = replay(s);
        }
        UpgradeResult result = CsvConsentStore.upgrade(file);
        assertThat(result.upgraded()).isTrue();
        assertThat(result.fromVersion()).isEqualTo(1);
        assertThat(result.toVersion()).isEqualTo(3);
        assertThat(result.rows()).isEqualTo(4);
        List<String> lines = Files.readAllLines(file);
        assertThat(lines.get(0)).isEqualTo(JournalCodec.HEADER_LINE);
        assertThat(lines.get(1)).startsWith("a1b2c3,2024-11-02 14:03:11.250413,+15125551234,").endsWith(",active,,,,,,,");
        assertThat(Files.exists(JournalUpgrader.tempOf(file.toAbsolutePath()))).isFalse();
        ConsentRecord scoped = row("s1", "+15125550103").withScope("marketing", "acme", "web");
        try (CsvConsentStore s = CsvConsentStore.open(file)) {
            assertThat(s.schemaVersion()).isEqualTo(3);
            assertThat(s.chainHead()).contains(io.consentkit.journal.JournalChain.GENESIS_HEX);
            assertThat(replay(s)).isEqualTo(before);
            s.append(List.of(scoped));
        }
        io.consentkit.journal.JournalVerifier.Result verified = io.consentkit.journal.JournalVerifier.verify(file);
        assertThat(verified.ok()).isTrue();
        assertThat(verified.legacyRows()).isEqualTo(4);
        assertThat(verified.chainedRows()).isEqualTo(1);
        try (CsvConsentStore s = CsvConsentStore.openReadOnly(file)) {
            assertThat(replay(s)).hasSize(5).last().isEqualTo(scoped);
        }
        byte[] upgraded = Files.readAllBytes(file);
        UpgradeResult again = CsvConsentStore.upgrade(file);
        assertThat(again.upgraded()).isFalse();
        assertThat(again.rows()).isEqualTo(5);
        assertThat(Files.readAllBytes(file)).isEqualTo(upgraded);
    }

    @Test
    void upgradeIsRefusedWhileAWriterHoldsTheJournalAndChangesNothing() throws IOException {
        try (CsvConsentStore writer = CsvConsentStore.open(file)) {
            assertThatThrownBy(() -> CsvConsentStore.upgrade(file)).isInstanceOf(StoreLockedException.class)
                    .hasMessageContaining("while a writer holds it").hasMessageContaining("nothing was changed");
            writer.append(List.of(row("n1", "+15125550101"))); // the writer's lock survived the refusal
        }
        try (CsvConsentStore s = CsvConsentStore.openReadOnly(file)) {
            assertThat(s.schemaVersion()).isEqualTo(1);
            assertThat(replay(s)).hasSize(4);
        }
    }

    @Test
    void upgradeOfAMissingFileFailsAndCreatesNothing() {
        Path missing = dir.resolve("missing.csv");
        assertThatThrownBy(() -> CsvConsentStore.upgrade(missing)).hasMessageContaining("does not exist");
        assertThat(Files.exists(missing)).isFalse();
    }

    @Test
    void aCrashBeforeTheMoveLeavesTheOldJournalWhoseNextOpenDeletesTheTempFile() throws IOException {
        for (JournalUpgrader.Step crashAt : List.of(JournalUpgrader.Step.COPIED, JournalUpgrader.Step.FORCED)) {
            Files.write(file, fixture);
            assertThatThrownBy(() -> CsvConsentStore.upgrade(file, step -> {
                if (step == crashAt) {
                    throw new IOException("killed after " + step);
                }
            })).hasMessageContaining("killed after " + crashAt).hasMessageContaining("not replaced");
            assertThat(Files.readAllBytes(file)).isEqualTo(fixture);
        }
        // a kill leaves the temp file behind (no cleanup runs): here, one cut off mid-row
        Path tmp = JournalUpgrader.tempOf(file.toAbsolutePath());
        Files.writeString(tmp, JournalCodec.HEADER_LINE + "\na1b2c3,2024-11-02 14:03:11.250413,+1512");
        try (CsvConsentStore s = CsvConsentStore.openReadOnly(file)) {
            assertThat(replay(s)).hasSize(3); // a reader ignores it and deletes nothing
        }
        assertThat(Files.exists(tmp)).isTrue();
        try (CsvConsentStore s = CsvConsentStore.open(file)) {
            assertThat(s.schemaVersion()).isEqualTo(1);
            assertThat(replay(s)).hasSize(3);
        }
        assertThat(Files.exists(tmp)).isFalse();
        assertThat(Files.readAllBytes(file)).isEqualTo(fixture);
        assertThat(CsvConsentStore.upgrade(file).rows()).isEqualTo(3);
    }

    @Test
    void aCrashAfterTheMoveLeavesTheNewCompleteJournal() throws IOException {
        assertThatThrownBy(() -> CsvConsentStore.upgrade(file, step -> {
            if (step == JournalUpgrader.Step.MOVED) {
                throw new IOException("killed after the move");
            }
        })).hasMessageContaining("killed after the move");
        try (CsvConsentStore s = CsvConsentStore.open(file)) {
            assertThat(s.schemaVersion()).isEqualTo(3);
            assertThat(replay(s)).extracting(ConsentRecord::consentId).containsExactly("a1b2c3", "d4e5f6", "9f8e7d");
        }
    }

    @Test
    void aProgramBrandOrChannelThatIsNotAShortIdentifierIsRefusedNamingTheField() throws IOException {
        Path fresh = dir.resolve("new.csv");
        try (CsvConsentStore s = CsvConsentStore.open(fresh)) {
            byte[] empty = Files.readAllBytes(fresh);
            assertThatThrownBy(() -> s.append(List.of(row("a", "+15125550101").withScope("Marketing", "", ""))))
                    .isInstanceOf(InvalidInputException.class)
                    .satisfies(e -> assertThat(((InvalidInputException) e).field()).isEqualTo("program"));
            assertThatThrownBy(() -> s.append(List.of(row("a", "+15125550101").withScope("", "b".repeat(65), ""))))
                    .isInstanceOf(InvalidInputException.class).hasMessageContaining("at most 64 chars")
                    .satisfies(e -> assertThat(((InvalidInputException) e).field()).isEqualTo("brand"));
            assertThatThrownBy(() -> s.append(List.of(row("a", "+15125550101").withScope("", "", "s,ms"))))
                    .isInstanceOf(InvalidInputException.class)
                    .satisfies(e -> assertThat(((InvalidInputException) e).field()).isEqualTo("channel"));
            assertThat(Files.readAllBytes(fresh)).isEqualTo(empty);
        }
    }

    @Test
    void theDocumentedUpgradeStep() {
        Path file = this.file;
        // snippet: csv-upgrade
        try (CsvConsentStore store = CsvConsentStore.open(file)) {
            if (store.schemaVersion() == JournalCodec.LEGACY_SCHEMA_VERSION) {
                System.out.println("legacy 14-column journal: rows in the default program only");
            }
        }
        UpgradeResult result = CsvConsentStore.upgrade(file); // with every writer of the journal stopped
        System.out.println("upgraded: " + result.upgraded() + ", rows kept: " + result.rows());
        // end snippet
        assertThat(result.upgraded()).isTrue();
        assertThat(result.rows()).isEqualTo(3);
    }
}
