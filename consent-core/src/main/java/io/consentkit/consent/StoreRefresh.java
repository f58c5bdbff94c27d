package io.consentkit.consent;

import io.consentkit.journal.ConsentRecord;
import io.consentkit.journal.ConsentStore;
import io.consentkit.journal.SharedConsentStore;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Consumer;

/**
 * Picks up rows other writers appended to a {@link SharedConsentStore}: on demand, and before a lookup
 * once the last refresh is older than the visibility bound. Each row is indexed under its number's
 * write lock. A no-op for stores without other writers. Thread-safe.
 */
final class StoreRefresh {
    private static final Logger LOG = LoggerFactory.getLogger(StoreRefresh.class);

    private final ConsentStore store;
    private final NumberLocks locks;
    private final Consumer<ConsentRecord> index;
    private final java.util.function.Function<ConsentRecord, List<ConsentRecord>> erased;
    private final Clock clock;
    private final long boundMillis;
    private volatile long lastRefresh;

    /**
     * @param erased for a row just indexed, the rows to index after it under their own numbers' locks
     *               (an erasure row's suppressions of numbers the index still holds), usually none
     */
    StoreRefresh(ConsentStore store, NumberLocks locks, Consumer<ConsentRecord> index,
                 java.util.function.Function<ConsentRecord, List<ConsentRecord>> erased, Clock clock, Duration bound) {
        this.store = store;
        this.locks = locks;
        this.index = index;
        this.erased = erased;
        this.clock = clock;
        this.boundMillis = bound.toMillis();
    }

    /** Notes that the index is current now (after the open-time replay). */
    void markRefreshed() {
        lastRefresh = clock.millis();
    }

    void refresh() {
        if (!(store instanceof SharedConsentStore shared)) {
            return;
        }
        List<ConsentRecord> fresh = shared.poll();
        for (ConsentRecord r : fresh) {
            indexLocked(r);
            for (ConsentRecord s : erased.apply(r)) { // one stripe at a time: never wait for one while holding another
                indexLocked(s);
            }
        }
        lastRefresh = clock.millis();
        if (!fresh.isEmpty()) {
            LOG.debug("refresh picked up {} row(s) from other writers", fresh.size());
        }
    }

    private void indexLocked(ConsentRecord r) {
        ReentrantLock lock = locks.of(r.phoneNumber());
        lock.lock();
        try {
            index.accept(r);
        } finally {
            lock.unlock();
        }
    }

    /**
     * Refreshes when the last refresh is older than the bound; not while the calling thread holds a
     * write lock (refresh takes other numbers' locks; {@link ConsentTracker#withNumberLock} refreshes
     * before it takes the lock).
     */
    void maybeRefresh() {
        if (boundMillis > 0 && clock.millis() - lastRefresh >= boundMillis && !locks.heldByCurrentThread()) {
            refresh();
        }
    }
}
