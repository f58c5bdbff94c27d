package io.consentkit.jdbc.internal;

import io.consentkit.journal.ConsentStoreException;

import java.sql.Connection;
import java.sql.SQLException;

/** Small JDBC helpers: SQLState tests, quiet rollback, the store's exception. Stateless and thread-safe. */
public final class Sql {
    private Sql() {
    }

    static boolean isUndefinedTable(SQLException e) {
        return "42P01".equals(e.getSQLState());
    }

    static boolean isUndefinedColumn(SQLException e) {
        return "42703".equals(e.getSQLState());
    }

    /** Rolls back, keeping the first failure as the one reported. */
    static void rollbackQuietly(Connection c) {
        try {
            c.rollback();
        } catch (SQLException ignored) {
            // the connection is broken; the original failure is the one to report
        }
    }

    static void rollbackIfOpen(Connection c) {
        try {
            if (!c.getAutoCommit()) {
                c.rollback();
            }
        } catch (SQLException ignored) {
            // as above
        }
    }

    /** Puts back a connection's isolation level and auto-commit after a transaction; a broken one is left to the pool. */
    static void restore(Connection c, int isolation, boolean auto) {
        try {
            c.setTransactionIsolation(isolation);
        } catch (SQLException ignored) {
            // a broken connection; the pool discards it
        }
        restoreAutoCommit(c, auto);
    }

    static void restoreAutoCommit(Connection c, boolean auto) {
        try {
            if (c.getAutoCommit() != auto) {
                c.setAutoCommit(auto);
            }
        } catch (SQLException ignored) {
            // a broken connection; the pool discards it
        }
    }

    /**
     * The store's exception for a failed JDBC call: what was being done, where, and the SQLState.
     * The driver's message is kept only as the cause (a server error's detail can quote row values).
     */
    public static ConsentStoreException failure(String what, String location, SQLException e) {
        return new ConsentStoreException("JDBC consent store (" + location + "): " + what + " failed (SQLState "
                + e.getSQLState() + ", " + e.getClass().getSimpleName() + ")", e);
    }
}
