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
 * @param record         the journal row written for this event ({@code pending}, {@code active},
 *                       {@code declined}, {@code expired} or {@code revoked}); null for
 *                       {@link Outcome#INVALID}, which writes nothing
 */
public record ConfirmationEvent(String confirmationId, PhoneNumber phoneNumber, Outcome outcome, Instant at,
                                String question, Map<String, String> context, Instant requestedAt,
                                Instant expiresAt, String replyBody, String replySid, ConsentRecord record) {

    /** What happened to a confirmation. */
    public enum Outcome {
        /** The question was recorded ({@code pending} row); the app now sends it. */
        REQUESTED,
        /** The person answered yes: an {@code active} consent whose text is the question. */
        CONFIRMED,
        /** The person answered no: a {@code declined} row. */
        DECLINED,
        /** The person answered something else: it stays pending; the reply's text is kept here. */
        INVALID,
        /** No answer before the deadline: an {@code expired} row. */
        EXPIRED,
        /** A newer question to the same number replaced it: an {@code expired} row saying so. */
        REPLACED,
        /** The person opted out (STOP...) while it was pending: its row was revoked with the others. */
        OPTED_OUT
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
        if ((record == null) != (outcome == Outcome.INVALID)) {
            throw new IllegalArgumentException("record must be null exactly for INVALID");
        }
    }

    @Override
    public String toString() {
        return "ConfirmationEvent[" + confirmationId + ", " + phoneNumber.masked() + ", " + outcome + " at " + at
                + (replySid.isEmpty() ? "" : ", reply " + replySid) + "]";
    }
}
