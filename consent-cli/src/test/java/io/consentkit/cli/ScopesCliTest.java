package io.consentkit.cli;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static io.consentkit.cli.CliTestSupport.run;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * Consent scopes on the command line: {@code --programs}, {@code --program}, {@code --scope-brand},
 * {@code --channel}, the program and brand in JSON, in-process on real files; one scoped STOP then
 * status in a child JVM.
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class ScopesCliTest {
    static final String ANN = "+15125551234";
    static final String BOB = "+15125555678";
    static final String ALERTS_SENDER = "+15125550199";

    @TempDir
    Path dir;
    Path store;
    Path programs;

    /** The programs file of docs/cli.md ("Programs file"), as printed there. */
    static String docsProgramsFile() throws IOException {
        List<String> lines = Files.readAllLines(Path.of("..", "docs", "cli.md"), StandardCharsets.UTF_8);
        int marker = lines.indexOf("<!-- programs-file -->");
        assertThat(marker).as("docs/cli.md has the programs-file example").isNotNegative();
        assertThat(lines.get(marker + 1)).isEqualTo("```properties");
        List<String> body = new ArrayList<>();
        for (int i = marker + 2; !lines.get(i).equals("```"); i++) {
            body.add(lines.get(i));
        }
        return String.join("\n", body) + "\n";
    }

    @BeforeEach
    void files() throws IOException {
        store = dir.resolve("consents.csv");
        programs = dir.resolve("programs.properties");
        Files.writeString(programs, docsProgramsFile());
    }

    private CliTestSupport.Result consent(String... args) {
        List<String> all = new ArrayList<>(List.of(args));
        all.addAll(List.of("--store", store.toString(), "--programs", programs.toString()));
        return run(all.toArray(String[]::new));
    }

    private void recordBoth(String phone) {
        assertThat(consent("record", phone).exit()).isZero(); // the default program: marketing
        assertThat(consent("record", phone, "--program", "alerts").exit()).isZero();
    }

    @Test
    void theDocumentedProgramsFileScopesRecordAndStatus() {
        CliTestSupport.Result rec = consent("record", ANN, "--program", "alerts", "--format", "json");
        assertThat(rec.exit()).as(rec.err()).isZero();
        assertThat(rec.out()).contains("\"program\":\"alerts\"", "\"brand\":\"basin\"");

        CliTestSupport.Result alerts = consent("status", ANN, "--program", "alerts", "--format", "json");
        assertThat(alerts.exit()).as(alerts.err()).isZero();
        assertThat(alerts.out()).startsWith("{\"phoneNumber\":\"" + ANN + "\",\"active\":true,\"optedOut\":false,")
                .endsWith("},\"program\":\"alerts\",\"brand\":\"basin\"}\n");
        CliTestSupport.Result marketing = consent("status", ANN);
        assertThat(marketing.exit()).as("no consent to the default program, marketing").isEqualTo(1);
        assertThat(marketing.out()).startsWith(ANN + " (basin/marketing): no active consent");

        assertThat(consent("record", BOB, "--format", "json").out())
                .as("a consent without --program is the file's default program, shown by name")
                .contains("\"program\":\"marketing\"", "\"brand\":\"basin\"");
    }

    @Test
    void sendChecksConsentForItsProgram() {
        assertThat(consent("record", ANN, "--program", "alerts").exit()).isZero();
        CliTestSupport.Result alerts = consent("send", "--to", ANN, "--body", "Route change today", "--category",
                "reminder", "--program", "alerts", "--at", "2026-06-02T16:00:00Z");
        assertThat(alerts.exit()).as(alerts.err() + alerts.out()).isZero();
        CliTestSupport.Result marketing = consent("send", "--to", ANN, "--body", "20% off", "--at",
                "2026-06-02T16:00:00Z");
        assertThat(marketing.exit()).as("no consent to marketing, the default program").isEqualTo(1);
        assertThat(marketing.out() + marketing.err()).contains("NO_CONSENT");
        assertThat(consent("send", "--to", ANN, "--body", "x", "--program", "nowhere").exit())
                .isEqualTo(ConsentCli.EXIT_BAD_INPUT);
    }

    @Test
    void withoutAProgramsFileTheDefaultProgramIsShownByName() {
        CliTestSupport.Result rec = run("record", ANN, "--store", store.toString(), "--format", "json");
        assertThat(rec.exit()).as(rec.err()).isZero();
        assertThat(rec.out()).contains("\"program\":\"default\",\"brand\":\"default\",\"channel\":null");
        CliTestSupport.Result st = run("status", ANN, "--store", store.toString(), "--program", "default", "--format",
                "json");
        assertThat(st.exit()).isZero();
        assertThat(st.out()).contains("\"active\":true,\"optedOut\":false,").endsWith(",\"program\":\"default\",\"brand\":\"default\"}\n");
        CliTestSupport.Result revoked = run("revoke", ANN, "--store", store.toString(), "--format", "json");
        assertThat(revoked.out()).contains("\"status\":\"revoked\"", "\"program\":\"default\"", "\"channel\":null");
        assertThat(run("status", ANN, "--store", store.toString(), "--program", "alerts").exit())
                .as("no such program without --programs").isEqualTo(ConsentCli.EXIT_BAD_INPUT);
    }

    @Test
    void badProgramsFilesAreBadInputAndCreateNothing() throws IOException {
        Path bad = dir.resolve("bad.properties");
        Files.writeString(bad, "program.alerts.brand = basin\nprogram.alerts.sender = +15125550199\n");
        CliTestSupport.Result unknownKey = run("record", ANN, "--store", store.toString(), "--programs", bad.toString());
        assertThat(unknownKey.exit()).isEqualTo(ConsentCli.EXIT_BAD_INPUT);
        assertThat(unknownKey.err()).contains("programs", "unknown key 'program.alerts.sender'");

        Files.writeString(bad, "program.alerts.senders = +15125550199\n");
        assertThat(run("record", ANN, "--store", store.toString(), "--programs", bad.toString()).err())
                .contains("program.alerts.brand is missing");
        Files.writeString(bad, "program.alerts.brand = basin\nprogram.alerts.senders = +1\n");
        assertThat(run("record", ANN, "--store", store.toString(), "--programs", bad.toString()).err())
                .contains("senders", "'+1' is not an E.164 number");
        Files.writeString(bad, "program.alerts.brand = basin\npolicy = some\n");
        assertThat(run("record", ANN, "--store", store.toString(), "--programs", bad.toString()).err())
                .contains("policy must be all or sender");
        Files.writeString(bad, "program.alerts.brand = Basin\n");
        assertThat(run("record", ANN, "--store", store.toString(), "--programs", bad.toString()).err())
                .contains("brand", "lower-case identifier");
        Files.writeString(bad, "default = nowhere\n");
        assertThat(run("record", ANN, "--store", store.toString(), "--programs", bad.toString()).err())
                .contains("default 'nowhere' is no program of the file");

        CliTestSupport.Result missing = run("record", ANN, "--store", store.toString(), "--programs",
                dir.resolve("nope.properties").toString());
        assertThat(missing.exit()).isEqualTo(ConsentCli.EXIT_BAD_INPUT);
        assertThat(missing.err()).contains("programs", "does not exist");

        CliTestSupport.Result unknownProgram = consent("record", ANN, "--program", "newsletter");
        assertThat(unknownProgram.exit()).isEqualTo(ConsentCli.EXIT_BAD_INPUT);
        assertThat(unknownProgram.err()).contains("'newsletter' is not a configured program");
        assertThat(store).as("bad input creates no journal").doesNotExist();
    }

    @Test
    void revokeOneProgramLeavesTheOtherActive() {
        recordBoth(ANN);
        CliTestSupport.Result r = consent("revoke", ANN, "--program", "alerts", "--channel", "email", "--evidence",
                "email_id=4711", "--format", "json");
        assertThat(r.exit()).as(r.err()).isZero();
        assertThat(r.out().lines()).hasSize(1);
        assertThat(r.out()).contains("\"status\":\"revoked\"", "\"program\":\"alerts\"", "\"channel\":\"email\"",
                "\"revoke_email_id\":\"4711\"");
        assertThat(consent("status", ANN, "--program", "alerts").exit()).isEqualTo(1);
        assertThat(consent("status", ANN, "--program", "marketing").exit()).isZero();
    }

    @Test
    void revokeABrandOrEverythingWithTheChannel() {
        recordBoth(ANN);
        CliTestSupport.Result brand = consent("revoke", ANN, "--scope-brand", "basin", "--format", "json");
        assertThat(brand.exit()).as(brand.err()).isZero();
        assertThat(brand.out().lines()).hasSize(2).allMatch(l -> l.contains("\"channel\":\"agent\""));
        assertThat(consent("status", ANN, "--program", "marketing").exit()).isEqualTo(1);

        // nothing active: a suppression of everything, with the channel it came by
        CliTestSupport.Result all = consent("revoke", BOB, "--channel", "voice", "--format", "json");
        assertThat(all.exit()).as(all.err()).isZero();
        assertThat(all.out()).contains("\"optInMethod\":\"\"", "\"program\":null", "\"brand\":null",
                "\"channel\":\"voice\"");
        assertThat(consent("status", BOB, "--program", "alerts", "--format", "json").out())
                .contains("\"optedOut\":true");
    }

    @Test
    void revokeRejectsBadScopesBeforeTheJournalIsCreated() {
        CliTestSupport.Result both = consent("revoke", ANN, "--program", "alerts", "--scope-brand", "basin");
        assertThat(both.exit()).isEqualTo(ConsentCli.EXIT_BAD_INPUT);
        assertThat(both.err()).contains("not both");
        assertThat(consent("revoke", ANN, "--scope-brand", "acme").err()).contains("'acme' is not a configured brand");
        CliTestSupport.Result channel = consent("revoke", ANN, "--channel", "fax");
        assertThat(channel.exit()).isEqualTo(ConsentCli.EXIT_BAD_INPUT);
        assertThat(channel.err()).contains("channel", "sms, web, email, voice, agent, api");
        assertThat(consent("revoke", "555", "--program", "alerts").exit()).isEqualTo(ConsentCli.EXIT_BAD_INPUT);
        assertThat(store).doesNotExist();
    }

    @Test
    void historyExportListSearchAndBatchStatusFilterByProgram() throws IOException {
        recordBoth(ANN);
        assertThat(consent("record", BOB, "--customer-id", "cust-bob").exit()).isZero();
        assertThat(consent("revoke", ANN, "--program", "alerts").exit()).isZero();

        CliTestSupport.Result history = consent("history", ANN, "--program", "alerts", "--format", "json");
        assertThat(history.exit()).as(history.err()).isZero();
        assertThat(history.out().lines()).hasSize(2).allMatch(l -> l.contains("\"program\":\"alerts\""));
        assertThat(consent("history", ANN).out().lines()).hasSize(3);
        assertThat(consent("history", ANN).out()).contains("scope=basin/alerts", "scope=basin/marketing");

        CliTestSupport.Result export = consent("export", "-", "--program", "marketing");
        assertThat(export.exit()).as(export.err()).isZero();
        assertThat(export.out().lines().skip(1)).hasSize(2).noneMatch(l -> l.contains("alerts"));
        assertThat(export.err()).contains("exported 2 consents");
        Path backup = dir.resolve("alerts.csv");
        assertThat(consent("export", backup.toString(), "--journal", "--program", "alerts").out())
                .contains("exported 2 rows");

        CliTestSupport.Result list = consent("list", "--program", "marketing", "--format", "json");
        assertThat(list.exit()).isZero();
        assertThat(list.out().lines()).hasSize(2).allMatch(l -> l.contains("\"program\":\"marketing\""));
        assertThat(consent("list", "--program", "alerts", "--status", "active").out()).isEmpty();

        assertThat(consent("search", "cust-bob", "--program", "marketing").exit()).isZero();
        assertThat(consent("search", "cust-bob", "--program", "alerts").exit()).isEqualTo(1);

        Path numbers = dir.resolve("numbers.txt");
        Files.writeString(numbers, ANN + "\n" + BOB + "\n");
        CliTestSupport.Result marketing = consent("batch", "status", "--input", numbers.toString(), "--format", "json");
        assertThat(marketing.exit()).as(marketing.err()).isZero();
        assertThat(marketing.out()).contains("\"program\":\"marketing\"");
        CliTestSupport.Result alerts = consent("batch", "status", "--input", numbers.toString(), "--program", "alerts");
        assertThat(alerts.exit()).isEqualTo(1);
        assertThat(alerts.out()).contains(ANN + "\t" + ANN + "\topted_out", BOB + "\t" + BOB + "\tno_consent");
        assertThat(consent("list", "--program", "nope").exit()).isEqualTo(ConsentCli.EXIT_BAD_INPUT);
    }

    @Test
    void inboundPassesTheSenderToTheHandler() {
        recordBoth(ANN);
        CliTestSupport.Result stop = consent("inbound", "--from", ANN, "--to", ALERTS_SENDER, "--body", "STOP",
                "--format", "json");
        assertThat(stop.exit()).as(stop.err()).isZero();
        // the handler gets the sender (its evidence names it) and revokes at least the sender's program; what
        // else a STOP covers is the handler's resolution under the file's policy
        assertThat(stop.out()).contains("\"intent\":\"OPT_OUT\"", "\"revoke_to\":\"" + ALERTS_SENDER + "\"",
                "\"program\":\"alerts\"");
        assertThat(consent("status", ANN, "--program", "alerts").exit()).isEqualTo(1);
        // STOPALL revokes everything whatever the policy: nothing of the brand stays active
        recordBoth(BOB);
        assertThat(consent("inbound", "--from", BOB, "--to", ALERTS_SENDER, "--body", "STOPALL").exit()).isZero();
        assertThat(consent("status", BOB, "--program", "alerts").exit()).isEqualTo(1);
        assertThat(consent("status", BOB, "--program", "marketing").exit()).isEqualTo(1);
    }

    @Test
    void revocationsSubmitChecksTheScopeAgainstThePrograms() {
        CliTestSupport.Result bad = consent("revocations", "submit", ANN, "--channel", "email", "--program", "nope");
        assertThat(bad.exit()).isEqualTo(ConsentCli.EXIT_BAD_INPUT);
        assertThat(bad.err()).contains("'nope' is not a configured program");
        CliTestSupport.Result ok = consent("revocations", "submit", ANN, "--channel", "email", "--program", "alerts",
                "--format", "json");
        assertThat(ok.exit()).as(ok.err()).isZero();
        assertThat(ok.out()).contains("\"program\":\"alerts\"");
    }

    @Test
    void aScopedStopThenStatusInAChildJvm() {
        Path cwd = dir;
        String[] scope = {"--store", store.toString(), "--programs", programs.toString()};
        assertThat(CliProcess.run(cwd, concat(new String[] {"record", ANN}, scope)).exit()).isZero();
        assertThat(CliProcess.run(cwd, concat(new String[] {"record", ANN, "--program", "alerts"}, scope)).exit())
                .isZero();
        CliTestSupport.Result stop = CliProcess.run(cwd, concat(new String[] {"revoke", ANN, "--program", "alerts",
            "--channel", "sms", "--method", "stop_keyword"}, scope));
        assertThat(stop.exit()).as(stop.err()).isZero();
        assertThat(stop.out()).contains("REVOKED", "scope=basin/alerts");
        CliTestSupport.Result alerts = CliProcess.run(cwd, concat(new String[] {"status", ANN, "--program", "alerts"},
                scope));
        assertThat(alerts.exit()).as(alerts.out()).isEqualTo(1);
        assertThat(alerts.out()).contains("(basin/alerts): OPTED OUT");
        CliTestSupport.Result marketing = CliProcess.run(cwd, concat(new String[] {"status", ANN}, scope));
        assertThat(marketing.exit()).as(marketing.out()).isZero();
        assertThat(marketing.out()).contains("(basin/marketing): ACTIVE consent");
    }

    private static String[] concat(String[] a, String[] b) {
        String[] out = java.util.Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, out, a.length, b.length);
        return out;
    }
}
