package io.consentkit.store;

import io.consentkit.journal.ConsentRecord;
import io.consentkit.journal.ConsentStatus;
import io.consentkit.journal.ConsentStoreException;
import io.consentkit.journal.JournalChain;
import io.consentkit.journal.JournalCodec;
import io.consentkit.journal.JournalVerifier;
import io.consentkit.journal.JournalVerifier.Problem;
import io.consentkit.phone.PhoneNumber;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The CSV journal's tamper-evidence chain: kept by the writer, continued on reopen, checked by the verifier. */
class CsvJournalChainTest {
    private static final Instant T = Instant.parse("2026-03-01T10:00:00Z");

    @TempDir
    Path dir;

    private static ConsentRecord row(String id, int n) {
        return new ConsentRecord(id, T.plusSeconds(n), PhoneNumber.of("+1512555" + String.format("%04d", n)), "web_form",
                "Texts from Basin, \"weekly\".\nReply STOP to end.", "c" + n, "Name " + n, "p" + n + "@x.com",
                "10.0.0." + (n % 250), "", Map.of("form", "signup"), ConsentStatus.ACTIVE, null, "");
    }

    /** A journal of {@code n} rows, each appended on its own, ids r1..rn. */
    private Path journal(int n) {
        Path f = dir.resolve("consents.csv");
        try (CsvConsentStore s = CsvConsentStore.open(f)) {
            for (int i = 1; i <= n; i++) {
                s.append(List.of(row("r" + i, i)));
            }
        }
        return f;
    }

    /** Each data row as text with its line end (the rows here hold a quoted line break). */
    private static List<String> rows(Path f) throws IOException {
        String text = Files.readString(f);
        List<String> out = new ArrayList<>();
        int start = text.indexOf('\n') + 1;
        // every row here ends with its 64-hex link and a line feed
        java.util.regex.Matcher m = java.util.regex.Pattern.compile(",[0-9a-f]{64},[0-9a-f]{64}\n").matcher(text);
        while (m.find(start)) {
            out.add(text.substring(start, m.end()));
            start = m.end();
        }
        return out;
    }

    private static void write(Path f, List<String> rows) throws IOException {
        Files.writeString(f, JournalCodec.HEADER_LINE + "\n" + String.join("", rows));
    }

    private static JournalVerifier.Break broken(Path f) {
        JournalVerifier.Result r = JournalVerifier.verify(f);
        assertThat(r.ok()).as("verify must fail").isFalse();
        return r.firstBreak();
    }

    @Test
    void anUntouchedJournalWrittenByRacingThreadsVerifiesInWriteOrder() throws Exception {
        Path f = dir.resolve("race.csv");
        int threads = 8;
        int perThread = 40;
        try (CsvConsentStore s = CsvConsentStore.open(f)) {
            ExecutorService pool = Executors.newFixedThreadPool(threads);
            CountDownLatch go = new CountDownLatch(1);
            List<Future<?>> done = new ArrayList<>();
            for (int t = 0; t < threads; t++) {
                int tt = t;
                done.add(pool.submit(() -> {
                    go.await();
                    for (int i = 0; i < perThread; i++) {
                        int n = tt * perThread + i;
                        s.append(i % 3 == 0 ? List.of(row("t" + n, n), row("u" + n, n)) : List.of(row("t" + n, n)));
                    }
                    return null;
                }));
            }
            go.countDown();
            for (Future<?> d : done) {
                d.get(60, TimeUnit.SECONDS);
            }
            pool.shutdown();
            JournalVerifier.Result live = JournalVerifier.verify(f); // while the writer still holds it
            assertThat(live.ok()).isTrue();
            assertThat(s.chainHead()).contains(live.head());
        }
        JournalVerifier.Result r = JournalVerifier.verify(f);
        assertThat(r.ok()).as(String.valueOf(r.firstBreak())).isTrue();
        int expected = threads * perThread + threads * ((perThread + 2) / 3);
        assertThat(r.rows()).isEqualTo(expected);
        assertThat(r.chainedRows()).isEqualTo(expected);
        assertThat(r.legacyRows()).isZero();
        assertThat(r.schemaVersion()).isEqualTo(3);
    }

    @Test
    void aReopenedWriterContinuesTheChainFromTheLastCompleteRow() throws IOException {
        Path f = journal(3);
        String head = JournalVerifier.verify(f).head();
        try (CsvConsentStore s = CsvConsentStore.open(f)) {
            assertThat(s.chainHead()).contains(head);
            s.append(List.of(row("r4", 4)));
        }
        JournalVerifier.Result r = JournalVerifier.verify(f);
        assertThat(r.ok()).isTrue();
        assertThat(r.rows()).isEqualTo(4);
        assertThat(r.head()).isNotEqualTo(head);
    }

    @Test
    void aTornTailIsQuarantinedAndTheChainContinuesFromTheRowBeforeIt() throws IOException {
        Path f = journal(3);
        String line4 = rows(journal4Elsewhere()).get(3);
        Files.writeString(f, line4.substring(0, line4.length() / 2), StandardOpenOption.APPEND); // a crash mid-write
        try (CsvConsentStore s = CsvConsentStore.open(f)) {
            assertThat(s.quarantined()).isPresent();
            s.append(List.of(row("r5", 5)));
        }
        JournalVerifier.Result r = JournalVerifier.verify(f);
        assertThat(r.ok()).as(String.valueOf(r.firstBreak())).isTrue();
        assertThat(r.rows()).isEqualTo(4);
    }

    private Path journal4Elsewhere() {
        Path f = dir.resolve("other/consents.csv");
        try (CsvConsentStore s = CsvConsentStore.open(f)) {
            for (int i = 1; i <= 4; i++) {
                s.append(List.of(row("r" + i, i)));
            }
        }
        return f;
    }

    @Test
    void oneChangedByteIsNamedAtItsRow() throws IOException {
        Path f = journal(5);
        List<String> rows = rows(f);
        rows.set(2, rows.get(2).replace("Name 3", "Name 8"));
        write(f, rows);
        JournalVerifier.Break b = broken(f);
        assertThat(b.row()).isEqualTo(3);
        assertThat(b.consentId()).isEqualTo("r3");
        assertThat(b.problem()).isEqualTo(Problem.DIGEST);
        assertThat(b.line()).isEqualTo(6); // header, then two lines per row (the message has a line break)
        assertThat(b.describe()).contains("row 3 (line 6, consent r3): digest");
    }

    @Test
    void aDeletedRowIsNamedAtTheRowThatFollowsTheGap() throws IOException {
        Path f = journal(5);
        List<String> rows = rows(f);
        rows.remove(1);
        write(f, rows);
        JournalVerifier.Break b = broken(f);
        assertThat(b.row()).isEqualTo(2);
        assertThat(b.consentId()).isEqualTo("r3");
        assertThat(b.problem()).isEqualTo(Problem.LINK);
    }

    @Test
    void twoSwappedRowsAreNamedAtTheFirstOfThem() throws IOException {
        Path f = journal(5);
        List<String> rows = rows(f);
        String third = rows.get(2);
        rows.set(2, rows.get(3));
        rows.set(3, third);
        write(f, rows);
        JournalVerifier.Break b = broken(f);
        assertThat(b.row()).isEqualTo(3);
        assertThat(b.consentId()).isEqualTo("r4");
        assertThat(b.problem()).isEqualTo(Problem.LINK);
    }

    @Test
    void aRowAppendedByHandIsNamedWhetherItHasChainCellsOrNot() throws IOException {
        Path f = journal(3);
        byte[] good = Files.readAllBytes(f);
        String forged = new JournalChain.Linker().appendLine(new StringBuilder(), row("x9", 9), false).toString();
        Files.writeString(f, forged, StandardOpenOption.APPEND); // plausible cells, linked from the genesis
        JournalVerifier.Break b = broken(f);
        assertThat(b.row()).isEqualTo(4);
        assertThat(b.consentId()).isEqualTo("x9");
        assertThat(b.problem()).isEqualTo(Problem.LINK);

        Files.write(f, good);
        String unchained = JournalCodec.appendCells(new StringBuilder(), row("x8", 8), JournalCodec.identityMap(), false)
                + ",,\n";
        Files.writeString(f, unchained, StandardOpenOption.APPEND);
        b = broken(f);
        assertThat(b.row()).isEqualTo(4);
        assertThat(b.consentId()).isEqualTo("x8");
        assertThat(b.problem()).isEqualTo(Problem.UNCHAINED);
    }

    @Test
    void aJournalCutInsideItsLastRowIsNamedAtThatRow() throws IOException {
        Path f = journal(4);
        byte[] bytes = Files.readAllBytes(f);
        Files.write(f, java.util.Arrays.copyOf(bytes, bytes.length - 40)); // the last link cut short
        JournalVerifier.Break b = broken(f);
        assertThat(b.row()).isEqualTo(4);
        assertThat(b.problem()).isEqualTo(Problem.TRUNCATED);
        assertThat(b.describe()).contains("cut short");
    }

    @Test
    void aHandEditedLastLinkOpensButRefusesAppendsAndChangesNothing() throws IOException {
        Path f = journal(2);
        String text = Files.readString(f);
        Files.writeString(f, text.substring(0, text.length() - 65) + "\"" + text.substring(text.length() - 65,
                text.length() - 1) + "\"\n"); // the link quoted: still CSV, no longer where a writer keeps it
        byte[] before = Files.readAllBytes(f);
        try (CsvConsentStore s = CsvConsentStore.open(f)) {
            assertThat(s.chainHead()).isEmpty();
            assertThatThrownBy(() -> s.append(List.of(row("r3", 3)))).isInstanceOf(ConsentStoreException.class)
                    .hasMessageContaining("chain_link").hasMessageContaining("consent verify");
        }
        assertThat(Files.readAllBytes(f)).isEqualTo(before);
    }

    @Test
    void aRedactedRowVerifiesByItsRecordedDigestOnlyWhenDeclaredRedacted() throws IOException {
        Path f = journal(4);
        List<String> rows = rows(f);
        rows.set(1, rows.get(1).replace("Name 2", "[redacted]").replace("p2@x.com", "[redacted]"));
        write(f, rows);
        assertThat(broken(f).problem()).isEqualTo(Problem.DIGEST);
        JournalVerifier.Result byId = JournalVerifier.verify(f, JournalVerifier.Options.DEFAULTS
                .withRedactedRows(JournalVerifier.RedactedRows.consentIds(Set.of("r2"))));
        assertThat(byId.ok()).isTrue();
        assertThat(byId.redactedRows()).isEqualTo(1);
        JournalVerifier.Result byRow = JournalVerifier.verify(f, JournalVerifier.Options.DEFAULTS
                .withRedactedRows(JournalVerifier.RedactedRows.rows(Set.of(2L))));
        assertThat(byRow.ok()).isTrue();
        assertThat(byRow.head()).isEqualTo(byId.head());
        // a redacted row still holds its place: moving it is a broken link
        String second = rows.get(1);
        rows.set(1, rows.get(2));
        rows.set(2, second);
        write(f, rows);
        JournalVerifier.Break b = JournalVerifier.verify(f, JournalVerifier.Options.DEFAULTS
                .withRedactedRows(JournalVerifier.RedactedRows.consentIds(Set.of("r2")))).firstBreak();
        assertThat(b.row()).isEqualTo(2);
        assertThat(b.problem()).isEqualTo(Problem.LINK);
    }

    @Test
    void aVersion2JournalKeepsTakingUnchainedRowsThatVerifyAsLegacy() throws IOException {
        Path f = dir.resolve("v2.csv");
        Files.writeString(f, JournalCodec.SCOPES_HEADER_LINE + "\n");
        try (CsvConsentStore s = CsvConsentStore.open(f)) {
            assertThat(s.schemaVersion()).isEqualTo(2);
            assertThat(s.chainHead()).isEmpty();
            s.append(List.of(row("a", 1), row("b", 2).withScope("alerts", "", "sms")));
        }
        assertThat(Files.readAllLines(f, StandardCharsets.UTF_8).get(0)).isEqualTo(JournalCodec.SCOPES_HEADER_LINE);
        JournalVerifier.Result r = JournalVerifier.verify(f);
        assertThat(r.ok()).isTrue();
        assertThat(r.unchained()).isTrue();
        assertThat(r.schemaVersion()).isEqualTo(2);
        assertThat(r.legacyRows()).isEqualTo(2);
    }
}
