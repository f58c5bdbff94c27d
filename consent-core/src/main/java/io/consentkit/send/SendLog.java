package io.consentkit.send;

import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.function.Consumer;

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
     * The key entries of this log carry in {@link SendLogEntry#recipientKey()} for the recipient
     * {@code e164}: what lets a new sender rebuild the per-recipient limits from the log
     * ({@link #replay}) while the log holds only masked numbers. Same number, same key, in one log.
     * The default is the plain lower-case hex SHA-256 of {@code "recipient:" + e164}, fit only for a
     * log that never leaves memory; {@link CsvSendLog} keys it with its secret.
     */
    default String recipientKey(String e164) {
        return SendRecorder.sha256("recipient:" + e164);
    }

    /**
     * The key entries of this log carry in {@link SendLogEntry#subjectKey()} for messages to
     * {@code e164} on {@code subject} that the sending rules' per-subject caps count (Florida's 3 per
     * 24 hours on the same subject): what lets a new sender rebuild those caps from the log. Derived
     * from {@link #recipientKey} of the number and subject, so a log that keys one keys both.
     */
    default String subjectKey(String e164, String subject) {
        return "subject-" + recipientKey(e164 + '\u0000' + subject);
    }

    /**
     * Feeds {@code sink} every decision recorded at or after {@code from}, oldest first: what a
     * {@link GuardedSender} reads when it is built, to seed its limits with the sends of the last day
     * (see {@link LimitStore#seed}). The default filters {@link #entries()}; a log that can read only
     * its tail should override it.
     *
     * @throws SendLogException if the log cannot be read
     */
    default void replay(Instant from, Consumer<SendLogEntry> sink) {
        for (SendLogEntry e : entries()) {
            if (!e.time().isBefore(from)) {
                sink.accept(e);
            }
        }
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
