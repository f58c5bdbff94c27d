package io.consentkit.consent;

import io.consentkit.InvalidInputException;

/**
 * A program or brand name that the tracker's {@link Programs} do not hold. {@link #field()} is
 * {@code program} or {@code brand}; the message names the value (names are identifiers, never
 * personal data).
 */
public class UnknownScopeException extends InvalidInputException {
    private static final long serialVersionUID = 1L;

    public UnknownScopeException(String field, String name) {
        super(field, "'" + io.consentkit.support.Masking.printable(name) + "' is not a configured " + field);
    }
}
