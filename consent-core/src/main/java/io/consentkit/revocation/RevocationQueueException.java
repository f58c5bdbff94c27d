package io.consentkit.revocation;

import io.consentkit.ConsentKitException;

/**
 * The revocation queue's file could not be opened, read or written: locked by another writer,
 * unreadable, not a revocation queue, or a row that does not parse (the message names the file and
 * line). Nothing was changed by the call that threw.
 */
public class RevocationQueueException extends ConsentKitException {
    private static final long serialVersionUID = 1L;

    public RevocationQueueException(String message) {
        super(message);
    }

    public RevocationQueueException(String message, Throwable cause) {
        super(message, cause);
    }
}
