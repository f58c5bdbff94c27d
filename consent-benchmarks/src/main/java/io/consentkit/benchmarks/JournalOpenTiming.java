package io.consentkit.benchmarks;

import io.consentkit.journal.CsvRecordReader;
import io.consentkit.store.CsvConsentStore;
import org.apache.commons.csv.CSVFormat;
import org.apache.commons.csv.CSVParser;
import org.apache.commons.csv.CSVRecord;

import java.io.IOException;
import java.io.Reader;
import java.lang.reflect.Method;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;

/**
 * A timed run (not JMH: one journal, rounds interleaved so that every figure shares the same machine
 * state) of opening a CSV journal and replaying it, next to a bare commons-csv parse of the same file
 * and the two whole-file passes an open can make: the full {@link CsvRecordReader#read} (cells built)
 * and the structure-only scan (when the reader has one). Usage:
 * {@code java -cp benchmarks.jar io.consentkit.benchmarks.JournalOpenTiming [consents] [rounds] [warmup]};
 * the defaults (272,728 consents = 300,000 rows, about 130 MB) match the measurement.
 * Not thread-safe (a main program).
 */
public final class JournalOpenTiming {
    private JournalOpenTiming() {
    }

    public static void main(String[] args) throws Exception {
        int consents = args.length > 0 ? Integer.parseInt(args[0]) : 272_728;
        int rounds = args.length > 1 ? Integer.parseInt(args[1]) : 10;
        int warmup = args.length > 2 ? Integer.parseInt(args[2]) : 3;
        Path dir = Files.createTempDirectory("consentkit-open");
        Path journal = JournalGenerator.write(dir.resolve("consents.csv"), consents, 11);
        Method structure = structurePass();
        System.out.printf(Locale.ROOT, "journal: %,d rows, %,d bytes; structure-only scan %s%n",
                consents + consents / 10, Files.size(journal), structure == null ? "absent" : "present");
        Map<String, List<Double>> ms = new TreeMap<>();
        long sink = 0;
        for (int round = 0; round < warmup + rounds; round++) {
            long t0 = System.nanoTime();
            sink += commonsCsv(journal);
            long t1 = System.nanoTime();
            sink += fullPass(journal);
            long t2 = System.nanoTime();
            if (structure != null) {
                sink += (long) structure.invoke(null, journal);
            }
            long t3 = System.nanoTime();
            long[] rows = {0};
            long t5;
            long t4;
            try (CsvConsentStore s = CsvConsentStore.open(journal)) {
                t4 = System.nanoTime();
                s.replay(r -> rows[0]++);
                t5 = System.nanoTime();
            }
            sink += rows[0];
            if (round >= warmup) {
                add(ms, "a commons-csv parse (baseline)", t1 - t0);
                add(ms, "b full reader pass (cells built)", t2 - t1);
                if (structure != null) {
                    add(ms, "c structure-only scan", t3 - t2);
                }
                add(ms, "d store open (validation + repair)", t4 - t3);
                add(ms, "e replay", t5 - t4);
                add(ms, "f open + replay", t5 - t3);
            }
        }
        double base = median(ms.get("a commons-csv parse (baseline)"));
        for (Map.Entry<String, List<Double>> e : ms.entrySet()) {
            List<Double> v = e.getValue();
            System.out.printf(Locale.ROOT, "%-36s median %8.1f ms  min %8.1f  max %8.1f  = %.2fx baseline%n",
                    e.getKey().substring(2), median(v), v.stream().mapToDouble(d -> d).min().orElse(0),
                    v.stream().mapToDouble(d -> d).max().orElse(0), median(v) / base);
        }
        System.out.println("(checksum " + sink + ")");
        Dirs.deleteTree(dir);
    }

    private static void add(Map<String, List<Double>> ms, String name, long nanos) {
        ms.computeIfAbsent(name, k -> new ArrayList<>()).add(nanos / 1e6);
    }

    private static double median(List<Double> v) {
        double[] a = v.stream().mapToDouble(d -> d).toArray();
        Arrays.sort(a);
        return a.length % 2 == 1 ? a[a.length / 2] : (a[a.length / 2 - 1] + a[a.length / 2]) / 2;
    }

    private static long commonsCsv(Path journal) throws IOException {
        long n = 0;
        try (Reader r = Files.newBufferedReader(journal, StandardCharsets.UTF_8);
             CSVParser p = CSVFormat.RFC4180.builder().setHeader().setSkipHeaderRecord(true).get().parse(r)) {
            for (CSVRecord rec : p) {
                n += rec.size();
            }
        }
        return n;
    }

    private static long fullPass(Path journal) throws IOException {
        long[] n = {0};
        try (FileChannel ch = FileChannel.open(journal)) {
            new CsvRecordReader("timing").read(ch, 0, ch.size(), (cells, count, line) -> n[0] += count);
        }
        return n[0];
    }

    /** {@link StructureScanPass#run}, when this build's reader has a structure-only scan. */
    private static Method structurePass() {
        try {
            return Class.forName("io.consentkit.benchmarks.StructureScanPass").getMethod("run", Path.class);
        } catch (ReflectiveOperationException | LinkageError e) {
            return null;
        }
    }
}
