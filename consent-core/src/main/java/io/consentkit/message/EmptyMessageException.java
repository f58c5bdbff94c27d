package io.consentkit.message;

import io.consentkit.InvalidInputException;

/** A message body was null, empty or only white space: there is nothing to send. */
public final class EmptyMessageException extends InvalidInputException {
    private static final long serialVersionUID = 1L;

    public EmptyMessageException(String field) {
        super(field, "is empty");
    }
}
