package io.consentkit.send;

import java.util.List;
import java.util.Optional;

/**
 * Where the {@link GuardedSender} records every decision, and where delivery status updates are
 * applied later by provider id. Implementations: {@link InMemorySendLog} (tests, ephemeral use,
 * bounded) and {@link CsvSendLog} (durable, append-only file).
 *
 * <p>Entries hold no body and no unmasked number (see {@link SendLogEntry}). Implementations must
 * be thread-safe; {@link #record} is called on the sending thread, so it should be fast.
 */
public interface SendLog extends AutoCloseable {

    /**
     * The digest of {@code body} that entries for this log carry in {@link SendLogEntry#bodySha256()}:
     * what lets an auditor check whether a given text was sent without the log holding it. The
     * default is the plain lower-case hex SHA-256 of the UTF-8 bytes, fit only for a log that never
     * leaves memory ({@link InMemorySendLog}): a short body is recovered from it by brute force. A log
     * that persists entries should key it, as {@link CsvSendLog#bodyDigest} does.
     */
    default String bodyDigest(String body) {
        return SendRecorder.sha256(body);
    }

    /**
     * Records one decision.
     *
     * @throws SendLogException if it could not be recorded (the sender logs this and carries on;
     *                          the outcome is still returned)
     */
    void record(SendLogEntry entry);

    /**
     * Applies a delivery status to the entry with the same provider id. Updates for an id not (yet)
     * recorded are kept and applied when reading, so callbacks that overtake the send are not lost.
     *
     * @throws SendLogException if it could not be recorded
     */
    void recordStatus(DeliveryUpdate update);

    /** Every entry, oldest first, with the latest delivery status folded in. */
    List<SendLogEntry> entries();

    /** The entry with this provider id, with its latest status. */
    Optional<SendLogEntry> find(String providerId);

    /** Releases resources (files). The default does nothing. */
    @Override
    default void close() {
    }
}
