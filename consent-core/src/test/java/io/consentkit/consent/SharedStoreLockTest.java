package io.consentkit.consent;

import io.consentkit.journal.ConsentRecord;
import io.consentkit.journal.ConsentStatus;
import io.consentkit.journal.SharedConsentStore;
import io.consentkit.journal.StoreCapabilities;
import io.consentkit.phone.PhoneNumber;
import io.consentkit.store.InMemoryConsentStore;
import io.consentkit.testkit.SettableClock;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * With a store shared with other writers, a step under a number's lock sees the other writers' rows
 * (they are picked up just before the lock is taken) and does not refresh inside the lock (refreshing
 * takes other numbers' locks, which a lock holder must not wait for).
 */
class SharedStoreLockTest {
    final SettableClock clock = SettableClock.at("2026-03-02T15:00:00Z");
    final OtherWriters store = new OtherWriters();
    final ConsentTracker tracker = ConsentTracker.builder(store).clock(clock).refreshInterval(Duration.ofSeconds(1))
            .build();
    final PhoneNumber ann = tracker.phoneNumbers().parse("+15125551234");

    @AfterEach
    void close() {
        tracker.close();
    }

    @Test
    void aStepSeesOtherWritersRowsAndDoesNotRefreshInsideTheLock() {
        store.elsewhere.add(new ConsentRecord("00000000000000aa", clock.instant(), ann, "", "", "", "", "", "", "",
                Map.of(), ConsentStatus.REVOKED, clock.instant(), "stop_keyword"));
        clock.advance(Duration.ofSeconds(2));

        int[] pollsInside = new int[2];
        boolean optedOut = tracker.withNumberLock(ann, () -> {
            pollsInside[0] = store.polls.get();
            clock.advance(Duration.ofSeconds(2));
            boolean out = tracker.isOptedOut(ann);
            tracker.history(ann);
            pollsInside[1] = store.polls.get();
            return out;
        });

        assertThat(optedOut).isTrue();
        assertThat(pollsInside[0]).isEqualTo(1);
        assertThat(pollsInside[1]).isEqualTo(1);
        tracker.isOptedOut(ann);
        assertThat(store.polls.get()).isEqualTo(2);
    }

    /** An in-memory store whose "other writers" hand their rows over through {@link #elsewhere}. */
    static final class OtherWriters implements SharedConsentStore {
        final List<ConsentRecord> elsewhere = new ArrayList<>();
        final AtomicInteger polls = new AtomicInteger();
        private final InMemoryConsentStore delegate = new InMemoryConsentStore();

        @Override
        public synchronized List<ConsentRecord> poll() {
            polls.incrementAndGet();
            List<ConsentRecord> out = List.copyOf(elsewhere);
            elsewhere.clear();
            return out;
        }

        @Override
        public void replay(Consumer<ConsentRecord> sink) {
            delegate.replay(sink);
        }

        @Override
        public void append(List<ConsentRecord> rows) {
            delegate.append(rows);
        }

        @Override
        public StoreCapabilities capabilities() {
            return new StoreCapabilities("other-writers", false, true, true, Duration.ofSeconds(1));
        }

        @Override
        public void close() {
            delegate.close();
        }
    }
}
