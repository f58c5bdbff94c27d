package io.consentkit.message;

/** Whether a footer (e.g. "Reply STOP to opt out") must be in the message or only when it fits. Thread-safe. */
public enum FooterMode {
    /** The footer is always sent, intact; the body is truncated or rejected to make room. */
    ALWAYS,
    /** The footer is appended only if the whole message still fits the segment budget with it. */
    IF_FITS
}
