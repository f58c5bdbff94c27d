package io.consentkit.send;

import io.consentkit.InvalidInputException;
import io.consentkit.support.Masking;

import java.time.Instant;
import java.util.Objects;

/**
 * A delivery status reported after the send (a provider's status callback), applied to the send
 * log by provider id. Immutable and thread-safe.
 *
 * @param providerId        the provider's message id
 * @param status            the new status
 * @param errorCode         the provider's error code for undelivered/failed, or 0
 * @param at                when it was reported
 * @param to                the recipient if the callback names it (needed to revoke consent),
 *                          else empty
 * @param recipientOptedOut true if the provider says the failure means the recipient opted out
 *                          (for Twilio, error 21610); the gateway adapter decides this
 */
public record DeliveryUpdate(String providerId, DeliveryStatus status, int errorCode, Instant at, String to,
                             boolean recipientOptedOut) {
    public DeliveryUpdate {
        providerId = InvalidInputException.requireText("providerId", providerId);
        Objects.requireNonNull(status, "status");
        Objects.requireNonNull(at, "at");
        to = InvalidInputException.optionalText(to);
        if (errorCode < 0) {
            throw new InvalidInputException("errorCode", "is negative (" + errorCode + ")");
        }
    }

    /** An update without recipient or opt-out meaning. */
    public static DeliveryUpdate of(String providerId, DeliveryStatus status, int errorCode, Instant at) {
        return new DeliveryUpdate(providerId, status, errorCode, at, "", false);
    }

    /** Masks the number. */
    @Override
    public String toString() {
        return "DeliveryUpdate[" + providerId + ", " + status.providerName()
                + (errorCode == 0 ? "" : ", error " + errorCode) + ", at=" + at
                + (to.isEmpty() ? "" : ", to=" + Masking.phone(to)) + (recipientOptedOut ? ", opted out" : "") + "]";
    }
}
