/**
 * The operator console: a number's timeline with its evidence, a revocation by an operator, pending
 * confirmations and revocations, the send log, and a dashboard of daily charts drawn as SVG on the
 * server. The read side ({@link io.consentkit.web.console.ConsoleQueries}) answers from the tracker's
 * index and from counters kept as rows and sends are written ({@link io.consentkit.web.console.ConsoleStats},
 * {@link io.consentkit.web.console.ConsoleSendLog}), so no page scans the journal or the send log.
 * Every type is non-null unless its documentation says otherwise.
 */
package io.consentkit.web.console;
