package io.consentkit.inbound;

/**
 * Hears every {@link ConfirmationEvent}: requested, confirmed, declined, invalid, expired,
 * replaced, opted out. Called after the journal write, outside ConsentKit's locks, on the thread
 * that caused the event. An exception thrown here is logged and never breaks the handling.
 * Implementations must be thread-safe if the handler is used from several threads.
 */
@FunctionalInterface
public interface ConfirmationListener {
    /** Does nothing. */
    ConfirmationListener NO_OP = event -> { };

    /** Called once per event. */
    void onEvent(ConfirmationEvent event);
}
