package io.consentkit.cli;

import io.consentkit.consent.ConsentTracker;
import io.consentkit.journal.ConsentRecord;
import io.consentkit.store.CsvConsentStore;
import io.consentkit.testkit.SettableClock;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;

import static io.consentkit.cli.CliTestSupport.run;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@code consent stats} over one pass of a journal holding every kind of row: legacy rows carried over
 * by an upgrade, scoped rows, revocations, a suppression, an erasure (its redacted row, its revocation
 * and its erasure row) and a consent recorded again after it.
 */
@Timeout(60)
class StatsJournalKindsTest {
    private static final String LEGACY = String.join(",", ConsentRecord.LEGACY_COLUMNS) + "\n"
            + "r1,2026-01-05T09:00:00Z,+15125550101,web_form,ok,c1,Ann,ann@example.com,,,,active,,\n"
            + "r2,2026-01-06T09:00:00Z,+15125550102,keyword,ok,,,,,,,active,,\n"
            + "r2,2026-01-06T09:00:00Z,+15125550102,keyword,ok,,,,,,,revoked,2026-01-07T10:00:00Z,keyword\n";

    @TempDir
    Path dir;
    private String store;
    private String programs;

    @BeforeEach
    void journal() throws Exception {
        Path p = dir.resolve("programs.properties");
        Files.writeString(p, "program.alerts.brand=acme\nprogram.promos.brand=acme\ndefault=alerts\n");
        programs = p.toString();
        Path key = dir.resolve("erasure.key");
        Files.writeString(key, "ab".repeat(32) + "\n");
        Path file = dir.resolve("consents.csv");
        store = file.toString();
        Files.writeString(file, LEGACY);
        assertThat(run("upgrade-journal", "--store", store).exit()).isZero();
        assertThat(run("record", "+15125550103", "--store", store, "--programs", programs, "--program", "promos",
                "--timestamp", "2026-01-08T15:00:00Z").exit()).isZero();
        assertThat(run("record", "+15125550104", "--store", store, "--programs", programs, "--program", "alerts",
                "--method", "in_person", "--staff", "Sarah", "--timestamp", "2026-01-09T15:00:00Z").exit()).isZero();
        SettableClock clock = SettableClock.at("2026-02-03T10:00:00Z");
        try (ConsentTracker t = ConsentTracker.builder(CsvConsentStore.open(file)).clock(clock).build()) {
            t.revoke("+15125550104", ConsentTracker.REVOKED_BY_KEYWORD, "texted STOP"); // a scoped consent ends
            t.revoke("+15125550199", ConsentTracker.REVOKED_BY_KEYWORD, "STOP"); // no consent: a suppression
        }
        CliTestSupport.Result erased = run("erase", "+15125550101", "--reason", "request 1", "--store", store,
                "--erasure-key-file", key.toString());
        assertThat(erased.exit()).as(erased.err()).isZero();
        assertThat(run("record", "+15125550101", "--store", store, "--programs", programs, "--program", "alerts",
                "--timestamp", "2026-01-10T15:00:00Z", "--erasure-key-file", key.toString()).exit()).isZero();
    }

    @Test
    void theSummaryCountsEveryKindOfRow() {
        CliTestSupport.Result r = run("stats", "--store", store, "--days", "12", "--until", "2026-01-12",
                "--format", "json");
        assertThat(r.exit()).as(r.err()).isZero();
        // 10 rows; 7 consents (r1, r2, two scoped, the suppression, the erasure row, the new consent);
        // 6 numbers (the redacted number stands for the erased one)
        assertThat(r.out()).startsWith("{\"rows\":10,\"consents\":7,\"numbers\":6,\"byStatus\":{\"active\":2,"
                + "\"revoked\":5,\"pending\":0,\"declined\":0,\"expired\":0},\"byMethod\":{\"(suppression)\":"
                + "{\"revoked\":2},\"in_person\":{\"revoked\":1},\"keyword\":{\"revoked\":1},\"web_form\":"
                + "{\"active\":2,\"revoked\":1}},\"days\":[");
        assertThat(r.out()).contains("{\"date\":\"2026-01-04\",\"optIns\":0,\"optOuts\":0}",
                "{\"date\":\"2026-01-05\",\"optIns\":1,\"optOuts\":0}", "{\"date\":\"2026-01-06\",\"optIns\":1,"
                        + "\"optOuts\":0}", "{\"date\":\"2026-01-07\",\"optIns\":0,\"optOuts\":1}",
                "{\"date\":\"2026-01-08\",\"optIns\":1,\"optOuts\":0}", "{\"date\":\"2026-01-09\",\"optIns\":1,"
                        + "\"optOuts\":0}", "{\"date\":\"2026-01-10\",\"optIns\":1,\"optOuts\":0}",
                "{\"date\":\"2026-01-12\",\"optIns\":0,\"optOuts\":0}]}");
        CliTestSupport.Result febOnly = run("stats", "--store", store, "--days", "1", "--until", "2026-02-03",
                "--format", "csv");
        assertThat(febOnly.out()).isEqualTo("date,opt_ins,opt_outs\n2026-02-03,0,2\n");
    }

    @Test
    void theProgramAndMonthViewsCountTheSameRows() {
        CliTestSupport.Result byProgram = run("stats", "--by", "program", "--store", store, "--programs", programs);
        assertThat(byProgram.exit()).as(byProgram.err()).isZero();
        assertThat(byProgram.out()).isEqualTo("brand / program / opt-in method: consents by current status\n"
                + "  (all brands) / (all programs) / (suppression): 2 active=0 revoked=2 pending=0 declined=0 expired=0\n"
                + "  acme / alerts / in_person: 1 active=0 revoked=1 pending=0 declined=0 expired=0\n"
                + "  acme / alerts / keyword: 1 active=0 revoked=1 pending=0 declined=0 expired=0\n"
                + "  acme / alerts / web_form: 2 active=1 revoked=1 pending=0 declined=0 expired=0\n"
                + "  acme / promos / web_form: 1 active=1 revoked=0 pending=0 declined=0 expired=0\n");
        CliTestSupport.Result byMonth = run("stats", "--by", "month", "--store", store, "--format", "csv");
        assertThat(byMonth.exit()).as(byMonth.err()).isZero();
        // January: 5 opt-ins, r2's opt-out; February: the scoped STOP and the suppression; then the erasure
        // (its revocation of r1 and its own row), in the month it ran
        assertThat(byMonth.out()).startsWith("month,opt_ins,opt_outs\n2026-01,5,1\n2026-02,0,2\n")
                .endsWith(",0,2\n");
        assertThat(byMonth.out().lines()).hasSize(4);
    }
}
