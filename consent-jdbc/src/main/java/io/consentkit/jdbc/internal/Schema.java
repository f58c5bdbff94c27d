package io.consentkit.jdbc.internal;

import io.consentkit.journal.ConsentRecord;
import io.consentkit.journal.ConsentStoreException;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;

/**
 * The versioned schema scripts shipped in the jar ({@code io/consentkit/jdbc/V1__journal.sql}), and
 * the create and check steps. Stateless and thread-safe.
 */
public final class Schema {
    /** The schema version this code reads and writes. */
    public static final int VERSION = 1;
    /** The script's resource name in the jar. */
    public static final String SCRIPT = "/io/consentkit/jdbc/V1__journal.sql";

    private Schema() {
    }

    /** The script with {@code ${prefix}} replaced, comments included. */
    public static String script(String prefix) {
        try (InputStream in = Schema.class.getResourceAsStream(SCRIPT)) {
            if (in == null) {
                throw new ConsentStoreException("schema script " + SCRIPT + " is missing from the consent-jdbc jar");
            }
            return new String(in.readAllBytes(), StandardCharsets.UTF_8).replace("${prefix}", prefix);
        } catch (IOException e) {
            throw new ConsentStoreException("could not read schema script " + SCRIPT, e);
        }
    }

    /** The script's statements, comments dropped (the script has no ';' inside a statement). */
    static List<String> statements(String prefix) {
        StringBuilder sql = new StringBuilder();
        for (String line : script(prefix).split("\n")) {
            if (!line.strip().startsWith("--")) {
                sql.append(line).append('\n');
            }
        }
        List<String> out = new ArrayList<>();
        for (String s : sql.toString().split(";")) {
            if (!s.isBlank()) {
                out.add(s.strip());
            }
        }
        return out;
    }

    /**
     * Creates the tables that are missing, in one transaction, under an advisory lock so that
     * instances starting together do not race on the catalog.
     */
    public static void create(Connection c, JdbcSettings s) throws SQLException {
        boolean auto = c.getAutoCommit();
        c.setAutoCommit(false);
        try (Statement st = c.createStatement()) {
            try (PreparedStatement lock = c.prepareStatement("SELECT pg_advisory_xact_lock(hashtext(?))")) {
                lock.setString(1, "consentkit schema " + s.prefix());
                lock.execute();
            }
            for (String sql : statements(s.prefix())) {
                st.execute(sql);
            }
            c.commit();
        } catch (SQLException | RuntimeException e) {
            Sql.rollbackQuietly(c);
            throw e;
        } finally {
            Sql.restoreAutoCommit(c, auto);
        }
    }

    /**
     * Checks that both tables exist with every column and the version is one this code knows.
     *
     * @throws ConsentStoreException saying what is missing and how to create it
     */
    public static void check(Connection c, JdbcSettings s) throws SQLException {
        String fix = " (build the store with createSchema(true), or run " + SCRIPT.substring(1)
                + " from the consent-jdbc jar with ${prefix} = '" + s.prefix() + "')";
        Integer version;
        try (Statement st = c.createStatement();
             ResultSet rs = st.executeQuery("SELECT max(version) FROM " + s.versionTable())) {
            rs.next();
            int v = rs.getInt(1);
            version = rs.wasNull() ? null : v;
        } catch (SQLException e) {
            if (Sql.isUndefinedTable(e)) {
                Sql.rollbackIfOpen(c);
                throw new ConsentStoreException("JDBC consent store: table " + s.versionTable()
                        + " does not exist" + fix, e);
            }
            throw e;
        }
        if (version == null) {
            throw new ConsentStoreException("JDBC consent store: table " + s.versionTable()
                    + " holds no schema version" + fix);
        }
        if (version > VERSION) {
            throw new ConsentStoreException("JDBC consent store: schema version " + version + " in "
                    + s.versionTable() + " is newer than this ConsentKit's (" + VERSION + "); upgrade ConsentKit");
        }
        try (Statement st = c.createStatement();
             ResultSet rs = st.executeQuery("SELECT id, tx, " + String.join(", ", ConsentRecord.COLUMNS)
                     + " FROM " + s.journalTable() + " WHERE 1 = 0")) {
            rs.next();
        } catch (SQLException e) {
            if (Sql.isUndefinedTable(e) || Sql.isUndefinedColumn(e)) {
                Sql.rollbackIfOpen(c);
                throw new ConsentStoreException("JDBC consent store: table " + s.journalTable()
                        + " is missing or lacks a column of schema version " + VERSION + " (SQLState "
                        + e.getSQLState() + ")" + fix, e);
            }
            throw e;
        }
    }
}
