package io.consentkit.message;

/** What {@link MessageFormatter} does with a message that needs more segments than its budget. Thread-safe. */
public enum OverflowPolicy {
    /** Throw {@link SegmentBudgetExceededException} with the computed segments. The default. */
    REJECT,
    /**
     * Drop an {@link FooterMode#IF_FITS} footer, then the subject, then cut the body at a whole
     * character (never inside a surrogate pair, a combined character or a URL) and end it with an
     * ellipsis that fits the encoding; the prefix, the link and a required footer stay intact.
     */
    TRUNCATE
}
