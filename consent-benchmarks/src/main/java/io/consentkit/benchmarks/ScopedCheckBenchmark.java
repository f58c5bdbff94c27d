package io.consentkit.benchmarks;

import io.consentkit.consent.ConsentTracker;
import io.consentkit.consent.Programs;
import io.consentkit.journal.ConsentRecord;
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

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Consent scopes: {@code isActive(phone, program)} with N consents spread over 3 programs of 2 brands
 * (a third in the default program, legacy-shaped; the others scoped), against a bare
 * {@code HashMap<String,Object>.get} over the same keys in the same run. With {@code twoPrograms} every
 * number of the second third also consents to the default program, so its lookups take the index's
 * second probe (a number in several programs).
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 2, time = 2)
@Measurement(iterations = 3, time = 2)
@Fork(value = 1, jvmArgs = {"-Xmx3g"})
public class ScopedCheckBenchmark {
    /** The programs the rows are spread over, by {@code i % 3}: the default one first. */
    static final String[] PROGRAMS = {"marketing", "alerts", "solar"};

    @Param({"1000000"})
    public int consents;

    @Param({"false", "true"})
    public boolean twoPrograms;

    private static final int KEYS = 1 << 16;
    private String[] canonical;
    private String[] program;
    private HashMap<String, Object> baseline;
    private ConsentTracker tracker;

    @State(Scope.Thread)
    public static class Cursor {
        int i;
    }

    /** The three programs: marketing (default) and alerts of brand basin, solar of brand greenwatt. */
    static Programs programs() {
        return Programs.builder().defaultProgram("marketing", "basin")
                .program("alerts", "basin", "+15125550199")
                .program("solar", "greenwatt", "+15125550200").build();
    }

    /** {@link JournalGenerator#rows} with consent {@code i} (and its revocation) in program {@code i % 3}. */
    static List<ConsentRecord> scopedRows(int n, long seed) {
        return scopedRows(n, seed, false);
    }

    /** As {@link #scopedRows(int, long)}; with {@code twoPrograms} the alerts numbers also consent to marketing. */
    static List<ConsentRecord> scopedRows(int n, long seed, boolean twoPrograms) {
        List<ConsentRecord> out = new ArrayList<>();
        java.util.Map<String, Integer> index = new HashMap<>();
        for (ConsentRecord r : JournalGenerator.rows(n, seed)) {
            int i = index.computeIfAbsent(r.phoneNumber().e164(), k -> index.size());
            out.add(switch (i % 3) {
                case 0 -> r; // the default program: an empty program and brand
                case 1 -> r.withScope("alerts", "", "");
                default -> r.withScope("solar", "greenwatt", "web");
            });
            if (twoPrograms && i % 3 == 1 && r.status() == io.consentkit.journal.ConsentStatus.ACTIVE) {
                out.add(new ConsentRecord(Long.toHexString(r.timestamp().toEpochMilli() | 1L << 62), r.timestamp(),
                        r.phoneNumber(), r.optInMethod(), r.consentMessage(), r.customerId(), r.customerName(),
                        r.customerEmail(), r.ipAddress(), r.screenshotUrl(), r.metadata(), r.status(), null, ""));
            }
        }
        return out;
    }

    @Setup(Level.Trial)
    public void setUp() {
        List<ConsentRecord> rows = scopedRows(consents, 7, twoPrograms);
        InMemoryConsentStore store = new InMemoryConsentStore();
        store.append(rows);
        tracker = ConsentTracker.builder(store).programs(programs()).build();
        baseline = new HashMap<>();
        for (ConsentRecord r : rows) {
            baseline.put(r.phoneNumber().e164(), r);
        }
        canonical = new String[KEYS];
        program = new String[KEYS];
        java.util.Random rnd = new java.util.Random(1);
        int active = 0;
        for (int k = 0; k < KEYS; k++) {
            int i = rnd.nextInt(consents);
            canonical[k] = new String(JournalGenerator.phone(i)); // not the same instance as the map key
            program[k] = PROGRAMS[rnd.nextInt(10) < 8 ? i % 3 : rnd.nextInt(3)]; // mostly its own program
            active += tracker.isActive(canonical[k], program[k]) ? 1 : 0;
        }
        if (active < KEYS / 2) {
            throw new IllegalStateException("too few active lookups: " + active + " of " + KEYS);
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
    public boolean isActiveInProgram(Cursor c) {
        int k = c.i++ & (KEYS - 1);
        return tracker.isActive(canonical[k], program[k]);
    }

    @Benchmark
    public boolean isActiveUnscoped(Cursor c) {
        return tracker.isActive(canonical[c.i++ & (KEYS - 1)]);
    }
}
