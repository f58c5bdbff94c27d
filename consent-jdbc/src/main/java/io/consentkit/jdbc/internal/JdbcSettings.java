package io.consentkit.jdbc.internal;

import io.consentkit.InvalidInputException;
import io.consentkit.phone.PhoneNumbers;

import javax.sql.DataSource;
import java.time.Duration;
import java.util.Objects;
import java.util.regex.Pattern;

/**
 * A JDBC store's settings, validated. Immutable and thread-safe (the DataSource is the caller's).
 *
 * @param dataSource      where connections come from
 * @param prefix          table-name prefix
 * @param visibilityBound how stale a tracker over the store may be
 * @param createSchema    create the tables on first use when they are missing
 * @param phones          how stored phone numbers are read
 * @param statementTimeout longest statement of an append or poll; zero for the server's setting
 */
public record JdbcSettings(DataSource dataSource, String prefix, Duration visibilityBound, boolean createSchema,
                           PhoneNumbers phones, Duration statementTimeout) {
    /** Longest table prefix: PostgreSQL identifiers are at most 63 bytes, the longest suffix is 14. */
    public static final int MAX_PREFIX_LENGTH = 40;
    private static final Pattern PREFIX = Pattern.compile("[a-z_][a-z0-9_]*");

    public JdbcSettings {
        Objects.requireNonNull(dataSource, "dataSource");
        Objects.requireNonNull(prefix, "prefix");
        Objects.requireNonNull(visibilityBound, "visibilityBound");
        Objects.requireNonNull(phones, "phones");
        Objects.requireNonNull(statementTimeout, "statementTimeout");
    }

    /** Checks a statement timeout: zero (the server's setting) or 1 ms to 1 hour. */
    public static Duration checkStatementTimeout(Duration timeout) {
        if (timeout == null) {
            throw new InvalidInputException("statementTimeout", "is null");
        }
        if (!timeout.isZero() && (timeout.compareTo(Duration.ofMillis(1)) < 0 || timeout.compareTo(Duration.ofHours(1)) > 0)) {
            throw new InvalidInputException("statementTimeout", "is " + timeout
                    + ", must be zero (the server's setting) or between 1 ms and 1 hour");
        }
        return timeout;
    }

    /** Checks the DataSource is there. */
    public static DataSource checkDataSource(DataSource ds) {
        if (ds == null) {
            throw new InvalidInputException("dataSource", "is null");
        }
        return ds;
    }

    /** Checks a table prefix: empty, or lower-case letters, digits and '_' not starting with a digit. */
    public static String checkPrefix(String prefix) {
        if (prefix == null) {
            throw new InvalidInputException("tablePrefix", "is null");
        }
        if (prefix.length() > MAX_PREFIX_LENGTH) {
            throw new InvalidInputException("tablePrefix", "is " + prefix.length() + " chars, over the limit of "
                    + MAX_PREFIX_LENGTH);
        }
        if (!prefix.isEmpty() && !PREFIX.matcher(prefix).matches()) {
            throw new InvalidInputException("tablePrefix",
                    "must be lower-case letters, digits and '_', not starting with a digit");
        }
        return prefix;
    }

    /** Checks a visibility bound: 1 ms to 1 hour. */
    public static Duration checkVisibilityBound(Duration bound) {
        if (bound == null) {
            throw new InvalidInputException("visibilityBound", "is null");
        }
        if (bound.compareTo(Duration.ofMillis(1)) < 0 || bound.compareTo(Duration.ofHours(1)) > 0) {
            throw new InvalidInputException("visibilityBound", "is " + bound + ", must be between 1 ms and 1 hour");
        }
        return bound;
    }

    /** The journal table's name. */
    public String journalTable() {
        return prefix + "journal";
    }

    /** The schema-version table's name. */
    public String versionTable() {
        return prefix + "schema_version";
    }

    /** How the store names itself in messages (never the JDBC URL: it may hold a password). */
    public String location() {
        return "table " + journalTable();
    }
}
