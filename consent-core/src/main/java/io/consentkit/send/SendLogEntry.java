package io.consentkit.send;

import java.math.BigDecimal;
import java.time.Instant;
import java.util.List;
import java.util.Objects;

/**
 * One decision of the {@link GuardedSender} (sent, dry run, blocked, deferred or failed) as the
 * {@link SendLog} keeps it, with the latest delivery status folded in. It holds no personal data
 * in clear: the number is masked and the body is kept only as a digest and its length, so the log
 * can show what was sent (compare {@link SendLog#bodyDigest} of a body) without storing it.
 * Immutable and thread-safe.
 *
 * @param time            when the decision was made
 * @param decision        what was decided
 * @param reason          the {@link SendOutcome.Reason} name for blocked/deferred, the
 *                        {@link GatewayResult.FailureKind} name for failed, else empty
 * @param to              the recipient, masked ({@code +*********34}); the input as given, masked,
 *                        when it was not a valid number
 * @param category        the message category
 * @param templateId      the template that produced the body, or empty
 * @param bodySha256      the body's digest as the log makes it ({@link SendLog#bodyDigest}): in a
 *                        {@link CsvSendLog}, {@code hmac-sha256:} and the HMAC-SHA256 keyed with
 *                        the log's secret; in an {@link InMemorySendLog} (and rows of send logs
 *                        written before digests were keyed) the plain SHA-256; lower-case hex
 * @param bodyLength      the body's length in UTF-16 units
 * @param segments        segments (the provider's count if known, else the estimate; 0 if neither)
 * @param estimatedCost   estimated cost, or null when the sender has no price table
 * @param currency        ISO 4217 code of the estimated cost ("USD"), or empty when there is none
 * @param providerId      the provider's message id, or empty
 * @param errorCode       the provider's error code for a failed send, or 0
 * @param detail          a sentence for people (numbers masked), or empty
 * @param until           for deferred decisions, when the guard would allow it; else null
 * @param gateway         the gateway's name for sent/failed decisions, else empty
 * @param status          the latest delivery status (initially the provider's answer), or null
 * @param statusErrorCode the error code that came with the latest status, or 0
 * @param statusAt        when the latest status was reported, or null
 * @param recipientKey    the log's keyed digest of the recipient's E.164 number
 *                        ({@link SendLog#recipientKey}), which lets a new sender rebuild the
 *                        per-recipient limits from the log without the log holding the number; empty
 *                        when the number was not valid (and in rows written before this column)
 * @param attempts        every provider call of a failover chain, in order (the last one decided);
 *                        empty when the gateway made one call
 * @param program         the consent program the message belonged to (the tracker's default program
 *                        when it named none); empty in rows written before this column
 * @param consentId       for a consent-gated send (a category needing consent), the id of the active
 *                        consent it relied on; else empty
 * @param correlationId   the app's own id for the message ({@link OutboundMessage#correlationId}), or empty
 * @param subjectKey      for a send the sending rules' per-subject caps counted, the log's
 *                        {@link SendLog#subjectKey} of its number and subject (so a new sender rebuilds
 *                        those caps from the log); else empty (and in rows written before this column)
 */
public record SendLogEntry(Instant time, Decision decision, String reason, String to, MessageCategory category,
                           String templateId, String bodySha256, int bodyLength, int segments,
                           BigDecimal estimatedCost, String currency, String providerId, int errorCode, String detail, Instant until,
                           String gateway, DeliveryStatus status, int statusErrorCode, Instant statusAt,
                           String recipientKey, List<GatewayAttempt> attempts, String program, String consentId,
                           String correlationId, String subjectKey) {

    /** The kinds of decision. */
    public enum Decision {
        SENT, DRY_RUN, BLOCKED, DEFERRED, FAILED
    }

    public SendLogEntry {
        Objects.requireNonNull(time, "time");
        Objects.requireNonNull(decision, "decision");
        Objects.requireNonNull(category, "category");
        reason = reason == null ? "" : reason;
        currency = currency == null ? "" : currency;
        to = to == null ? "" : to;
        templateId = templateId == null ? "" : templateId;
        bodySha256 = bodySha256 == null ? "" : bodySha256;
        providerId = providerId == null ? "" : providerId;
        detail = detail == null ? "" : detail;
        gateway = gateway == null ? "" : gateway;
        recipientKey = recipientKey == null ? "" : recipientKey;
        attempts = attempts == null ? List.of() : List.copyOf(attempts);
        program = program == null ? "" : program;
        consentId = consentId == null ? "" : consentId;
        correlationId = correlationId == null ? "" : correlationId;
        subjectKey = subjectKey == null ? "" : subjectKey;
    }

    /** An entry without a subject key (as written before that column). */
    public SendLogEntry(Instant time, Decision decision, String reason, String to, MessageCategory category,
                        String templateId, String bodySha256, int bodyLength, int segments,
                        BigDecimal estimatedCost, String currency, String providerId, int errorCode, String detail,
                        Instant until, String gateway, DeliveryStatus status, int statusErrorCode, Instant statusAt,
                        String recipientKey, List<GatewayAttempt> attempts, String program, String consentId,
                        String correlationId) {
        this(time, decision, reason, to, category, templateId, bodySha256, bodyLength, segments, estimatedCost, currency,
                providerId, errorCode, detail, until, gateway, status, statusErrorCode, statusAt, recipientKey, attempts,
                program, consentId, correlationId, "");
    }

    /** An entry without program, consent id or correlation id (as written before those columns). */
    public SendLogEntry(Instant time, Decision decision, String reason, String to, MessageCategory category,
                        String templateId, String bodySha256, int bodyLength, int segments,
                        BigDecimal estimatedCost, String currency, String providerId, int errorCode, String detail,
                        Instant until, String gateway, DeliveryStatus status, int statusErrorCode, Instant statusAt,
                        String recipientKey, List<GatewayAttempt> attempts) {
        this(time, decision, reason, to, category, templateId, bodySha256, bodyLength, segments, estimatedCost, currency,
                providerId, errorCode, detail, until, gateway, status, statusErrorCode, statusAt, recipientKey, attempts,
                "", "", "", "");
    }

    /** An entry without a recipient key or attempts (as written before those columns). */
    public SendLogEntry(Instant time, Decision decision, String reason, String to, MessageCategory category,
                        String templateId, String bodySha256, int bodyLength, int segments,
                        BigDecimal estimatedCost, String currency, String providerId, int errorCode, String detail,
                        Instant until, String gateway, DeliveryStatus status, int statusErrorCode, Instant statusAt) {
        this(time, decision, reason, to, category, templateId, bodySha256, bodyLength, segments, estimatedCost, currency,
                providerId, errorCode, detail, until, gateway, status, statusErrorCode, statusAt, "", List.of(), "", "", "", "");
    }

    /**
     * True if the message was or may have been sent: {@link Decision#SENT}, or a failure with an
     * unknown outcome. These count against the limits, also when a new sender rebuilds them from the log.
     */
    public boolean mayHaveSent() {
        return decision == Decision.SENT
                || decision == Decision.FAILED && GatewayResult.FailureKind.UNKNOWN_OUTCOME.name().equals(reason);
    }

    /**
     * This entry with {@code update} folded in, unless the entry already has a status of higher
     * rank (callbacks may arrive out of order).
     */
    public SendLogEntry withStatus(DeliveryUpdate update) {
        if (status != null && update.status().rank() < status.rank()) {
            return this;
        }
        return new SendLogEntry(time, decision, reason, to, category, templateId, bodySha256, bodyLength, segments,
                estimatedCost, currency, providerId, errorCode, detail, until, gateway, update.status(), update.errorCode(),
                update.at(), recipientKey, attempts, program, consentId, correlationId, subjectKey);
    }
}
