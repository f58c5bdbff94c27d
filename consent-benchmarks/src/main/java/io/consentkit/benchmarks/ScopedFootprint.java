package io.consentkit.benchmarks;

import io.consentkit.consent.ConsentTracker;
import io.consentkit.journal.ConsentRecord;
import io.consentkit.store.InMemoryConsentStore;

import java.util.List;

/**
 * Consent scopes: the tracker's retained heap per consent with N consents over 3 programs
 * ({@link ScopedCheckBenchmark#scopedRows}), next to the same rows without scopes, measured as
 * {@link MemoryFootprint} does (after full GCs). The rows are held by an in-memory store before the
 * tracker opens, so the difference is the tracker's index alone. {@code scoped2}: the alerts numbers
 * also consent to marketing (a third of the people in two programs; bytes are still per person).
 * Usage: {@code java -Xmx4g -cp consent-benchmarks/target/benchmarks.jar io.consentkit.benchmarks.ScopedFootprint 1000000}
 */
public final class ScopedFootprint {
    private ScopedFootprint() {
    }

    public static void main(String[] args) throws Exception {
        int n = args.length == 0 ? 1_000_000 : Integer.parseInt(args[0]);
        System.out.printf("%-10s %-9s %-14s %-12s%n", "consents", "rows", "tracker heap", "bytes/consent");
        for (String variant : new String[] {"legacy", "scoped", "scoped2"}) {
            boolean scoped = !variant.equals("legacy");
            List<ConsentRecord> rows = scoped ? ScopedCheckBenchmark.scopedRows(n, 11, variant.equals("scoped2"))
                    : JournalGenerator.rows(n, 11);
            InMemoryConsentStore store = new InMemoryConsentStore();
            store.append(rows);
            rows = null;
            long before = MemoryFootprint.usedAfterGc();
            ConsentTracker tracker = scoped
                    ? ConsentTracker.builder(store).programs(ScopedCheckBenchmark.programs()).build()
                    : ConsentTracker.builder(store).build();
            long after = MemoryFootprint.usedAfterGc();
            System.out.printf("%-10d %-9s %-14d %-12d%n", n, variant, after - before,
                    (after - before) / n);
            if (!tracker.isActive(JournalGenerator.phone(0))) {
                throw new IllegalStateException("consent 0 should be active");
            }
            tracker.close();
        }
    }
}
