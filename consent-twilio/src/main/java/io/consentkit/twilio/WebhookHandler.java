package io.consentkit.twilio;

/**
 * A framework-neutral webhook endpoint: request in, response out. Adapters for a web framework
 * (or {@link TwilioWebhookServer}) call it. Implementations must be thread-safe and should
 * answer every request, returning a 4xx/5xx {@link WebhookResponse} rather than throwing.
 */
@FunctionalInterface
public interface WebhookHandler {
    /** Handles one request. */
    WebhookResponse handle(WebhookRequest request);
}
