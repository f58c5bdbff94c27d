package io.consentkit.send.internal;

import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;

class RateLimiterTest {
    private static final long SECOND = 1_000_000_000L;
    private static final long T0 = 1_768_500_000L * SECOND;

    @Test
    void admitsExactlyTheRateAtOneInstantThenRefills() {
        RateLimiter r = new RateLimiter(10);
        for (int i = 0; i < 10; i++) {
            assertThat(r.tryAcquire(T0, 1)).isEqualTo(RateLimiter.ACQUIRED);
        }
        long retryAt = r.tryAcquire(T0, 1);
        assertThat(retryAt).isEqualTo(T0 + SECOND / 10);
        assertThat(r.tryAcquire(retryAt, 1)).isEqualTo(RateLimiter.ACQUIRED);
        assertThat(r.tryAcquire(retryAt, 1)).isNotEqualTo(RateLimiter.ACQUIRED);
        for (int i = 0; i < 10; i++) {
            assertThat(r.tryAcquire(T0 + 2 * SECOND, 1)).isEqualTo(RateLimiter.ACQUIRED);
        }
    }

    @Test
    void weighsRequestsBySegments() {
        RateLimiter r = new RateLimiter(10);
        assertThat(r.tryAcquire(T0, 4)).isEqualTo(RateLimiter.ACQUIRED);
        assertThat(r.tryAcquire(T0, 4)).isEqualTo(RateLimiter.ACQUIRED);
        assertThat(r.peek(T0, 3)).isEqualTo(T0 + SECOND / 10);
        assertThat(r.tryAcquire(T0, 2)).isEqualTo(RateLimiter.ACQUIRED);
        // heavier than the bucket: admitted only when it is full, and empties it
        RateLimiter small = new RateLimiter(2);
        assertThat(small.tryAcquire(T0, 5)).isEqualTo(RateLimiter.ACQUIRED);
        assertThat(small.tryAcquire(T0, 1)).isNotEqualTo(RateLimiter.ACQUIRED);
    }

    @Test
    void peekTakesNothing() {
        RateLimiter r = new RateLimiter(1);
        assertThat(r.peek(T0, 1)).isEqualTo(RateLimiter.ACQUIRED);
        assertThat(r.peek(T0, 1)).isEqualTo(RateLimiter.ACQUIRED);
        assertThat(r.tryAcquire(T0, 1)).isEqualTo(RateLimiter.ACQUIRED);
        assertThat(r.peek(T0, 1)).isEqualTo(T0 + SECOND);
    }

    @Test
    void manyThreadsNeverTakeMoreThanTheBucket() throws Exception {
        RateLimiter r = new RateLimiter(100);
        AtomicInteger taken = new AtomicInteger();
        ExecutorService pool = Executors.newFixedThreadPool(8);
        List<Future<?>> fs = new ArrayList<>();
        for (int t = 0; t < 8; t++) {
            fs.add(pool.submit(() -> {
                for (int i = 0; i < 1000; i++) {
                    if (r.tryAcquire(T0, 1) == RateLimiter.ACQUIRED) {
                        taken.incrementAndGet();
                    }
                }
            }));
        }
        for (Future<?> f : fs) {
            f.get();
        }
        pool.shutdown();
        assertThat(taken.get()).isEqualTo(100);
    }
}
