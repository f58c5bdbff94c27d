package io.consentkit.send;

import io.consentkit.ConsentKitException;

/** A send log could not be written or read (I/O failure, closed log, malformed file). */
public class SendLogException extends ConsentKitException {
    private static final long serialVersionUID = 1L;

    public SendLogException(String message) {
        super(message);
    }

    public SendLogException(String message, Throwable cause) {
        super(message, cause);
    }
}
