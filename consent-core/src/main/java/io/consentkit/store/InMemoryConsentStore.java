package io.consentkit.store;

import io.consentkit.journal.ConsentStore;
import io.consentkit.journal.ConsentStoreException;
import io.consentkit.journal.StoreCapabilities;
import io.consentkit.journal.ConsentRecord;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;

/**
 * A journal kept in memory: for tests and ephemeral use. Nothing survives the JVM; a
 * "reopened" tracker on the same instance replays what was appended. Thread-safe.
 */
public final class InMemoryConsentStore implements ConsentStore {
    private static final StoreCapabilities CAPABILITIES =
            new StoreCapabilities("in-memory", false, false, false, Duration.ZERO);

    private final List<ConsentRecord> rows = new ArrayList<>();
    private boolean closed;

    public InMemoryConsentStore() {
    }

    @Override
    public synchronized void replay(Consumer<ConsentRecord> sink) {
        closed = false; // a store instance can back a reopened tracker
        for (ConsentRecord r : List.copyOf(rows)) {
            sink.accept(r);
        }
    }

    @Override
    public synchronized void append(List<ConsentRecord> batch) {
        if (closed) {
            throw new ConsentStoreException("in-memory store is closed");
        }
        rows.addAll(batch);
    }

    /** A copy of every row appended, in order. */
    public synchronized List<ConsentRecord> rows() {
        return List.copyOf(rows);
    }

    @Override
    public StoreCapabilities capabilities() {
        return CAPABILITIES;
    }

    @Override
    public synchronized void close() {
        closed = true;
    }
}
