package io.consentkit.journal;

import io.consentkit.ConsentKitException;

/** A store could not read or write its journal (I/O failure, closed store, service error). */
public class ConsentStoreException extends ConsentKitException {
    private static final long serialVersionUID = 1L;

    public ConsentStoreException(String message) {
        super(message);
    }

    public ConsentStoreException(String message, Throwable cause) {
        super(message, cause);
    }
}
