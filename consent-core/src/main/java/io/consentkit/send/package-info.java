/**
 * Guarded sending: {@link io.consentkit.send.GuardedSender} runs the consent, quiet-hour, cooldown,
 * cap and rate guards before a message reaches an {@link io.consentkit.send.SmsGateway}, and records
 * every decision in a {@link io.consentkit.send.SendLog}.
 *
 * <p>Nullability: as in the rest of ConsentKit, nothing is {@code null} unless its documentation says
 * so. The exceptions here are documented per component: an unknown estimated cost, a deferral instant
 * on entries that were not deferred, a delivery status not reported yet, and an absent status-callback
 * URL.
 */
package io.consentkit.send;
