package io.consentkit.phone;

import io.consentkit.support.Masking;

/**
 * A valid phone number in E.164 form ({@code +15125551234}). Instances are only made by
 * {@link PhoneNumbers}, which validates them, or by {@link #of(String)}.
 *
 * <p>{@link #toString()} returns the <em>masked</em> number so that a number never reaches a
 * log unmasked by accident; use {@link #e164()} for the real value. Immutable and thread-safe.
 *
 * @param e164 the number in E.164 form
 */
public record PhoneNumber(String e164) implements Comparable<PhoneNumber> {

    /** Checks the shape only; {@link PhoneNumbers} checks validity before calling this. */
    public PhoneNumber {
        if (e164 == null || !PhoneNumbers.looksCanonical(e164)) {
            throw new InvalidPhoneNumberException("phone_number", e164, InvalidPhoneNumberException.Reason.NOT_A_NUMBER);
        }
    }

    /**
     * Parses and validates {@code input} with the default normaliser (region US).
     *
     * @throws InvalidPhoneNumberException if it is not a valid number
     */
    public static PhoneNumber of(String input) {
        return PhoneNumbers.defaults().parse(input);
    }

    /** The number with all but its last two digits masked, safe for logs. */
    public String masked() {
        return Masking.phone(e164);
    }

    @Override
    public int compareTo(PhoneNumber o) {
        return e164.compareTo(o.e164);
    }

    @Override
    public String toString() {
        return masked();
    }
}
