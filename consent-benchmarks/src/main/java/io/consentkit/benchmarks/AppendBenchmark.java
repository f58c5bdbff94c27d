package io.consentkit.benchmarks;

import io.consentkit.journal.ConsentRecord;
import io.consentkit.journal.JournalCodec;
import io.consentkit.store.CsvConsentStore;
import io.consentkit.store.JournalWriteStats;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Threads;
import org.openjdk.jmh.annotations.Warmup;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Target 4: durable appends. Baseline: a bare {@code FileChannel.write + force} loop writing the same
 * bytes (one row per force). Ours: {@code CsvConsentStore.append} of one row, from 1 and from 8 threads
 * (group commit). Every append is forced before it returns in all variants. After each iteration the
 * store's {@link JournalWriteStats} are printed: appends per force and the gap between forces.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 2, time = 2)
@Measurement(iterations = 3, time = 3)
@Fork(1)
public class AppendBenchmark {
    private Path dir;
    private CsvConsentStore store;
    private FileChannel raw;
    private long rawPos;
    private List<ConsentRecord> rows;
    private byte[][] rowBytes;
    private final AtomicInteger next = new AtomicInteger();

    @Setup(Level.Iteration)
    public void setUp() throws IOException {
        dir = Files.createTempDirectory("consentkit-append");
        store = CsvConsentStore.open(dir.resolve("journal.csv"));
        raw = FileChannel.open(dir.resolve("raw.csv"), StandardOpenOption.CREATE, StandardOpenOption.WRITE);
        rawPos = 0;
        rows = JournalGenerator.rows(4096, 3);
        rowBytes = new byte[rows.size()][];
        int[] map = JournalCodec.identityMap();
        for (int i = 0; i < rows.size(); i++) {
            rowBytes[i] = JournalCodec.appendLine(new StringBuilder(), rows.get(i), map, false).toString()
                    .getBytes(StandardCharsets.UTF_8);
        }
    }

    @TearDown(Level.Iteration)
    public void tearDown() throws IOException {
        JournalWriteStats stats = store.writeStats();
        if (stats.forces() > 0) {
            System.out.printf("%n  group commit: %d forces, %.2f appends per force, mean gap between forces %.1f us"
                            + " (%d gaps), mean write+force %.1f us%n", stats.forces(), stats.appendsPerForce(),
                    stats.meanBusyGap().toNanos() / 1000.0, stats.busyGaps(),
                    stats.forcing().toNanos() / 1000.0 / stats.forces());
        }
        store.close();
        raw.close();
        Dirs.deleteTree(dir);
    }

    private int index() {
        return next.getAndIncrement() & 4095;
    }

    @Benchmark
    @Threads(1)
    public void baselineWriteForce() throws IOException {
        ByteBuffer b = ByteBuffer.wrap(rowBytes[index()]);
        synchronized (this) {
            while (b.hasRemaining()) {
                rawPos += raw.write(b, rawPos);
            }
            raw.force(false);
        }
    }

    @Benchmark
    @Threads(1)
    public void appendOneThread() {
        store.append(List.of(rows.get(index())));
    }

    @Benchmark
    @Threads(8)
    public void appendEightThreads() {
        store.append(List.of(rows.get(index())));
    }
}
