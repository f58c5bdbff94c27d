package io.consentkit.send;

import io.consentkit.consent.ConsentTracker;
import io.consentkit.send.SendOutcome.Reason;
import io.consentkit.store.InMemoryConsentStore;
import io.consentkit.testkit.FakeSmsGateway;
import io.consentkit.testkit.SettableClock;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.atomic.AtomicBoolean;

import static org.assertj.core.api.Assertions.assertThat;

/** A limit store that fails: the send is blocked, never made, and a failed release never hides a send. */
class LimitStoreFailureTest {
    final SettableClock clock = SettableClock.at("2026-01-15T18:00:10Z");
    final ConsentTracker tracker = ConsentTracker.builder(new InMemoryConsentStore()).clock(clock).build();
    final FakeSmsGateway gateway = FakeSmsGateway.builder().clock(clock).build();
    final InMemorySendLog log = new InMemorySendLog();

    /** The in-memory store, with its reserve or its release failing while {@code down} is set. */
    static final class Failing implements LimitStore {
        final LimitStore inner;
        final AtomicBoolean reserveDown = new AtomicBoolean();
        final AtomicBoolean releaseDown = new AtomicBoolean();

        Failing(LimitPolicy policy) {
            this.inner = LimitStore.inMemory(policy);
        }

        @Override
        public LimitPolicy policy() {
            return inner.policy();
        }

        @Override
        public Decision reserve(Usage usage) {
            if (reserveDown.get()) {
                throw new LimitStoreException("limit database unreachable");
            }
            return inner.reserve(usage);
        }

        @Override
        public Decision check(Usage usage) {
            return inner.check(usage);
        }

        @Override
        public void commit(Reservation reservation) {
            inner.commit(reservation);
        }

        @Override
        public void release(Reservation reservation) {
            if (releaseDown.get()) {
                throw new LimitStoreException("limit database unreachable");
            }
            inner.release(reservation);
        }

        @Override
        public void seed(Usage usage) {
            inner.seed(usage);
        }

        @Override
        public Today today(Instant now) {
            return inner.today(now);
        }

        @Override
        public boolean startsEmpty() {
            return false;
        }
    }

    @Test
    void aReservationThatThrowsBlocksTheSendAndTheGatewayIsNotCalled() {
        Failing[] store = new Failing[1];
        GuardedSender sender = GuardedSender.builder(tracker, gateway).clock(clock).sendLog(log)
                .cooldown(Duration.ofMinutes(5)).limitStore(p -> store[0] = new Failing(p)).build();
        store[0].reserveDown.set(true);
        SendOutcome o = sender.send(OutboundMessage.transactional("+15125552000", "Chore due"));
        assertThat(o).isInstanceOf(SendOutcome.Blocked.class);
        SendOutcome.Blocked b = (SendOutcome.Blocked) o;
        assertThat(b.reason()).isEqualTo(Reason.STORE_UNAVAILABLE);
        assertThat(b.detail()).contains("sending limits could not be checked").contains("limit database unreachable");
        assertThat(gateway.requestCount()).isZero();

        store[0].reserveDown.set(false);
        assertThat(sender.send(OutboundMessage.transactional("+15125552000", "Chore due")).sent()).isTrue();
    }

    @Test
    void aReleaseThatThrowsStillRecordsTheFailureAndKeepsThePlace() {
        Failing[] store = new Failing[1];
        GuardedSender sender = GuardedSender.builder(tracker, gateway).clock(clock).sendLog(log)
                .recipientDailyCap(1).limitStore(p -> store[0] = new Failing(p)).build();
        store[0].releaseDown.set(true);
        gateway.enqueueServerError();
        SendOutcome o = sender.send(OutboundMessage.transactional("+15125552001", "Chore due"));
        assertThat(o).isInstanceOf(SendOutcome.Failed.class);
        assertThat(log.entries()).hasSize(1);
        SendOutcome next = sender.send(OutboundMessage.transactional("+15125552001", "Chore due"));
        assertThat(next).isInstanceOf(SendOutcome.Deferred.class);
        assertThat(((SendOutcome.Deferred) next).reason()).isEqualTo(Reason.RECIPIENT_DAILY_CAP);
        assertThat(gateway.requestCount()).isEqualTo(1);
    }
}
