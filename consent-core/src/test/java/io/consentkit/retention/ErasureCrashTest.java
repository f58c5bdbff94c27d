package io.consentkit.retention;

import io.consentkit.journal.ConsentRecord;
import io.consentkit.journal.ConsentStatus;
import io.consentkit.journal.ErasureKey;
import io.consentkit.phone.PhoneNumber;
import io.consentkit.store.CsvConsentStore;
import io.consentkit.testkit.SettableClock;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Kills an erasing child JVM with SIGKILL at different points of the compaction (while it reads, as
 * soon as the new file appears, half-way through writing it, after it finished) and checks the
 * journal is then byte for byte either the old file or the new one, opens cleanly, and has lost no
 * row. Rounds: system property {@code consentkit.crash.rounds} (5 in the default build, 50 with
 * {@code -P soak}); at least one round per kill point.
 */
class ErasureCrashTest {
    static final String ANN = "+15125551234";
    static final String AT = "2026-02-01T12:00:00Z";
    static final byte[] KEY = "crash-test-key-of-32-bytes-long!".getBytes(StandardCharsets.US_ASCII);

    @TempDir
    Path dir;

    /** A journal of {@code n} consents of other people, and Ann's opt-in and opt-out in the middle. */
    static List<ConsentRecord> rows(int n) {
        List<ConsentRecord> rows = new ArrayList<>(n + 2);
        Instant t = Instant.parse("2025-01-01T00:00:00Z");
        for (int i = 0; i < n; i++) {
            rows.add(new ConsentRecord(String.format("%016x", i), t.plusSeconds(i), new PhoneNumber("+1512556" + String.format("%04d", i % 10000)),
                    "web_form", "Basin news, reply STOP to opt out", "cust-" + i, "Person " + i, "p" + i + "@example.com",
                    "203.0.113." + (i % 250), "", Map.of("form_url", "https://basin.example.com/join"),
                    ConsentStatus.ACTIVE, null, ""));
            if (i == n / 2) {
                ConsentRecord ann = new ConsentRecord("a11ce00000000001", t.plusSeconds(i), new PhoneNumber(ANN), "web_form",
                        "Basin news", "cust-ann", "Ann Example", "ann@example.com", "198.51.100.7", "", Map.of(),
                        ConsentStatus.ACTIVE, null, "");
                rows.add(ann);
                rows.add(ann.withStatus(ConsentStatus.REVOKED, t.plusSeconds(i + 1), "stop_keyword", Map.of()));
            }
        }
        return rows;
    }

    static Process start(Path journal, Path pristine) throws Exception {
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        ProcessBuilder pb = new ProcessBuilder(java, "-Xmx256m", "-cp", System.getProperty("java.class.path"),
                ErasureCrashChild.class.getName(), journal.toString(), pristine.toString(), AT,
                HexFormat.of().formatHex(KEY), ANN);
        pb.redirectError(ProcessBuilder.Redirect.DISCARD);
        return pb.start();
    }

    /** Spins (no sleep) until {@code done} holds or the deadline passes; true if it held. */
    static boolean until(java.util.function.BooleanSupplier done, Duration deadline) {
        long end = System.nanoTime() + deadline.toNanos();
        while (System.nanoTime() < end) {
            if (done.getAsBoolean()) {
                return true;
            }
            Thread.onSpinWait();
        }
        return false;
    }

    @Test
    void sigkillDuringAnErasureLeavesTheOldOrTheNewJournalAndLosesNothing() throws Exception {
        int rounds = Math.max(4, Integer.getInteger("consentkit.crash.rounds", 5));
        Path pristine = dir.resolve("pristine.csv");
        try (CsvConsentStore s = CsvConsentStore.open(pristine)) {
            s.append(rows(10_000));
        }
        byte[] old = Files.readAllBytes(pristine);
        Path expected = dir.resolve("expected.csv");
        Files.write(expected, old);
        Erasure.builder(expected).key(ErasureKey.of(KEY)).clock(SettableClock.at(AT)).build().erase(ANN, "crash test");
        byte[] erased = Files.readAllBytes(expected);
        assertThat(erased).isNotEqualTo(old);

        Path journal = dir.resolve("consents.csv");
        Path tmp = dir.resolve("consents.csv.upgrade-tmp");
        Random random = new Random(7);
        int[] outcomes = new int[2];
        for (int round = 0; round < rounds; round++) {
            Process child = start(journal, pristine);
            int point = round % 4;
            int target = random.nextInt(3);
            CountDownLatch roundStarted = new CountDownLatch(1);
            CountDownLatch erasedOnce = new CountDownLatch(1);
            Thread reader = new Thread(() -> {
                try (BufferedReader r = new BufferedReader(new InputStreamReader(child.getInputStream(), StandardCharsets.UTF_8))) {
                    for (String line; (line = r.readLine()) != null; ) {
                        if (line.equals("ROUND " + target)) {
                            roundStarted.countDown();
                        } else if (line.equals("ERASED " + target)) {
                            erasedOnce.countDown();
                        }
                    }
                } catch (java.io.IOException ignored) {
                    // the child was killed: that is the point
                }
            });
            reader.start();
            assertThat(roundStarted.await(60, TimeUnit.SECONDS)).as("child started round %d", target).isTrue();
            switch (point) {
                case 1 -> until(() -> Files.exists(tmp), Duration.ofSeconds(10));
                case 2 -> until(() -> size(tmp) >= old.length / 2, Duration.ofSeconds(10));
                case 3 -> assertThat(erasedOnce.await(60, TimeUnit.SECONDS)).isTrue();
                default -> { } // at once: while the erasure reads
            }
            child.destroyForcibly(); // SIGKILL on Linux and macOS
            assertThat(child.waitFor(30, TimeUnit.SECONDS)).isTrue();
            reader.join(10_000);

            byte[] now = Files.readAllBytes(journal);
            boolean isOld = Arrays.equals(now, old);
            assertThat(isOld || Arrays.equals(now, erased)).as("round %d (kill point %d): the journal is the old or the "
                    + "new file, byte for byte", round, point).isTrue();
            outcomes[isOld ? 0 : 1]++;
            try (CsvConsentStore s = CsvConsentStore.open(journal)) {
                assertThat(s.quarantined()).isEmpty();
                Map<String, ConsentRecord> found = new HashMap<>();
                s.replay(r -> found.put(r.consentId(), r));
                assertThat(found).hasSizeGreaterThanOrEqualTo(10_001);
            }
            assertThat(tmp).as("a writable open deletes the unfinished rewrite's temp file").doesNotExist();
        }
        System.out.printf("erasure crash test: %d SIGKILL rounds, %d left the old journal, %d the new one%n", rounds,
                outcomes[0], outcomes[1]);
    }

    static long size(Path p) {
        try {
            return Files.size(p);
        } catch (java.io.IOException e) {
            return -1;
        }
    }
}
