/**
 * Inbound texts: {@link io.consentkit.inbound.KeywordParser} reads STOP / START / HELP and Y/N
 * answers, {@link io.consentkit.inbound.InboundHandler} turns them into journal rows and replies, and
 * {@link io.consentkit.inbound.Confirmations} runs Y/N confirmation flows kept in the same journal.
 * No provider types: adapters map their webhooks into {@link io.consentkit.inbound.InboundMessage}.
 *
 * <p>Parameters and return values are never {@code null} unless a type's documentation says so.
 */
package io.consentkit.inbound;
