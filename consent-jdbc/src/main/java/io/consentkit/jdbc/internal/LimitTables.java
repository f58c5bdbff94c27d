package io.consentkit.jdbc.internal;

import io.consentkit.send.LimitStoreException;

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
 * The limit store's tables ({@code io/consentkit/jdbc/limits/V1__limits.sql}, versioned apart from
 * the journal's), their create and check steps, and the statements of each operation with the
 * prefix filled in. Immutable and thread-safe.
 */
public final class LimitTables {
    /** The schema version this code reads and writes. */
    public static final int VERSION = 1;
    /** The script's resource name in the jar. */
    public static final String SCRIPT = "/io/consentkit/jdbc/limits/V1__limits.sql";

    private final String prefix;
    /** Locks (creating if needed) a recipient's row: key, at. */
    public final String lockRecipient;
    /** A recipient's send times from a time on, oldest first: key, from. */
    public final String sendTimes;
    /** Adds a send time: key, at; returns its id. */
    public final String insertSend;
    /** Deletes a send time: id. */
    public final String deleteSend;
    /**
     * Adds one message to a day if both caps allow it: start, end, segments, spent, message cap,
     * spend cap; returns messages, spent, alerts (no row: a cap refused).
     */
    public final String addToDay;
    /** A day's messages, segments, spent, alerts: start. */
    public final String readDay;
    /** Marks alerts given: bits, start. */
    public final String markAlerts;
    /** Gives one message back to a day: segments, spent, start. */
    public final String subtractFromDay;
    /** Adds weight to a window if its cap allows it: name, start, end, weight, cap; returns used. */
    public final String addToWindow;
    /** A window's used weight: name, start. */
    public final String readWindow;
    /** Gives weight back to a window: weight, name, start. */
    public final String subtractFromWindow;
    /** Takes tokens from the rate bucket: now+cost, now, cost, now, cost, now, burst; returns its new time. */
    public final String takeRate;
    /** Old rows, each: a cutoff. */
    public final List<String> prune;

    public LimitTables(String prefix) {
        this.prefix = prefix;
        String r = prefix + "limit_recipient";
        String s = prefix + "limit_send";
        String d = prefix + "limit_day";
        String w = prefix + "limit_window";
        lockRecipient = "INSERT INTO " + r + " AS r (key, last_at) VALUES (?, ?) ON CONFLICT (key)"
                + " DO UPDATE SET last_at = GREATEST(r.last_at, EXCLUDED.last_at)";
        sendTimes = "SELECT at FROM " + s + " WHERE key = ? AND at >= ? ORDER BY at";
        insertSend = "INSERT INTO " + s + " (key, at) VALUES (?, ?) RETURNING id";
        deleteSend = "DELETE FROM " + s + " WHERE id = ?";
        addToDay = "INSERT INTO " + d + " AS d (day_start, day_end, messages, segments, spent, alerts)"
                + " VALUES (?, ?, 1, ?, ?, 0) ON CONFLICT (day_start) DO UPDATE SET messages = d.messages + 1,"
                + " segments = d.segments + EXCLUDED.segments, spent = d.spent + EXCLUDED.spent"
                + " WHERE d.messages + 1 <= ? AND d.spent + EXCLUDED.spent <= ? RETURNING messages, spent, alerts";
        readDay = "SELECT messages, segments, spent, alerts FROM " + d + " WHERE day_start = ?";
        markAlerts = "UPDATE " + d + " SET alerts = alerts | ? WHERE day_start = ?";
        subtractFromDay = "UPDATE " + d + " SET messages = messages - 1, segments = segments - ?, spent = spent - ?"
                + " WHERE day_start = ?";
        addToWindow = "INSERT INTO " + w + " AS w (name, start_at, end_at, used) VALUES (?, ?, ?, ?)"
                + " ON CONFLICT (name, start_at) DO UPDATE SET used = w.used + EXCLUDED.used"
                + " WHERE w.used + EXCLUDED.used <= ? RETURNING used";
        readWindow = "SELECT used FROM " + w + " WHERE name = ? AND start_at = ?";
        subtractFromWindow = "UPDATE " + w + " SET used = used - ? WHERE name = ? AND start_at = ?";
        takeRate = "INSERT INTO " + w + " AS w (name, start_at, end_at, used) VALUES ('rate', 0, "
                + Long.MAX_VALUE + ", ?) ON CONFLICT (name, start_at) DO UPDATE SET used = GREATEST(w.used, ?) + ?"
                + " WHERE GREATEST(w.used, ?) + ? - ? <= ? RETURNING used";
        prune = List.of("DELETE FROM " + s + " WHERE at < ?", "DELETE FROM " + r + " WHERE last_at < ?",
                "DELETE FROM " + d + " WHERE day_end < ?", "DELETE FROM " + w + " WHERE end_at < ?");
    }

    /** The tables' names, in the order the script creates them. */
    public List<String> tables() {
        return List.of(prefix + "limit_recipient", prefix + "limit_send", prefix + "limit_day",
                prefix + "limit_window", versionTable());
    }

    String versionTable() {
        return prefix + "limit_schema_version";
    }

    /** The script with {@code ${prefix}} replaced, comments included. */
    public static String script(String prefix) {
        try (InputStream in = LimitTables.class.getResourceAsStream(SCRIPT)) {
            if (in == null) {
                throw new LimitStoreException("schema script " + SCRIPT + " is missing from the consent-jdbc jar");
            }
            return new String(in.readAllBytes(), StandardCharsets.UTF_8).replace("${prefix}", prefix);
        } catch (IOException e) {
            throw new LimitStoreException("could not read schema script " + SCRIPT, e);
        }
    }

    private List<String> statements() {
        StringBuilder sql = new StringBuilder();
        for (String line : script(prefix).split("\n")) {
            if (!line.strip().startsWith("--")) {
                sql.append(line).append('\n');
            }
        }
        List<String> out = new ArrayList<>();
        for (String st : sql.toString().split(";")) {
            if (!st.isBlank()) {
                out.add(st.strip());
            }
        }
        return out;
    }

    /** Creates the missing tables in one transaction, under an advisory lock (instances starting together). */
    public void create(Connection c) throws SQLException {
        boolean auto = c.getAutoCommit();
        c.setAutoCommit(false);
        try (Statement st = c.createStatement()) {
            try (PreparedStatement lock = c.prepareStatement("SELECT pg_advisory_xact_lock(hashtext(?))")) {
                lock.setString(1, "consentkit limits schema " + prefix);
                lock.execute();
            }
            for (String sql : statements()) {
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
     * Checks that every table exists with its columns and that the version is one this code knows.
     *
     * @throws LimitStoreException naming what is missing and how to create it
     */
    public void check(Connection c) throws SQLException {
        String fix = " (build the limit store with createSchema(true), or run " + SCRIPT.substring(1)
                + " from the consent-jdbc jar with ${prefix} = '" + prefix + "')";
        Integer version;
        try (Statement st = c.createStatement();
             ResultSet rs = st.executeQuery("SELECT max(version) FROM " + versionTable())) {
            rs.next();
            int v = rs.getInt(1);
            version = rs.wasNull() ? null : v;
        } catch (SQLException e) {
            if (Sql.isUndefinedTable(e)) {
                throw new LimitStoreException("JDBC limit store: table " + versionTable() + " does not exist" + fix, e);
            }
            throw e;
        }
        if (version == null) {
            throw new LimitStoreException("JDBC limit store: table " + versionTable() + " holds no schema version" + fix);
        }
        if (version > VERSION) {
            throw new LimitStoreException("JDBC limit store: schema version " + version + " in " + versionTable()
                    + " is newer than this ConsentKit's (" + VERSION + "); upgrade ConsentKit");
        }
        String[][] columns = {{"limit_recipient", "key, last_at"}, {"limit_send", "id, key, at"},
                {"limit_day", "day_start, day_end, messages, segments, spent, alerts"},
                {"limit_window", "name, start_at, end_at, used"}};
        for (String[] t : columns) {
            try (Statement st = c.createStatement();
                 ResultSet rs = st.executeQuery("SELECT " + t[1] + " FROM " + prefix + t[0] + " WHERE 1 = 0")) {
                rs.next();
            } catch (SQLException e) {
                if (Sql.isUndefinedTable(e) || Sql.isUndefinedColumn(e)) {
                    throw new LimitStoreException("JDBC limit store: table " + prefix + t[0]
                            + (Sql.isUndefinedTable(e) ? " does not exist" : " lacks a column of schema version "
                            + VERSION + " (" + t[1] + ")") + fix, e);
                }
                throw e;
            }
        }
    }
}
