package io.consentkit.twilio.internal;

import java.io.IOException;

/**
 * An I/O failure talking to Twilio, with whether the request could have reached it: false only
 * when the request body was never completely written (connection refused, DNS, connect timeout,
 * a reset while writing), in which case Twilio cannot have acted on it. Not public API.
 */
public final class TransportFailure extends RuntimeException {
    private static final long serialVersionUID = 1L;

    private final boolean mayHaveReachedTwilio;

    TransportFailure(IOException cause, boolean mayHaveReachedTwilio) {
        super(cause.getClass().getSimpleName() + (cause.getMessage() == null ? "" : ": " + cause.getMessage()), cause);
        this.mayHaveReachedTwilio = mayHaveReachedTwilio;
    }

    /** False only if the request certainly did not reach Twilio in full. */
    public boolean mayHaveReachedTwilio() {
        return mayHaveReachedTwilio;
    }
}
