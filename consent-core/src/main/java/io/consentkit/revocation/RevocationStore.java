package io.consentkit.revocation;

import java.util.List;

/**
 * Where a {@link RevocationQueue} keeps its rows: an append-only log of {@link RevocationEvent}s.
 * Nothing is ever rewritten; the queue folds the rows at open. Implementations: {@link #inMemory()}
 * and {@link CsvRevocationStore}. Implementations are thread-safe.
 */
public interface RevocationStore extends AutoCloseable {

    /** Every row appended so far, oldest first. */
    List<RevocationEvent> events();

    /**
     * Appends one row; when it returns the row is durable (for a durable store).
     *
     * @throws RevocationQueueException if it could not be written; then nothing was appended
     */
    void append(RevocationEvent event);

    /** Releases what the store holds. Idempotent. */
    @Override
    void close();

    /** A store in memory only: for tests and ephemeral use. */
    static RevocationStore inMemory() {
        return new InMemoryRevocationStore();
    }
}
