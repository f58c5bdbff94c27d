package io.consentkit.cli;

import io.consentkit.InvalidInputException;
import org.postgresql.ds.PGSimpleDataSource;

import javax.sql.DataSource;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * A {@code --store jdbc:postgresql://host:port/db} target: the PostgreSQL DataSource it names, with
 * the credentials from the environment, and the URL as it may be printed (any password in it masked).
 * A user or password in the URL itself wins, as in libpq; otherwise {@code CONSENTKIT_JDBC_USER} /
 * {@code CONSENTKIT_JDBC_PASSWORD}, then {@code PGUSER} / {@code PGPASSWORD}, then for the user the
 * operating-system user name (libpq's default) and for the password the driver's own lookup of
 * {@code ~/.pgpass} / {@code PGPASSFILE}. Immutable and thread-safe.
 */
final class JdbcTarget {
    /** Environment variables read, strongest first. */
    static final String USER = "CONSENTKIT_JDBC_USER";
    static final String PASSWORD = "CONSENTKIT_JDBC_PASSWORD";
    static final String PG_USER = "PGUSER";
    static final String PG_PASSWORD = "PGPASSWORD";
    private static final Pattern SECRET_PARAM = Pattern.compile("(?i)([?&](?:password|sslpassword)=)[^&]*");

    private final String url;
    private final Map<String, String> env;

    private JdbcTarget(String url, Map<String, String> env) {
        this.url = url;
        this.env = env;
    }

    /** True for any {@code jdbc:} URL: never taken for a file path. */
    static boolean isJdbc(String store) {
        return store.regionMatches(true, 0, "jdbc:", 0, 5);
    }

    /**
     * Checks {@code url} names a PostgreSQL database.
     *
     * @throws InvalidInputException naming {@code store}, for another database's URL or a malformed one
     */
    static JdbcTarget of(String url, Map<String, String> env) {
        if (!url.toLowerCase(Locale.ROOT).startsWith("jdbc:postgresql:")) {
            throw new InvalidInputException("store", "'" + mask(url) + "' is a JDBC URL of a database the store does "
                    + "not support: use jdbc:postgresql://host:port/database");
        }
        JdbcTarget t = new JdbcTarget(url, Map.copyOf(env));
        t.dataSource(); // a malformed URL is bad input now, before any command runs
        return t;
    }

    /** The URL with any password parameter masked: what messages and output show. */
    String masked() {
        return mask(url);
    }

    static String mask(String url) {
        return SECRET_PARAM.matcher(url).replaceAll("$1***");
    }

    /** A DataSource over the URL with the credentials resolved (see the class comment); makes no connection. */
    DataSource dataSource() {
        PGSimpleDataSource ds = new PGSimpleDataSource();
        try {
            ds.setURL(url);
        } catch (IllegalArgumentException e) {
            // the driver's message quotes the whole URL, password included: never pass it on
            throw new InvalidInputException("store", "'" + mask(url) + "' is not a valid PostgreSQL JDBC URL "
                    + "(jdbc:postgresql://host:port/database)");
        }
        if (ds.getUser() == null || ds.getUser().isEmpty()) {
            ds.setUser(first(env.get(USER), env.get(PG_USER), System.getProperty("user.name")));
        }
        if (ds.getPassword() == null) {
            String password = first(env.get(PASSWORD), env.get(PG_PASSWORD), null);
            if (password != null) {
                ds.setPassword(password);
            }
        }
        return ds;
    }

    private static String first(String a, String b, String fallback) {
        if (a != null && !a.isEmpty()) {
            return a;
        }
        if (b != null && !b.isEmpty()) {
            return b;
        }
        return fallback;
    }

    @Override
    public String toString() {
        return masked();
    }
}
