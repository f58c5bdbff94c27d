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
 * "reopened" tracker on the same instance replays what was appended. An {@linkplain #rewrite erasure}
 * replaces the rows in memory at once (there is no chain to keep). Thread-safe.
 */
public final class InMemoryConsentStore implements ConsentStore, RewritableStore {
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

    /** Applies {@code rewrite} to the rows under this store's lock: appends wait until it is done. */
    @Override
    public synchronized long rewrite(JournalRewrite rewrite) {
        java.util.Objects.requireNonNull(rewrite, "rewrite");
        rows.forEach(rewrite::inspect);
        if (!rewrite.check()) {
            return rows.size();
        }
        List<ConsentRecord> next = new ArrayList<>(rows.size() + 1);
        for (ConsentRecord r : rows) {
            ConsentRecord instead = rewrite.replace(r);
            next.add(instead == null ? r : instead);
        }
        next.addAll(rewrite.appended());
        rows.clear();
        rows.addAll(next);
        return rows.size();
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
