package io.consentkit.inbound;

/**
 * Hears every {@link ConfirmationEvent}: requested, not sent, confirmed, declined, invalid, expired,
 * replaced, opted out. Called after the journal write, outside the number locks, on the thread that
 * caused the event or that called {@link Confirmations#deliver()}; calls are serialised. Delivery is at
 * least once: an exception thrown here is logged, never breaks the handling, and the event is delivered
 * again after a backoff (and after a restart, with an outbox file), so use {@link ConfirmationEvent#eventId()}
 * to ignore a repeat. Return normally only once the update is done (the return is the acknowledgement).
 */
@FunctionalInterface
public interface ConfirmationListener {
    /** Does nothing. */
    ConfirmationListener NO_OP = event -> { };

    /** Called at least once per event; returning normally acknowledges it. */
    void onEvent(ConfirmationEvent event);
}
