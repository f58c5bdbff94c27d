package io.consentkit.send;

import io.consentkit.consent.ConsentChannel;
import io.consentkit.consent.ConsentTracker;
import io.consentkit.consent.Programs;
import io.consentkit.consent.RevocationRequest;
import io.consentkit.consent.RevocationScope;
import io.consentkit.inbound.InboundHandler;
import io.consentkit.inbound.InboundMessage;
import io.consentkit.journal.RevocationMethod;
import io.consentkit.phone.PhoneNumber;
import io.consentkit.store.InMemoryConsentStore;
import io.consentkit.testkit.SettableClock;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.time.Duration;
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
import java.util.function.Consumer;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Once an opt-out returns, no gateway call for the number starts: senders racing a revoke on real
 * threads, with a gateway that notes when each call enters it.
 */
@Timeout(120)
class RevokeFenceTest {
    private static final int ROUNDS = 300;
    private static final int SENDERS = 3;

    private final SettableClock clock = SettableClock.at("2026-01-15T18:00:00Z");
    private final ConsentTracker tracker = ConsentTracker.builder(new InMemoryConsentStore()).brand("Basin")
            .clock(clock).build();
    private final ExecutorService pool = Executors.newFixedThreadPool(SENDERS + 1);

    /** A gateway that records (number, System.nanoTime() on entry) for every call. */
    static final class EntryRecordingGateway implements SmsGateway {
        record Entry(String to, long nanos) {
        }

        final ConcurrentLinkedQueue<Entry> entries = new ConcurrentLinkedQueue<>();
        final AtomicInteger ids = new AtomicInteger();
        volatile Consumer<GatewayRequest> inside = r -> { };

        @Override
        public GatewayResult send(GatewayRequest request) {
            entries.add(new Entry(request.to().e164(), System.nanoTime()));
            inside.accept(request);
            return new GatewayResult.Accepted(String.format("SM%032x", ids.incrementAndGet()), "queued", 1);
        }

        @Override
        public String name() {
            return "recording";
        }
    }

    @AfterEach
    void close() {
        pool.shutdownNow();
        tracker.close();
    }

    private interface OptOut {
        void run(PhoneNumber phone);
    }

    /** Runs the race ROUNDS times; returns the gateway calls that entered after the opt-out returned. */
    private List<String> race(int rounds, EntryRecordingGateway gateway, OptOut optOut) throws Exception {
        GuardedSender sender = GuardedSender.builder(tracker, gateway).clock(clock).quietHours(QuietHours.none())
                .sendLog(new InMemorySendLog(64)).build();
        List<String> late = new ArrayList<>();
        for (int round = 0; round < rounds; round++) {
            PhoneNumber phone = PhoneNumber.of(String.format("+1512555%04d", 1000 + round));
            gateway.entries.clear(); // the previous round's senders have all returned
            CountDownLatch sending = new CountDownLatch(SENDERS);
            List<Future<Void>> fs = new ArrayList<>();
            for (int s = 0; s < SENDERS; s++) {
                fs.add(pool.submit((Callable<Void>) () -> {
                    boolean counted = false;
                    while (true) {
                        SendOutcome o = sender.send(OutboundMessage.transactional(phone.e164(), "Your code is 4839"));
                        if (!counted) {
                            counted = true;
                            sending.countDown();
                        }
                        if (o instanceof SendOutcome.Blocked) {
                            return null;
                        }
                    }
                }));
            }
            assertThat(sending.await(20, TimeUnit.SECONDS)).isTrue();
            optOut.run(phone);
            long returned = System.nanoTime();
            for (Future<Void> f : fs) {
                f.get(20, TimeUnit.SECONDS);
            }
            assertThat(tracker.isOptedOut(phone)).isTrue();
            for (EntryRecordingGateway.Entry e : gateway.entries) {
                if (e.to().equals(phone.e164()) && e.nanos() - returned > 0) {
                    late.add("round " + round + ": +" + (e.nanos() - returned) / 1000 + " us");
                }
            }
        }
        return late;
    }

    @Test
    void noGatewayCallStartsAfterRevokeReturns() throws Exception {
        EntryRecordingGateway gateway = new EntryRecordingGateway();
        List<String> late = race(ROUNDS, gateway, phone -> tracker.revoke(phone, RevocationMethod.CUSTOMER_REQUEST, "desk"));
        assertThat(late).as("%d gateway calls entered after the opt-out returned, in %d rounds", late.size(),
                late.stream().map(l -> l.substring(0, l.indexOf(':'))).distinct().count()).isEmpty();
    }

    @Test
    void noGatewayCallStartsAfterAScopedRevokeReturns() throws Exception {
        EntryRecordingGateway gateway = new EntryRecordingGateway();
        List<String> late = race(ROUNDS / 3, gateway, phone -> tracker.revoke(RevocationRequest.of(phone,
                RevocationScope.brand(Programs.DEFAULT_NAME), ConsentChannel.AGENT, RevocationMethod.CUSTOMER_REQUEST)));
        assertThat(late).as("%d gateway calls entered after the scoped opt-out returned", late.size()).isEmpty();
    }

    @Test
    void noGatewayCallStartsAfterAnInboundStopReturns() throws Exception {
        EntryRecordingGateway gateway = new EntryRecordingGateway();
        InboundHandler inbound = InboundHandler.builder(tracker).supportContact("help@basin.example").build();
        AtomicInteger sid = new AtomicInteger();
        List<String> late = race(ROUNDS / 3, gateway, phone -> inbound.handle(
                InboundMessage.of(phone.e164(), "STOP", String.format("SM%032x", sid.incrementAndGet()), clock.instant())));
        assertThat(late).as("%d gateway calls entered after the opt-out returned, in %d rounds", late.size(),
                late.stream().map(l -> l.substring(0, l.indexOf(':'))).distinct().count()).isEmpty();
    }

    @Test
    void gatewaysThatRecordOptOutsWhileSendingDoNotDeadlock() throws Exception {
        EntryRecordingGateway gateway = new EntryRecordingGateway();
        CountDownLatch both = new CountDownLatch(2);
        gateway.inside = r -> {
            both.countDown();
            try {
                both.await(5, TimeUnit.SECONDS); // both sends are inside the gateway, each holding the fence
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            tracker.revokeByProvider(r.to(), "recording", 21610, "");
        };
        GuardedSender sender = GuardedSender.builder(tracker, gateway).clock(clock).quietHours(QuietHours.none()).build();
        PhoneNumber phone = PhoneNumber.of("+15125559876");
        Future<SendOutcome> a = pool.submit(() -> sender.send(OutboundMessage.transactional(phone.e164(), "a")));
        Future<SendOutcome> b = pool.submit(() -> sender.send(OutboundMessage.transactional(phone.e164(), "b")));
        assertThat(a.get(10, TimeUnit.SECONDS)).isInstanceOf(SendOutcome.Sent.class);
        assertThat(b.get(10, TimeUnit.SECONDS)).isInstanceOf(SendOutcome.Sent.class);
        assertThat(tracker.isOptedOut(phone)).isTrue();
        assertThat(sender.send(OutboundMessage.transactional(phone.e164(), "again"))).isInstanceOf(SendOutcome.Blocked.class);
        assertThat(gateway.entries).hasSize(2);
    }

    @Test
    void aProviderOptOutReportedBySendsToTheSameNumberDoesNotDeadlock() throws Exception {
        EntryRecordingGateway gateway = new EntryRecordingGateway();
        CountDownLatch both = new CountDownLatch(2);
        SmsGateway optedOut = new SmsGateway() {
            @Override
            public GatewayResult send(GatewayRequest request) {
                gateway.send(request);
                both.countDown();
                try {
                    both.await(5, TimeUnit.SECONDS); // both sends are in flight together
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
                return new GatewayResult.Failed(GatewayResult.FailureKind.OPTED_OUT, 21610, "unsubscribed", Duration.ZERO);
            }

            @Override
            public String name() {
                return "opted-out";
            }
        };
        GuardedSender sender = GuardedSender.builder(tracker, optedOut).clock(clock).quietHours(QuietHours.none()).build();
        PhoneNumber phone = PhoneNumber.of("+15125559875");
        Future<SendOutcome> a = pool.submit(() -> sender.send(OutboundMessage.transactional(phone.e164(), "a")));
        Future<SendOutcome> b = pool.submit(() -> sender.send(OutboundMessage.transactional(phone.e164(), "b")));
        assertThat(a.get(20, TimeUnit.SECONDS)).isInstanceOf(SendOutcome.Failed.class);
        assertThat(b.get(20, TimeUnit.SECONDS)).isInstanceOf(SendOutcome.Failed.class);
        assertThat(tracker.isOptedOut(phone)).isTrue();
    }
}
