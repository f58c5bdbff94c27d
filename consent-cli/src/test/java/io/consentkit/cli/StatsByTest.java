package io.consentkit.cli;

import io.consentkit.consent.ConsentTracker;
import io.consentkit.store.CsvConsentStore;
import io.consentkit.testkit.SettableClock;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;

import static io.consentkit.cli.CliTestSupport.run;
import static org.assertj.core.api.Assertions.assertThat;

/** {@code consent stats --by program|month} in text, JSON and CSV. */
class StatsByTest {
    @TempDir
    Path dir;
    private String store;
    private String programs;

    /** Two programs of Acme: alerts (web form, in person), promos (web form); a STOP in February. */
    @BeforeEach
    void journal() throws Exception {
        Path p = dir.resolve("programs.properties");
        Files.writeString(p, "program.alerts.brand=acme\nprogram.promos.brand=acme\ndefault=alerts\n");
        programs = p.toString();
        Path file = dir.resolve("consents.csv");
        store = file.toString();
        CliTestSupport.Result a = run("record", "+15125550101", "--store", store, "--programs", programs,
                "--program", "alerts", "--timestamp", "2026-01-10T15:00:00Z");
        assertThat(a.exit()).as(a.err()).isZero();
        assertThat(run("record", "+15125550102", "--store", store, "--programs", programs, "--program", "alerts",
                "--method", "in_person", "--staff", "Sarah", "--timestamp", "2026-01-11T15:00:00Z").exit()).isZero();
        assertThat(run("record", "+15125550103", "--store", store, "--programs", programs, "--program", "promos",
                "--timestamp", "2026-01-12T15:00:00Z").exit()).isZero();
        SettableClock clock = SettableClock.at("2026-02-03T10:00:00Z");
        try (ConsentTracker t = ConsentTracker.builder(CsvConsentStore.open(file)).clock(clock).build()) {
            t.revoke("+15125550102", ConsentTracker.REVOKED_BY_KEYWORD, "texted STOP");
            clock.advance(Duration.ofDays(1));
        }
    }

    @Test
    void byProgramCountsCurrentStatesPerBrandProgramAndMethod() {
        CliTestSupport.Result text = run("stats", "--by", "program", "--store", store, "--programs", programs);
        assertThat(text.exit()).as(text.err()).isZero();
        assertThat(text.out()).contains("acme / alerts / web_form: 1 active=1 revoked=0")
                .contains("acme / alerts / in_person: 1 active=0 revoked=1")
                .contains("acme / promos / web_form: 1 active=1");
        CliTestSupport.Result json = run("stats", "--by", "program", "--store", store, "--programs", programs,
                "--format", "json");
        assertThat(json.out()).contains("{\"brand\":\"acme\",\"program\":\"promos\",\"method\":\"web_form\","
                + "\"consents\":1,\"active\":1,\"revoked\":0,");
        CliTestSupport.Result csv = run("stats", "--by", "program", "--store", store, "--programs", programs,
                "--format", "csv");
        assertThat(csv.out().lines().findFirst().orElseThrow())
                .isEqualTo("brand,program,method,consents,active,revoked,pending,declined,expired");
        assertThat(csv.out()).contains("\nacme,alerts,in_person,1,0,1,0,0,0\n");
    }

    @Test
    void byMonthCountsOptInsAndOptOutsOverTheWholeJournal() {
        CliTestSupport.Result text = run("stats", "--by", "month", "--store", store);
        assertThat(text.exit()).as(text.err()).isZero();
        assertThat(text.out()).isEqualTo("month (UTC)  opt-ins  opt-outs\n"
                + "2026-01            3         0\n2026-02            0         1\n");
        assertThat(run("stats", "--by", "month", "--store", store, "--format", "csv").out())
                .isEqualTo("month,opt_ins,opt_outs\n2026-01,3,0\n2026-02,0,1\n");
        assertThat(run("stats", "--by", "month", "--store", store, "--format", "json").out())
                .isEqualTo("{\"month\":\"2026-01\",\"optIns\":3,\"optOuts\":0}\n{\"month\":\"2026-02\",\"optIns\":0,\"optOuts\":1}\n");
        assertThat(run("stats", "--store", store, "--days", "2", "--until", "2026-02-04", "--format", "csv").out())
                .isEqualTo("date,opt_ins,opt_outs\n2026-02-03,0,1\n2026-02-04,0,0\n");
        assertThat(run("stats", "--by", "week", "--store", store).exit()).isEqualTo(ConsentCli.EXIT_BAD_INPUT);
    }
}
