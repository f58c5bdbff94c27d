package io.consentkit.benchmarks;

import io.consentkit.journal.ConsentRecord;
import io.consentkit.consent.ConsentTracker;
import io.consentkit.message.MessageFormatter;
import io.consentkit.message.PriceTable;
import io.consentkit.phone.PhoneNumber;
import io.consentkit.send.GatewayRequest;
import io.consentkit.send.GuardedSender;
import io.consentkit.send.MessageCategory;
import io.consentkit.send.OutboundMessage;
import io.consentkit.send.QuietHours;
import io.consentkit.store.InMemoryConsentStore;
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

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalTime;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * The guard pipeline's cost per message: {@link GuardedSender#send} with every guard on (consent
 * and opt-out lookups over 20,000 consents, quiet hours with Florida overrides, content formatting
 * with a segment budget and cost estimate, cooldown, hourly and daily per-recipient caps, global
 * daily cap, segment rate, in-memory send log) over a {@link FakeSmsGateway}, next to the bare
 * gateway call in the same run, on one and on two threads (issue 8, target 6: two threads at least
 * 1.6x one). Beside {@code guarded1Thread} in the same run (issue 13, target: at most 2x its cost):
 * {@code rulePack1Thread}, marketing on four subjects to Austin (Texas SB 140 windows) and Miami
 * (Florida's window and its 3-per-24-hours per-subject cap, counted by the limit store), and
 * {@code categories1Thread}, the six built-in categories in turn (consent any/program/none,
 * quiet hours skipped for otp/emergency/internal, emergency exempt from caps, otp's time-to-live).
 *
 * <p>Time runs 600x fast on a warped clock starting at noon US Central, so cooldowns and hourly
 * windows turn over while the benchmark runs and most decisions are sends; a trial stays inside
 * the allowed hours of every area code used.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 2, time = 2)
@Measurement(iterations = 3, time = 2)
@Fork(value = 1, jvmArgs = {"-Xmx2g"})
public class GuardedSenderBenchmark {
    private static final int RECIPIENTS = 20_000;
    private static final int MASK = (1 << 14) - 1;

    private ConsentTracker tracker;
    private FakeSmsGateway gateway;
    private GuardedSender sender;
    private OutboundMessage[] messages;
    private OutboundMessage[] rulePack;
    private OutboundMessage[] categories;
    private GatewayRequest[] requests;

    @State(Scope.Thread)
    public static class Cursor {
        int i = (int) (Thread.currentThread().getId() * 7919);
    }

    /** 1 real second = 10 virtual minutes; no shared counter, so it does not serialise threads. */
    static final class WarpClock extends Clock {
        private final Instant base;
        private final long startNanos = System.nanoTime();

        WarpClock(Instant base) {
            this.base = base;
        }

        @Override
        public Instant instant() {
            return base.plusNanos((System.nanoTime() - startNanos) * 600);
        }

        @Override
        public ZoneId getZone() {
            return ZoneOffset.UTC;
        }

        @Override
        public Clock withZone(ZoneId zone) {
            return this;
        }
    }

    @Setup(Level.Trial)
    public void setUp() {
        List<ConsentRecord> rows = JournalGenerator.rows(RECIPIENTS, 11);
        InMemoryConsentStore store = new InMemoryConsentStore();
        store.append(rows);
        tracker = ConsentTracker.builder(store).build();
        gateway = FakeSmsGateway.builder().recordRequests(false).build();
        Instant noonCentral = LocalDate.now(ZoneOffset.UTC).atTime(LocalTime.NOON)
                .atZone(ZoneId.of("America/Chicago")).toInstant();
        sender = GuardedSender.builder(tracker, gateway)
                .clock(new WarpClock(noonCentral))
                .zone(ZoneId.of("America/Chicago"))
                .quietHours(QuietHours.defaults())
                .formatter(MessageFormatter.builder().segmentBudget(2).footer("Reply STOP to opt out").build())
                .prices(PriceTable.example())
                .cooldown(Duration.ofSeconds(5))
                .recipientHourlyCap(1_000)
                .recipientDailyCap(10_000)
                .globalDailyCap(Long.MAX_VALUE / 2)
                .segmentsPerSecond(100_000_000)
                .build();
        messages = new OutboundMessage[MASK + 1];
        requests = new GatewayRequest[MASK + 1];
        java.util.Random rnd = new java.util.Random(3);
        for (int k = 0; k <= MASK; k++) {
            String to = JournalGenerator.phone(rnd.nextInt(RECIPIENTS));
            String body = "Basin Climbing: member night Friday 6-9pm, bring a friend free. Code FRIEND" + k;
            messages[k] = k % 2 == 0 ? OutboundMessage.marketing(to, body) : OutboundMessage.transactional(to, body);
            requests[k] = GatewayRequest.of(PhoneNumber.of(to), body + " Reply STOP to opt out");
        }
        // Austin (area index 0) and Miami (index 4) only, marketing on four subjects
        rulePack = new OutboundMessage[MASK + 1];
        String[] subjects = {"spring_sale", "new_store", "member_night", "gear_swap"};
        for (int k = 0; k <= MASK; k++) {
            int i = rnd.nextInt(RECIPIENTS / 10) * 10 + (k % 2 == 0 ? 0 : 4);
            rulePack[k] = OutboundMessage.builder(JournalGenerator.phone(i)).category(MessageCategory.MARKETING)
                    .body("Basin Climbing: member night Friday 6-9pm. Code FRIEND" + k).templateId(subjects[k % 4]).build();
        }
        categories = new OutboundMessage[MASK + 1];
        MessageCategory[] kinds = {MessageCategory.MARKETING, MessageCategory.REMINDER, MessageCategory.TRANSACTIONAL,
            MessageCategory.OTP, MessageCategory.EMERGENCY, MessageCategory.INTERNAL};
        for (int k = 0; k <= MASK; k++) {
            categories[k] = OutboundMessage.builder(JournalGenerator.phone(rnd.nextInt(RECIPIENTS)))
                    .category(kinds[k % kinds.length]).body("Basin Climbing: your code is " + (100000 + k)).build();
        }
    }

    @TearDown(Level.Trial)
    public void tearDown() {
        tracker.close();
    }

    @Benchmark
    @Threads(1)
    public Object bareGateway1Thread(Cursor c) {
        return gateway.send(requests[c.i++ & MASK]);
    }

    @Benchmark
    @Threads(1)
    public Object guarded1Thread(Cursor c) {
        return sender.send(messages[c.i++ & MASK]);
    }

    @Benchmark
    @Threads(1)
    public Object rulePack1Thread(Cursor c) {
        return sender.send(rulePack[c.i++ & MASK]);
    }

    @Benchmark
    @Threads(1)
    public Object categories1Thread(Cursor c) {
        return sender.send(categories[c.i++ & MASK]);
    }

    @Benchmark
    @Threads(2)
    public Object bareGateway2Threads(Cursor c) {
        return gateway.send(requests[c.i++ & MASK]);
    }

    @Benchmark
    @Threads(2)
    public Object guarded2Threads(Cursor c) {
        return sender.send(messages[c.i++ & MASK]);
    }
}
