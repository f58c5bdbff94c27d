package io.consentkit.cli;

import io.consentkit.store.CsvConsentStore;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import static io.consentkit.cli.CliTestSupport.run;
import static org.assertj.core.api.Assertions.assertThat;

/** status, history and export open the journal read-only: they work beside a writer and change nothing. */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class ReadCommandsTest {
    @TempDir
    Path dir;

    @Test
    void readCommandsWorkWhileAWriterHoldsTheJournal() {
        Path store = dir.resolve("consents.csv");
        assertThat(run("record", "+15125551234", "--store", store.toString(), "--name", "Ann").exit()).isZero();
        try (CsvConsentStore writer = CsvConsentStore.open(store)) {
            CliTestSupport.Result st = run("status", "+15125551234", "--store", store.toString());
            assertThat(st.exit()).as(st.err()).isZero();
            assertThat(st.out()).contains("ACTIVE");
            assertThat(run("history", "+15125551234", "--store", store.toString()).exit()).isZero();
            Path export = dir.resolve("audit.csv");
            assertThat(run("export", export.toString(), "--store", store.toString()).out()).contains("exported 1");
            assertThat(writer.isReadOnly()).isFalse();
        }
    }

    @Test
    void statusNeverQuarantinesOrChangesTheJournal() throws Exception {
        Path store = dir.resolve("consents.csv");
        assertThat(run("revoke", "+15125551234", "--store", store.toString(), "--method", "stop_keyword").exit())
                .isZero();
        Files.writeString(store, "torn,2025-01-01T00:00:00Z,+1512", StandardOpenOption.APPEND);
        byte[] before = Files.readAllBytes(store);
        CliTestSupport.Result st = run("status", "+15125551234", "--store", store.toString());
        assertThat(st.exit()).as(st.err()).isEqualTo(1); // opted out: may not text
        assertThat(st.out()).contains("OPTED OUT");
        assertThat(Files.readAllBytes(store)).isEqualTo(before);
        try (Stream<Path> files = Files.list(dir)) {
            assertThat(files).containsExactly(store);
        }
    }

    @Test
    void aMistypedStoreIsAnErrorAndCreatesNothing() {
        Path store = dir.resolve("no-such-dir/sub/consents.csv");
        CliTestSupport.Result st = run("status", "+15125551234", "--store", store.toString());
        assertThat(st.exit()).isNotZero();
        assertThat(st.err()).contains("does not exist");
        assertThat(dir.resolve("no-such-dir")).doesNotExist();
    }

    @Test
    void aFileThatIsNotAJournalIsLeftByteForByte() throws Exception {
        Path jar = dir.resolve("app.jar");
        byte[] bytes = "PK\u0003\u0004\u0014 binary\nMETA-INF/,\"x\ny".getBytes(StandardCharsets.ISO_8859_1);
        Files.write(jar, bytes);
        CliTestSupport.Result st = run("status", "+15125550101", "--store", jar.toString());
        assertThat(st.exit()).isEqualTo(2);
        assertThat(st.err()).contains("header");
        assertThat(Files.readAllBytes(jar)).isEqualTo(bytes);
    }
}
