package io.consentkit.message;

import io.consentkit.InvalidInputException;

/**
 * An {@link SmsTemplate} could not be filled in: a placeholder has no value, or a value was given
 * for a placeholder the template does not have. {@link #placeholder()} names it; values are
 * never put in the message.
 */
public final class PlaceholderException extends InvalidInputException {
    private static final long serialVersionUID = 1L;

    /** What is wrong with the placeholder. */
    public enum Reason {
        /** The template has the placeholder but no (non-blank) value was given for it. */
        MISSING,
        /** A value was given for a placeholder the template does not have (often a typo). */
        UNKNOWN
    }

    private final Reason reason;
    private final String placeholder;

    public PlaceholderException(Reason reason, String placeholder, String message) {
        super(placeholder, reason == Reason.MISSING ? "is missing" : "is not a placeholder of the template", message);
        this.reason = reason;
        this.placeholder = placeholder;
    }

    public Reason reason() {
        return reason;
    }

    /** The placeholder's name, without braces, e.g. {@code "customer_name"}. */
    public String placeholder() {
        return placeholder;
    }
}
