package io.consentkit.store;

import io.consentkit.ConsentKitException;
import io.consentkit.journal.ConsentRecord;
import io.consentkit.journal.ConsentStatus;
import io.consentkit.journal.ConsentStoreException;
import io.consentkit.journal.JournalCodec;
import io.consentkit.journal.StoreLockedException;
import io.consentkit.phone.PhoneNumber;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.AccessDeniedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * Faults from outside the writer: lock loss inside the writer's JVM, a second process, a journal
 * grown, replaced or deleted under a running writer, legacy rows a naive quote scan misreads, a
 * missing final newline, and opens that fail (which must change no byte).
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class CsvJournalFaultTest {
    private static final String HEADER = JournalCodec.LEGACY_HEADER_LINE + "\n"; // rows written by hand: 14 cells
    private static final Instant T = Instant.parse("2025-05-05T05:05:05Z");

    @TempDir
    Path dir;

    private static ConsentRecord row(String id, String phone) {
        return new ConsentRecord(id, T, PhoneNumber.of(phone), "web_form", "I agree, \"yes\".\nReply STOP.", "c", "n",
                "e@x.com", "1.2.3.4", "", Map.of("k", "v"), ConsentStatus.ACTIVE, null, "");
    }

    private static List<ConsentRecord> replay(CsvConsentStore s) {
        List<ConsentRecord> out = new ArrayList<>();
        s.replay(out::add);
        return out;
    }

    /** Runs a child JVM that tries to open the journal (200 ms lock timeout) and says what happened. */
    static String childTriesToOpen(Path journal) throws Exception {
        String javaBin = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        ProcessBuilder pb = new ProcessBuilder(javaBin, "-Xmx64m", "-cp", System.getProperty("java.class.path"),
                CrashChild.class.getName(), journal.toString(), "try");
        pb.redirectError(ProcessBuilder.Redirect.DISCARD);
        Process child = pb.start();
        try (BufferedReader r = new BufferedReader(new InputStreamReader(child.getInputStream(), StandardCharsets.UTF_8))) {
            String line = r.readLine();
            assertThat(child.waitFor(30, TimeUnit.SECONDS)).as("child finished").isTrue();
            return line;
        } finally {
            child.destroyForcibly();
        }
    }

    @Test
    void aRefusedSecondOpenInTheSameJvmKeepsTheFirstStoresLock() throws Exception {
        Path f = dir.resolve("c.csv");
        try (CsvConsentStore first = CsvConsentStore.open(f)) {
            first.append(List.of(row("a", "+15125551234")));
            assertThatThrownBy(() -> CsvConsentStore.builder(f).lockTimeout(Duration.ZERO).build())
                    .isInstanceOf(StoreLockedException.class).hasMessageContaining("locked");
            assertThat(childTriesToOpen(f)).as("another process after the refused open").isEqualTo("LOCKED");
            first.append(List.of(row("b", "+15125551235")));
            assertThat(replay(first)).extracting(ConsentRecord::consentId).containsExactly("a", "b");
        }
    }

    @Test
    void readingTheJournalFileInTheWritersJvmKeepsTheLock() throws Exception {
        Path f = dir.resolve("c.csv");
        try (CsvConsentStore first = CsvConsentStore.open(f)) {
            first.append(List.of(row("a", "+15125551234")));
            assertThat(Files.readAllBytes(f)).isNotEmpty(); // a backup endpoint, say: opens and closes a descriptor
            assertThat(childTriesToOpen(f)).as("another process after a plain read").isEqualTo("LOCKED");
            first.append(List.of(row("b", "+15125551235")));
        }
        try (CsvConsentStore s = CsvConsentStore.open(f)) {
            assertThat(replay(s)).extracting(ConsentRecord::consentId).containsExactly("a", "b");
        }
    }

    @Test
    void aSecondProcessIsRefusedWhileAWriterProcessAppendsAndReadersDoNotBreakTheLock() throws Exception {
        Path f = dir.resolve("busy.csv");
        String javaBin = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        Process writer = new ProcessBuilder(javaBin, "-Xmx128m", "-cp", System.getProperty("java.class.path"),
                CrashChild.class.getName(), f.toString(), "2").redirectError(ProcessBuilder.Redirect.DISCARD).start();
        Set<String> acked = ConcurrentHashMap.newKeySet();
        CountDownLatch some = new CountDownLatch(200);
        Thread reader = new Thread(() -> {
            try (BufferedReader r = new BufferedReader(new InputStreamReader(writer.getInputStream(),
                    StandardCharsets.UTF_8))) {
                for (String line; (line = r.readLine()) != null; ) {
                    if (line.startsWith("ACK ")) {
                        acked.add(line.substring(4));
                        some.countDown();
                    }
                }
            } catch (IOException ignored) {
                // the child was killed
            }
        });
        reader.start();
        try {
            assertThat(some.await(30, TimeUnit.SECONDS)).as("the writer process appends").isTrue();
            for (int i = 0; i < 2; i++) {
                assertThat(Files.readAllBytes(f)).isNotEmpty();
                try (CsvConsentStore ro = CsvConsentStore.openReadOnly(f)) {
                    assertThat(replay(ro)).isNotEmpty();
                }
                assertThat(childTriesToOpen(f)).as("a second process while the first appends").isEqualTo("LOCKED");
                assertThatThrownBy(() -> CsvConsentStore.builder(f).lockTimeout(Duration.ZERO).build())
                        .isInstanceOf(StoreLockedException.class);
            }
        } finally {
            writer.destroyForcibly();
            assertThat(writer.waitFor(30, TimeUnit.SECONDS)).isTrue();
            reader.join(10_000);
        }
        try (CsvConsentStore s = CsvConsentStore.open(f)) {
            Set<String> found = new HashSet<>();
            s.replay(r -> found.add(r.consentId()));
            assertThat(found).as("every acknowledged row of the writer process").containsAll(acked);
        }
    }

    @Test
    void aJournalGrownBySomeoneElseStopsTheWriterAndNothingIsOverwritten() throws Exception {
        Path f = dir.resolve("c.csv");
        StringBuilder foreign = new io.consentkit.journal.JournalChain.Linker().appendLine(new StringBuilder(),
                row("foreign", "+15125550000"), false);
        try (CsvConsentStore s = CsvConsentStore.open(f)) {
            s.append(List.of(row("a", "+15125551234")));
            Files.writeString(f, foreign, StandardOpenOption.APPEND);
            assertThatThrownBy(() -> s.append(List.of(row("b", "+15125551235"))))
                    .isInstanceOf(ConsentStoreException.class).hasMessageContaining("another process");
            assertThatThrownBy(() -> s.append(List.of(row("c", "+15125551236"))))
                    .as("the store fails closed").isInstanceOf(ConsentStoreException.class);
        }
        assertThat(Files.readString(f)).endsWith(foreign.toString());
        try (CsvConsentStore s = CsvConsentStore.open(f)) {
            assertThat(replay(s)).extracting(ConsentRecord::consentId).containsExactly("a", "foreign");
        }
    }

    @Test
    void aJournalReplacedUnderTheWriterIsDetected() throws Exception {
        Path f = dir.resolve("c.csv");
        try (CsvConsentStore s = CsvConsentStore.open(f)) {
            s.append(List.of(row("a", "+15125551234")));
            Path copy = dir.resolve("c.csv.copy");
            Files.copy(f, copy);
            Files.move(copy, f, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
            byte[] replaced = Files.readAllBytes(f);
            assertThatThrownBy(() -> s.append(List.of(row("b", "+15125551235"))))
                    .isInstanceOf(ConsentStoreException.class).hasMessageContaining("replaced");
            assertThat(Files.readAllBytes(f)).isEqualTo(replaced);
        }
    }

    @Test
    void aJournalDeletedUnderTheWriterIsDetected() throws Exception {
        Path f = dir.resolve("c.csv");
        try (CsvConsentStore s = CsvConsentStore.open(f)) {
            s.append(List.of(row("a", "+15125551234")));
            Files.delete(f);
            assertThatThrownBy(() -> s.append(List.of(row("b", "+15125551235"))))
                    .isInstanceOf(ConsentStoreException.class).hasMessageContaining("deleted");
        }
        assertThat(f).doesNotExist();
    }

    @Test
    void aLegacyRowWithAnUnquotedQuoteIsNotMistakenForATornWrite() throws Exception {
        Path f = dir.resolve("legacy.csv");
        String content = HEADER
                + "l1,2024-01-01T00:00:00Z,+15125550101,web_form,ok,c1,Dwayne 6'5\" Smith,,,,,active,,\n"
                + "l2,2024-01-02T00:00:00Z,+15125550102,web_form,ok,c2,Ann,,,,,active,,\n"
                + "l3,2024-01-03T00:00:00Z,+15125550101,web_form,ok,c1,Dwayne,,,,,revoked,2024-01-04T00:00:00Z,"
                + "stop_keyword\n";
        Files.writeString(f, content);
        try (CsvConsentStore s = CsvConsentStore.open(f)) {
            assertThat(s.quarantined()).isEmpty();
            assertThat(replay(s)).extracting(ConsentRecord::consentId).containsExactly("l1", "l2", "l3");
            assertThat(replay(s).get(0).customerName()).isEqualTo("Dwayne 6'5\" Smith");
        }
        assertThat(Files.readString(f)).isEqualTo(content);
        assertThat(tornFiles()).isEmpty();
    }

    @Test
    void aLastRowWithoutItsNewlineIsKeptAndTheNewlineAdded() throws Exception {
        Path f = dir.resolve("nonl.csv");
        String content = HEADER
                + "a1,2024-01-01T00:00:00Z,+15125550101,web_form,ok,,,,,,,active,,\n"
                + "a2,2024-01-02T00:00:00Z,+15125550101,web_form,ok,,,,,,,revoked,2024-01-03T00:00:00Z,stop_keyword";
        Files.writeString(f, content);
        try (CsvConsentStore s = CsvConsentStore.open(f)) {
            assertThat(s.quarantined()).isEmpty();
            List<ConsentRecord> rows = replay(s);
            assertThat(rows).extracting(ConsentRecord::consentId).containsExactly("a1", "a2");
            assertThat(rows.get(1).status()).isEqualTo(ConsentStatus.REVOKED);
            s.append(List.of(row("a3", "+15125550102")));
        }
        assertThat(Files.readString(f)).startsWith(content + "\n");
        try (CsvConsentStore s = CsvConsentStore.open(f)) {
            assertThat(replay(s)).extracting(ConsentRecord::consentId).containsExactly("a1", "a2", "a3");
        }
        assertThat(tornFiles()).isEmpty();
    }

    @Test
    void aFailingOpenChangesNoByte() throws Exception {
        Path jar = dir.resolve("app.jar");
        // not a journal: a binary first line, then bytes that a quote scan reads as a torn row
        byte[] bytes = ("PK\u0003\u0004\u0014\u0000binary\n" + "META-INF/MANIFEST.MF,\"x\ny\u0000\u0001\n\"z")
                .getBytes(StandardCharsets.ISO_8859_1);
        Files.write(jar, bytes);
        assertThatThrownBy(() -> CsvConsentStore.open(jar)).isInstanceOf(ConsentKitException.class)
                .hasMessageContaining("header");
        assertThat(Files.readAllBytes(jar)).isEqualTo(bytes);
        assertThat(tornFiles()).isEmpty();
    }

    @Test
    void aWritableOpenThatIsDeniedSaysWhy() {
        Path f = dir.resolve("ro.csv");
        CsvConsentStore.ChannelOpener denied = p -> {
            throw new AccessDeniedException(p.toString());
        };
        assertThatThrownBy(() -> CsvConsentStore.builder(f).channelOpener(denied).build())
                .isInstanceOf(ConsentStoreException.class).hasMessageContaining("permission denied");
    }

    @Test
    void aStoreThatFailsToOpenLeavesNoLockBehind() throws Exception {
        Path f = dir.resolve("bad.csv");
        Files.writeString(f, "not,a,journal\n");
        assertThatThrownBy(() -> CsvConsentStore.open(f)).isInstanceOf(ConsentKitException.class);
        Files.writeString(f, HEADER);
        try (CsvConsentStore s = CsvConsentStore.builder(f).lockTimeout(Duration.ZERO).build()) {
            assertThat(replay(s)).isEmpty();
        }
        assertThat(tornFiles()).isEmpty();
    }

    private List<Path> tornFiles() throws IOException {
        try (Stream<Path> files = Files.list(dir)) {
            return files.filter(p -> p.getFileName().toString().contains(".torn-")).toList();
        }
    }
}
