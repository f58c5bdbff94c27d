package io.consentkit.cli;

import io.consentkit.consent.ConsentTracker;
import io.consentkit.store.CsvConsentStore;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import static io.consentkit.cli.CliTestSupport.run;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@code consent index} and {@code status} / {@code batch status} over the index snapshot: in every case
 * (fresh, rows appended after it, torn last row, journal cut, replaced, snapshot damaged, erased number,
 * programs) the answer and exit code with the snapshot beside the journal are those without it, and a
 * status run changes no file.
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class IndexSnapshotCliTest {
    static final String ANN = "+15125551234";
    static final String BOB = "+15125556789";
    static final String CAL = "+12065550147";

    @TempDir
    Path dir;
    Path store;
    Path snapshot;
    Path programs;

    @BeforeEach
    void journal() throws Exception {
        store = dir.resolve("consents.csv");
        snapshot = dir.resolve("consents.csv.index");
        programs = dir.resolve("programs.properties");
        Files.writeString(programs, String.join("\n", "program.marketing.brand = basin",
                "program.alerts.brand = basin", "program.alerts.senders = +15125550199", "default = marketing",
                "policy = sender", ""));
        assertThat(consent("record", ANN, "--name", "Ann").exit()).isZero();
        assertThat(consent("record", ANN, "--program", "alerts").exit()).isZero();
        assertThat(consent("record", BOB).exit()).isZero();
        assertThat(consent("revoke", BOB, "--method", "stop_keyword").exit()).isZero();
        try (ConsentTracker t = ConsentTracker.builder(CsvConsentStore.open(store)).build()) {
            for (int i = 0; i < 300; i++) { // past the snapshot's 64 KiB window, so Ann's rows lie before it
                t.recordWebFormConsent("+1303555" + (1000 + i), "", "", "", "", "https://example.com/join");
            }
        }
        assertThat(snapshot).as("writers other than serve write no snapshot").doesNotExist();
    }

    private CliTestSupport.Result consent(String... args) {
        List<String> all = new ArrayList<>(List.of(args));
        all.addAll(List.of("--store", store.toString(), "--programs", programs.toString()));
        return run(all.toArray(String[]::new));
    }

    private CliTestSupport.Result index() {
        CliTestSupport.Result r = run("index", "--store", store.toString());
        assertThat(r.exit()).as(r.err()).isZero();
        return r;
    }

    private Map<String, String> folder() throws Exception {
        Map<String, String> out = new TreeMap<>();
        try (Stream<Path> files = Files.list(dir)) {
            for (Path p : files.toList()) {
                out.put(p.getFileName().toString(), Files.getLastModifiedTime(p) + " "
                        + java.util.Arrays.hashCode(Files.readAllBytes(p)));
            }
        }
        return out;
    }

    /**
     * Runs {@code args} with the snapshot where it is and again with it moved away (the full read),
     * asserts both print and exit alike and that neither run changed a file, and returns the result.
     */
    private CliTestSupport.Result sameWithAndWithoutSnapshot(String... args) throws Exception {
        Map<String, String> before = folder();
        CliTestSupport.Result with = consent(args);
        assertThat(folder()).as("a read never writes").isEqualTo(before);
        Path aside = dir.resolve("aside");
        boolean had = Files.exists(snapshot);
        if (had) {
            Files.move(snapshot, aside);
        }
        CliTestSupport.Result without = consent(args);
        if (had) {
            Files.move(aside, snapshot);
        }
        assertThat(with.exit()).as(with.err()).isEqualTo(without.exit());
        assertThat(with.out()).isEqualTo(without.out());
        assertThat(with.err()).isEqualTo(without.err());
        return with;
    }

    private void everyAnswerAsWithoutSnapshot() throws Exception {
        for (String n : List.of(ANN, BOB, CAL, "+13035551007")) {
            for (String p : List.of("marketing", "alerts")) {
                sameWithAndWithoutSnapshot("status", n, "--program", p, "--format", "json");
                sameWithAndWithoutSnapshot("status", n, "--program", p);
            }
        }
        Path numbers = dir.resolve("numbers.txt");
        Files.writeString(numbers, ANN + "\n" + BOB + "\n# a comment\nnot a number\n" + CAL + "\n512-555-1234\n");
        try {
            sameWithAndWithoutSnapshot("batch", "status", "--input", numbers.toString(), "--program", "alerts");
            sameWithAndWithoutSnapshot("batch", "status", "--input", numbers.toString(), "--format", "json");
        } finally {
            Files.delete(numbers);
        }
    }

    @Test
    void indexWritesTheSnapshotAndStatusAnswersThroughIt() throws Exception {
        CliTestSupport.Result r = index();
        assertThat(r.out()).startsWith("indexed: " + store + ": 305 rows of 302 numbers").contains("every row read");
        assertThat(snapshot).exists();
        assertThat(sameWithAndWithoutSnapshot("status", ANN).exit()).isZero();
        assertThat(sameWithAndWithoutSnapshot("status", ANN).out()).contains("ACTIVE");
        assertThat(sameWithAndWithoutSnapshot("status", BOB).out()).contains("OPTED OUT");
        everyAnswerAsWithoutSnapshot();
        CliTestSupport.Result again = run("index", "--store", store.toString(), "--format", "json");
        assertThat(again.out()).contains("\"incremental\":true", "\"rows\":305", "\"scannedBytes\":0");
    }

    @Test
    void anOptOutAppendedAfterTheSnapshotIsSeen() throws Exception {
        index();
        assertThat(consent("revoke", ANN, "--method", "stop_keyword").exit()).isZero();
        CliTestSupport.Result st = sameWithAndWithoutSnapshot("status", ANN);
        assertThat(st.exit()).isEqualTo(1);
        assertThat(st.out()).contains("OPTED OUT");
        assertThat(sameWithAndWithoutSnapshot("status", ANN, "--program", "alerts").exit()).isEqualTo(1);
        everyAnswerAsWithoutSnapshot();
    }

    @Test
    void aTornLastRowAfterTheSnapshotIsLeftOut() throws Exception {
        index();
        Files.writeString(store, "torn,2026-01-01T00:00:00Z," + ANN + ",,\"Reply", StandardOpenOption.APPEND);
        assertThat(sameWithAndWithoutSnapshot("status", ANN).exit()).isZero();
        everyAnswerAsWithoutSnapshot();
    }

    @Test
    void aJournalCutOrReplacedOrADamagedSnapshotFallsBackToTheFullRead() throws Exception {
        index();
        // replaced: a copy with Ann's opt-out moved over the journal
        Path copy = dir.resolve("copy.csv");
        Files.copy(store, copy);
        assertThat(run("revoke", ANN, "--method", "stop_keyword", "--store", copy.toString()).exit()).isZero();
        Files.move(copy, store, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        assertThat(sameWithAndWithoutSnapshot("status", ANN).exit()).isEqualTo(1);
        everyAnswerAsWithoutSnapshot();

        index(); // of the replaced journal, then cut back by its last row (Ann's opt-out of alerts)
        byte[] all = Files.readAllBytes(store);
        int cut = all.length - 1;
        while (all[cut - 1] != '\n') {
            cut--;
        }
        try (FileChannel ch = FileChannel.open(store, StandardOpenOption.WRITE)) {
            ch.truncate(cut);
        }
        everyAnswerAsWithoutSnapshot();

        index();
        byte[] snap = Files.readAllBytes(snapshot);
        snap[snap.length / 2] ^= 0x01;
        Files.write(snapshot, snap);
        everyAnswerAsWithoutSnapshot();
    }

    @Test
    void anErasedNumberIsStillRefused() throws Exception {
        Path key = dir.resolve("erasure.key");
        Files.writeString(key, "ab".repeat(32) + "\n");
        index();
        CliTestSupport.Result erased = consent("erase", ANN, "--reason", "request 1", "--erasure-key-file",
                key.toString());
        assertThat(erased.exit()).as(erased.err()).isZero();
        index();
        CliTestSupport.Result st = sameWithAndWithoutSnapshot("status", ANN, "--erasure-key-file", key.toString());
        assertThat(st.exit()).isEqualTo(1);
        assertThat(st.out()).contains("OPTED OUT");
        assertThat(sameWithAndWithoutSnapshot("status", ANN, "--program", "alerts", "--erasure-key-file",
                key.toString()).exit()).isEqualTo(1);
        CliTestSupport.Result noKey = sameWithAndWithoutSnapshot("status", BOB);
        assertThat(noKey.exit()).isEqualTo(2);
        assertThat(noKey.err()).contains("erasureKey");
    }

    @Test
    void indexRefusesAMissingJournalAndALockedOne() throws Exception {
        Path missing = dir.resolve("nowhere/consents.csv");
        CliTestSupport.Result r = run("index", "--store", missing.toString());
        assertThat(r.exit()).isEqualTo(ConsentCli.EXIT_STORE_UNAVAILABLE);
        assertThat(r.err()).contains("does not exist");
        assertThat(dir.resolve("nowhere")).doesNotExist();
        try (CsvConsentStore writer = CsvConsentStore.builder(store).build()) {
            Map<String, String> before = folder();
            CliTestSupport.Result locked = run("index", "--store", store.toString());
            assertThat(locked.exit()).isEqualTo(ConsentCli.EXIT_STORE_UNAVAILABLE);
            assertThat(folder()).isEqualTo(before);
            assertThat(writer.isReadOnly()).isFalse();
        }
        assertThat(run("index", "--store", "jdbc:postgresql://localhost/x").exit()).isEqualTo(2);
    }

    @Test
    void theRealCliAnswersThroughTheSnapshot() throws Exception {
        assertThat(CliProcess.run(dir, "index", "--store", store.toString()).exit()).isZero();
        assertThat(CliProcess.run(dir, "revoke", ANN, "--method", "stop_keyword", "--store", store.toString()).exit())
                .isZero();
        Files.writeString(store, "torn,2026-01-01T00:00:00Z," + BOB, StandardOpenOption.APPEND);
        Map<String, String> before = folder();
        CliTestSupport.Result ann = CliProcess.run(dir, "status", ANN, "--store", store.toString());
        assertThat(ann.exit()).as(ann.err()).isEqualTo(1);
        assertThat(ann.out()).contains("OPTED OUT");
        CliTestSupport.Result other = CliProcess.run(dir, "status", "+13035551007", "--store", store.toString());
        assertThat(other.exit()).as(other.err()).isZero();
        assertThat(folder()).as("status wrote nothing").isEqualTo(before);
        assertThat(new String(Files.readAllBytes(store), StandardCharsets.UTF_8)).endsWith("," + BOB);
    }
}
