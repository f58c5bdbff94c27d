package io.consentkit.inbound;

import io.consentkit.send.SendOutcome;

import java.util.Objects;

/**
 * What {@link Confirmations#ask} did: the confirmation's id and the sender's outcome for the question.
 * Only a {@link SendOutcome.Sent} question is pending ({@link #pending()}); any other outcome closed the
 * confirmation as {@link ConfirmationEvent.Outcome#NOT_SENT}, except a gateway failure whose outcome is
 * unknown ({@link SendOutcome.Failed#unknownOutcome()}), which stays answerable but unlisted until its
 * deadline. Immutable and thread-safe.
 *
 * @param id      the confirmation's id (its {@code consent_id})
 * @param outcome the sender's outcome for the question
 */
public record ConfirmationRequest(String id, SendOutcome outcome) {

    public ConfirmationRequest {
        Objects.requireNonNull(id, "id");
        Objects.requireNonNull(outcome, "outcome");
    }

    /** True if the gateway accepted the question, so the confirmation is pending. */
    public boolean pending() {
        return outcome instanceof SendOutcome.Sent;
    }
}
