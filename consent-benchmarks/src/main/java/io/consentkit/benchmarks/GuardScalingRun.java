package io.consentkit.benchmarks;

import io.consentkit.send.GatewayRequest;
import io.consentkit.send.GuardedSender;
import io.consentkit.send.OutboundMessage;
import io.consentkit.send.SendOutcome;
import io.consentkit.send.SmsGateway;

import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.util.Locale;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A timed run (not JMH: one JVM, so both thread counts share one JIT state and one machine state)
 * of the guard pipeline of {@link GuardFixture} on one thread and on two, in alternating blocks,
 * each thread on its own lane of recipients. Per block it reports sends per second and the CPU time
 * the sending threads used per send: if two threads serialised on a lock they would wait (fewer sends
 * per wall second, not more CPU), and if they fought over a shared hot cache line each send would
 * cost more CPU on two threads than on one. A control block of pure computation with no shared state
 * (the same on both thread counts) shows what the machine gave two threads at that moment.
 *
 * <p>Usage: {@code java -cp benchmarks.jar io.consentkit.benchmarks.GuardScalingRun [blockSeconds]
 * [rounds]} (defaults 2 and 6, after a 20-second warm-up). The clock runs 60x fast, so a run stays
 * well inside every area code's allowed hours. Not thread-safe (a main program).
 */
public final class GuardScalingRun {
    private static final ThreadMXBean THREADS = ManagementFactory.getThreadMXBean();

    private GuardScalingRun() {
    }

    /** What one block measured: operations, wall nanoseconds, CPU nanoseconds of the working threads. */
    private record Block(long ops, long wallNanos, long cpuNanos) {
        double perSecond() {
            return ops * 1e9 / wallNanos;
        }

        double cpuMicrosPerOp() {
            return cpuNanos / 1e3 / ops;
        }
    }

    public static void main(String[] args) throws Exception {
        double seconds = args.length > 0 ? Double.parseDouble(args[0]) : 2;
        int rounds = args.length > 1 ? Integer.parseInt(args[1]) : 6;
        GuardFixture f = new GuardFixture(60);
        try {
            OutboundMessage[] all = GuardFixture.messages(0, 1);
            OutboundMessage[][] lanes = {GuardFixture.messages(0, 2), GuardFixture.messages(1, 2)};
            System.out.printf(Locale.ROOT, "%d cores; first send: %s%n", Runtime.getRuntime().availableProcessors(),
                    f.sender.send(all[0]).getClass().getSimpleName());
            long warmEnd = System.nanoTime() + 20_000_000_000L;
            while (System.nanoTime() < warmEnd) {
                run(f.sender, new OutboundMessage[][] {all}, 1.0);
                run(f.sender, lanes, 1.0);
                control(1, 0.2);
                control(2, 0.2);
                bare(f.gateway, new GatewayRequest[][] {GuardFixture.requests(0, 1)}, 0.2);
            }
            GatewayRequest[] bare = GuardFixture.requests(0, 1);
            GatewayRequest[][] bareLanes = {GuardFixture.requests(0, 2), GuardFixture.requests(1, 2)};
            Block g1 = bare(f.gateway, new GatewayRequest[][] {bare}, 1.0);
            Block g2 = bare(f.gateway, bareLanes, 1.0);
            System.out.printf(Locale.ROOT, "bare gateway: 1 thread %.0f/s, 2 threads %.0f/s: %.2fx; cpu per call %.3f vs"
                    + " %.3f us%n", g1.perSecond(), g2.perSecond(), g2.perSecond() / g1.perSecond(), g1.cpuMicrosPerOp(),
                    g2.cpuMicrosPerOp());
            long[] sum = new long[8];
            System.out.println("round  load  1 thread/s  2 threads/s  ratio  cpu us/send 1T  2T  control ratio");
            for (int r = 1; r <= rounds; r++) {
                Block one = run(f.sender, new OutboundMessage[][] {all}, seconds);
                Block two = run(f.sender, lanes, seconds);
                Block c1 = control(1, seconds / 2);
                Block c2 = control(2, seconds / 2);
                System.out.printf(Locale.ROOT, "%5d %5.1f %11.0f %12.0f %6.2f %14.2f %5.2f %8.2f%n", r,
                        ManagementFactory.getOperatingSystemMXBean().getSystemLoadAverage(), one.perSecond(),
                        two.perSecond(), two.perSecond() / one.perSecond(), one.cpuMicrosPerOp(), two.cpuMicrosPerOp(),
                        c2.perSecond() / c1.perSecond());
                add(sum, 0, one);
                add(sum, 3, two);
                sum[6] += Math.round(c1.perSecond());
                sum[7] += Math.round(c2.perSecond());
            }
            Block one = new Block(sum[0], sum[1], sum[2]);
            Block two = new Block(sum[3], sum[4], sum[5]);
            System.out.printf(Locale.ROOT, "total: 1 thread %.0f/s, 2 threads %.0f/s: %.2fx; cpu per send %.2f vs %.2f us"
                    + " (%.2fx); control 2 vs 1: %.2fx%n", one.perSecond(), two.perSecond(),
                    two.perSecond() / one.perSecond(), one.cpuMicrosPerOp(), two.cpuMicrosPerOp(),
                    two.cpuMicrosPerOp() / one.cpuMicrosPerOp(), (double) sum[7] / sum[6]);
            System.out.println("gateway requests: " + f.gateway.requestCount());
        } finally {
            f.close();
        }
    }

    private static void add(long[] sum, int at, Block b) {
        sum[at] += b.ops;
        sum[at + 1] += b.wallNanos;
        sum[at + 2] += b.cpuNanos;
    }

    /** Each of {@code lanes.length} threads sends its lane in a loop for {@code seconds}. */
    private static Block run(GuardedSender sender, OutboundMessage[][] lanes, double seconds) throws Exception {
        return timed(lanes.length, seconds, lane -> {
            OutboundMessage[] m = lanes[lane];
            return deadline -> {
                long n = 0;
                int i = 0;
                while (System.nanoTime() < deadline) {
                    SendOutcome o = sender.send(m[i++ & GuardFixture.MASK]);
                    if (o == null) {
                        throw new IllegalStateException("no outcome");
                    }
                    n++;
                }
                return n;
            };
        });
    }

    /** Each thread calls the bare gateway with its lane's requests for {@code seconds}. */
    private static Block bare(SmsGateway gateway, GatewayRequest[][] lanes, double seconds) throws Exception {
        return timed(lanes.length, seconds, lane -> deadline -> {
            GatewayRequest[] r = lanes[lane];
            long n = 0;
            int i = 0;
            while (System.nanoTime() < deadline) {
                if (gateway.send(r[i++ & GuardFixture.MASK]) == null) {
                    throw new IllegalStateException("no result");
                }
                n++;
            }
            return n;
        });
    }

    /** Pure computation on each thread's own state (xorshift rounds), 4,096 rounds an operation. */
    private static Block control(int threads, double seconds) throws Exception {
        return timed(threads, seconds, lane -> deadline -> {
            long n = 0;
            long x = 88172645463325252L + lane;
            while (System.nanoTime() < deadline) {
                for (int k = 0; k < 4096; k++) {
                    x ^= x << 13;
                    x ^= x >>> 7;
                    x ^= x << 17;
                }
                n++;
            }
            return x == 42 ? n + 1 : n; // x used, so the loop is not removed
        });
    }

    private interface Work {
        long until(long deadlineNanos);
    }

    private interface Lane {
        Work of(int lane);
    }

    private static Block timed(int threads, double seconds, Lane lanes) throws Exception {
        CyclicBarrier start = new CyclicBarrier(threads + 1);
        AtomicLong ops = new AtomicLong();
        AtomicLong cpu = new AtomicLong();
        long[] deadline = new long[1];
        Thread[] ts = new Thread[threads];
        for (int t = 0; t < threads; t++) {
            Work w = lanes.of(t);
            ts[t] = new Thread(() -> {
                try {
                    start.await();
                    long c0 = THREADS.getCurrentThreadCpuTime();
                    ops.addAndGet(w.until(deadline[0]));
                    cpu.addAndGet(THREADS.getCurrentThreadCpuTime() - c0);
                } catch (Exception e) {
                    throw new IllegalStateException(e);
                }
            }, "guard-" + t);
            ts[t].start();
        }
        long t0 = System.nanoTime();
        deadline[0] = t0 + (long) (seconds * 1e9);
        start.await();
        for (Thread t : ts) {
            t.join();
        }
        return new Block(ops.get(), System.nanoTime() - t0, cpu.get());
    }
}
