package io.consentkit.phone;

import io.consentkit.InvalidInputException;
import io.consentkit.support.Masking;

/**
 * A string could not be turned into a valid E.164 phone number. {@link #reason()} says why;
 * {@link #maskedInput()} shows the input with all but its last two digits masked.
 */
public final class InvalidPhoneNumberException extends InvalidInputException {
    private static final long serialVersionUID = 1L;

    /** Why a phone number was rejected. */
    public enum Reason {
        /** Null, empty or only white space. */
        EMPTY("is empty"),
        /** Contains no digits or is not shaped like a phone number at all. */
        NOT_A_NUMBER("is not a phone number"),
        /** Fewer digits than any number of its country can have. */
        TOO_SHORT("is too short"),
        /** More digits than any number of its country can have. */
        TOO_LONG("is too long"),
        /** The leading country calling code is not assigned. */
        INVALID_COUNTRY_CODE("has an unknown country calling code"),
        /** The right length, but no number of its region is assigned like this. */
        INVALID_FOR_REGION("is not a valid number for its region");

        private final String text;

        Reason(String text) {
            this.text = text;
        }

        /** A short phrase, e.g. "is too short". */
        public String text() {
            return text;
        }
    }

    private final Reason reason;
    private final String maskedInput;

    public InvalidPhoneNumberException(String field, CharSequence input, Reason reason) {
        super(field, reason.text(), message(field, input, reason));
        this.reason = reason;
        this.maskedInput = Masking.phone(input);
    }

    private static String message(String field, CharSequence input, Reason reason) {
        return field + " " + Masking.phone(input) + " " + reason.text();
    }

    public Reason reason() {
        return reason;
    }

    /** The rejected input, masked. */
    public String maskedInput() {
        return maskedInput;
    }
}
