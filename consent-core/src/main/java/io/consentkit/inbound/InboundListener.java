package io.consentkit.inbound;

/**
 * Hears what {@link InboundHandler} did with each message. Called after the journal writes, outside
 * ConsentKit's locks, on the handling thread. An exception thrown here is logged and never breaks the
 * handling. Implementations must be thread-safe if the handler is used from several threads.
 */
public interface InboundListener {
    /** Does nothing. */
    InboundListener NO_OP = new InboundListener() {
    };

    /** Called for every handled message, duplicates included. */
    default void onResult(InboundResult result) {
    }

    /**
     * Called (after {@link #onResult}) for a message that is no keyword and answers no
     * confirmation: nothing changed and nothing is replied, so a person may want to read it.
     */
    default void onUnmatched(InboundResult result) {
    }
}
