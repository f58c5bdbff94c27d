package io.consentkit.inbound;

import io.consentkit.ConsentKitException;
import io.consentkit.phone.PhoneNumber;

/**
 * {@link Confirmations#request} refused to record a question: the number has opted out, so it must
 * not be texted at all. Nothing was written. The message masks the number.
 */
public class ConfirmationRejectedException extends ConsentKitException {
    private static final long serialVersionUID = 1L;

    private final transient PhoneNumber phoneNumber;

    public ConfirmationRejectedException(PhoneNumber phoneNumber, String reason) {
        super("cannot ask " + phoneNumber.masked() + " to confirm: " + reason);
        this.phoneNumber = phoneNumber;
    }

    /** The number (its {@code toString()} is masked). */
    public PhoneNumber phoneNumber() {
        return phoneNumber;
    }
}
