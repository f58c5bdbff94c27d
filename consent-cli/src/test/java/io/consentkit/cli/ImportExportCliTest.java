package io.consentkit.cli;

import io.consentkit.journal.ConsentRecord;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

import static io.consentkit.cli.CliTestSupport.run;
import static org.assertj.core.api.Assertions.assertThat;

/** Import and export from the command line: typed errors for bad bytes, the lossless backup, STOP kept. */
@Timeout(60)
class ImportExportCliTest {
    private static final String HEADER = String.join(",", ConsentRecord.LEGACY_COLUMNS) + "\n"; // 14-cell rows by hand

    @TempDir
    Path dir;

    @Test
    void invalidUtf8IsABadInputErrorWithItsLineAndColumn() throws Exception {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        bytes.writeBytes((HEADER + "x1,2025-01-15T18:22:03Z,+15125551234,web_form,text,,Jos").getBytes(StandardCharsets.UTF_8));
        bytes.write(0xE9); // Latin-1 'é'
        bytes.writeBytes(",,,,,active,,\n".getBytes(StandardCharsets.UTF_8));
        Path file = dir.resolve("latin1.csv");
        Files.write(file, bytes.toByteArray());
        String store = dir.resolve("c.csv").toString();
        CliTestSupport.Result r = run("import", file.toString(), "--store", store);
        assertThat(r.exit()).isEqualTo(ConsentCli.EXIT_BAD_INPUT);
        assertThat(r.err().lines()).singleElement().asString()
                .contains("line 2").contains("encoding").contains("0xE9 at column 56")
                .doesNotContain("unexpected", "MalformedInput");
    }

    @Test
    void controlBytesOfACellAreEscapedInTheError() throws Exception {
        Path file = dir.resolve("esc.csv");
        Files.writeString(file, HEADER + "x1,2025-01-15T18:22:03Z,+15125551234,web\u001b]0;pwned\u0007,text,,,,,,,active,,\n");
        CliTestSupport.Result r = run("import", file.toString(), "--store", dir.resolve("c.csv").toString());
        assertThat(r.exit()).isEqualTo(ConsentCli.EXIT_BAD_INPUT);
        assertThat(r.err()).contains("opt_in_method").contains("web\\u001b]0;pwned\\u0007")
                .doesNotContain("\u001b", "\u0007");
    }

    @Test
    void theJournalBackupRestoresAndAnOldExportDoesNotUndoAStop() {
        String store = dir.resolve("live.csv").toString();
        assertThat(run("record", "+15125551234", "--store", store).exit()).isZero();
        Path old = dir.resolve("old-audit.csv");
        assertThat(run("export", old.toString(), "--store", store).exit()).isZero();
        assertThat(run("revoke", "+15125551234", "--store", store, "--method", "stop_keyword").exit()).isZero();

        CliTestSupport.Result again = run("import", old.toString(), "--store", store);
        assertThat(again.exit()).as(again.err()).isZero();
        assertThat(again.out()).contains("imported 0");
        assertThat(run("status", "+15125551234", "--store", store).out()).contains("OPTED OUT");

        Path backup = dir.resolve("backup.csv");
        CliTestSupport.Result exp = run("export", backup.toString(), "--journal", "--store", store);
        assertThat(exp.out()).contains("exported 2 rows");
        String restored = dir.resolve("restored.csv").toString();
        CliTestSupport.Result imp = run("import", backup.toString(), "--store", restored, "--format", "json");
        assertThat(imp.out().strip()).isEqualTo("{\"rowsRead\":2,\"rowsImported\":2,\"rowsSkipped\":0}");
        assertThat(run("status", "+15125551234", "--store", restored).out()).contains("OPTED OUT");
        assertThat(run("import", backup.toString(), "--store", restored).out()).contains("imported 0, already present 2");
    }
}
