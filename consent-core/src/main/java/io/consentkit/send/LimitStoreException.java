package io.consentkit.send;

import io.consentkit.ConsentKitException;

/**
 * A {@link LimitStore} could not decide or record a send (its database is unreachable, a statement
 * timed out). The {@link GuardedSender} fails closed on it: a reservation that throws blocks the
 * send ({@code STORE_UNAVAILABLE}) and the gateway is not called.
 */
public class LimitStoreException extends ConsentKitException {
    private static final long serialVersionUID = 1L;

    public LimitStoreException(String message) {
        super(message);
    }

    public LimitStoreException(String message, Throwable cause) {
        super(message, cause);
    }
}
