package io.consentkit.jdbc;

import io.consentkit.send.LimitPolicy;
import io.consentkit.send.LimitStore;
import io.consentkit.send.LimitStore.Reservation;
import io.consentkit.send.LimitStore.Usage;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.function.Function;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Reserve + commit latency of JdbcLimitStore (embedded PostgreSQL on 127.0.0.1 through a pool) next
 * to the in-memory store in the same run, with 1 and 8 threads, under a policy with a
 * per-recipient daily cap and a global daily cap. Not part of verify; run with
 * {@code mvn -B -o -q verify -Dquick -pl consent-jdbc -am -Dtest=JdbcLimitTiming
 * -Dsurefire.failIfNoSpecifiedTests=false -Dconsentkit.timing=true}. Prints one line per case.
 */
@EnabledIfSystemProperty(named = "consentkit.timing", matches = "true")
@Timeout(600)
class JdbcLimitTiming {
    private static final Instant NOON = Instant.parse("2026-01-15T18:00:00Z");
    private static final int RECIPIENTS = 5_000;

    private static LimitPolicy policy() {
        return new LimitPolicy(ZoneId.of("America/Chicago"), Duration.ZERO, 0, 1_000_000, 100_000_000, 0, 0,
                0, 0, null, null, 0.9);
    }

    @Test
    void reserveAndCommitLatency() throws Exception {
        TinyPool pool = new TinyPool(LocalPostgres.newDatabase());
        int[] counter = {0};
        Function<LimitPolicy, LimitStore> jdbc = p -> JdbcLimitStore.builder(pool).tablePrefix("t" + ++counter[0] + "_")
                .createSchema(true).clock(Clock.fixed(NOON, ZoneOffset.UTC)).build(p);
        for (int threads : new int[] {1, 8}) {
            run("in-memory", LimitStore::inMemory, threads, 200_000, 50_000);
            run("jdbc", jdbc, threads, 2_000, 500);
            run("in-memory", LimitStore::inMemory, threads, 200_000, 50_000);
            run("jdbc", jdbc, threads, 4_000, 1_000);
        }
    }

    /** {@code warm} then {@code ops} reservations spread over the threads, each a different recipient per second. */
    private static void run(String name, Function<LimitPolicy, LimitStore> stores, int threads, int ops, int warm)
            throws Exception {
        LimitStore store = stores.apply(policy());
        for (int i = 0; i < warm; i++) {
            store.commit((Reservation) store.reserve(new Usage("w" + (i % RECIPIENTS), NOON.minusSeconds(7200 - i / RECIPIENTS), true, 1, null)));
        }
        int per = ops / threads;
        long[][] nanos = new long[threads][per];
        ExecutorService exec = Executors.newFixedThreadPool(threads);
        CountDownLatch start = new CountDownLatch(1);
        List<Future<?>> fs = new ArrayList<>();
        for (int t = 0; t < threads; t++) {
            int tt = t;
            fs.add(exec.submit(() -> {
                start.await();
                for (int i = 0; i < per; i++) {
                    int n = tt * per + i;
                    Usage u = new Usage("r" + (n % RECIPIENTS), NOON.plusSeconds(n / RECIPIENTS * 2L), true, 1, null);
                    long t0 = System.nanoTime();
                    store.commit((Reservation) store.reserve(u));
                    nanos[tt][i] = System.nanoTime() - t0;
                }
                return null;
            }));
        }
        long wall0 = System.nanoTime();
        start.countDown();
        for (Future<?> f : fs) {
            f.get();
        }
        long wall = System.nanoTime() - wall0;
        exec.shutdown();
        long[] all = Arrays.stream(nanos).flatMapToLong(Arrays::stream).sorted().toArray();
        assertThat(store.today(NOON).messages()).as("every reservation counted").isEqualTo((long) warm + per * threads);
        System.out.printf("TIMING %-9s threads=%d ops=%d p50=%.1fus p99=%.1fus mean=%.1fus throughput=%.0f/s%n", name,
                threads, all.length, all[all.length / 2] / 1e3, all[(int) (all.length * 0.99)] / 1e3,
                Arrays.stream(all).average().orElse(0) / 1e3, all.length / (wall / 1e9));
    }
}
