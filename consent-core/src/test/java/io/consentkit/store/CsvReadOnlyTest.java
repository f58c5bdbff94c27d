package io.consentkit.store;

import io.consentkit.consent.ConsentTracker;
import io.consentkit.journal.ConsentRecord;
import io.consentkit.journal.ConsentStatus;
import io.consentkit.journal.ConsentStoreException;
import io.consentkit.journal.JournalCodec;
import io.consentkit.journal.JournalFormatException;
import io.consentkit.phone.PhoneNumber;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** {@link CsvConsentStore#openReadOnly}: reads while a writer holds the journal; changes, creates and locks nothing. */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class CsvReadOnlyTest {
    private static final String HEADER = JournalCodec.LEGACY_HEADER_LINE + "\n"; // rows written by hand: 14 cells
    private static final Instant T = Instant.parse("2025-05-05T05:05:05Z");

    @TempDir
    Path dir;

    private static ConsentRecord row(String id, String phone) {
        return new ConsentRecord(id, T, PhoneNumber.of(phone), "web_form", "I agree.\nReply STOP.", "", "", "", "", "",
                Map.of(), ConsentStatus.ACTIVE, null, "");
    }

    private static List<String> ids(CsvConsentStore s) {
        List<String> out = new ArrayList<>();
        s.replay(r -> out.add(r.consentId()));
        return out;
    }

    private List<Path> files() throws Exception {
        try (Stream<Path> l = Files.list(dir)) {
            return l.sorted().toList();
        }
    }

    // snippet: read-only-open
    @Test
    void readsWhileAWriterHoldsTheJournal() {
        Path journal = dir.resolve("consents.csv");
        try (CsvConsentStore writer = CsvConsentStore.open(journal)) {
            writer.append(List.of(row("a", "+15125551234")));
            try (CsvConsentStore reader = CsvConsentStore.openReadOnly(journal)) {
                List<ConsentRecord> rows = new ArrayList<>();
                reader.replay(rows::add);
                assertThat(rows).extracting(ConsentRecord::consentId).containsExactly("a");
                assertThatThrownBy(() -> reader.append(List.of(row("b", "+15125551235"))))
                        .isInstanceOf(ReadOnlyStoreException.class);
            }
            writer.append(List.of(row("c", "+15125551236"))); // the writer is unaffected
        }
    }
    // end snippet

    @Test
    void readsWhileAnotherProcessHoldsTheJournalAndLeavesItsLockAlone() throws Exception {
        Path journal = dir.resolve("held.csv");
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        Process child = new ProcessBuilder(java, "-Xmx64m", "-cp", System.getProperty("java.class.path"),
                CrashChild.class.getName(), journal.toString(), "hold").redirectError(ProcessBuilder.Redirect.DISCARD)
                .start();
        try (BufferedReader r = new BufferedReader(new InputStreamReader(child.getInputStream(), StandardCharsets.UTF_8))) {
            assertThat(r.readLine()).isEqualTo("READY");
            try (CsvConsentStore reader = CsvConsentStore.openReadOnly(journal);
                 ConsentTracker tracker = ConsentTracker.builder(reader).build()) {
                assertThat(tracker.isOptedOut("+15125551234")).isFalse();
            }
            assertThatThrownBy(() -> CsvConsentStore.builder(journal).lockTimeout(Duration.ofMillis(100))
                    .build()).isInstanceOf(io.consentkit.journal.StoreLockedException.class);
        } finally {
            child.destroyForcibly();
            child.waitFor(30, TimeUnit.SECONDS);
        }
    }

    @Test
    void aReadOnlyOpenInTheWritersJvmKeepsTheWritersLock() throws Exception {
        Path journal = dir.resolve("c.csv");
        try (CsvConsentStore writer = CsvConsentStore.open(journal)) {
            writer.append(List.of(row("a", "+15125551234")));
            CsvConsentStore.openReadOnly(journal).close(); // opens and closes a descriptor of the journal
            assertThat(CsvJournalFaultTest.childTriesToOpen(journal)).isEqualTo("LOCKED");
            writer.append(List.of(row("b", "+15125551235")));
        }
    }

    @Test
    void aTornTailIsLeftAloneAndTheViewEndsBeforeIt() throws Exception {
        Path journal = dir.resolve("torn.csv");
        try (CsvConsentStore writer = CsvConsentStore.open(journal)) {
            writer.append(List.of(row("a", "+15125551234")));
        }
        Files.writeString(journal, "b,2025-05-05T05:05:05Z,+15125551235,web_form,\"I agr",
                java.nio.file.StandardOpenOption.APPEND);
        byte[] before = Files.readAllBytes(journal);
        try (CsvConsentStore reader = CsvConsentStore.openReadOnly(journal)) {
            assertThat(ids(reader)).containsExactly("a");
            assertThat(reader.quarantined()).isEmpty();
            assertThat(reader.isReadOnly()).isTrue();
            assertThat(reader.tornTailBytes()).isEqualTo(
                    "b,2025-05-05T05:05:05Z,+15125551235,web_form,\"I agr".length());
        }
        assertThat(Files.readAllBytes(journal)).isEqualTo(before);
        assertThat(files()).containsExactly(journal);
    }

    @Test
    void aLastRowWithoutItsNewlineIsReadAndNotChanged() throws Exception {
        Path journal = dir.resolve("nonl.csv");
        String content = HEADER + "r1,2024-01-02T00:00:00Z,+15125550101,web_form,ok,,,,,,,revoked,"
                + "2024-01-03T00:00:00Z,stop_keyword";
        Files.writeString(journal, content);
        try (CsvConsentStore reader = CsvConsentStore.openReadOnly(journal);
             ConsentTracker tracker = ConsentTracker.builder(reader).build()) {
            assertThat(tracker.isOptedOut("+15125550101")).isTrue();
            assertThat(reader.tornTailBytes()).isZero();
        }
        assertThat(Files.readString(journal)).isEqualTo(content);
    }

    @Test
    void aMissingJournalIsAnErrorAndNothingIsCreated() {
        Path journal = dir.resolve("no/such/dir/consents.csv");
        assertThatThrownBy(() -> CsvConsentStore.openReadOnly(journal)).isInstanceOf(ConsentStoreException.class)
                .hasMessageContaining("does not exist");
        assertThat(dir.resolve("no")).doesNotExist();
    }

    @Test
    void anEmptyJournalReadsAsNoRowsAndStaysEmpty() throws Exception {
        Path journal = dir.resolve("empty.csv");
        Files.createFile(journal);
        try (CsvConsentStore reader = CsvConsentStore.openReadOnly(journal)) {
            assertThat(ids(reader)).isEmpty();
        }
        assertThat(Files.size(journal)).isZero();
    }

    @Test
    void aFileThatIsNotAJournalFailsAndIsNotChanged() throws Exception {
        Path notJournal = dir.resolve("app.jar");
        byte[] bytes = "PK\u0003\u0004 not a journal\nx,\"y".getBytes(StandardCharsets.ISO_8859_1);
        Files.write(notJournal, bytes);
        assertThatThrownBy(() -> CsvConsentStore.openReadOnly(notJournal)).isInstanceOf(JournalFormatException.class)
                .hasMessageContaining("header");
        assertThat(Files.readAllBytes(notJournal)).isEqualTo(bytes);
        assertThatThrownBy(() -> CsvConsentStore.openReadOnly(dir)).isInstanceOf(ConsentStoreException.class)
                .hasMessageContaining("folder");
    }

    @Test
    void aJournalWithoutWritePermissionCanBeRead() throws Exception {
        Path journal = dir.resolve("ro.csv");
        try (CsvConsentStore writer = CsvConsentStore.open(journal)) {
            writer.append(List.of(row("a", "+15125551234")));
        }
        Files.setPosixFilePermissions(journal, PosixFilePermissions.fromString("r--r--r--"));
        try (CsvConsentStore reader = CsvConsentStore.openReadOnly(journal)) {
            assertThat(ids(reader)).containsExactly("a");
        }
        if (!Files.isWritable(journal)) { // not as root, who may write anyway
            assertThatThrownBy(() -> CsvConsentStore.open(journal)).isInstanceOf(ConsentStoreException.class)
                    .hasMessageContaining("permission denied");
        }
    }
}
