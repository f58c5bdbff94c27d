package io.consentkit.consent;

import io.consentkit.journal.ConsentRecord;
import io.consentkit.journal.OptInMethod;
import io.consentkit.store.CsvConsentStore;
import io.consentkit.store.InMemoryConsentStore;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/** The progress of the exports (rows written) and of an import (bytes read), for a caller's progress bar. */
class ProgressListenerTest {
    static final String TEXT = "Basin Climbing: route news, up to 4 msgs/mo. Reply STOP to opt out.";
    static final int PEOPLE = 10_000;

    @TempDir
    Path dir;

    ConsentTracker filled() {
        InMemoryConsentStore store = new InMemoryConsentStore();
        List<ConsentRecord> rows = new ArrayList<>();
        try (ConsentTracker seed = ConsentTracker.builder(new InMemoryConsentStore()).build()) {
            for (int i = 0; i < PEOPLE; i++) {
                rows.add(seed.recordConsent(ConsentRequest.builder("+1512" + (2_000_000 + i), OptInMethod.KEYWORD, TEXT)
                        .build()));
            }
        }
        store.append(rows);
        return ConsentTracker.builder(store).build();
    }

    @Test
    void theExportsTellTheRowsWrittenOfTheTotalEndingAtTheTotal() throws Exception {
        try (ConsentTracker t = filled()) {
            List<long[]> journal = new ArrayList<>();
            int n = t.exportJournal(dir.resolve("backup.csv"), (done, total) -> journal.add(new long[] {done, total}));
            assertThat(n).isEqualTo(PEOPLE);
            assertThat(journal).extracting(c -> c[0]).containsExactly(4096L, 8192L, (long) PEOPLE);
            assertThat(journal).extracting(c -> c[1]).containsOnly((long) PEOPLE);
            List<long[]> audit = new ArrayList<>();
            t.exportAudit(dir.resolve("audit.csv"), (done, total) -> audit.add(new long[] {done, total}));
            assertThat(audit).extracting(c -> c[0]).containsExactly(4096L, 8192L, (long) PEOPLE);
            // the export is replaced atomically: no temporary sibling stays beside it
            try (Stream<Path> files = Files.list(dir)) {
                assertThat(files.map(p -> p.getFileName().toString())).containsExactlyInAnyOrder("backup.csv", "audit.csv");
            }
        }
    }

    @Test
    void anImportTellsTheBytesReadOfTheFileSizeRisingToTheSize() throws Exception {
        Path backup = dir.resolve("backup.csv");
        try (ConsentTracker t = filled()) {
            t.exportJournal(backup);
        }
        long size = Files.size(backup);
        List<long[]> calls = new ArrayList<>();
        try (ConsentTracker t = ConsentTracker.builder(CsvConsentStore.open(dir.resolve("consents.csv"))).build()) {
            ImportResult r = t.importLegacy(backup, (done, total) -> calls.add(new long[] {done, total}));
            assertThat(r.rowsImported()).isEqualTo(PEOPLE);
            assertThat(t.isActive("+15122000042")).isTrue();
        }
        assertThat(calls.size()).as("a call every 64 KiB of a %d-byte file", size).isGreaterThanOrEqualTo((int) (size >> 16));
        assertThat(calls).extracting(c -> c[1]).containsOnly(size);
        for (int i = 1; i < calls.size(); i++) {
            assertThat(calls.get(i)[0]).isGreaterThan(calls.get(i - 1)[0]);
        }
        assertThat(calls.get(calls.size() - 1)[0]).isEqualTo(size);
    }

    @Test
    void anEmptyExportTellsZeroOfZero() {
        try (ConsentTracker t = ConsentTracker.builder(new InMemoryConsentStore()).build()) {
            List<long[]> calls = new ArrayList<>();
            assertThat(t.exportJournal(dir.resolve("empty.csv"), (d, total) -> calls.add(new long[] {d, total}))).isZero();
            assertThat(calls).singleElement().satisfies(c -> assertThat(c).containsExactly(0, 0));
        }
    }
}
