package io.consentkit.benchmarks;

import io.consentkit.consent.ConsentTracker;
import io.consentkit.journal.ConsentRecord;
import io.consentkit.store.InMemoryConsentStore;

import java.lang.management.ManagementFactory;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Issue 20 item 14: one number that alternates START and STOP k times on an in-memory tracker. Prints
 * the time of the k changes, of the last 1,000 of them, of one {@code status} of the number
 * afterwards (mean of 100, after 100 to warm up), and of reopening (replaying the journal), and the heap retained by the tracker's index: tracker and store after full GCs, less a bare
 * {@link InMemoryConsentStore} holding the same rows (the baseline). Uses only the public API, so
 * it also runs against older cores on the class path.
 * Usage: {@code java -cp consent-benchmarks/target/benchmarks.jar io.consentkit.benchmarks.HistoryFootprint 1000 2000 10000}
 */
public final class HistoryFootprint {
    private static final String PHONE = "+15125550100";

    private HistoryFootprint() {
    }

    public static void main(String[] args) throws Exception {
        String[] sizes = args.length == 0 ? new String[] {"1000", "2000", "10000"} : args;
        System.out.printf("%-8s %-12s %-14s %-12s %-12s %-16s %-12s %-12s %-12s%n", "k", "k changes", "last 1,000",
                "status", "reopen", "tracker+store", "store only", "index heap", "index B/row");
        for (String s : sizes) {
            measure(Integer.parseInt(s)); // one method a size: nothing of one size outlives it
        }
    }

    private static void measure(int k) throws InterruptedException {
        InMemoryConsentStore store = new InMemoryConsentStore();
        Clock clock = new SteppingClock(Instant.parse("2025-06-01T15:00:00Z"));
        long before = MemoryFootprint.usedAfterGc();
        ConsentTracker tracker = ConsentTracker.builder(store).brand("Basin Climbing").clock(clock).build();
        long t0 = System.nanoTime();
        long lastFrom = 0;
        for (int i = 0; i < k; i++) {
            if (i == k - 1_000) {
                lastFrom = System.nanoTime();
            }
            if (i % 2 == 0) {
                tracker.recordKeywordConsent(PHONE, "START", "", "SM" + i, "START");
            } else {
                tracker.revoke(PHONE, "stop_keyword", "texted STOP", Map.of("message_sid", "SM" + i));
            }
        }
        long t1 = System.nanoTime();
        long statusNanos = 0;
        for (int round = 0; round < 2; round++) { // the first round warms the code up
            long s0 = System.nanoTime();
            for (int i = 0; i < 100; i++) {
                if (tracker.status(PHONE).isEmpty()) {
                    throw new IllegalStateException("no status");
                }
            }
            statusNanos = (System.nanoTime() - s0) / 100;
        }
        long withTracker = MemoryFootprint.usedAfterGc() - before;
        java.lang.ref.Reference.reachabilityFence(tracker); // compiled code would let it go before the GC
        List<ConsentRecord> rows = new ArrayList<>(store.rows());
        long r0 = System.nanoTime();
        ConsentTracker reopened = ConsentTracker.builder(store).brand("Basin Climbing").clock(clock).build();
        long r1 = System.nanoTime();
        if (reopened.history(PHONE).size() != k || !reopened.isOptedOut(PHONE)) {
            throw new IllegalStateException("replay lost rows");
        }
        reopened = null;
        tracker = null;
        store = null;
        InMemoryConsentStore baseline = new InMemoryConsentStore();
        baseline.append(rows);
        rows = null;
        long storeOnly = MemoryFootprint.usedAfterGc() - before; // the same rows, no tracker

        long index = withTracker - storeOnly;
        System.out.printf("%-8d %-12s %-14s %-12s %-12s %-16s %-12s %-12s %-12d%n", k, ms(t1 - t0),
                k >= 2_000 ? ms(t1 - lastFrom) : "-", String.format("%.1f µs", statusNanos / 1e3), ms(r1 - r0),
                mb(withTracker), mb(storeOnly), mb(index), index / k);
        if (baseline.rows().size() != k) {
            throw new IllegalStateException("baseline lost rows");
        }
    }

    /** A clock one second later at every reading, so each change has its own time. */
    private static final class SteppingClock extends Clock {
        private final java.util.concurrent.atomic.AtomicLong seconds;

        SteppingClock(Instant start) {
            seconds = new java.util.concurrent.atomic.AtomicLong(start.getEpochSecond());
        }

        @Override
        public java.time.ZoneId getZone() {
            return ZoneOffset.UTC;
        }

        @Override
        public Clock withZone(java.time.ZoneId zone) {
            return this;
        }

        @Override
        public Instant instant() {
            return Instant.ofEpochSecond(seconds.incrementAndGet());
        }
    }

    private static String mb(long bytes) {
        return String.format("%.1f MB", bytes / 1e6);
    }

    private static String ms(long nanos) {
        return String.format("%.1f ms", nanos / 1e6);
    }
}
