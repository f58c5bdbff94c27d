package io.consentkit.testkit;

import io.consentkit.phone.PhoneNumber;
import io.consentkit.send.GatewayRequest;
import io.consentkit.send.GatewayResult;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class FakeSmsGatewayTest {
    private static final PhoneNumber TO = PhoneNumber.of("+15125551234");

    @Test
    void answersQueuedOutcomesInOrderThenAcceptsByDefault() {
        SettableClock clock = SettableClock.at("2026-01-15T18:00:00Z");
        FakeSmsGateway g = FakeSmsGateway.builder().clock(clock).build();
        g.enqueueOptedOut().enqueueInvalidNumber().enqueueRateLimited(Duration.ofSeconds(5)).enqueueTimeout();
        assertThat(g.queued()).isEqualTo(4);
        int[] codes = new int[4];
        for (int i = 0; i < 4; i++) {
            codes[i] = ((GatewayResult.Failed) g.send(GatewayRequest.of(TO, "m" + i))).code();
        }
        assertThat(codes).containsExactly(21610, 21211, 20429, 0);
        clock.advance(Duration.ofSeconds(1));
        GatewayResult.Accepted a = (GatewayResult.Accepted) g.send(GatewayRequest.of(TO, "ok"));
        assertThat(a.providerId()).matches("SM[0-9a-f]{32}");
        assertThat(a.status()).isEqualTo("queued");

        assertThat(g.requestCount()).isEqualTo(5);
        List<FakeSmsGateway.Request> recorded = g.requests();
        assertThat(recorded).extracting(FakeSmsGateway.Request::body).containsExactly("m0", "m1", "m2", "m3", "ok");
        assertThat(recorded.get(4).accepted()).isTrue();
        assertThat(recorded.get(4).at()).isEqualTo(clock.instant());
        assertThat(recorded.get(0).result()).isInstanceOf(GatewayResult.Failed.class);
        assertThatThrownBy(() -> recorded.add(recorded.get(0))).isInstanceOf(UnsupportedOperationException.class);
        assertThat(g.lastRequest().body()).isEqualTo("ok");
    }

    @Test
    void aCustomDefaultAndReset() {
        FakeSmsGateway g = FakeSmsGateway.builder().name("sms-backup")
                .defaultOutcome(r -> new GatewayResult.Accepted("id-" + r.body(), "accepted", 2)).build();
        assertThat(((GatewayResult.Accepted) g.send(GatewayRequest.of(TO, "x"))).providerId()).isEqualTo("id-x");
        assertThat(g.name()).isEqualTo("sms-backup");
        g.enqueueServerError();
        g.reset();
        assertThat(g.queued()).isZero();
        assertThat(g.requests()).isEmpty();
        assertThatThrownBy(g::lastRequest).isInstanceOf(IllegalStateException.class);
    }

    @Test
    void isSafeToShareBetweenThreads() throws Exception {
        FakeSmsGateway g = FakeSmsGateway.create();
        for (int i = 0; i < 100; i++) {
            g.enqueueServerError();
        }
        ExecutorService pool = Executors.newFixedThreadPool(8);
        List<Future<?>> fs = new ArrayList<>();
        for (int t = 0; t < 8; t++) {
            fs.add(pool.submit(() -> {
                for (int i = 0; i < 250; i++) {
                    g.send(GatewayRequest.of(TO, "x"));
                }
            }));
        }
        for (Future<?> f : fs) {
            f.get();
        }
        pool.shutdown();
        assertThat(g.requestCount()).isEqualTo(2000);
        assertThat(g.requests()).hasSize(2000);
        assertThat(g.requests().stream().filter(r -> !r.accepted()).count()).isEqualTo(100);
        assertThat(g.requests().stream().map(FakeSmsGateway.Request::index).distinct()).hasSize(2000);
        assertThat(g.requests().stream().filter(FakeSmsGateway.Request::accepted)
                .map(r -> ((GatewayResult.Accepted) r.result()).providerId()).distinct()).hasSize(1900);
    }

    @Test
    void withoutRecordingCountsEverySendAndKeepsIdsUniqueAcrossThreads() throws Exception {
        FakeSmsGateway g = FakeSmsGateway.builder().recordRequests(false).build();
        for (int i = 0; i < 100; i++) {
            g.enqueueServerError();
        }
        String scripted = g.nextId();
        java.util.Set<String> ids = java.util.concurrent.ConcurrentHashMap.newKeySet();
        java.util.concurrent.atomic.AtomicInteger failed = new java.util.concurrent.atomic.AtomicInteger();
        ExecutorService pool = Executors.newFixedThreadPool(8);
        java.util.concurrent.CountDownLatch go = new java.util.concurrent.CountDownLatch(1);
        List<Future<?>> fs = new ArrayList<>();
        for (int t = 0; t < 8; t++) {
            fs.add(pool.submit(() -> {
                go.await();
                for (int i = 0; i < 3_000; i++) { // several blocks of ids per thread
                    GatewayResult r = g.send(GatewayRequest.of(TO, "x"));
                    if (r instanceof GatewayResult.Accepted a) {
                        ids.add(a.providerId());
                    } else {
                        failed.incrementAndGet();
                    }
                }
                return null;
            }));
        }
        go.countDown();
        for (Future<?> f : fs) {
            f.get();
        }
        pool.shutdown();
        assertThat(g.requestCount()).isEqualTo(24_000);
        assertThat(failed.get()).isEqualTo(100);
        assertThat(ids).hasSize(23_900).doesNotContain(scripted).allMatch(id -> id.matches("SM[0-9a-f]{32}"));
        assertThat(g.requests()).isEmpty();
    }
}
