package io.consentkit.cli;

import io.consentkit.consent.ConsentTracker;
import io.consentkit.store.CsvConsentStore;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;

import static io.consentkit.cli.CliTestSupport.run;
import static org.assertj.core.api.Assertions.assertThat;

/** consent tail: the last rows, and -f following appends until the thread is interrupted. */
@Timeout(60)
class TailCommandTest {
    @TempDir
    Path dir;

    @Test
    void printsTheLastRows() {
        String store = dir.resolve("c.csv").toString();
        for (int i = 1; i <= 5; i++) {
            assertThat(run("record", "+1512555010" + i, "--store", store).exit()).isZero();
        }
        CliTestSupport.Result r = run("tail", "-n", "2", "--store", store);
        assertThat(r.exit()).as(r.err()).isZero();
        assertThat(r.out().lines()).hasSize(2).satisfiesExactly(
                l -> assertThat(l).contains("+15125550104"), l -> assertThat(l).contains("+15125550105"));
        assertThat(run("tail", "--store", store, "--format", "json").out().lines()).hasSize(5)
                .allSatisfy(l -> assertThat(l).startsWith("{\"consentId\":"));
        assertThat(run("tail", "-n", "-1", "--store", store).exit()).isEqualTo(2);
    }

    @Test
    void followPrintsAppendedRowsOnceCompleteAndStopsWhenInterrupted() throws Exception {
        Path store = dir.resolve("c.csv");
        assertThat(run("record", "+15125550101", "--store", store.toString()).exit()).isZero();
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        Thread[] runner = new Thread[1];
        CompletableFuture<Integer> exit = new CompletableFuture<>();
        runner[0] = new Thread(() -> exit.complete(ConsentCli.run(new String[] {"tail", "-f", "--store",
                store.toString()}, new PrintWriter(out, true), new PrintWriter(err, true))));
        runner[0].start();
        awaitTrue(() -> out.toString().contains("+15125550101"));

        try (ConsentTracker writer = ConsentTracker.builder(CsvConsentStore.open(store)).build()) {
            writer.recordWebFormConsent("+15125550102", "", "", "", "", "");
            awaitTrue(() -> out.toString().contains("+15125550102"));
            writer.revoke("+15125550101", ConsentTracker.REVOKED_BY_KEYWORD, "with a \"quoted\"\nline end");
            awaitTrue(() -> out.toString().contains("REVOKED  +15125550101"));
        }
        // a row being written (no line end yet) is not printed until it is complete
        String row = "r9,2026-01-02T00:00:00Z,+15125550109,web_form,ok,,,,,,,active,,,,,,,"; // schema v3: 19 fields
        Files.writeString(store, row.substring(0, 20), StandardCharsets.UTF_8, StandardOpenOption.APPEND);
        Files.writeString(store, row.substring(20) + "\n", StandardCharsets.UTF_8, StandardOpenOption.APPEND);
        awaitTrue(() -> out.toString().contains("+15125550109"));
        assertThat(out.toString().lines()).hasSize(4);

        runner[0].interrupt();
        assertThat(exit.get(10, TimeUnit.SECONDS)).as(err.toString()).isZero();
        assertThat(err.toString()).isEmpty();
    }

    private static void awaitTrue(BooleanSupplier condition) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("condition not met within 10 s");
            }
            Thread.onSpinWait();
            Thread.yield();
        }
    }
}
