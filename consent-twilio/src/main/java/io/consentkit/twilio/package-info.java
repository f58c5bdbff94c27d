/**
 * Twilio adapter: {@link io.consentkit.twilio.TwilioSmsGateway} sends through twilio-java with
 * Twilio's error codes mapped to {@link io.consentkit.send.GatewayResult.FailureKind}s
 * ({@link io.consentkit.twilio.TwilioErrors}); {@link io.consentkit.twilio.WebhookVerifier}
 * checks {@code X-Twilio-Signature} on framework-neutral {@link io.consentkit.twilio.WebhookRequest}s.
 *
 * <p>No {@code com.twilio} type appears in this package's API. Parameters and return values are
 * never {@code null} unless a method says otherwise; lookups that may find nothing return
 * {@link java.util.Optional}.
 */
package io.consentkit.twilio;
