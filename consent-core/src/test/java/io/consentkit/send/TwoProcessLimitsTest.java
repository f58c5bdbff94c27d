package io.consentkit.send;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Two senders in two JVMs over one CSV send log, one at a time by the log's lock: the second
 * process rebuilds the caps and cooldowns the first one used (issue 13, "done when").
 */
class TwoProcessLimitsTest {
    static final String AUSTIN = "+15125551234";
    static final String NEW_YORK = "+12125551234";

    @TempDir
    Path dir;

    /** Runs {@link SenderChild} to the end and returns what it printed. */
    private List<String> child(String at, long lockWaitMillis, String... numbers) throws Exception {
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        List<String> cmd = new ArrayList<>(List.of(java, "-Xmx64m", "-cp", System.getProperty("java.class.path"),
                SenderChild.class.getName(), dir.resolve("sends.csv").toString(), at, Long.toString(lockWaitMillis)));
        cmd.addAll(List.of(numbers));
        Process p = new ProcessBuilder(cmd).redirectError(ProcessBuilder.Redirect.DISCARD).start();
        byte[] out;
        try {
            out = p.getInputStream().readAllBytes();
        } catch (IOException e) {
            p.destroyForcibly();
            throw e;
        }
        assertThat(p.waitFor(60, TimeUnit.SECONDS)).as("child exited").isTrue();
        assertThat(p.exitValue()).isZero();
        return new String(out, StandardCharsets.UTF_8).lines().toList();
    }

    @Test
    void aSecondProcessHoldsTheCapsAndCooldownsOfTheFirst() throws Exception {
        assertThat(child("2026-01-15T18:00:00Z", 5_000, AUSTIN, NEW_YORK)).containsExactly("USED 0", "SENT", "SENT");
        // 10 minutes later, in a new process: Austin is inside the cooldown
        assertThat(child("2026-01-15T18:10:00Z", 5_000, AUSTIN)).containsExactly("USED 2", "DEFERRED COOLDOWN");
        // after the cooldown: Austin's second of 2 goes, the third is over its daily cap; the global cap is 3
        assertThat(child("2026-01-15T18:31:00Z", 5_000, AUSTIN)).containsExactly("USED 2", "SENT");
        assertThat(child("2026-01-15T19:31:00Z", 5_000, AUSTIN, "+13125551234"))
                .containsExactly("USED 3", "DEFERRED RECIPIENT_DAILY_CAP", "DEFERRED GLOBAL_DAILY_CAP");
        // the next day everything resets (daily caps reset at midnight in Chicago)
        assertThat(child("2026-01-16T18:00:00Z", 5_000, AUSTIN)).containsExactly("USED 0", "SENT");
    }

    @Test
    void aSecondProcessWaitsForTheLockAndIsRefusedWhileTheFirstHoldsIt() throws Exception {
        try (CsvSendLog held = CsvSendLog.open(dir.resolve("sends.csv"))) {
            assertThat(child("2026-01-15T18:00:00Z", 200, AUSTIN)).containsExactly("LOCKED");
            held.record(new SendLogEntry(java.time.Instant.parse("2026-01-15T17:59:00Z"), SendLogEntry.Decision.SENT, "",
                    "+*********34", MessageCategory.TRANSACTIONAL, "", "", 1, 1, null, "", "SM1", 0, "", null, "fake",
                    null, 0, null, held.recipientKey(AUSTIN), List.of()));
        }
        assertThat(child("2026-01-15T18:00:00Z", 5_000, AUSTIN)).containsExactly("USED 1", "DEFERRED COOLDOWN");
    }
}
