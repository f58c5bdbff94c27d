package io.consentkit.cli;

import io.consentkit.journal.ConsentRecord;
import io.consentkit.journal.JournalCodec;
import io.consentkit.store.CsvConsentStore;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/** consent upgrade-journal on the real CLI in a child JVM. */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class UpgradeJournalCommandTest {
    private static final String LEGACY = String.join(",", ConsentRecord.LEGACY_COLUMNS) + "\r\n"
            + "r1,2024-01-02 00:00:00,+15125550101,web_form,\"Texts, weekly.\",,,,,,,active,,\r\n"
            + "r2,2024-01-03T00:00:00Z,+15125550102,,,,,,,,,revoked,2024-01-03T00:00:00Z,stop_keyword\r\n";

    @TempDir
    Path dir;

    @Test
    void aLegacyJournalIsUpgradedKeepingEveryRowAndASecondRunChangesNothing() throws Exception {
        Path journal = dir.resolve("c.csv");
        Files.writeString(journal, LEGACY);
        CliTestSupport.Result r = CliProcess.run(dir, "upgrade-journal", "--store", journal.toString());
        assertThat(r.exit()).as(r.err()).isZero();
        assertThat(r.out()).startsWith("upgraded: " + journal + ": schema version 1 -> 3, all 2 rows kept");
        List<String> lines = Files.readAllLines(journal);
        assertThat(lines).hasSize(3);
        assertThat(lines.get(0)).isEqualTo(JournalCodec.HEADER_LINE);
        assertThat(lines.get(1)).isEqualTo("r1,2024-01-02 00:00:00,+15125550101,web_form,\"Texts, weekly.\",,,,,,,active,,,,,,,");
        byte[] upgraded = Files.readAllBytes(journal);
        CliTestSupport.Result again = CliProcess.run(dir, "upgrade-journal", "--store", journal.toString(), "--format",
                "json");
        assertThat(again.exit()).as(again.err()).isZero();
        assertThat(again.out().strip()).isEqualTo("{\"file\":\"" + journal + "\",\"upgraded\":false,\"fromVersion\":3,"
                + "\"toVersion\":3,\"rows\":2}");
        assertThat(Files.readAllBytes(journal)).isEqualTo(upgraded);
        CliTestSupport.Result verify = CliProcess.run(dir, "verify", "--store", journal.toString());
        assertThat(verify.exit()).as(verify.err()).isZero();
    }

    @Test
    void aJournalHeldByAWriterIsRefusedAndLeftAsItIs() throws Exception {
        Path journal = dir.resolve("held.csv");
        Files.writeString(journal, LEGACY);
        byte[] before = Files.readAllBytes(journal);
        try (CsvConsentStore writer = CsvConsentStore.open(journal)) {
            CliTestSupport.Result r = CliProcess.run(dir, "upgrade-journal", "--store", journal.toString());
            assertThat(r.exit()).isEqualTo(ConsentCli.EXIT_STORE_UNAVAILABLE);
            assertThat(r.err()).contains("while a writer holds it").contains("nothing was changed");
            assertThat(writer.schemaVersion()).isEqualTo(1);
        }
        assertThat(Files.readAllBytes(journal)).isEqualTo(before);
    }

    @Test
    void aMissingJournalIsAnErrorAndNothingIsCreated() {
        Path journal = dir.resolve("missing.csv");
        CliTestSupport.Result r = CliProcess.run(dir, "upgrade-journal", "--store", journal.toString());
        assertThat(r.exit()).isEqualTo(ConsentCli.EXIT_STORE_UNAVAILABLE);
        assertThat(r.err()).contains("does not exist");
        assertThat(Files.exists(journal)).isFalse();
    }
}
