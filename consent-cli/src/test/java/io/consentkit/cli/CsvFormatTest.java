package io.consentkit.cli;

import io.consentkit.consent.ConsentTracker;
import io.consentkit.journal.JournalCodec;
import io.consentkit.store.CsvConsentStore;
import io.consentkit.testkit.SettableClock;
import org.apache.commons.csv.CSVFormat;
import org.apache.commons.csv.CSVRecord;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.StringReader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

import static io.consentkit.cli.CliTestSupport.run;
import static org.assertj.core.api.Assertions.assertThat;

/** {@code --format csv} of list and search: RFC 4180, a header row, cells a spreadsheet will not run. */
class CsvFormatTest {
    @TempDir
    Path dir;
    private String store;

    @BeforeEach
    void journal() {
        Path file = dir.resolve("consents.csv");
        store = file.toString();
        SettableClock clock = SettableClock.at("2026-01-10T15:00:00Z");
        try (ConsentTracker t = ConsentTracker.builder(CsvConsentStore.open(file)).clock(clock).build()) {
            t.recordWebFormConsent("+15125550101", "cust-1", "=HYPERLINK(\"http://evil\",\"x\")", "ann@example.com",
                    "203.0.113.9", "");
            t.recordInPersonConsent("+15125550102", "cust-2", "Ray, Bob \"Bobby\"", "Sarah", "Front desk\nNorth");
            clock.advance(Duration.ofDays(1));
            t.revoke("+15125550102", ConsentTracker.REVOKED_BY_KEYWORD, "texted STOP");
        }
    }

    private static List<CSVRecord> parse(String csv) throws Exception {
        return CSVFormat.RFC4180.builder().setHeader().setSkipHeaderRecord(true).get().parse(new StringReader(csv))
                .getRecords();
    }

    @Test
    void listPrintsTheAuditExportsColumnsWithAHeaderAndFormulaSafeCells() throws Exception {
        CliTestSupport.Result r = run("list", "--store", store, "--format", "csv");
        assertThat(r.exit()).as(r.err()).isZero();
        assertThat(r.out().lines().findFirst().orElseThrow()).isEqualTo(JournalCodec.SCOPES_HEADER_LINE);
        List<CSVRecord> rows = parse(r.out());
        assertThat(rows).hasSize(2);
        assertThat(rows.get(0).get("customer_name")).isEqualTo("'=HYPERLINK(\"http://evil\",\"x\")");
        assertThat(rows.get(1).get("customer_name")).isEqualTo("Ray, Bob \"Bobby\"");
        assertThat(rows.get(1).get("status")).isEqualTo("revoked");
        assertThat(rows.get(1).get("phone_number")).isEqualTo("+15125550102");
        // what list prints in csv is an audit export: it imports back into a new journal
        Path out = dir.resolve("listed.csv");
        Files.writeString(out, r.out());
        CliTestSupport.Result imported = run("import", out.toString(), "--store", dir.resolve("copy.csv").toString());
        assertThat(imported.exit()).as(imported.err()).isZero();
        assertThat(run("list", "--store", dir.resolve("copy.csv").toString(), "--format", "csv").out())
                .isEqualTo(r.out());
    }

    @Test
    void searchPrintsTheMatchesAndAHeaderEvenWhenNoneMatch() throws Exception {
        CliTestSupport.Result r = run("search", "bob", "--store", store, "--format", "csv");
        assertThat(r.exit()).isZero();
        assertThat(parse(r.out())).singleElement().satisfies(row -> assertThat(row.get("customer_id")).isEqualTo("cust-2"));
        CliTestSupport.Result none = run("search", "nobody", "--store", store, "--format", "csv");
        assertThat(none.exit()).isEqualTo(ConsentCli.EXIT_FAILURE);
        assertThat(none.out()).isEqualTo(JournalCodec.SCOPES_HEADER_LINE + "\n");
    }

    @Test
    void otherCommandsRefuseCsvAsBadInput() {
        CliTestSupport.Result r = run("status", "+15125550101", "--store", store, "--format", "csv");
        assertThat(r.exit()).isEqualTo(ConsentCli.EXIT_BAD_INPUT);
        assertThat(r.err()).contains("--format csv is only for list, search and stats");
    }
}
