package io.consentkit.inbound;

import io.consentkit.journal.ConsentRecord;
import io.consentkit.phone.PhoneNumber;

import java.time.Instant;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;

/**
 * Something that happened to a Y/N confirmation, as {@link ConfirmationListener}s and
 * {@link InboundResult#confirmation()} report it: enough for an app to update its own records (a
 * spreadsheet row, a CRM field) with a timestamp. Immutable and thread-safe; {@link #toString()}
 * masks the number and leaves out texts.
 *
 * <p>Delivery is at least once ({@link Confirmations}' outbox): a listener may see the same event again
 * (after it threw, or after a restart before its acknowledgement was written). {@link #eventId()} is the
 * idempotency key: the confirmation id and the outcome ({@code 3f2a.../confirmed}), plus the ordinal of an
 * invalid reply ({@code 3f2a.../invalid/2}).
 *
 * @param confirmationId the confirmation's id (its {@code consent_id} in the journal)
 * @param phoneNumber    the number asked
 * @param outcome        what happened
 * @param at             when it happened (the handler's or sweep's clock)
 * @param question       the exact question sent
 * @param context        the app's context given to {@link Confirmations#request}
 * @param requestedAt    when the question was recorded
 * @param expiresAt      the deadline for an answer
 * @param replyBody      the reply's text, for answers and {@link Outcome#INVALID}; empty otherwise
 * @param replySid       the reply's message SID; empty if none
 * @param record         the journal row written for this event ({@code pending} for a request or an
 *                       invalid reply, {@code active}, {@code declined}, {@code expired} or
 *                       {@code revoked})
 */
public record ConfirmationEvent(String confirmationId, PhoneNumber phoneNumber, Outcome outcome, Instant at,
                                String question, Map<String, String> context, Instant requestedAt,
                                Instant expiresAt, String replyBody, String replySid, ConsentRecord record) {

    /** What happened to a confirmation. */
    public enum Outcome {
        /**
         * The question is pending: the gateway accepted it ({@code pending} row with the provider's message
         * id), or, in record-before-send mode, it was recorded and the app sends it.
         */
        REQUESTED,
        /** The person answered yes: an {@code active} consent whose text is the question. */
        CONFIRMED,
        /** The person answered no: a {@code declined} row. */
        DECLINED,
        /**
         * The person answered something else: it stays pending; the reply's text is kept here and in the
         * journal (a {@code pending} re-append with {@code invalid_reply_body}).
         */
        INVALID,
        /** No answer before the deadline: an {@code expired} row. */
        EXPIRED,
        /** A newer question to the same number replaced it: an {@code expired} row saying so. */
        REPLACED,
        /** The person opted out (STOP...) while it was pending: its row was revoked with the others. */
        OPTED_OUT,
        /**
         * The question never went out (the sender blocked or deferred it, or the gateway refused it): an
         * {@code expired} row with {@code closed_reason=not_sent} and the sender's outcome. Nothing is pending.
         */
        NOT_SENT
    }

    public ConfirmationEvent {
        Objects.requireNonNull(confirmationId, "confirmationId");
        Objects.requireNonNull(phoneNumber, "phoneNumber");
        Objects.requireNonNull(outcome, "outcome");
        Objects.requireNonNull(at, "at");
        Objects.requireNonNull(question, "question");
        Objects.requireNonNull(requestedAt, "requestedAt");
        Objects.requireNonNull(expiresAt, "expiresAt");
        context = context == null || context.isEmpty() ? Map.of()
                : Collections.unmodifiableMap(new LinkedHashMap<>(context));
        replyBody = replyBody == null ? "" : replyBody;
        replySid = replySid == null ? "" : replySid;
        Objects.requireNonNull(record, "record");
    }

    /** The idempotency key of this event; see the class comment. */
    public String eventId() {
        return ConfirmationRows.eventId(confirmationId, outcome, ConfirmationRows.invalidCount(record));
    }

    @Override
    public String toString() {
        return "ConfirmationEvent[" + confirmationId + ", " + phoneNumber.masked() + ", " + outcome + " at " + at
                + (replySid.isEmpty() ? "" : ", reply " + replySid) + "]";
    }
}
