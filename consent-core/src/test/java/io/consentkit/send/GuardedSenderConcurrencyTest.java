package io.consentkit.send;

import io.consentkit.send.GatewayResult;
import io.consentkit.send.GuardedSender;
import io.consentkit.send.OutboundMessage;
import io.consentkit.send.SendListener;
import io.consentkit.send.SendOutcome;
import io.consentkit.send.SmsGateway;
import io.consentkit.consent.ConsentTracker;
import io.consentkit.send.GatewayResult.FailureKind;
import io.consentkit.send.SendOutcome.Reason;
import io.consentkit.store.InMemoryConsentStore;
import io.consentkit.testkit.FakeSmsGateway;
import io.consentkit.testkit.SettableClock;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.IntFunction;

import static org.assertj.core.api.Assertions.assertThat;

/** Many threads against one sender: no cap may ever be exceeded. The clock is frozen: no sleeping. */
class GuardedSenderConcurrencyTest {
    private static final int THREADS = 16;
    private static final int PER_THREAD = 60;

    private final SettableClock clock = SettableClock.at("2026-01-15T18:00:00Z");
    private final ConsentTracker tracker = ConsentTracker.builder(new InMemoryConsentStore()).clock(clock).build();
    private final FakeSmsGateway gateway = FakeSmsGateway.builder().clock(clock).recordRequests(false).build();

    private GuardedSender.Builder builder() {
        return GuardedSender.builder(tracker, gateway).clock(clock);
    }

    private static String number(int i) {
        return "+1512555" + String.format("%04d", 1000 + i % 8000);
    }

    /** Runs {@code THREADS x PER_THREAD} sends, all released at once; returns every outcome. */
    private static List<SendOutcome> race(GuardedSender sender, IntFunction<OutboundMessage> message)
            throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(THREADS);
        CountDownLatch start = new CountDownLatch(1);
        ConcurrentLinkedQueue<SendOutcome> outcomes = new ConcurrentLinkedQueue<>();
        List<Future<?>> fs = new ArrayList<>();
        for (int t = 0; t < THREADS; t++) {
            int tt = t;
            fs.add(pool.submit((Callable<Void>) () -> {
                start.await();
                for (int i = 0; i < PER_THREAD; i++) {
                    outcomes.add(sender.send(message.apply(tt * PER_THREAD + i)));
                }
                return null;
            }));
        }
        start.countDown();
        for (Future<?> f : fs) {
            f.get(30, TimeUnit.SECONDS);
        }
        pool.shutdown();
        return new ArrayList<>(outcomes);
    }

    private static long sent(List<SendOutcome> outcomes) {
        return outcomes.stream().filter(SendOutcome::sent).count();
    }

    private static long deferredFor(List<SendOutcome> outcomes, Reason reason) {
        return outcomes.stream().filter(o -> o instanceof SendOutcome.Deferred d && d.reason() == reason).count();
    }

    @Test
    void oneRecipientsDailyCapHoldsUnderARace() throws Exception {
        GuardedSender sender = builder().recipientDailyCap(7).build();
        List<SendOutcome> out = race(sender, i -> OutboundMessage.transactional("+15125551234", "x"));
        assertThat(sent(out)).isEqualTo(7);
        assertThat(deferredFor(out, Reason.RECIPIENT_DAILY_CAP)).isEqualTo(THREADS * PER_THREAD - 7);
        assertThat(gateway.requestCount()).isEqualTo(7);
    }

    @Test
    void oneRecipientsHourlyCapAndCooldownHoldUnderARace() throws Exception {
        List<SendOutcome> hourly = race(builder().recipientHourlyCap(3).build(),
                i -> OutboundMessage.transactional("+15125551234", "x"));
        assertThat(sent(hourly)).isEqualTo(3);
        List<SendOutcome> cooled = race(builder().cooldown(Duration.ofMinutes(10)).build(),
                i -> OutboundMessage.transactional("+12125551234", "x"));
        assertThat(sent(cooled)).isEqualTo(1);
        assertThat(deferredFor(cooled, Reason.COOLDOWN)).isEqualTo(THREADS * PER_THREAD - 1);
    }

    @Test
    void theGlobalDailyCapHoldsAcrossRecipientsAndAlertsOnce() throws Exception {
        AtomicInteger thresholds = new AtomicInteger();
        AtomicInteger reached = new AtomicInteger();
        GuardedSender sender = builder().globalDailyCap(100).listener(new SendListener() {
            @Override
            public void onDailyCapThreshold(LocalDate day, long used, long cap) {
                thresholds.incrementAndGet();
            }

            @Override
            public void onDailyCapReached(LocalDate day, long cap) {
                reached.incrementAndGet();
            }
        }).build();
        List<SendOutcome> out = race(sender, i -> OutboundMessage.transactional(number(i), "x"));
        assertThat(sent(out)).isEqualTo(100);
        assertThat(sender.usedToday()).isEqualTo(100);
        assertThat(gateway.requestCount()).isEqualTo(100);
        assertThat(thresholds.get()).isEqualTo(1);
        assertThat(reached.get()).isEqualTo(1);
    }

    @Test
    void capsStayExactWhenSomeSendsFailAndGiveTheirPlaceBack() throws Exception {
        AtomicInteger calls = new AtomicInteger();
        FakeSmsGateway flaky = FakeSmsGateway.builder().clock(clock).recordRequests(false).defaultOutcome(r ->
                calls.incrementAndGet() % 3 == 0
                        ? new GatewayResult.Failed(FailureKind.TEMPORARY, 30500, "server error", Duration.ZERO)
                        : new GatewayResult.Accepted("SM" + calls.get(), "queued", 1)).build();
        GuardedSender sender = GuardedSender.builder(tracker, flaky).clock(clock).globalDailyCap(200)
                .recipientDailyCap(3).build();
        List<SendOutcome> out = race(sender, i -> OutboundMessage.transactional(number(i % 100), "x"));
        long failures = out.stream().filter(o -> o instanceof SendOutcome.Failed).count();
        assertThat(failures).isPositive();
        // 100 recipients x 3 per day would be 300: the global cap of 200 binds, exactly
        assertThat(sent(out)).isEqualTo(200);
        assertThat(sender.usedToday()).isEqualTo(200);
    }

    @Test
    void theRateLimitHoldsAtOneInstant() throws Exception {
        GuardedSender sender = builder().segmentsPerSecond(25).build();
        List<SendOutcome> out = race(sender, i -> OutboundMessage.transactional(number(i), "x"));
        assertThat(sent(out)).isEqualTo(25);
        assertThat(deferredFor(out, Reason.RATE_LIMIT)).isEqualTo(THREADS * PER_THREAD - 25);
        clock.advance(Duration.ofSeconds(1));
        assertThat(sent(race(sender, i -> OutboundMessage.transactional(number(i), "x")))).isEqualTo(25);
    }

    @Test
    void aSendInFlightAlreadyHoldsItsPlace() throws Exception {
        CountDownLatch inGateway = new CountDownLatch(1);
        CountDownLatch release = new CountDownLatch(1);
        SmsGateway slow = request -> {
            inGateway.countDown();
            try {
                release.await(10, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            return new GatewayResult.Accepted("SM1", "queued", 1);
        };
        GuardedSender sender = GuardedSender.builder(tracker, slow).clock(clock).cooldown(Duration.ofMinutes(5)).build();
        ExecutorService pool = Executors.newSingleThreadExecutor();
        Future<SendOutcome> first = pool.submit(() -> sender.send(OutboundMessage.transactional("+15125551234", "a")));
        assertThat(inGateway.await(10, TimeUnit.SECONDS)).isTrue();
        SendOutcome second = sender.send(OutboundMessage.transactional("+15125551234", "b"));
        assertThat(second).isInstanceOf(SendOutcome.Deferred.class);
        assertThat(((SendOutcome.Deferred) second).reason()).isEqualTo(Reason.COOLDOWN);
        release.countDown();
        assertThat(first.get(10, TimeUnit.SECONDS).sent()).isTrue();
        pool.shutdown();
    }

    @Test
    void sixtyFourThousandRacingAttemptsNeverPassAnyCapOrWindow() throws Exception {
        int threads = 16;
        int perThread = 4_000;
        AtomicInteger calls = new AtomicInteger();
        java.util.concurrent.ConcurrentHashMap<String, AtomicInteger> perRecipient = new java.util.concurrent.ConcurrentHashMap<>();
        SmsGateway flaky = request -> {
            if (calls.incrementAndGet() % 4 == 0) {
                return new GatewayResult.Failed(FailureKind.TEMPORARY, 30500, "server error", Duration.ZERO);
            }
            perRecipient.computeIfAbsent(request.to().e164(), k -> new AtomicInteger()).incrementAndGet();
            return new GatewayResult.Accepted("SM" + calls.get(), "queued", 2);
        };
        // 500 recipients x 3 a day = 1,500; 2,000 a day; 25 USD a day = 1,506 two-segment texts;
        // 2,600 segments a minute = 1,300 texts: the minute window binds
        GuardedSender sender = GuardedSender.builder(tracker, flaky).clock(clock).recipientDailyCap(3)
                .globalDailyCap(2_000).segmentsPerMinute(2_600).prices(io.consentkit.message.PriceTable.example())
                .dailyBudget(new java.math.BigDecimal("25")).build();
        String twoSegments = "x".repeat(306);
        ExecutorService pool = Executors.newFixedThreadPool(threads);
        CountDownLatch start = new CountDownLatch(1);
        AtomicInteger sent = new AtomicInteger();
        List<Future<?>> fs = new ArrayList<>();
        for (int t = 0; t < threads; t++) {
            int tt = t;
            fs.add(pool.submit((Callable<Void>) () -> {
                start.await();
                for (int i = 0; i < perThread; i++) {
                    if (sender.send(OutboundMessage.transactional("+1512555" + (2000 + (tt * perThread + i) % 500),
                            twoSegments)).sent()) {
                        sent.incrementAndGet();
                    }
                }
                return null;
            }));
        }
        start.countDown();
        for (Future<?> f : fs) {
            f.get(60, TimeUnit.SECONDS);
        }
        pool.shutdown();
        assertThat(threads * perThread).isEqualTo(64_000);
        assertThat(sent.get()).isEqualTo(1_300);
        assertThat(perRecipient.values()).allSatisfy(n -> assertThat(n.get()).isLessThanOrEqualTo(3));
        assertThat(perRecipient.values().stream().mapToInt(AtomicInteger::get).sum()).isEqualTo(1_300);
        assertThat(sender.today().segments()).isEqualTo(2_600);
        assertThat(sender.today().spent()).isEqualByComparingTo("21.58"); // 1,300 x 2 x 0.0083
    }
}
