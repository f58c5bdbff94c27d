/**
 * consent-jdbc's implementation: settings, the schema script, the journal table's SQL and the
 * polling watermark. Not API: it may change in any release.
 */
package io.consentkit.jdbc.internal;
