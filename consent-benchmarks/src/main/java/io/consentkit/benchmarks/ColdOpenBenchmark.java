package io.consentkit.benchmarks;

import io.consentkit.consent.ConsentTracker;
import io.consentkit.store.CsvConsentStore;
import org.apache.commons.csv.CSVFormat;
import org.apache.commons.csv.CSVParser;
import org.apache.commons.csv.CSVRecord;
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
import org.openjdk.jmh.infra.Blackhole;

import java.io.IOException;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

/**
 * Targets 2 and 7: opening a CSV journal of N consents (tracker ready to answer) against parsing the
 * same file with bare commons-csv and discarding the rows (the baseline).
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.SingleShotTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Warmup(iterations = 2)
@Measurement(iterations = 5)
@Fork(value = 1, jvmArgs = {"-Xmx3g"})
public class ColdOpenBenchmark {
    @Param({"10000", "100000", "1000000"})
    public int consents;

    private Path dir;
    private Path journal;

    @Setup(Level.Trial)
    public void setUp() throws IOException {
        dir = Files.createTempDirectory("consentkit-bench");
        journal = JournalGenerator.write(dir.resolve("journal.csv"), consents, 11);
    }

    @TearDown(Level.Trial)
    public void tearDown() throws IOException {
        Dirs.deleteTree(dir);
    }

    @Benchmark
    public void baselineCommonsCsvParse(Blackhole bh) throws IOException {
        try (Reader r = Files.newBufferedReader(journal, StandardCharsets.UTF_8);
             CSVParser p = CSVFormat.RFC4180.builder().setHeader().setSkipHeaderRecord(true).get().parse(r)) {
            for (CSVRecord rec : p) {
                bh.consume(rec);
            }
        }
    }

    @Benchmark
    public void openTracker(Blackhole bh) {
        try (ConsentTracker t = ConsentTracker.builder(CsvConsentStore.open(journal)).build()) {
            bh.consume(t.isActive(JournalGenerator.phone(0)));
        }
    }
}
