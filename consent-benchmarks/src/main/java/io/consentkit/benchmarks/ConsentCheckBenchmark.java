package io.consentkit.benchmarks;

import io.consentkit.journal.ConsentRecord;
import io.consentkit.consent.ConsentTracker;
import io.consentkit.store.InMemoryConsentStore;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

import java.util.HashMap;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Target 1 and 7: "may I text this number?" with N consents loaded, against a bare
 * {@code HashMap<String,Object>.get} over the same keys (the baseline); {@code status} decodes the
 * record, {@code currentStatus} reads its status from the row's header.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 2, time = 2)
@Measurement(iterations = 3, time = 2)
@Fork(value = 1, jvmArgs = {"-Xmx3g"})
public class ConsentCheckBenchmark {
    @Param({"10000", "100000", "1000000"})
    public int consents;

    private static final int KEYS = 1 << 16;
    private String[] canonical;
    private String[] national;
    private HashMap<String, Object> baseline;
    private ConsentTracker tracker;

    @State(Scope.Thread)
    public static class Cursor {
        int i;
    }

    @Setup(Level.Trial)
    public void setUp() {
        List<ConsentRecord> rows = JournalGenerator.rows(consents, 7);
        InMemoryConsentStore store = new InMemoryConsentStore();
        store.append(rows);
        tracker = ConsentTracker.builder(store).build();
        baseline = new HashMap<>();
        for (ConsentRecord r : rows) {
            baseline.put(r.phoneNumber().e164(), r);
        }
        canonical = new String[KEYS];
        national = new String[KEYS];
        java.util.Random rnd = new java.util.Random(1);
        for (int k = 0; k < KEYS; k++) {
            int i = rnd.nextInt(consents);
            canonical[k] = new String(JournalGenerator.phone(i)); // not the same instance as the map key
            national[k] = JournalGenerator.nationalFormat(i);
        }
    }

    @TearDown(Level.Trial)
    public void tearDown() {
        tracker.close();
    }

    @Benchmark
    public Object baselineHashMapGet(Cursor c) {
        return baseline.get(canonical[c.i++ & (KEYS - 1)]);
    }

    @Benchmark
    public boolean isActiveCanonical(Cursor c) {
        return tracker.isActive(canonical[c.i++ & (KEYS - 1)]);
    }

    @Benchmark
    public Object statusCanonical(Cursor c) {
        return tracker.status(canonical[c.i++ & (KEYS - 1)]);
    }

    @Benchmark
    public Object currentStatusCanonical(Cursor c) {
        return tracker.currentStatus(canonical[c.i++ & (KEYS - 1)]);
    }

    @Benchmark
    public boolean isActiveNonCanonical(Cursor c) {
        return tracker.isActive(national[c.i++ & (KEYS - 1)]);
    }
}
