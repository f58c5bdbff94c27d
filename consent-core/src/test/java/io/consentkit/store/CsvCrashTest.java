package io.consentkit.store;

import io.consentkit.journal.StoreLockedException;
import io.consentkit.journal.ConsentRecord;
import io.consentkit.journal.ConsentStatus;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * Kills a writing child JVM with SIGKILL and checks that every append it had acknowledged is
 * in the journal afterwards and that the journal opens cleanly. Rounds: system property
 * {@code consentkit.crash.rounds} (5 in the default build, 50 with {@code -P soak}).
 */
class CsvCrashTest {
    @TempDir
    Path dir;

    private static Process startChild(Path journal, String mode) throws Exception {
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        ProcessBuilder pb = new ProcessBuilder(java, "-Xmx128m", "-cp", System.getProperty("java.class.path"),
                CrashChild.class.getName(), journal.toString(), mode);
        pb.redirectError(ProcessBuilder.Redirect.DISCARD);
        return pb.start();
    }

    @Test
    void sigkillNeverLosesAnAcknowledgedAppend() throws Exception {
        int rounds = Integer.getInteger("consentkit.crash.rounds", 5);
        Random random = new Random(42);
        Path journal = dir.resolve("crash.csv");
        long totalAcked = 0;
        long totalFound = 0;
        int quarantined = 0;
        for (int round = 0; round < rounds; round++) {
            Process child = startChild(journal, "4");
            Set<String> acked = ConcurrentHashMap.newKeySet();
            CountDownLatch ready = new CountDownLatch(1);
            int killAfter = 50 + random.nextInt(400);
            CountDownLatch enough = new CountDownLatch(killAfter);
            Thread reader = new Thread(() -> {
                try (BufferedReader r = new BufferedReader(new InputStreamReader(child.getInputStream(),
                        StandardCharsets.UTF_8))) {
                    String line;
                    while ((line = r.readLine()) != null) {
                        if (line.equals("READY")) {
                            ready.countDown();
                        } else if (line.startsWith("ACK ")) {
                            acked.add(line.substring(4));
                            enough.countDown();
                        }
                    }
                } catch (java.io.IOException ignored) {
                    // the child died: that is the point
                }
            });
            reader.start();
            assertThat(ready.await(60, TimeUnit.SECONDS)).as("child started").isTrue();
            assertThat(enough.await(60, TimeUnit.SECONDS)).as("child appended").isTrue();
            child.destroyForcibly(); // SIGKILL on Linux and macOS
            assertThat(child.waitFor(30, TimeUnit.SECONDS)).isTrue();
            reader.join(10_000);

            try (CsvConsentStore store = CsvConsentStore.open(journal)) {
                if (store.quarantined().isPresent()) {
                    quarantined++;
                }
                Map<String, ConsentRecord> found = new HashMap<>();
                store.replay(r -> found.put(r.consentId(), r));
                assertThat(found.keySet()).as("round %d: every acknowledged append survives", round).containsAll(acked);
                for (String id : acked) {
                    assertThat(found.get(id).status()).isEqualTo(ConsentStatus.ACTIVE);
                    assertThat(found.get(id).consentMessage()).contains("\nwith a newline");
                }
                totalAcked += acked.size();
                totalFound += acked.stream().filter(found::containsKey).count();
            }
        }
        System.out.printf("crash test: %d SIGKILL rounds, %d appends acknowledged, %d found after reopen, "
                + "%d torn tails quarantined%n", rounds, totalAcked, totalFound, quarantined);
        assertThat(totalFound).isEqualTo(totalAcked);
        try (Stream<Path> files = Files.list(dir)) {
            assertThat(files.filter(p -> p.getFileName().toString().contains(".torn-")).count()).isEqualTo(quarantined);
        }
    }

    @Test
    void anotherProcessCannotOpenTheJournalWhileOneHoldsIt() throws Exception {
        Path journal = dir.resolve("held.csv");
        Process child = startChild(journal, "hold");
        try (BufferedReader r = new BufferedReader(new InputStreamReader(child.getInputStream(), StandardCharsets.UTF_8))) {
            assertThat(r.readLine()).isEqualTo("READY");
            assertThatThrownBy(() -> CsvConsentStore.builder(journal).lockTimeout(Duration.ofMillis(200)).build())
                    .isInstanceOf(StoreLockedException.class)
                    .hasMessageContaining("locked by another process");
        } finally {
            child.destroyForcibly();
            child.waitFor(30, TimeUnit.SECONDS);
        }
        // the OS released the dead process's lock
        try (CsvConsentStore store = CsvConsentStore.open(journal)) {
            List<ConsentRecord> rows = new java.util.ArrayList<>();
            store.replay(rows::add);
            assertThat(rows).isEmpty();
        }
    }
}
