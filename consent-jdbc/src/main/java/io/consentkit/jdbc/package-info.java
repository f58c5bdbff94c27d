/**
 * A consent journal in a relational database over JDBC ({@link io.consentkit.jdbc.JdbcConsentStore},
 * PostgreSQL 13 or newer).
 */
package io.consentkit.jdbc;
