package io.consentkit.benchmarks;

import io.consentkit.consent.ConsentTracker;
import io.consentkit.journal.ConsentRecord;
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

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalTime;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Random;

/**
 * The guard pipeline the guard benchmarks run: a tracker over 20,000 consents in memory, a
 * {@link FakeSmsGateway} that records nothing, and a {@link GuardedSender} with every guard on (quiet
 * hours with the bundled rules, formatting with a segment budget and footer, prices, cooldown,
 * hourly and daily per-recipient caps, global daily cap, segment rate, in-memory send log), on a
 * clock that runs fast from noon US Central so cooldowns and hourly windows turn over during a run.
 *
 * <p>Messages come in <em>lanes</em>: lane {@code k} of {@code n} texts only the numbers {@code i}
 * with {@code i % n == k}, so {@code n} threads each on their own lane never share a recipient (as
 * independent sends of one application do), and the per-recipient rate is the same at any thread
 * count if the throughput scales. Not thread-safe to build; the sender it holds is.
 */
final class GuardFixture {
    static final int RECIPIENTS = 20_000;
    static final int MASK = (1 << 14) - 1;

    final ConsentTracker tracker;
    final FakeSmsGateway gateway;
    final GuardedSender sender;

    /**
     * A clock running {@code speed} times real time from {@code base}; no shared counter, so it does
     * not serialise threads.
     */
    static final class WarpClock extends Clock {
        private final Instant base;
        private final long speed;
        private final long startNanos = System.nanoTime();

        WarpClock(Instant base, long speed) {
            this.base = base;
            this.speed = speed;
        }

        @Override
        public Instant instant() {
            return base.plusNanos((System.nanoTime() - startNanos) * speed);
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

    /** @param speed virtual seconds per real second (the JMH benchmark: 600; a longer timed run: less) */
    GuardFixture(long speed) {
        List<ConsentRecord> rows = JournalGenerator.rows(RECIPIENTS, 11);
        InMemoryConsentStore store = new InMemoryConsentStore();
        store.append(rows);
        tracker = ConsentTracker.builder(store).build();
        gateway = FakeSmsGateway.builder().recordRequests(false).build();
        Instant noonCentral = LocalDate.now(ZoneOffset.UTC).atTime(LocalTime.NOON)
                .atZone(ZoneId.of("America/Chicago")).toInstant();
        sender = GuardedSender.builder(tracker, gateway)
                .clock(new WarpClock(noonCentral, speed))
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
    }

    /** Marketing and transactional messages in turn, to random numbers of lane {@code lane} of {@code lanes}. */
    static OutboundMessage[] messages(int lane, int lanes) {
        OutboundMessage[] out = new OutboundMessage[MASK + 1];
        Random rnd = new Random(3 + lane);
        for (int k = 0; k <= MASK; k++) {
            String to = JournalGenerator.phone(number(rnd, lane, lanes));
            String body = "Basin Climbing: member night Friday 6-9pm, bring a friend free. Code FRIEND" + k;
            out[k] = k % 2 == 0 ? OutboundMessage.marketing(to, body) : OutboundMessage.transactional(to, body);
        }
        return out;
    }

    /** Gateway requests as the pipeline would make of {@link #messages}, for the bare gateway baseline. */
    static GatewayRequest[] requests(int lane, int lanes) {
        OutboundMessage[] m = messages(lane, lanes);
        GatewayRequest[] out = new GatewayRequest[m.length];
        for (int k = 0; k < m.length; k++) {
            out[k] = GatewayRequest.of(PhoneNumber.of(m[k].to()), m[k].body() + " Reply STOP to opt out");
        }
        return out;
    }

    /** Marketing on four subjects to Austin (area index 0) and Miami (index 4) numbers. */
    static OutboundMessage[] rulePack() {
        OutboundMessage[] out = new OutboundMessage[MASK + 1];
        Random rnd = new Random(5);
        String[] subjects = {"spring_sale", "new_store", "member_night", "gear_swap"};
        for (int k = 0; k <= MASK; k++) {
            int i = rnd.nextInt(RECIPIENTS / 10) * 10 + (k % 2 == 0 ? 0 : 4);
            out[k] = OutboundMessage.builder(JournalGenerator.phone(i)).category(MessageCategory.MARKETING)
                    .body("Basin Climbing: member night Friday 6-9pm. Code FRIEND" + k).templateId(subjects[k % 4]).build();
        }
        return out;
    }

    /** The six built-in categories in turn, to random numbers. */
    static OutboundMessage[] categories() {
        OutboundMessage[] out = new OutboundMessage[MASK + 1];
        Random rnd = new Random(7);
        MessageCategory[] kinds = {MessageCategory.MARKETING, MessageCategory.REMINDER, MessageCategory.TRANSACTIONAL,
            MessageCategory.OTP, MessageCategory.EMERGENCY, MessageCategory.INTERNAL};
        for (int k = 0; k <= MASK; k++) {
            out[k] = OutboundMessage.builder(JournalGenerator.phone(rnd.nextInt(RECIPIENTS)))
                    .category(kinds[k % kinds.length]).body("Basin Climbing: your code is " + (100000 + k)).build();
        }
        return out;
    }

    /** {@link #MASK} + 1 messages, all to one number (marketing and transactional in turn). */
    static OutboundMessage[] oneRecipient() {
        OutboundMessage[] out = new OutboundMessage[MASK + 1];
        String to = JournalGenerator.phone(1);
        for (int k = 0; k <= MASK; k++) {
            String body = "Basin Climbing: member night Friday 6-9pm, bring a friend free. Code FRIEND" + k;
            out[k] = k % 2 == 0 ? OutboundMessage.marketing(to, body) : OutboundMessage.transactional(to, body);
        }
        return out;
    }

    private static int number(Random rnd, int lane, int lanes) {
        int perLane = (RECIPIENTS - lane + lanes - 1) / lanes;
        return rnd.nextInt(perLane) * lanes + lane;
    }

    void close() {
        tracker.close();
    }
}
