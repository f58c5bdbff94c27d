package io.consentkit;

/**
 * Root of every exception ConsentKit throws. All are unchecked; each subclass carries
 * machine-readable fields (the field that was wrong, a line number, a provider code) next to
 * a message written for people. Messages never contain an unmasked phone number, message
 * body or secret.
 */
public class ConsentKitException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    public ConsentKitException(String message) {
        super(message);
    }

    public ConsentKitException(String message, Throwable cause) {
        super(message, cause);
    }
}
