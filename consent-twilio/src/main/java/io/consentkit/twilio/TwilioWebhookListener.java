package io.consentkit.twilio;

/**
 * Hears what {@link TwilioWebhooks} sees besides consent changes, for the app's monitoring:
 * Twilio Debugger events and rejected (unsigned or forged) webhooks. Called on the request
 * thread; an exception thrown here is logged and never changes the HTTP answer. Implementations
 * must be thread-safe.
 */
public interface TwilioWebhookListener {
    /** Does nothing. */
    TwilioWebhookListener NO_OP = new TwilioWebhookListener() {
    };

    /** An error or warning from Twilio's Debugger webhook. */
    default void onDebuggerEvent(DebuggerEvent event) {
    }

    /** A webhook was rejected by signature verification (answered 403). */
    default void onRejected(String route, SignatureCheck check) {
    }
}
