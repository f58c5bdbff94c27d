package io.consentkit.cli;

import io.consentkit.journal.ConsentRecord;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/** The sharp edges a new user cut on, each checked on the real CLI in a child JVM: exit code and output. */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class CliProcessTest {
    @TempDir
    Path dir;

    private CliTestSupport.Result consent(String... args) {
        return CliProcess.run(dir, args);
    }

    @Test
    void recordKeepsEvidenceFlagsWithTheStandardTexts() {
        CliTestSupport.Result backfill = consent("record", "+15125550123", "--timestamp", "2025-01-01T00:00:00Z",
                "--meta", "campaign=spring", "--screenshot-url", "https://x/s.png", "--format", "json");
        assertThat(backfill.exit()).as(backfill.err()).isZero();
        assertThat(backfill.out()).contains("\"timestamp\":\"2025-01-01T00:00:00Z\"", "\"optInMethod\":\"web_form\"",
                "\"screenshotUrl\":\"https://x/s.png\"", "\"campaign\":\"spring\"", "Reply STOP to opt out");

        CliTestSupport.Result desk = consent("record", "+15125550124", "--method", "in_person", "--message",
                "Signed up at the desk. Reply STOP to opt out.", "--staff", "Sarah", "--location", "Front desk",
                "--format", "json");
        assertThat(desk.exit()).as(desk.err()).isZero();
        assertThat(desk.out()).contains("\"metadata\":{\"staff_member\":\"Sarah\",\"location\":\"Front desk\"}");

        CliTestSupport.Result kw = consent("record", "+15125550125", "--method", "keyword", "--keyword", "JOIN",
                "--meta", "k=v", "--format", "json");
        assertThat(kw.exit()).as(kw.err()).isZero();
        assertThat(kw.out()).contains("\"keyword\":\"JOIN\"", "\"k\":\"v\"", "JOIN");
    }

    @Test
    void theDemoWritesTheDefaultJournalAndGivesTheSameResultTwice() throws Exception {
        CliTestSupport.Result first = consent("demo");
        assertThat(first.exit()).as(first.err()).isZero();
        CliTestSupport.Result second = consent("demo");
        assertThat(second.exit()).as(second.err()).isZero();
        assertThat(second.out()).contains("7. Active consents: 3", "8. Audit trail: 4 consents");
        assertThat(dir.resolve("consent-data/consents.csv")).exists();
        assertThat(dir.resolve("consent-data/demo-consents.csv")).doesNotExist();

        CliTestSupport.Result st = consent("status", "+15125555678");
        assertThat(st.exit()).as(st.err()).isZero();
        assertThat(st.out()).contains("ACTIVE consent");
    }

    @Test
    void theDemoNeverOverwritesAJournalWithOtherNumbers() throws Exception {
        assertThat(consent("record", "+12065550199").exit()).isZero();
        Path journal = dir.resolve("consent-data/consents.csv");
        byte[] before = Files.readAllBytes(journal);
        CliTestSupport.Result demo = consent("demo");
        assertThat(demo.exit()).isEqualTo(ConsentCli.EXIT_BAD_INPUT);
        assertThat(demo.err().lines()).singleElement().asString().contains("--dir").contains("not a demo journal");
        assertThat(Files.readAllBytes(journal)).isEqualTo(before);
    }

    @Test
    void readCommandsOnAMistypedStoreFailWithExit3AndCreateNothing() throws Exception {
        String store = dir.resolve("nonexistent-dir/sub/consents.csv").toString();
        for (String[] args : new String[][] {
            {"status", "+15125550123", "--store", store},
            {"history", "+15125550123", "--store", store},
            {"export", dir.resolve("out.csv").toString(), "--store", store}}) {
            CliTestSupport.Result r = consent(args);
            assertThat(r.exit()).as(String.join(" ", args) + ": " + r.err()).isEqualTo(ConsentCli.EXIT_STORE_UNAVAILABLE);
            assertThat(r.err().lines()).singleElement().asString().contains("does not exist");
            assertThat(r.out()).isEmpty();
        }
        try (Stream<Path> files = Files.list(dir)) {
            assertThat(files).isEmpty();
        }
    }

    @Test
    void statusExitCodeSaysWhetherTheNumberMayBeTexted() {
        assertThat(consent("record", "+15125550123").exit()).isZero();
        assertThat(consent("record", "+15125550124").exit()).isZero();
        assertThat(consent("revoke", "+15125550124").exit()).isZero();

        CliTestSupport.Result active = consent("status", "+15125550123");
        assertThat(active.exit()).isEqualTo(0);
        assertThat(active.out()).contains("ACTIVE consent");
        CliTestSupport.Result optedOut = consent("status", "+15125550124", "--format", "json");
        assertThat(optedOut.exit()).isEqualTo(1);
        assertThat(optedOut.out()).contains("\"active\":false,\"optedOut\":true");
        CliTestSupport.Result unknown = consent("status", "+15125550125");
        assertThat(unknown.exit()).isEqualTo(1);
        assertThat(unknown.out()).contains("no active consent");
        CliTestSupport.Result bad = consent("status", "555");
        assertThat(bad.exit()).isEqualTo(2);
        assertThat(bad.out()).isEmpty();
        CliTestSupport.Result missing = consent("status", "+15125550123", "--store", "nope.csv");
        assertThat(missing.exit()).isEqualTo(3);
        assertThat(missing.err()).contains("does not exist");
    }

    @Test
    void exportDashWritesToStandardOutput() throws Exception {
        assertThat(consent("record", "+15125550123").exit()).isZero();
        CliTestSupport.Result audit = consent("export", "-");
        assertThat(audit.exit()).as(audit.err()).isZero();
        assertThat(audit.out().lines().findFirst()).hasValue(io.consentkit.journal.JournalCodec.HEADER_LINE); // version 3: the export carries its own chain
        assertThat(audit.out().lines()).hasSize(2);
        CliTestSupport.Result journal = consent("export", "-", "--journal");
        assertThat(journal.exit()).as(journal.err()).isZero();
        assertThat(journal.out()).contains("+15125550123");
        assertThat(dir.resolve("-")).doesNotExist();
    }

    @Test
    void importAndExportPrintNoActivityLineWhenNotOnATerminal() throws Exception {
        StringBuilder csv = new StringBuilder(String.join(",", ConsentRecord.LEGACY_COLUMNS)).append('\n');
        for (int i = 0; i < 20_000; i++) {
            csv.append(String.format("id%05d,2025-01-01T00:00:00Z,+1512555%04d,web_form,ok,,,,,,,active,,%n", i, i % 10_000));
        }
        Path legacy = Files.writeString(dir.resolve("legacy.csv"), csv);
        CliTestSupport.Result imp = consent("import", legacy.toString());
        assertThat(imp.exit()).as(imp.err()).isZero();
        CliTestSupport.Result exp = consent("export", "audit.csv");
        assertThat(exp.exit()).as(exp.err()).isZero();
        for (CliTestSupport.Result r : new CliTestSupport.Result[] {imp, exp}) {
            assertThat(r.err()).isEmpty();
            assertThat(r.out()).doesNotContain("\r", "\u001b").hasLineCount(1);
        }
    }

    @Test
    void helpListsTheExitCodes() {
        CliTestSupport.Result help = consent("--help");
        assertThat(help.exit()).isZero();
        assertThat(help.out()).contains("Exit codes", "4  send: the gateway failed", "list", "batch", "send-log");
    }

    @Test
    void versionOnASubcommandAndHelpHintsNameTheRightCommand() {
        CliTestSupport.Result v = consent("status", "-V");
        assertThat(v.exit()).isZero();
        assertThat(v.out()).contains("ConsentKit 0.1.0-SNAPSHOT");

        CliTestSupport.Result unknownCommand = consent("stauts");
        assertThat(unknownCommand.exit()).isEqualTo(2);
        assertThat(unknownCommand.err()).contains("(see 'consent --help')").doesNotContain("consent consent");
        CliTestSupport.Result unknownOption = consent("status", "--bogus");
        assertThat(unknownOption.exit()).isEqualTo(2);
        assertThat(unknownOption.err()).contains("(see 'consent status --help')");
    }

    @Test
    void badInputExitsWith2() {
        CliTestSupport.Result imp = consent("import", "missing.csv");
        assertThat(imp.exit()).as(imp.err()).isEqualTo(ConsentCli.EXIT_BAD_INPUT);
        assertThat(imp.err().lines()).singleElement().asString().contains("missing.csv").contains("does not exist");

        CliTestSupport.Result send = consent("send", "--to", "555", "--body", "hello");
        assertThat(send.exit()).as(send.err()).isEqualTo(ConsentCli.EXIT_BAD_INPUT);
        assertThat(send.err().lines()).singleElement().asString().contains("phone_number");
    }
}
