package io.consentkit.cli;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/** The activity line: drawn on stderr on a terminal only, erased when done. */
@Timeout(30)
class ProgressTest {
    @Test
    void onATerminalTheLineIsDrawnInPlaceAndErased() throws Exception {
        StringWriter err = new StringWriter();
        boolean before = Progress.terminal;
        Progress.terminal = true;
        try (Progress p = Progress.start(new PrintWriter(err, true), "import: reading big.csv", true)) {
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
            while (!err.toString().contains("consent: import: reading big.csv ... ")) {
                assertThat(System.nanoTime()).as("line drawn within 10 s").isLessThan(deadline);
                Thread.onSpinWait();
            }
            p.step("import: appending");
        } finally {
            Progress.terminal = before;
        }
        String shown = err.toString();
        assertThat(shown).startsWith("\r\u001b[2Kconsent: import: reading big.csv ... ").endsWith("\r\u001b[2K")
                .doesNotContain("\n");
    }

    @Test
    void withATotalTheLineIsAPercentageBarCappedAtTheTotal() {
        assertThat(Progress.line("verify: reading j.csv", 0, 0, 2)).isEqualTo("consent: verify: reading j.csv ... 2 s");
        assertThat(Progress.line("verify", 0, 1000, 0)).isEqualTo("consent: verify [--------------------]   0% 0 s");
        assertThat(Progress.line("verify", 450, 1000, 3)).isEqualTo("consent: verify [#########-----------]  45% 3 s");
        assertThat(Progress.line("verify", 1010, 1000, 4)).isEqualTo("consent: verify [####################] 100% 4 s");
    }

    @Test
    void onATerminalTheBarFollowsTheBytesAdvancedAndIsErased() {
        StringWriter err = new StringWriter();
        boolean before = Progress.terminal;
        Progress.terminal = true;
        try (Progress p = Progress.start(new PrintWriter(err, true), "stats: reading j.csv", true)) {
            assertThat(p.shown()).isTrue();
            p.total(200);
            p.advance(150);
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
            while (!err.toString().contains("consent: stats: reading j.csv [###############-----]  75% ")) {
                assertThat(System.nanoTime()).as("bar drawn within 10 s").isLessThan(deadline);
                Thread.onSpinWait();
            }
        } finally {
            Progress.terminal = before;
        }
        assertThat(err.toString()).endsWith("\r\u001b[2K").doesNotContain("\n");
    }

    @Test
    void theCoresListenerSetsTheTotalAndTheWorkDone() {
        StringWriter err = new StringWriter();
        boolean before = Progress.terminal;
        Progress.terminal = true;
        try (Progress p = Progress.start(new PrintWriter(err, true), "export: writing out.csv", true)) {
            io.consentkit.consent.ProgressListener l = p.listener();
            l.progress(4096, 16384);
            l.progress(8192, 16384);
            assertThat(p.doneBytes()).isEqualTo(8192);
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
            while (!err.toString().contains("consent: export: writing out.csv [##########----------]  50% ")) {
                assertThat(System.nanoTime()).as("bar drawn within 10 s").isLessThan(deadline);
                Thread.onSpinWait();
            }
        } finally {
            Progress.terminal = before;
        }
        try (Progress off = Progress.start(new PrintWriter(new StringWriter(), true), "export", true)) {
            off.listener().progress(5, 10); // not on a terminal: nothing counted, nothing drawn
            assertThat(off.doneBytes()).isZero();
        }
    }

    @Test
    void readingAJournalAdvancesByItsRowsBytesUpToAboutItsSize(@org.junit.jupiter.api.io.TempDir java.nio.file.Path dir) {
        java.nio.file.Path file = dir.resolve("consents.csv");
        try (io.consentkit.consent.ConsentTracker t = io.consentkit.consent.ConsentTracker.builder(
                io.consentkit.store.CsvConsentStore.open(file)).build()) {
            for (int i = 0; i < 50; i++) {
                t.recordWebFormConsent("+1512555" + (1000 + i), "c" + i, "Zoë " + i, "", "", "https://example.com/s");
            }
        }
        boolean before = Progress.terminal;
        Progress.terminal = true;
        long[] rows = {0};
        try (Progress p = Progress.start(new PrintWriter(new StringWriter(), true), "verify", true)) {
            JournalReads.replay(file, r -> rows[0]++, p);
            long size = file.toFile().length();
            assertThat(rows[0]).isEqualTo(50);
            assertThat(p.doneBytes()).as("bytes of the rows, header aside").isBetween(size * 9 / 10, size);
        } finally {
            Progress.terminal = before;
        }
    }

    @Test
    void offATerminalOrWhenNotWantedNothingIsPrinted() {
        StringWriter err = new StringWriter();
        boolean before = Progress.terminal;
        try {
            Progress.terminal = false;
            try (Progress p = Progress.start(new PrintWriter(err, true), "export", true)) {
                p.step("export: writing");
            }
            Progress.terminal = true;
            try (Progress p = Progress.start(new PrintWriter(err, true), "export", false)) {
                p.step("export: writing");
                p.total(100);
                p.advance(50);
                assertThat(p.shown()).isFalse();
            }
        } finally {
            Progress.terminal = before;
        }
        assertThat(err.toString()).isEmpty();
    }
}
