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
            }
        } finally {
            Progress.terminal = before;
        }
        assertThat(err.toString()).isEmpty();
    }
}
