package io.consentkit.benchmarks;

import io.consentkit.consent.ConsentTracker;
import io.consentkit.journal.ConsentRecord;
import io.consentkit.store.CsvConsentStore;
import io.consentkit.store.InMemoryConsentStore;
import org.apache.commons.csv.CSVFormat;
import org.apache.commons.csv.CSVParser;
import org.apache.commons.csv.CSVRecord;

import java.io.IOException;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Random;

/**
 * A timed run (not JMH) of the two index figures whose baselines are other code: {@code status(phone)}
 * against {@code HashMap.get} over the same keys as {@link ConsentCheckBenchmark}, and a cold tracker
 * open of a CSV journal against a bare commons-csv parse of the file, as {@link ColdOpenBenchmark}
 * times them. Each pair alternates in short blocks in one JVM and the ratio is taken per block, so a
 * loaded machine slows both sides of a ratio alike; the median and quartiles of the ratios are printed.
 * Usage: {@code java -Xmx3g -cp benchmarks.jar io.consentkit.benchmarks.IndexTiming [consents] [open rounds]}
 * (defaults 1,000,000 and 5). Not thread-safe (a main program).
 */
public final class IndexTiming {
    private static final int KEYS = 1 << 16;

    private IndexTiming() {
    }

    public static void main(String[] args) throws Exception {
        int consents = args.length > 0 ? Integer.parseInt(args[0]) : 1_000_000;
        int rounds = args.length > 1 ? Integer.parseInt(args[1]) : 5;
        status(consents);
        coldOpen(consents, rounds);
    }

    private static void status(int consents) {
        List<ConsentRecord> rows = JournalGenerator.rows(consents, 7);
        InMemoryConsentStore store = new InMemoryConsentStore();
        store.append(rows);
        HashMap<String, Object> baseline = new HashMap<>();
        for (ConsentRecord r : rows) {
            baseline.put(r.phoneNumber().e164(), r);
        }
        String[] keys = new String[KEYS];
        Random rnd = new Random(1);
        for (int k = 0; k < KEYS; k++) {
            keys[k] = new String(JournalGenerator.phone(rnd.nextInt(consents))); // not the map's instance
        }
        Object[] out = new Object[1024];
        List<Double> ratios = new ArrayList<>();
        try (ConsentTracker tracker = ConsentTracker.builder(store).build()) {
            int ops = 300_000;
            for (int block = 0; block < 40; block++) {
                long t0 = System.nanoTime();
                for (int i = 0; i < ops; i++) {
                    out[i & 1023] = tracker.status(keys[i & (KEYS - 1)]);
                }
                long t1 = System.nanoTime();
                for (int i = 0; i < ops; i++) {
                    out[i & 1023] = baseline.get(keys[i & (KEYS - 1)]);
                }
                long t2 = System.nanoTime();
                if (block >= 10) { // the first ten warm up
                    ratios.add((t2 - t1) / (double) (t1 - t0));
                }
            }
        }
        print("status(phone) / HashMap.get throughput, " + consents + " consents, 30 blocks", ratios);
        if (out[0] == null) {
            throw new IllegalStateException("no record");
        }
    }

    private static void coldOpen(int consents, int rounds) throws IOException {
        Path dir = Files.createTempDirectory("consentkit-index");
        Path journal = JournalGenerator.write(dir.resolve("journal.csv"), consents, 11);
        List<Double> ratios = new ArrayList<>();
        long sink = 0;
        for (int round = 0; round < rounds + 1; round++) {
            long t0 = System.nanoTime();
            try (Reader r = Files.newBufferedReader(journal, StandardCharsets.UTF_8);
                 CSVParser p = CSVFormat.RFC4180.builder().setHeader().setSkipHeaderRecord(true).get().parse(r)) {
                for (CSVRecord rec : p) {
                    sink += rec.size();
                }
            }
            long t1 = System.nanoTime();
            try (ConsentTracker t = ConsentTracker.builder(CsvConsentStore.open(journal)).build()) {
                sink += t.isActive(JournalGenerator.phone(0)) ? 1 : 0;
            }
            long t2 = System.nanoTime();
            if (round >= 1) { // the first warms up
                ratios.add((t2 - t1) / (double) (t1 - t0));
                System.out.printf(Locale.ROOT, "round %d: open %.0f ms, commons-csv %.0f ms%n", round,
                        (t2 - t1) / 1e6, (t1 - t0) / 1e6);
            }
        }
        print("cold open / commons-csv parse time, " + consents + " consents, " + rounds + " rounds", ratios);
        System.out.println("(checksum " + sink + ")");
        Dirs.deleteTree(dir);
    }

    private static void print(String what, List<Double> ratios) {
        Collections.sort(ratios);
        int n = ratios.size();
        System.out.printf(Locale.ROOT, "%s: median %.2fx (quartiles %.2f-%.2f, min %.2f, max %.2f)%n", what,
                ratios.get(n / 2), ratios.get(n / 4), ratios.get(3 * n / 4), ratios.get(0), ratios.get(n - 1));
    }
}
