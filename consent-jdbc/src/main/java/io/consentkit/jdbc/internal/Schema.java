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
 * The versioned schema scripts shipped in the jar ({@code io/consentkit/jdbc/V1__journal.sql}: the
 * journal with the 14 legacy columns; {@code V2__scopes.sql}: the version 2 columns program, brand and
 * channel; {@code V3__chain.sql}: the tamper-evidence columns writer_id, writer_seq, row_digest and
 * chain_link), applied in order, and the create and check steps. Stateless and thread-safe.
 */
public final class Schema {
    /** The schema version this code reads and writes. */
    public static final int VERSION = 3;
    /** The first script's resource name in the jar. */
    public static final String SCRIPT = "/io/consentkit/jdbc/V1__journal.sql";
    /** Every script's resource name in the jar, in the order they are applied (V1, V2, then V3). */
    public static final List<String> SCRIPTS = List.of(SCRIPT, "/io/consentkit/jdbc/V2__scopes.sql",
            "/io/consentkit/jdbc/V3__chain.sql");
    /** The chain columns V3 adds, in order. */
    public static final List<String> CHAIN_COLUMNS = List.of("writer_id", "writer_seq", "row_digest", "chain_link");

    private Schema() {
    }

    /** The scripts, in order, with {@code ${prefix}} replaced, comments included. */
    public static String script(String prefix) {
        StringBuilder out = new StringBuilder();
        for (String name : SCRIPTS) {
            try (InputStream in = Schema.class.getResourceAsStream(name)) {
                if (in == null) {
                    throw new ConsentStoreException("schema script " + name + " is missing from the consent-jdbc jar");
                }
                out.append(new String(in.readAllBytes(), StandardCharsets.UTF_8).replace("${prefix}", prefix));
            } catch (IOException e) {
                throw new ConsentStoreException("could not read schema script " + name, e);
            }
        }
        return out.toString();
    }

    /** The scripts' statements, comments dropped (the scripts have no ';' inside a statement). */
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
        String fix = " (build the store with createSchema(true), or run " + String.join(" then ",
                SCRIPTS.stream().map(n -> n.substring(1)).toList()) + " from the consent-jdbc jar with ${prefix} = '"
                + s.prefix() + "')";
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
        List<String> missing = new ArrayList<>(List.of("id", "tx"));
        missing.addAll(ConsentRecord.COLUMNS);
        missing.addAll(CHAIN_COLUMNS);
        boolean exists = false;
        try (PreparedStatement ps = c.prepareStatement("SELECT a.attname FROM pg_attribute a WHERE a.attrelid = "
                + "to_regclass(?) AND a.attnum > 0 AND NOT a.attisdropped")) {
            ps.setString(1, s.journalTable());
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    exists = true;
                    missing.remove(rs.getString(1));
                }
            }
        }
        if (!exists) {
            throw new ConsentStoreException("JDBC consent store: table " + s.journalTable() + " does not exist" + fix);
        }
        if (!missing.isEmpty()) {
            throw new ConsentStoreException("JDBC consent store: table " + s.journalTable() + " lacks column(s) "
                    + missing + " of schema version " + VERSION + " (program, brand and channel come with "
                    + SCRIPTS.get(1).substring(SCRIPTS.get(1).lastIndexOf('/') + 1) + ", " + String.join(", ",
                    CHAIN_COLUMNS) + " with " + SCRIPTS.get(2).substring(SCRIPTS.get(2).lastIndexOf('/') + 1) + ")"
                    + fix);
        }
    }
}
