package io.consentkit.benchmarks;

import io.consentkit.consent.ConsentTracker;
import io.consentkit.store.CsvConsentStore;

import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Target 3 and 7: retained heap after opening a CSV journal of N consents, measured after full GCs.
 * Usage: {@code java -cp consent-benchmarks/target/benchmarks.jar io.consentkit.benchmarks.MemoryFootprint 10000 100000 1000000}
 */
public final class MemoryFootprint {
    private MemoryFootprint() {
    }

    static long usedAfterGc() throws InterruptedException {
        long used = Long.MAX_VALUE;
        for (int i = 0; i < 5; i++) {
            System.gc();
            Thread.sleep(100);
            used = Math.min(used, ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed());
        }
        return used;
    }

    public static void main(String[] args) throws Exception {
        String[] sizes = args.length == 0 ? new String[] {"10000", "100000", "1000000"} : args;
        System.out.printf("%-10s %-14s %-14s %-12s %-14s%n", "consents", "file bytes", "retained heap", "bytes/consent",
                "bytes/file byte");
        for (String s : sizes) {
            int n = Integer.parseInt(s);
            Path dir = Files.createTempDirectory("consentkit-mem");
            Path journal = JournalGenerator.write(dir.resolve("journal.csv"), n, 11);
            long fileBytes = Files.size(journal);
            long before = usedAfterGc();
            ConsentTracker tracker = ConsentTracker.builder(CsvConsentStore.open(journal)).build();
            long after = usedAfterGc();
            long retained = after - before;
            System.out.printf("%-10d %-14d %-14d %-12d %-14.2f%n", n, fileBytes, retained, retained / n,
                    (double) retained / fileBytes);
            if (!tracker.isActive(JournalGenerator.phone(0))) {
                throw new IllegalStateException("consent 0 should be active");
            }
            tracker.close();
            Files.delete(journal);
            Files.delete(dir);
        }
    }
}
