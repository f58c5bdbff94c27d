package io.consentkit.consent;

import io.consentkit.journal.JournalCodec;
import io.consentkit.journal.JournalVerifier;
import io.consentkit.store.CsvConsentStore;
import io.consentkit.testkit.SettableClock;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;

/** Audit and journal exports carry their own chain, so an export is verified end to end like a journal. */
class ExportChainTest {
    @TempDir
    Path dir;

    @Test
    void bothExportsVerifyAndAChangedCellInAnExportIsNamed() throws IOException {
        SettableClock clock = SettableClock.at("2026-05-01T12:00:00Z");
        Path audit = dir.resolve("audit.csv");
        Path backup = dir.resolve("backup.csv");
        String ann;
        try (ConsentTracker t = ConsentTracker.builder(CsvConsentStore.open(dir.resolve("j.csv"))).clock(clock).build()) {
            t.recordWebFormConsent("+15125551234", "c1", "=cmd|' /C calc'!A0", null, null, "https://x.example/f");
            clock.advance(java.time.Duration.ofSeconds(1));
            ann = t.recordWebFormConsent("+15125551235", "c2", "Ann", null, null, null).consentId();
            clock.advance(java.time.Duration.ofSeconds(1));
            t.revoke("+15125551234", io.consentkit.journal.RevocationMethod.STOP_KEYWORD, null, null);
            assertThat(t.exportAudit(audit)).isEqualTo(2);
            assertThat(t.exportJournal(backup)).isEqualTo(3);
        }
        for (Path export : new Path[] {audit, backup}) {
            assertThat(Files.readAllLines(export).get(0)).isEqualTo(JournalCodec.HEADER_LINE);
            JournalVerifier.Result r = JournalVerifier.verify(export);
            assertThat(r.ok()).as(export + ": " + r.firstBreak()).isTrue();
            assertThat(r.chainedRows()).isEqualTo(r.rows());
        }
        assertThat(Files.readString(audit)).contains("'=cmd"); // the digest covers the cells as the export holds them
        Files.writeString(backup, Files.readString(backup).replace(",c2,", ",c9,"));
        JournalVerifier.Break b = JournalVerifier.verify(backup).firstBreak();
        assertThat(b.problem()).isEqualTo(JournalVerifier.Problem.DIGEST);
        assertThat(b.consentId()).isEqualTo(ann);
        long annRow = Files.readAllLines(backup).stream().skip(1).takeWhile(l -> !l.startsWith(ann + ",")).count() + 1;
        assertThat(b.row()).isEqualTo(annRow);
    }
}
