/**
 * A consent journal in a relational database over JDBC ({@link io.consentkit.jdbc.JdbcConsentStore},
 * PostgreSQL 13 or newer), and sending limits shared by every instance
 * ({@link io.consentkit.jdbc.JdbcLimitStore}).
 */
package io.consentkit.jdbc;
