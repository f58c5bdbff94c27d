package io.consentkit.cli;

import io.consentkit.journal.ConsentRecord;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static io.consentkit.cli.CliTestSupport.run;
import static org.assertj.core.api.Assertions.assertThat;

class ConsentCliTest {
    @TempDir
    Path dir;

    @Test
    void demoRunsTheLifecycleAndLeavesAReadableAudit() throws Exception {
        CliTestSupport.Result r = run("demo", "--dir", dir.toString());
        assertThat(r.exit()).as(r.err()).isZero();
        assertThat(r.out()).contains("1. Web-form opt-in", "texts STOP", "no: opted out", "7. Active consents: 3",
                "8. Audit trail: 4 consents");
        List<String> audit = Files.readAllLines(dir.resolve("audit.csv"));
        assertThat(audit.get(0)).isEqualTo(io.consentkit.journal.JournalCodec.HEADER_LINE); // version 3, chained
        assertThat(audit).hasSize(5);
        assertThat(audit.stream().filter(l -> l.contains(",revoked,"))).hasSize(1);
    }

    @Test
    void recordStatusRevokeHistoryExportImport() throws Exception {
        String store = dir.resolve("c.csv").toString();
        assertThat(run("record", "5125551234", "--store", store, "--name", "Ann", "--form-url", "https://x/f").exit()).isZero();
        CliTestSupport.Result st = run("status", "512-555-1234", "--store", store, "--format", "json");
        assertThat(st.exit()).isZero();
        assertThat(st.out()).startsWith("{\"phoneNumber\":\"+15125551234\",\"active\":true,\"optedOut\":false,"
                + "\"consent\":{\"consentId\":");
        assertThat(st.out()).contains("\"optInMethod\":\"web_form\"", "\"metadata\":{\"form_url\":\"https://x/f\"}");

        CliTestSupport.Result qr = run("record", "+12065550199", "--store", store, "--method", "qr_code",
                "--message", "Scanned the QR code at the entrance. Reply STOP to opt out.", "--meta", "campaign=summer",
                "--format", "json");
        assertThat(qr.exit()).as(qr.err()).isZero();
        assertThat(qr.out()).contains("\"optInMethod\":\"qr_code\"", "\"campaign\":\"summer\"");

        CliTestSupport.Result rv = run("revoke", "+15125551234", "--store", store, "--method", "stop_keyword");
        assertThat(rv.exit()).isZero();
        assertThat(rv.out()).startsWith("REVOKED  +15125551234");
        assertThat(run("status", "+15125551234", "--store", store).out()).contains("OPTED OUT");

        CliTestSupport.Result h = run("history", "+15125551234", "--store", store, "--format", "json");
        assertThat(h.out().lines()).hasSize(2).allSatisfy(l -> assertThat(l).startsWith("{\"consentId\":"));

        Path export = dir.resolve("audit.csv");
        assertThat(run("export", export.toString(), "--store", store).out()).contains("exported 2 consents");

        String other = dir.resolve("other.csv").toString();
        CliTestSupport.Result imp = run("import", export.toString(), "--store", other, "--format", "json");
        assertThat(imp.exit()).as(imp.err()).isZero();
        assertThat(imp.out().strip()).isEqualTo("{\"rowsRead\":2,\"rowsImported\":2,\"rowsSkipped\":0}");
        assertThat(run("status", "+12065550199", "--store", other).out()).contains("ACTIVE consent");
    }

    @Test
    void errorsPrintOneLineAndExitNonZero() throws Exception {
        String store = dir.resolve("c.csv").toString();
        CliTestSupport.Result bad = run("status", "+1 555 555 5555", "--store", store);
        assertThat(bad.exit()).isEqualTo(ConsentCli.EXIT_BAD_INPUT);
        assertThat(bad.err().lines()).singleElement().asString()
                .startsWith("consent: error: phone_number").contains("not a valid number").doesNotContain("555 555");
        assertThat(bad.out()).isEmpty();

        CliTestSupport.Result unknown = run("status", "--bogus");
        assertThat(unknown.exit()).isEqualTo(ConsentCli.EXIT_BAD_INPUT);
        assertThat(unknown.err().lines()).hasSize(1);

        Path badCsv = dir.resolve("bad.csv");
        Files.writeString(badCsv, String.join(",", ConsentRecord.LEGACY_COLUMNS) + "\nx,nope,+15125551234,web_form,t,,,,,,,active,,\n");
        CliTestSupport.Result imp = run("import", badCsv.toString(), "--store", store);
        assertThat(imp.exit()).isEqualTo(ConsentCli.EXIT_BAD_INPUT);
        assertThat(imp.err().strip()).contains("line 2").contains("timestamp");

        Path unreadable = dir.resolve("missing.csv");
        CliTestSupport.Result io = run("import", unreadable.toString(), "--store", store);
        assertThat(io.exit()).isEqualTo(ConsentCli.EXIT_BAD_INPUT); // a missing input file is bad input
        assertThat(io.err().lines()).hasSize(1);
    }
}
