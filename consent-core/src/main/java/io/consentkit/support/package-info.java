/**
 * Small, domain-free helpers that ConsentKit's own modules share across module boundaries:
 * {@link io.consentkit.support.Masking} (phone numbers, secrets and message bodies made safe for
 * logs and exception messages) and {@link io.consentkit.support.Json} (the minimal JSON used for the
 * journal's {@code metadata} column and the CLI's output).
 *
 * <p>They are public and documented, rather than hidden in {@code io.consentkit.internal}, because
 * sibling modules (consent-twilio, consent-s3, consent-cli) and third-party stores need them, and
 * the build forbids importing another module's {@code internal} package (see docs/architecture.md).
 * This package imports nothing of ConsentKit. All members are static, stateless and thread-safe.
 */
package io.consentkit.support;
