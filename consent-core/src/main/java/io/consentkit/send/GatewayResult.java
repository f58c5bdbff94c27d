package io.consentkit.send;

import java.time.Duration;
import java.util.List;
import java.util.Objects;

/**
 * What a gateway says about one send: the provider accepted it, or it failed with a typed reason.
 * Gateways return failures as values; they throw only for programming errors.
 */
public sealed interface GatewayResult permits GatewayResult.Accepted, GatewayResult.Failed {

    /**
     * Every provider call behind this result, in order, when the gateway made more than one
     * ({@link FallbackGateway}); empty when the gateway itself is the one provider called.
     */
    List<GatewayAttempt> attempts();

    /**
     * The provider accepted the message.
     *
     * @param providerId the provider's message id (Twilio: SM...)
     * @param status     the provider's initial status (e.g. "queued", "accepted")
     * @param segments   segments the provider reports, or 0 if it did not say yet
     * @param attempts   the provider calls of a chain, the last one accepted; empty for one call
     */
    record Accepted(String providerId, String status, int segments, List<GatewayAttempt> attempts)
            implements GatewayResult {
        public Accepted {
            Objects.requireNonNull(providerId, "providerId");
            status = status == null ? "" : status;
            attempts = List.copyOf(attempts);
        }

        /** Accepted by the gateway itself, in one call. */
        public Accepted(String providerId, String status, int segments) {
            this(providerId, status, segments, List.of());
        }
    }

    /**
     * The send failed.
     *
     * @param kind       what the failure means for the caller
     * @param code       the provider's error code (Twilio: 21610...), or 0 if none
     * @param message    the provider's message (must not contain the recipient's number unmasked)
     * @param retryAfter how long the provider asked us to wait (HTTP Retry-After), or {@link Duration#ZERO}
     * @param attempts   the provider calls of a chain, the last one this failure; empty for one call
     */
    record Failed(FailureKind kind, int code, String message, Duration retryAfter, List<GatewayAttempt> attempts)
            implements GatewayResult {
        public Failed {
            Objects.requireNonNull(kind, "kind");
            message = message == null ? "" : message;
            retryAfter = retryAfter == null ? Duration.ZERO : retryAfter;
            attempts = List.copyOf(attempts);
        }

        /** A failure of the gateway itself, in one call. */
        public Failed(FailureKind kind, int code, String message, Duration retryAfter) {
            this(kind, code, message, retryAfter, List.of());
        }

        /** True if sending the same message again (here or through another gateway) cannot double-text. */
        public boolean retryable() {
            return kind.retryable();
        }
    }

    /** Failure meanings, with whether a retry is safe. */
    enum FailureKind {
        /** The recipient opted out at the provider (Twilio 21610): revoke consent, never retry. */
        OPTED_OUT(false),
        /** The number is invalid or cannot receive SMS (21211, 21614, landline). */
        INVALID_NUMBER(false),
        /** The destination cannot be reached from this account or sender (21408, 21612). */
        UNREACHABLE(false),
        /** The account may not send this (trial unverified 21608, auth, suspended, unregistered sender). */
        NOT_PERMITTED(false),
        /** The message itself was refused (too long, empty, filtered). */
        REJECTED_CONTENT(false),
        /** Throttled (20429, HTTP 429): the request was not processed; retry after a pause. */
        RATE_LIMITED(true),
        /**
         * The provider certainly did not accept the request (e.g. HTTP 503, connection refused or reset
         * before the request was sent): safe to retry. A 5xx after which the provider may have created
         * the message is {@link #UNKNOWN_OUTCOME}.
         */
        TEMPORARY(true),
        /**
         * The request may have been accepted (timeout after sending, connection dropped mid-response).
         * Never retried automatically: a retry could text the person twice.
         */
        UNKNOWN_OUTCOME(false),
        /** Anything else. */
        OTHER(false);

        private final boolean retryable;

        FailureKind(boolean retryable) {
            this.retryable = retryable;
        }

        /** True if retrying cannot double-text. */
        public boolean retryable() {
            return retryable;
        }
    }
}
