package io.consentkit.benchmarks;

import io.consentkit.send.GatewayRequest;
import io.consentkit.send.GuardedSender;
import io.consentkit.send.OutboundMessage;
import io.consentkit.testkit.FakeSmsGateway;
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
import org.openjdk.jmh.infra.Blackhole;
import org.openjdk.jmh.infra.ThreadParams;

import java.util.concurrent.TimeUnit;

/**
 * The guard pipeline's cost per message: {@link GuardedSender#send} with every guard on (consent
 * and opt-out lookups over 20,000 consents, quiet hours with Florida overrides, content formatting
 * with a segment budget and cost estimate, cooldown, hourly and daily per-recipient caps, global
 * daily cap, segment rate, in-memory send log; see {@link GuardFixture}) over a {@link FakeSmsGateway},
 * next to the bare gateway call in the same run, on one and on two threads (issue 8, target 6: two
 * threads at least 1.6x one). Beside {@code guarded1Thread} in the same run (issue 13, target: at
 * most 2x its cost): {@code rulePack1Thread}, marketing on four subjects to Austin (Texas SB 140
 * windows) and Miami (Florida's window and its 3-per-24-hours per-subject cap, counted by the limit
 * store), and {@code categories1Thread}, the six built-in categories in turn (consent
 * any/program/none, quiet hours skipped for otp/emergency/internal, emergency exempt from caps,
 * otp's time-to-live).
 *
 * <p>Each thread sends on its own lane of recipients ({@link GuardFixture#messages}): two threads
 * never text the same number, as independent sends do, and each number gets the same rate at one
 * thread as at two. {@code guardedSameRecipient2Threads} (reported only) has both threads text one
 * number, the worst case for the per-recipient lock. {@code cpuControl*} burns CPU with no shared
 * state: its 2-thread to 1-thread ratio is what the machine itself gives two threads in that run
 * (on a shared machine, less than 2), to read the pipeline's ratio against.
 *
 * <p>Time runs 600x fast on a warped clock starting at noon US Central, so cooldowns and hourly
 * windows turn over while the benchmark runs and most decisions are sends; a trial stays inside
 * the allowed hours of every area code used. The warm-up is long because on two cores two benchmark
 * threads starve the JIT compiler threads: a shorter one measured the 2-thread case half compiled.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 5, time = 3)
@Measurement(iterations = 5, time = 2)
@Fork(value = 1, jvmArgs = {"-Xmx2g"})
public class GuardedSenderBenchmark {
    private GuardFixture fixture;
    private FakeSmsGateway gateway;
    private GuardedSender sender;
    private OutboundMessage[] rulePack;
    private OutboundMessage[] categories;
    private OutboundMessage[] oneRecipient;

    /** A thread's own lane of messages and requests, and where it is in them. */
    @State(Scope.Thread)
    public static class Cursor {
        OutboundMessage[] messages;
        GatewayRequest[] requests;
        int i;

        @Setup(Level.Trial)
        public void setUp(ThreadParams t) {
            messages = GuardFixture.messages(t.getThreadIndex(), t.getThreadCount());
            requests = GuardFixture.requests(t.getThreadIndex(), t.getThreadCount());
            i = t.getThreadIndex() * 7919;
        }
    }

    @Setup(Level.Trial)
    public void setUp() {
        fixture = new GuardFixture(600);
        gateway = fixture.gateway;
        sender = fixture.sender;
        rulePack = GuardFixture.rulePack();
        categories = GuardFixture.categories();
        oneRecipient = GuardFixture.oneRecipient();
    }

    @TearDown(Level.Trial)
    public void tearDown() {
        fixture.close();
    }

    @Benchmark
    @Threads(1)
    public Object bareGateway1Thread(Cursor c) {
        return gateway.send(c.requests[c.i++ & GuardFixture.MASK]);
    }

    @Benchmark
    @Threads(1)
    public Object guarded1Thread(Cursor c) {
        return sender.send(c.messages[c.i++ & GuardFixture.MASK]);
    }

    @Benchmark
    @Threads(1)
    public Object rulePack1Thread(Cursor c) {
        return sender.send(rulePack[c.i++ & GuardFixture.MASK]);
    }

    @Benchmark
    @Threads(1)
    public Object categories1Thread(Cursor c) {
        return sender.send(categories[c.i++ & GuardFixture.MASK]);
    }

    @Benchmark
    @Threads(2)
    public Object bareGateway2Threads(Cursor c) {
        return gateway.send(c.requests[c.i++ & GuardFixture.MASK]);
    }

    @Benchmark
    @Threads(2)
    public Object guarded2Threads(Cursor c) {
        return sender.send(c.messages[c.i++ & GuardFixture.MASK]);
    }

    @Benchmark
    @Threads(2)
    public Object guardedSameRecipient2Threads(Cursor c) {
        return sender.send(oneRecipient[c.i++ & GuardFixture.MASK]);
    }

    @Benchmark
    @Threads(1)
    public void cpuControl1Thread() {
        Blackhole.consumeCPU(1_000);
    }

    @Benchmark
    @Threads(2)
    public void cpuControl2Threads() {
        Blackhole.consumeCPU(1_000);
    }
}
