package io.consentkit.journal;

import io.consentkit.InvalidInputException;
import io.consentkit.phone.PhoneNumber;
import io.consentkit.phone.PhoneNumbers;
import org.junit.jupiter.api.Test;

import java.io.StringReader;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Schema versions 1 (14 legacy columns) and 2 (then program, brand, channel) in the public codec. */
class JournalSchemaVersionTest {
    private static final PhoneNumbers PHONES = PhoneNumbers.defaults();
    private static final Instant T = Instant.parse("2025-07-01T09:00:00Z");

    private static ConsentRecord row(String id) {
        return new ConsentRecord(id, T, PhoneNumber.of("+15125551234"), "web_form", "=HYPERLINK(\"x\")", "c1", "Ann",
                "", "", "", Map.of("k", "v"), ConsentStatus.ACTIVE, null, "");
    }

    @Test
    void theVersion2ColumnsFollowTheFourteenLegacyOnesUnchanged() {
        assertThat(ConsentRecord.COLUMNS.subList(0, 14)).isEqualTo(ConsentRecord.LEGACY_COLUMNS);
        assertThat(ConsentRecord.COLUMNS.subList(14, 17)).containsExactly("program", "brand", "channel");
        assertThat(JournalCodec.SCOPES_HEADER_LINE).isEqualTo(JournalCodec.LEGACY_HEADER_LINE + ",program,brand,channel");
        assertThat(JournalCodec.HEADER_LINE).isEqualTo(JournalCodec.SCOPES_HEADER_LINE + ",row_digest,chain_link");
        assertThat(JournalCodec.COLUMN_COUNT).isEqualTo(17);
        assertThat(JournalCodec.LEGACY_COLUMN_COUNT).isEqualTo(14);
    }

    @Test
    void theHeaderIsTheVersionMarker() {
        int[] legacy = JournalCodec.mapHeader(ConsentRecord.LEGACY_COLUMNS, "t");
        int[] v2 = JournalCodec.mapHeader(ConsentRecord.COLUMNS, "t");
        assertThat(JournalCodec.schemaVersion(legacy)).isEqualTo(1);
        assertThat(JournalCodec.fileColumnCount(legacy)).isEqualTo(14);
        assertThat(legacy).isEqualTo(JournalCodec.legacyMap());
        assertThat(JournalCodec.schemaVersion(v2)).isEqualTo(2);
        assertThat(v2).isEqualTo(JournalCodec.identityMap());
        List<String> shuffled = new ArrayList<>(ConsentRecord.COLUMNS);
        java.util.Collections.rotate(shuffled, 5);
        assertThat(JournalCodec.schemaVersion(JournalCodec.mapHeader(shuffled, "t"))).isEqualTo(2);
    }

    @Test
    void aHeaderWithSomeButNotAllVersion2ColumnsNamesTheMissingOnes() {
        List<String> partial = new ArrayList<>(ConsentRecord.LEGACY_COLUMNS);
        partial.add("program");
        assertThatThrownBy(() -> JournalCodec.mapHeader(partial, "f.csv")).isInstanceOf(JournalFormatException.class)
                .hasMessageContaining("missing [brand, channel]").hasMessageContaining("version 2 adds");
    }

    @Test
    void aLegacyRowDecodesInTheDefaultScopeAndAVersion2RowKeepsItsScope() {
        String[] legacyCells = JournalCodec.cells(row("a"));
        ConsentRecord legacy = JournalCodec.decode(i -> legacyCells[i], 14, JournalCodec.legacyMap(), PHONES, "t", 2);
        assertThat(legacy).isEqualTo(row("a"));
        assertThat(legacy.isLegacyShaped()).isTrue();
        ConsentRecord scoped = row("b").withScope("alerts", "acme", "sms");
        String[] cells = JournalCodec.cells(scoped);
        assertThat(JournalCodec.decode(i -> cells[i], 17, JournalCodec.identityMap(), PHONES, "t", 2)).isEqualTo(scoped);
        assertThatThrownBy(() -> JournalCodec.decode(i -> cells[i], 14, JournalCodec.identityMap(), PHONES, "t", 2))
                .isInstanceOf(JournalFormatException.class).hasMessageContaining("has 14 fields, expected 17");
    }

    @Test
    void aVersion2CellThatIsNotAShortIdentifierFailsNamingItsField() {
        String[] cells = JournalCodec.cells(row("b"));
        cells[15] = "Acme Inc";
        assertThatThrownBy(() -> JournalCodec.decode(i -> cells[i], 17, JournalCodec.identityMap(), PHONES, "f.csv", 7))
                .isInstanceOfSatisfying(JournalFormatException.class, e -> {
                    assertThat(e.field()).isEqualTo("brand");
                    assertThat(e.line()).isEqualTo(7);
                }).hasMessageContaining("'Acme Inc' must be empty or at most 64 chars");
    }

    @Test
    void aLegacyMapWritesFourteenCellsAndRefusesAScopedRowNamingTheField() {
        String line = JournalCodec.appendLine(new StringBuilder(), row("a"), JournalCodec.legacyMap(), false).toString();
        assertThat(line).isEqualTo(JournalCodec.appendLine(new StringBuilder(), row("a"), JournalCodec.identityMap(),
                false).toString().replaceFirst(",,,\n$", "\n"));
        StringBuilder sb = new StringBuilder("kept");
        assertThatThrownBy(() -> JournalCodec.appendLine(sb, row("a").withScope("", "acme", ""),
                JournalCodec.legacyMap(), false)).isInstanceOfSatisfying(InvalidInputException.class,
                        e -> assertThat(e.field()).isEqualTo("brand"))
                .hasMessageContaining("legacy 14-column journal schema");
        assertThat(sb).hasToString("kept");
    }

    @Test
    void anAuditExportInVersion2ReimportsWithItsScopeAndALegacyExportStillImports() throws Exception {
        List<ConsentRecord> rows = List.of(row("a").withScope("marketing", "acme", "web"), row("b"),
                row("c").withStatus(ConsentStatus.REVOKED, T.plusSeconds(5), "stop_keyword", Map.of())
                        .withScope("", "acme", "sms"));
        StringBuilder export = new StringBuilder(JournalCodec.SCOPES_HEADER_LINE).append('\n');
        StringBuilder legacy = new StringBuilder(JournalCodec.LEGACY_HEADER_LINE).append('\n');
        for (ConsentRecord r : rows) {
            JournalCodec.appendLine(export, r, JournalCodec.identityMap(), true);
            if (r.isLegacyShaped()) {
                JournalCodec.appendLine(legacy, r, JournalCodec.legacyMap(), true);
            }
        }
        assertThat(export.toString()).contains("'=HYPERLINK");
        assertThat(JournalCodec.readAll(new StringReader(export.toString()), "audit.csv", PHONES, true))
                .containsExactlyElementsOf(rows);
        assertThat(JournalCodec.readAll(new StringReader(legacy.toString()), "old.csv", PHONES, true))
                .containsExactly(row("b"));
    }
}
