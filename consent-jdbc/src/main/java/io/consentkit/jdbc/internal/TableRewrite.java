package io.consentkit.jdbc.internal;

import io.consentkit.journal.ConsentRecord;
import io.consentkit.journal.JournalCodec;
import io.consentkit.store.JournalRewrite;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;

/**
 * A {@link JournalRewrite} over the journal table in one transaction: {@code LOCK TABLE ... IN
 * EXCLUSIVE MODE} (it conflicts with the ROW EXCLUSIVE lock every INSERT takes, so appends of every
 * instance and process, of any ConsentKit version, wait for the commit; reads go on and see the table
 * as it was), every row read in journal order for {@link JournalRewrite#inspect}, then the replaced
 * rows UPDATEd in place (only the cells the rewrite changed; {@code tx}, {@code id}, the writer, its
 * sequence, {@code row_digest} and {@code chain_link} stay) and the appended rows INSERTed continuing
 * the given writer's chain, and one commit with {@code synchronous_commit} on. Any failure rolls the
 * whole transaction back. Then, outside it, a {@code VACUUM} of the table removes the replaced rows'
 * old versions (best effort: see {@link #vacuum}). Not public API. Stateless and thread-safe (the
 * caller serialises one writer's chain).
 */
public final class TableRewrite {
    private static final org.slf4j.Logger LOG = org.slf4j.LoggerFactory.getLogger(TableRewrite.class);

    private final JdbcSettings settings;
    private final JournalTable table;

    public TableRewrite(JdbcSettings settings, JournalTable table) {
        this.settings = settings;
        this.table = table;
    }

    /** One replaced row: its id and the cells (by {@link ConsentRecord#COLUMNS} index) that change. */
    private record Change(long id, int[] columns, String[] cells) {
    }

    /**
     * Runs {@code rewrite}; the chain moves once the transaction committed.
     *
     * @return the rows in the table after the rewrite (the rows read when the rewrite changed nothing)
     * @throws SQLException if the rewrite failed: rolled back, or (a failure during the commit) unknown
     */
    public long run(Connection c, JournalRewrite rewrite, JournalTable.Chain chain) throws SQLException {
        boolean auto = c.getAutoCommit();
        int isolation = c.getTransactionIsolation();
        c.setAutoCommit(false);
        c.setTransactionIsolation(Connection.TRANSACTION_READ_COMMITTED); // each statement sees every commit so far
        long rows;
        try {
            long tx;
            long lockWait = settings.statementTimeout().toMillis();
            try (Statement st = c.createStatement();
                 ResultSet rs = st.executeQuery("SELECT set_config('synchronous_commit', 'on', true), "
                         + "pg_current_xact_id()::text::bigint"
                         + (lockWait <= 0 ? "" : ", set_config('lock_timeout', '" + lockWait + "', true)"))) {
                rs.next();
                tx = rs.getLong(2);
            }
            try (Statement st = c.createStatement()) {
                st.execute("LOCK TABLE " + settings.journalTable() + " IN EXCLUSIVE MODE");
            }
            rows = readAll(c, rewrite::inspect);
            if (!rewrite.check()) {
                c.rollback(); // nothing to change: the lock goes, no row was touched
                return rows;
            }
            List<Change> changes = new ArrayList<>();
            readAll(c, (id, row) -> {
                ConsentRecord instead = rewrite.replace(row);
                if (instead != null) {
                    changes.add(change(id, row, instead));
                }
            });
            update(c, changes);
            List<ConsentRecord> appended = List.copyOf(rewrite.appended());
            appended.forEach(io.consentkit.journal.JournalLimits::check);
            byte[] link = table.insert(c, tx, appended, chain);
            c.commit();
            chain.advance(appended.size(), link);
            rows += appended.size();
        } catch (SQLException | RuntimeException e) {
            Sql.rollbackQuietly(c);
            throw e;
        } finally {
            Sql.restore(c, isolation, auto);
        }
        vacuum(c);
        return rows;
    }

    private interface IdSink {
        void row(long id, ConsentRecord row);
    }

    private long readAll(Connection c, java.util.function.Consumer<ConsentRecord> sink) throws SQLException {
        return readAll(c, (id, row) -> sink.accept(row));
    }

    /** Every row in journal order (tx, id), decoded as a replay does. */
    private long readAll(Connection c, IdSink sink) throws SQLException {
        String source = "jdbc " + settings.location();
        int[] map = JournalCodec.identityMap();
        long n = 0;
        try (PreparedStatement ps = c.prepareStatement("SELECT id, " + String.join(", ", ConsentRecord.COLUMNS)
                + " FROM " + settings.journalTable() + " ORDER BY tx, id")) {
            ps.setFetchSize(JournalTable.FETCH_SIZE);
            try (ResultSet rs = ps.executeQuery()) {
                String[] cells = new String[JournalCodec.COLUMN_COUNT];
                while (rs.next()) {
                    long id = rs.getLong(1);
                    for (int i = 0; i < cells.length; i++) {
                        cells[i] = rs.getString(i + 2);
                    }
                    sink.row(id, JournalCodec.decode(i -> cells[i], cells.length, map, settings.phones(), source, id,
                            true));
                    n++;
                }
            }
        }
        return n;
    }

    /** The cells of {@code instead} that differ from {@code row}'s (a cell the rewrite kept stays as stored). */
    private static Change change(long id, ConsentRecord row, ConsentRecord instead) {
        String[] before = JournalCodec.cells(row);
        String[] after = JournalCodec.cells(instead);
        int[] cols = new int[after.length];
        int n = 0;
        for (int i = 0; i < after.length; i++) {
            if (!after[i].equals(before[i])) {
                cols[n++] = i;
            }
        }
        int[] changed = java.util.Arrays.copyOf(cols, n);
        String[] cells = new String[n];
        for (int k = 0; k < n; k++) {
            cells[k] = after[changed[k]];
        }
        return new Change(id, changed, cells);
    }

    private void update(Connection c, List<Change> changes) throws SQLException {
        for (Change ch : changes) {
            if (ch.columns().length == 0) {
                continue;
            }
            StringBuilder sql = new StringBuilder("UPDATE ").append(settings.journalTable()).append(" SET ");
            for (int k = 0; k < ch.columns().length; k++) {
                sql.append(k == 0 ? "" : ", ").append(ConsentRecord.COLUMNS.get(ch.columns()[k])).append(" = ?");
            }
            sql.append(" WHERE id = ?");
            try (PreparedStatement ps = c.prepareStatement(sql.toString())) {
                for (int k = 0; k < ch.cells().length; k++) {
                    ps.setString(k + 1, ch.cells()[k]);
                }
                ps.setLong(ch.cells().length + 1, ch.id());
                if (ps.executeUpdate() != 1) {
                    throw new SQLException("row id " + ch.id() + " of " + settings.journalTable()
                            + " was not updated exactly once", "55000");
                }
            }
        }
    }

    /**
     * {@code VACUUM}s the table after the commit, so the replaced rows' old versions (PostgreSQL keeps
     * them as dead tuples) are removed from its pages. Best effort: a VACUUM needs the table's owner (or
     * the MAINTAIN privilege; PostgreSQL skips the table with a warning otherwise), and it cannot remove
     * versions an older transaction may still see; a failure or warning is logged (never a row value)
     * and the erasure stands. Run {@code VACUUM} on the table later then.
     */
    private void vacuum(Connection c) {
        boolean auto = true;
        try (Statement st = c.createStatement()) {
            auto = c.getAutoCommit();
            c.setAutoCommit(true); // VACUUM cannot run inside a transaction block
            st.execute("VACUUM " + settings.journalTable());
            for (java.sql.SQLWarning w = st.getWarnings(); w != null; w = w.getNextWarning()) {
                // a role that does not own the table: PostgreSQL skips it with a warning, not an error
                LOG.warn("JDBC consent store ({}): VACUUM of {} after an erasure: {} (SQLState {}); the erased rows' "
                        + "old versions stay in the table's pages until it is vacuumed: run VACUUM {} as its owner",
                        settings.location(), settings.journalTable(), w.getMessage(), w.getSQLState(),
                        settings.journalTable());
            }
        } catch (SQLException e) {
            LOG.warn("JDBC consent store ({}): VACUUM of {} after an erasure failed (SQLState {}); the erased rows' "
                    + "old versions stay in the table's pages until it is vacuumed: run VACUUM {} as its owner",
                    settings.location(), settings.journalTable(), e.getSQLState(), settings.journalTable());
        } finally {
            Sql.restoreAutoCommit(c, auto);
        }
    }
}
