package io.consentkit.s3.internal;

import io.consentkit.journal.ConsentRecord;
import io.consentkit.journal.ConsentStoreException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Consumer;

/**
 * The store's replay (open) and poll: reads through a {@link JournalLoader}, keeps the seen-key
 * bookkeeping in the shared {@link JournalState}, and offers each open to the {@link Compactor}.
 * Replay and poll are serialised. Not public API. Thread-safe.
 */
public final class JournalReader {
    private static final Logger LOG = LoggerFactory.getLogger(JournalReader.class);

    private final JournalLoader loader;
    private final JournalState state;
    private final Compactor compactor;
    private final Clock clock;
    private final String location;

    /** Serialises replay, poll and the seen-key bookkeeping they share. */
    private final ReentrantLock pollLock = new ReentrantLock();

    /** @param location {@code s3://bucket/prefix}, for log lines */
    public JournalReader(JournalLoader loader, JournalState state, Compactor compactor, Clock clock, String location) {
        this.loader = loader;
        this.state = state;
        this.compactor = compactor;
        this.clock = clock;
        this.location = location;
    }

    /**
     * Reads manifest, snapshot and every newer journal object, and feeds every row to
     * {@code sink} in journal order; then compacts if the open found enough journal objects.
     * Every object is decoded before the first row is fed, so a malformed object fails the call
     * without a partial replay.
     *
     * @throws io.consentkit.journal.JournalFormatException if an object is not in the journal schema
     * @throws ConsentStoreException                      if S3 cannot be read
     */
    public void replay(Consumer<ConsentRecord> sink) {
        pollLock.lock();
        try {
            JournalLoader.Loaded l = loader.load();
            List<ConsentRecord> rows = new ArrayList<>();
            if (l.snapshot() != null) {
                rows.addAll(loader.decode(l.manifest().snapshotKey(), l.snapshot()));
            }
            for (String k : l.journalKeys()) {
                rows.addAll(loader.decode(k, l.bodies().get(k)));
            }
            state.replayed(l.manifest() == null ? null : l.manifest().coveredThrough(), l.listingMillis(),
                    l.journalKeys());
            LOG.debug("opened {}: {} snapshot row(s), {} journal object(s)", location,
                    l.manifest() == null ? 0 : l.manifest().rows(), l.journalKeys().size());
            for (ConsentRecord r : rows) {
                sink.accept(r);
            }
            compactor.compactOnOpen(l);
        } finally {
            pollLock.unlock();
        }
    }

    /**
     * Rows other writers appended since the last replay or poll, in key order; never rows this
     * instance appended.
     *
     * @throws ConsentStoreException if called before {@link #replay}, or S3 cannot be read
     */
    public List<ConsentRecord> poll() {
        pollLock.lock();
        try {
            String startAfter = state.pollStartAfter();
            long listingMillis = clock.millis();
            List<String> fresh = state.unseen(loader.list(startAfter));
            Map<String, byte[]> bodies = loader.fetchAll(fresh);
            List<ConsentRecord> rows = new ArrayList<>();
            for (String k : fresh) {
                rows.addAll(loader.decode(k, bodies.get(k)));
            }
            state.polled(fresh, listingMillis);
            if (!fresh.isEmpty()) {
                LOG.debug("poll of {}: {} new object(s), {} row(s)", location, fresh.size(), rows.size());
            }
            return rows;
        } finally {
            pollLock.unlock();
        }
    }
}
