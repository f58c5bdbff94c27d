package io.consentkit.store;

import io.consentkit.InvalidInputException;
import io.consentkit.consent.ConsentChannel;
import io.consentkit.consent.ConsentRequest;
import io.consentkit.consent.ConsentTracker;
import io.consentkit.consent.Programs;
import io.consentkit.consent.RevocationPolicy;
import io.consentkit.consent.RevocationRequest;
import io.consentkit.consent.RevocationScope;
import io.consentkit.journal.ErasureKey;
import io.consentkit.journal.RevocationMethod;
import io.consentkit.journal.StoreLockedException;
import io.consentkit.phone.PhoneNumber;
import io.consentkit.retention.Erasure;
import io.consentkit.testkit.SettableClock;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * {@link JournalIndex} on real files: every answer through the snapshot (or its fallback) equals the
 * answer of a tracker over the whole journal, for every number and program, in each case the snapshot
 * must survive or be refused: fresh, rows appended after it, a torn last row, the journal cut short,
 * replaced, edited in place, the snapshot damaged, an erased number, scoped consents.
 */
class JournalIndexTest {
    static final String ANN = "+15125551234";
    static final String BOB = "+15125556789";
    static final String CAL = "+12065550147";
    static final String NEW = "+14155550123"; // never in the journal
    static final List<String> NUMBERS = List.of(ANN, BOB, CAL, NEW);
    static final Programs PROGRAMS = Programs.builder().defaultProgram("marketing", "basin")
            .program("marketing", "basin", "+15125550100")
            .program("alerts", "basin", "+15125550199")
            .program("solar", "greenwatt", "+15125550200")
            .policy(RevocationPolicy.SENDER).build();
    static final ErasureKey KEY = ErasureKey.of("k".repeat(32).getBytes(StandardCharsets.UTF_8));

    @TempDir
    Path dir;
    final SettableClock clock = SettableClock.at("2026-03-01T12:00:00Z");

    Path journal() {
        return dir.resolve("consents.csv");
    }

    ConsentTracker writer() {
        return ConsentTracker.builder(CsvConsentStore.open(journal())).clock(clock).programs(PROGRAMS).build();
    }

    /** Ann in marketing and alerts, Bob opted in then out, Cal in solar with a brand-wide STOP of basin. */
    void history() {
        try (ConsentTracker t = writer()) {
            t.recordConsent(ConsentRequest.builder(ANN, "web_form", "Basin news. Reply STOP.").build());
            clock.advance(Duration.ofSeconds(1));
            t.recordConsent(ConsentRequest.builder(ANN, "keyword", "Basin alerts. Reply STOP.").program("alerts").build());
            t.recordConsent(ConsentRequest.builder(BOB, "web_form", "Basin news. Reply STOP.").build());
            clock.advance(Duration.ofSeconds(1));
            t.revoke(BOB, RevocationMethod.STOP_KEYWORD, "STOP");
            t.recordConsent(ConsentRequest.builder(CAL, "in_person", "Solar news. Reply STOP.").program("solar").build());
            t.revoke(RevocationRequest.of(PhoneNumber.of(CAL), RevocationScope.brand("basin"), ConsentChannel.SMS,
                    RevocationMethod.STOP_KEYWORD));
            for (int i = 0; i < 400; i++) { // others, so the snapshot has many numbers and Ann's rows are not last
                t.recordConsent(ConsentRequest.builder("+1303555" + (1000 + i), "web_form", "Basin news.").build());
            }
        }
    }

    /** The journal's rows (none here holds a line break). */
    int rows() {
        try {
            return Files.readAllLines(journal()).size() - 1;
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    /** Every answer a tracker gives for the numbers asked about, in every program. */
    static List<String> answers(ConsentTracker t) {
        List<String> out = new ArrayList<>();
        for (String n : NUMBERS) {
            for (var p : PROGRAMS.all()) {
                out.add(n + " " + p.name() + " active=" + t.isActive(n, p.name()) + " optedOut=" + t.isOptedOut(n, p.name())
                        + " status=" + t.status(n, p.name()).orElse(null));
            }
            out.add(n + " history=" + t.history(n));
        }
        return out;
    }

    List<String> full(ErasureKey key) {
        try (ConsentTracker t = ConsentTracker.builder(CsvConsentStore.openReadOnly(journal())).programs(PROGRAMS)
                .erasureKey(key).build()) {
            return answers(t);
        }
    }

    JournalIndex.Lookup lookup() {
        return JournalIndex.lookup(journal(), NUMBERS.stream().map(PhoneNumber::of).toList());
    }

    /** Asserts the lookup's answers equal the full read's, and returns whether the snapshot was used. */
    boolean sameAnswersAsFullRead(ErasureKey key) {
        JournalIndex.Lookup lookup = lookup();
        boolean used = lookup.fromSnapshot();
        try (ConsentTracker t = ConsentTracker.builder(lookup).programs(PROGRAMS).erasureKey(key).build()) {
            assertThat(answers(t)).isEqualTo(full(key));
        }
        return used;
    }

    Map<String, String> folder() throws Exception {
        Map<String, String> out = new TreeMap<>();
        try (Stream<Path> files = Files.list(dir)) {
            for (Path p : files.toList()) {
                out.put(p.getFileName().toString(), Files.size(p) + " " + Files.getLastModifiedTime(p)
                        + " " + java.util.Arrays.hashCode(Files.readAllBytes(p)));
            }
        }
        return out;
    }

    @Test
    void aFreshSnapshotIsUsedAndAnswersAsTheFullReadDoesWithoutWritingAnything() throws Exception {
        history();
        JournalIndex.Written w = JournalIndex.write(journal());
        assertThat(w.incremental()).isFalse();
        assertThat(w.rows()).isEqualTo(rows()).isGreaterThan(400);
        assertThat(w.numbers()).isEqualTo(403);
        assertThat(w.coveredBytes()).isEqualTo(Files.size(journal()));
        assertThat(w.snapshot()).isEqualTo(dir.resolve("consents.csv.index").toAbsolutePath());
        Map<String, String> before = folder();
        assertThat(sameAnswersAsFullRead(null)).isTrue();
        assertThat(folder()).as("a read never writes").isEqualTo(before);
    }

    @Test
    void withoutASnapshotTheWholeJournalIsRead() {
        history();
        assertThat(lookup().fallbackReason()).hasValue("no index snapshot");
        assertThat(sameAnswersAsFullRead(null)).isFalse();
    }

    @Test
    void rowsAppendedAfterTheSnapshotAreReadFromTheTail() {
        history();
        JournalIndex.write(journal());
        try (ConsentTracker t = writer()) {
            clock.advance(Duration.ofMinutes(1));
            t.revoke(ANN, RevocationMethod.STOP_KEYWORD, "STOP"); // Ann opts out after the snapshot
            t.recordConsent(ConsentRequest.builder(NEW, "web_form", "Basin news.").build());
        }
        assertThat(sameAnswersAsFullRead(null)).isTrue();
        try (ConsentTracker t = ConsentTracker.builder(lookup()).programs(PROGRAMS).build()) {
            assertThat(t.isActive(ANN, "marketing")).isFalse();
            assertThat(t.isOptedOut(ANN, "marketing")).isTrue();
            assertThat(t.isActive(NEW, "marketing")).isTrue();
        }
        JournalIndex.Written again = JournalIndex.write(journal());
        assertThat(again.incremental()).isTrue();
        assertThat(again.scannedBytes()).isLessThan(again.coveredBytes() / 10);
        assertThat(again.rows()).isEqualTo(rows());
        assertThat(sameAnswersAsFullRead(null)).isTrue();
    }

    @Test
    void aTornLastRowIsLeftOutAsByTheReadOnlyOpen() throws Exception {
        history();
        JournalIndex.write(journal());
        Files.writeString(journal(), "c0ffee,2026-03-01T12:10:00Z," + ANN + ",,\"opt out", StandardOpenOption.APPEND);
        assertThat(sameAnswersAsFullRead(null)).isTrue();
    }

    @Test
    void aJournalCutShorterThanTheSnapshotIsReadWhole() throws Exception {
        history();
        JournalIndex.write(journal());
        byte[] all = Files.readAllBytes(journal());
        int cut = all.length - 1;
        while (all[cut - 1] != '\n') {
            cut--;
        }
        try (var ch = java.nio.channels.FileChannel.open(journal(), StandardOpenOption.WRITE)) {
            ch.truncate(cut); // the last row gone: a restore of an older copy in place
        }
        assertThat(lookup().fallbackReason().orElseThrow()).contains("shorter");
        assertThat(sameAnswersAsFullRead(null)).isFalse();
    }

    @Test
    void aReplacedJournalIsReadWhole() throws Exception {
        history();
        JournalIndex.write(journal());
        Path copy = dir.resolve("copy.csv");
        Files.copy(journal(), copy);
        try (ConsentTracker t = ConsentTracker.builder(CsvConsentStore.open(copy)).clock(clock).programs(PROGRAMS)
                .build()) {
            t.revoke(ANN, RevocationMethod.STOP_KEYWORD, "STOP");
        }
        Files.move(copy, journal(), StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        assertThat(lookup().fallbackReason().orElseThrow()).contains("another file");
        assertThat(sameAnswersAsFullRead(null)).isFalse();
        try (ConsentTracker t = ConsentTracker.builder(lookup()).programs(PROGRAMS).build()) {
            assertThat(t.isOptedOut(ANN, "marketing")).isTrue();
        }
    }

    @Test
    void aJournalRewrittenInPlaceIsReadWhole() throws Exception {
        history();
        JournalIndex.write(journal());
        // the same file (same identity), Ann's first row now Bob's: the window may still match, the row does not
        String text = Files.readString(journal());
        int at = text.indexOf(ANN);
        try (var ch = java.nio.channels.FileChannel.open(journal(), StandardOpenOption.WRITE)) {
            ch.write(java.nio.ByteBuffer.wrap(BOB.getBytes(StandardCharsets.US_ASCII)),
                    text.substring(0, at).getBytes(StandardCharsets.UTF_8).length);
        }
        assertThat(lookup().fallbackReason().orElseThrow()).contains("is not the indexed one");
        assertThat(sameAnswersAsFullRead(null)).isFalse();
        // and bytes changed inside the window at the end
        JournalIndex.write(journal());
        long size = Files.size(journal());
        try (var ch = java.nio.channels.FileChannel.open(journal(), StandardOpenOption.WRITE)) {
            ch.write(java.nio.ByteBuffer.wrap("Z".getBytes(StandardCharsets.US_ASCII)), size - 200);
        }
        assertThat(lookup().fallbackReason().orElseThrow()).contains("differ");
    }

    @Test
    void aDamagedSnapshotIsIgnored() throws Exception {
        history();
        Path snap = JournalIndex.write(journal()).snapshot();
        byte[] b = Files.readAllBytes(snap);
        for (int at : new int[] {3, 40, b.length / 2, b.length - 20, b.length - 1}) {
            byte[] damaged = b.clone();
            damaged[at] ^= 0x10;
            Files.write(snap, damaged);
            assertThat(lookup().fallbackReason().orElseThrow()).as("byte %d", at).contains("not usable");
            assertThat(sameAnswersAsFullRead(null)).isFalse();
        }
        Files.write(snap, java.util.Arrays.copyOf(b, b.length / 3)); // cut short
        assertThat(lookup().fallbackReason().orElseThrow()).contains("not usable");
        Files.write(snap, new byte[0]);
        assertThat(sameAnswersAsFullRead(null)).isFalse();
        Files.write(snap, b); // restored: used again
        assertThat(sameAnswersAsFullRead(null)).isTrue();
    }

    @Test
    void anErasedNumberIsStillRefusedThroughTheSnapshot() {
        history();
        Erasure.builder(journal()).key(KEY).clock(clock).build().erase(ANN, "request 2026-7");
        assertThat(sameAnswersAsFullRead(KEY)).as("the snapshot is of no journal yet").isFalse();
        JournalIndex.write(journal());
        assertThat(sameAnswersAsFullRead(KEY)).isTrue();
        try (ConsentTracker t = ConsentTracker.builder(lookup()).programs(PROGRAMS).erasureKey(KEY).build()) {
            assertThat(t.isActive(ANN, "marketing")).isFalse();
            assertThat(t.isOptedOut(ANN, "marketing")).isTrue();
            assertThat(t.isOptedOut(ANN, "alerts")).isTrue();
        }
        // without the key the journal's erasures refuse the tracker, through the snapshot as in a full read
        assertThatThrownBy(() -> ConsentTracker.builder(lookup()).programs(PROGRAMS).build())
                .isInstanceOf(InvalidInputException.class).hasMessageContaining("erased");
    }

    @Test
    void anErasureAfterTheSnapshotRewritesTheJournalAndTheSnapshotIsRefused() {
        history();
        JournalIndex.write(journal());
        Erasure.builder(journal()).key(KEY).clock(clock).build().erase(ANN, "request 2026-8");
        assertThat(lookup().fromSnapshot()).isFalse();
        assertThat(sameAnswersAsFullRead(KEY)).isFalse();
    }

    @Test
    void theStoreWritesTheSnapshotOnCloseAndExtendsItNextTime() throws Exception {
        history();
        try (CsvConsentStore s = CsvConsentStore.builder(journal()).writeIndexOnClose().build()) {
            assertThat(Files.exists(JournalIndex.snapshotFile(journal()))).isFalse();
        }
        assertThat(sameAnswersAsFullRead(null)).isTrue();
        byte[] first = Files.readAllBytes(JournalIndex.snapshotFile(journal()));
        try (ConsentTracker t = ConsentTracker.builder(CsvConsentStore.builder(journal()).writeIndexOnClose().build())
                .clock(clock).programs(PROGRAMS).build()) {
            t.revoke(CAL, RevocationMethod.STOP_KEYWORD, "STOP");
        }
        assertThat(Files.readAllBytes(JournalIndex.snapshotFile(journal()))).isNotEqualTo(first);
        assertThat(sameAnswersAsFullRead(null)).isTrue();
        try (Stream<Path> files = Files.list(dir)) {
            assertThat(files.map(p -> p.getFileName().toString()).sorted())
                    .containsExactly("consents.csv", "consents.csv.index"); // no temporary file left
        }
    }

    @Test
    void aSnapshotThatCannotBeWrittenDoesNotStopTheStoreFromClosing() throws Exception {
        history();
        Files.createDirectories(JournalIndex.snapshotFile(journal()).resolve("in-the-way")); // a folder in its place
        CsvConsentStore s = CsvConsentStore.builder(journal()).writeIndexOnClose().build();
        s.close();
        assertThat(Files.exists(dir.resolve("consents.csv.lock"))).as("the writer lock is released").isFalse();
        try (CsvConsentStore again = CsvConsentStore.open(journal())) {
            assertThat(again.file()).isEqualTo(journal().toAbsolutePath());
        }
        assertThat(sameAnswersAsFullRead(null)).isFalse();
    }

    @Test
    void aTemporaryFileLeftByACrashWhileWritingDoesNotBlockTheNextSnapshot() throws Exception {
        history();
        Path stale = dir.resolve("consents.csv.index.tmp-index");
        Files.writeString(stale, "half a snapshot");
        JournalIndex.write(journal());
        assertThat(stale).doesNotExist();
        assertThat(sameAnswersAsFullRead(null)).isTrue();
    }

    @Test
    void writingRefusesAMissingJournalAndCreatesNothing() throws Exception {
        assertThatThrownBy(() -> JournalIndex.write(journal()))
                .isInstanceOf(io.consentkit.journal.ConsentStoreException.class).hasMessageContaining("does not exist");
        try (Stream<Path> files = Files.list(dir)) {
            assertThat(files.toList()).isEmpty();
        }
    }

    @Test
    void writingIsRefusedWhileAWriterHoldsTheJournal() {
        history();
        try (CsvConsentStore held = CsvConsentStore.builder(journal()).build()) {
            assertThatThrownBy(() -> JournalIndex.write(journal())).isInstanceOf(StoreLockedException.class);
        }
    }
}
