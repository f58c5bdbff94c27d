package io.consentkit.benchmarks;

import io.consentkit.message.SegmentCalculator;
import io.consentkit.message.SegmentInfo;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

import java.util.concurrent.TimeUnit;

/**
 * Segment counting over a realistic mixed corpus ({@link MessageCorpus}): ConsentKit's
 * table-driven {@link SegmentCalculator} against a naive baseline in the same run. Scores are
 * messages per second (one operation = one message); characters per second = score &times; the
 * average message length printed at setup.
 *
 * <pre>
 * mvn -B -q -pl consent-benchmarks -am -P bench -Dquick -DskipTests package
 * java -jar consent-benchmarks/target/benchmarks.jar SegmentCalculator -f 1 -wi 2 -i 3
 * </pre>
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 3, time = 3)
@Measurement(iterations = 5, time = 3)
@Fork(1)
public class SegmentCalculatorBenchmark {
    static final int CORPUS_SIZE = 1000;

    String[] corpus;

    @Setup
    public void setup() {
        corpus = MessageCorpus.build(CORPUS_SIZE, 20240601L);
        long chars = 0;
        int ucs2 = 0;
        int multi = 0;
        for (String m : corpus) {
            chars += m.length();
            SegmentInfo info = SegmentCalculator.analyze(m);
            ucs2 += info.isGsm7() ? 0 : 1;
            multi += info.segments() > 1 ? 1 : 0;
        }
        System.out.printf("%ncorpus: %d messages, %.1f UTF-16 chars/message on average, %d%% UCS-2, %d%% multi-segment%n",
                corpus.length, (double) chars / corpus.length, 100 * ucs2 / corpus.length, 100 * multi / corpus.length);
    }

    /** ConsentKit, allocation-free count. */
    @Benchmark
    @OperationsPerInvocation(CORPUS_SIZE)
    public int consentkitSegments() {
        int sum = 0;
        for (String m : corpus) {
            sum += SegmentCalculator.segments(m);
        }
        return sum;
    }

    /** ConsentKit, full result (encoding, units, units left, non-GSM characters with indexes). */
    @Benchmark
    @OperationsPerInvocation(CORPUS_SIZE)
    public int consentkitAnalyze() {
        int sum = 0;
        for (String m : corpus) {
            SegmentInfo info = SegmentCalculator.analyze(m);
            sum += info.segments() + info.nonGsm().size();
        }
        return sum;
    }

    /** Baseline: codePoints() + HashSet&lt;Integer&gt;, the way a typical app counts. */
    @Benchmark
    @OperationsPerInvocation(CORPUS_SIZE)
    public int naiveBaseline() {
        int sum = 0;
        for (String m : corpus) {
            sum += NaiveSegmentCounter.segments(m);
        }
        return sum;
    }
}
