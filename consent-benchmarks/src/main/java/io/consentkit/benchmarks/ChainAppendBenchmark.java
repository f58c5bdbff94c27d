package io.consentkit.benchmarks;

import io.consentkit.journal.ConsentRecord;
import io.consentkit.journal.JournalChain;
import io.consentkit.journal.JournalCodec;
import io.consentkit.store.CsvConsentStore;
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
import org.openjdk.jmh.annotations.Threads;
import org.openjdk.jmh.annotations.Warmup;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The cost of the tamper-evidence chain (issue target: chain upkeep at most 1.2x the append cost
 * without it). {@code schema=3} appends to a new, chained journal; {@code schema=2} to a version 2
 * journal, which the same store appends to unchained: the same code path but the digest and the link.
 * Durable appends (forced before they return) from 1 and 8 threads; and, without any I/O, the encoding
 * of a row alone ({@code encodeRow}) against encoding plus digest plus link ({@code encodeAndChainRow}):
 * the chain's CPU cost when the disk costs nothing.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 2, time = 2)
@Measurement(iterations = 3, time = 3)
@Fork(1)
public class ChainAppendBenchmark {
    @Param({"2", "3"})
    public int schema;

    private Path dir;
    private CsvConsentStore store;
    private List<ConsentRecord> rows;
    private JournalChain.Linker linker;
    private final StringBuilder sb = new StringBuilder(512);
    private final AtomicInteger next = new AtomicInteger();

    @Setup(Level.Iteration)
    public void setUp() throws IOException {
        dir = Files.createTempDirectory("consentkit-chain");
        Path journal = dir.resolve("journal.csv");
        if (schema == 2) {
            Files.writeString(journal, JournalCodec.SCOPES_HEADER_LINE + "\n");
        }
        store = CsvConsentStore.open(journal);
        if (store.schemaVersion() != schema) {
            throw new IllegalStateException("journal is version " + store.schemaVersion());
        }
        rows = JournalGenerator.rows(4096, 3);
        linker = new JournalChain.Linker();
    }

    @TearDown(Level.Iteration)
    public void tearDown() throws IOException {
        store.close();
        Dirs.deleteTree(dir);
    }

    private int index() {
        return next.getAndIncrement() & 4095;
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

    /** One row's cells encoded (the work an unchained append does before its write); schema-independent. */
    @Benchmark
    @Threads(1)
    public int encodeRow() {
        sb.setLength(0);
        return JournalCodec.appendCells(sb, rows.get(index()), JournalCodec.identityMap(), false).length();
    }

    /** One row encoded, digested and linked (what a chained append adds); schema-independent. */
    @Benchmark
    @Threads(1)
    public int encodeAndChainRow() {
        sb.setLength(0);
        return linker.appendLine(sb, rows.get(index()), false).length();
    }
}
