package io.consentkit.cli;

import io.consentkit.journal.ConsentRecord;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/** consent verify on the real CLI in a child JVM: 0 ok, 1 problem found, 2 bad input, 3 unavailable. */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class VerifyCommandTest {
    private static final String HEADER = String.join(",", ConsentRecord.LEGACY_COLUMNS) + "\n"; // 14-cell rows by hand
    private static final String ROW = "r1,2024-01-02T00:00:00Z,+15125550101,web_form,ok,,,,,,,active,,\n";

    @TempDir
    Path dir;

    private CliTestSupport.Result consent(String... args) {
        return CliProcess.run(dir, args);
    }

    @Test
    void aSoundJournalIsOkAndLeftAsItIs() throws Exception {
        assertThat(consent("record", "+15125550101").exit()).isZero();
        assertThat(consent("revoke", "+15125550101").exit()).isZero();
        Path journal = dir.resolve("consent-data/consents.csv");
        byte[] before = Files.readAllBytes(journal);
        CliTestSupport.Result r = consent("verify");
        assertThat(r.exit()).as(r.err()).isZero();
        assertThat(r.out()).startsWith("ok: consent-data/consents.csv: header and all 2 rows parse (1 consents, 1 numbers)");
        CliTestSupport.Result json = consent("verify", "--format", "json");
        assertThat(json.exit()).isZero();
        assertThat(json.out().strip()).isEqualTo("{\"file\":\"consent-data/consents.csv\",\"ok\":true,\"rows\":2,"
                + "\"consents\":1,\"numbers\":1,\"tornTailBytes\":0,\"problem\":null}");
        assertThat(Files.readAllBytes(journal)).isEqualTo(before);
    }

    @Test
    void aTornLastRowIsAProblemFoundAndNotRepaired() throws Exception {
        Path journal = dir.resolve("c.csv");
        Files.writeString(journal, HEADER + ROW + "r2,2024-01-03T00:00:00Z,+1512");
        byte[] before = Files.readAllBytes(journal);
        CliTestSupport.Result r = consent("verify", "--store", journal.toString());
        assertThat(r.exit()).as(r.err()).isEqualTo(1);
        assertThat(r.out()).startsWith("PROBLEM: ").contains("29 bytes after the last complete row");
        assertThat(Files.readAllBytes(journal)).isEqualTo(before);
        try (Stream<Path> files = Files.list(dir)) {
            assertThat(files).containsExactly(journal);
        }
    }

    @Test
    void aRowThatDoesNotParseOrABadHeaderIsAProblemFound() throws Exception {
        Path journal = dir.resolve("c.csv");
        Files.writeString(journal, HEADER + ROW + "r2,not-a-time,+15125550102,web_form,ok,,,,,,,active,,\n" + ROW);
        CliTestSupport.Result row = consent("verify", "--store", journal.toString(), "--format", "json");
        assertThat(row.exit()).as(row.err()).isEqualTo(1);
        assertThat(row.out()).contains("\"ok\":false").contains("line 3").contains("timestamp");

        Path notAJournal = dir.resolve("other.csv");
        Files.writeString(notAJournal, "name,phone\nAnn,+15125550101\n");
        CliTestSupport.Result header = consent("verify", "--store", notAJournal.toString());
        assertThat(header.exit()).as(header.err()).isEqualTo(1);
        assertThat(header.out()).startsWith("PROBLEM: ").contains("header");
    }

    @Test
    void aMissingJournalIsUnavailableAndABadOptionIsBadInput() throws Exception {
        CliTestSupport.Result missing = consent("verify", "--store", "no-such/consents.csv");
        assertThat(missing.exit()).isEqualTo(3);
        assertThat(missing.err().lines()).singleElement().asString().contains("does not exist");
        assertThat(missing.out()).isEmpty();
        CliTestSupport.Result bad = consent("verify", "--bogus");
        assertThat(bad.exit()).isEqualTo(2);
        assertThat(bad.err()).contains("see 'consent verify --help'");
        try (Stream<Path> files = Files.list(dir)) {
            assertThat(files).isEmpty();
        }
    }
}
