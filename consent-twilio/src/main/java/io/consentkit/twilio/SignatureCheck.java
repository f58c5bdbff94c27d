package io.consentkit.twilio;

import java.util.Objects;

/**
 * The result of checking a webhook's {@code X-Twilio-Signature}. Anything but
 * {@link Outcome#VALID} or {@link Outcome#NOT_CHECKED} means: do not act on the request and
 * answer {@link #httpStatus()} (403). Immutable and thread-safe.
 *
 * @param outcome what the check found
 * @param url     the URL the signature was checked against (after {@link PublicUrl}), for diagnosis
 * @param detail  a short explanation for logs; never contains the token or parameter values
 */
public record SignatureCheck(Outcome outcome, String url, String detail) {

    /** What the check found. */
    public enum Outcome {
        /** The signature matches. */
        VALID,
        /** Verification is switched off ({@link WebhookVerifier#disabled()}); the request was not checked. */
        NOT_CHECKED,
        /** No {@code X-Twilio-Signature} header. */
        MISSING_SIGNATURE,
        /** The signature does not match this URL and these parameters with any configured token. */
        INVALID_SIGNATURE,
        /** A JSON webhook whose body does not match its {@code bodySHA256} query parameter. */
        BODY_HASH_MISMATCH,
        /** The request cannot be checked (form body not decodable, JSON without {@code bodySHA256}). */
        MALFORMED_REQUEST
    }

    public SignatureCheck {
        Objects.requireNonNull(outcome, "outcome");
        url = url == null ? "" : url;
        detail = detail == null ? "" : detail;
    }

    /** True if the request may be acted on. */
    public boolean accepted() {
        return outcome == Outcome.VALID || outcome == Outcome.NOT_CHECKED;
    }

    /** 200 if accepted, 403 otherwise: what to answer a rejected webhook. */
    public int httpStatus() {
        return accepted() ? 200 : 403;
    }
}
