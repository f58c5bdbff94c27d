package io.consentkit.jdbc.internal;

import io.consentkit.journal.ConsentRecord;
import io.consentkit.journal.JournalChain;
import io.consentkit.journal.JournalCodec;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.List;
import java.util.function.LongConsumer;

/**
 * The journal table's SQL: one transaction per appended batch, and reads of every row from a
 * transaction id on, in journal order {@code (tx, id)}, with the snapshot's oldest running
 * transaction id. Each appended row carries its writer's chain cells ({@link Chain}: writer id,
 * sequence number, row digest, link); the caller serialises one writer's appends. Stateless and
 * thread-safe (each call uses the connection it is given).
 */
public final class JournalTable {
    /** Rows fetched per round trip while reading. */
    static final int FETCH_SIZE = 1000;

    private final JdbcSettings settings;
    private final String insert;
    private final String select;
    private final String selectChain;
    private final String selectErasures;

    public JournalTable(JdbcSettings settings) {
        this.settings = settings;
        String cols = String.join(", ", ConsentRecord.COLUMNS);
        this.insert = "INSERT INTO " + settings.journalTable() + " (tx, " + cols + ", "
                + String.join(", ", Schema.CHAIN_COLUMNS) + ") VALUES (?"
                + ", ?".repeat(ConsentRecord.COLUMNS.size() + Schema.CHAIN_COLUMNS.size()) + ")";
        this.select = "SELECT tx, id, " + cols + " FROM " + settings.journalTable()
                + " WHERE tx >= ? ORDER BY tx, id";
        this.selectChain = "SELECT id, writer_id, " + cols + ", row_digest, chain_link FROM " + settings.journalTable()
                + " ORDER BY writer_id, writer_seq, tx, id";
        this.selectErasures = "SELECT id, " + cols + " FROM " + settings.journalTable()
                + " WHERE revoked_method = '" + io.consentkit.journal.Redaction.METHOD + "' ORDER BY id";
    }

    /** One writer's chain: its id, the next sequence number and the link its next row links from. */
    public static final class Chain {
        final String writerId;
        long seq;
        byte[] head = JournalChain.genesis();

        public Chain(String writerId) {
            this.writerId = writerId;
        }

        /** {@code rows} more rows of this writer committed, the last one with {@code link}. */
        void advance(int rows, byte[] link) {
            seq += rows;
            head = link;
        }
    }

    /**
     * Every row in chain order (each writer's rows by {@code writer_seq}; legacy rows, writer id empty,
     * first), with its row id and writer id, cells in {@link ConsentRecord#COLUMNS} order then
     * {@code row_digest, chain_link}.
     */
    public interface ChainSink {
        void row(long id, String writerId, String[] cells);
    }

    /**
     * Reads every row for a chain check, in one repeatable-read snapshot. Before the first row reaches
     * {@code sink}, {@code vouched} gets, per consent id an erasure row lists
     * ({@link io.consentkit.journal.Redaction#CONSENT_IDS}), the highest {@code id} of such an erasure
     * row: the rows of that consent with a smaller id were there when it was written (an erasure holds
     * the table locked, so no row inserted before it commits later) and were redacted after their digests
     * were recorded. A row that does not decode vouches for nothing (the chain check names it).
     */
    public void readChain(Connection c, java.util.Map<String, Long> vouched, ChainSink sink) throws SQLException {
        boolean auto = c.getAutoCommit();
        int isolation = c.getTransactionIsolation();
        c.setAutoCommit(false);
        c.setTransactionIsolation(Connection.TRANSACTION_REPEATABLE_READ);
        try {
            readErasures(c, vouched);
            try (PreparedStatement ps = c.prepareStatement(selectChain)) {
                ps.setFetchSize(FETCH_SIZE);
                try (ResultSet rs = ps.executeQuery()) {
                    int n = JournalCodec.CHAINED_COLUMN_COUNT;
                    while (rs.next()) {
                        String[] cells = new String[n];
                        for (int i = 0; i < n; i++) {
                            cells[i] = rs.getString(i + 3);
                        }
                        sink.row(rs.getLong(1), rs.getString(2), cells);
                    }
                }
            }
            c.commit();
        } catch (SQLException | RuntimeException e) {
            Sql.rollbackQuietly(c);
            throw e;
        } finally {
            Sql.restore(c, isolation, auto);
        }
    }

    private void readErasures(Connection c, java.util.Map<String, Long> vouched) throws SQLException {
        String source = "jdbc " + settings.location();
        int[] map = JournalCodec.identityMap();
        try (PreparedStatement ps = c.prepareStatement(selectErasures); ResultSet rs = ps.executeQuery()) {
            String[] cells = new String[JournalCodec.COLUMN_COUNT];
            while (rs.next()) {
                long id = rs.getLong(1);
                for (int i = 0; i < cells.length; i++) {
                    cells[i] = rs.getString(i + 2);
                }
                ConsentRecord r;
                try {
                    r = JournalCodec.decode(i -> cells[i], cells.length, map, settings.phones(), source, id, true);
                } catch (io.consentkit.InvalidInputException e) {
                    continue; // vouches for nothing: its digest check names it
                }
                if (io.consentkit.journal.Redaction.isErasure(r)) {
                    for (String consent : r.metadata().getOrDefault(io.consentkit.journal.Redaction.CONSENT_IDS, "")
                            .split(" ")) {
                        if (!consent.isEmpty()) {
                            vouched.merge(consent, id, Math::max);
                        }
                    }
                }
            }
        }
    }

    /**
     * Inserts {@code rows} in one transaction and commits it with {@code synchronous_commit} on, so
     * the rows are durable when this returns. {@code beforeInsert} gets the transaction's id before
     * any row is written (the store notes it as its own, so its polls do not return the rows). Each
     * statement of the transaction is cancelled after {@link JdbcSettings#statementTimeout} (0: the
     * server's setting).
     *
     * @throws SQLException if anything failed; the transaction was rolled back or its outcome is unknown
     */
    public void append(Connection c, List<ConsentRecord> rows, Chain chain, LongConsumer beforeInsert)
            throws SQLException {
        boolean auto = c.getAutoCommit();
        c.setAutoCommit(false);
        try {
            long tx;
            try (Statement st = c.createStatement();
                 ResultSet rs = st.executeQuery("SELECT set_config('synchronous_commit', 'on', true), "
                         + "pg_current_xact_id()::text::bigint" + timeout(settings.statementTimeout().toMillis()))) {
                rs.next();
                tx = rs.getLong(2);
            }
            beforeInsert.accept(tx);
            byte[] link = insert(c, tx, rows, chain);
            c.commit();
            chain.advance(rows.size(), link); // committed: the writer's next row links from here
        } catch (SQLException | RuntimeException e) {
            Sql.rollbackQuietly(c);
            throw e;
        } finally {
            Sql.restoreAutoCommit(c, auto);
        }
    }

    /**
     * Inserts {@code rows} in the caller's open transaction {@code tx}, continuing {@code chain} (which
     * is not moved: the caller moves it once the transaction committed), and returns the link of the
     * last row.
     */
    byte[] insert(Connection c, long tx, List<ConsentRecord> rows, Chain chain) throws SQLException {
        byte[] link = chain.head;
        String[][] chained = new String[rows.size()][];
        for (int i = 0; i < rows.size(); i++) {
            ConsentRecord r = rows.get(i);
            byte[] digest = JournalChain.digest(JournalChain.canonical(r, false));
            link = JournalChain.link(link, digest);
            chained[i] = new String[] {JournalChain.hex(digest), JournalChain.hex(link)};
        }
        try (PreparedStatement ps = c.prepareStatement(insert)) {
            for (int k = 0; k < rows.size(); k++) {
                ps.setLong(1, tx);
                String[] cells = JournalCodec.cells(rows.get(k));
                for (int i = 0; i < cells.length; i++) {
                    ps.setString(i + 2, cells[i]);
                }
                int at = cells.length + 2;
                ps.setString(at, chain.writerId);
                ps.setLong(at + 1, chain.seq + k + 1);
                ps.setString(at + 2, chained[k][0]);
                ps.setString(at + 3, chained[k][1]);
                ps.addBatch();
            }
            ps.executeBatch();
        }
        return link;
    }

    /** A select-list item setting this transaction's statement timeout, or nothing for 0 (the server's). */
    private static String timeout(long millis) {
        return millis <= 0 ? "" : ", set_config('statement_timeout', '" + millis + "', true)";
    }

    /** What a read saw: the snapshot's oldest running transaction id. */
    public interface RowSink {
        /** One committed row, in journal order. */
        void row(long tx, ConsentRecord record);
    }

    /**
     * Reads, in one repeatable-read snapshot, every committed row with {@code tx >= fromTx} in
     * journal order, and returns the snapshot's xmin: every transaction with a smaller id had ended
     * (committed or rolled back) when the snapshot was taken, so no row with a smaller {@code tx}
     * can appear later. With {@code limited}, each statement is cancelled after the statement timeout.
     */
    public long read(Connection c, long fromTx, RowSink sink, boolean limited) throws SQLException {
        boolean auto = c.getAutoCommit();
        int isolation = c.getTransactionIsolation();
        c.setAutoCommit(false);
        c.setTransactionIsolation(Connection.TRANSACTION_REPEATABLE_READ);
        try {
            long xmin;
            try (Statement st = c.createStatement();
                 ResultSet rs = st.executeQuery("SELECT pg_snapshot_xmin(pg_current_snapshot())::text::bigint"
                         + timeout(limited ? settings.statementTimeout().toMillis() : 0))) {
                rs.next();
                xmin = rs.getLong(1);
            }
            String source = "jdbc " + settings.location();
            int[] map = JournalCodec.identityMap();
            try (PreparedStatement ps = c.prepareStatement(select)) {
                ps.setFetchSize(FETCH_SIZE);
                ps.setLong(1, fromTx);
                try (ResultSet rs = ps.executeQuery()) {
                    String[] cells = new String[JournalCodec.COLUMN_COUNT];
                    while (rs.next()) {
                        long tx = rs.getLong(1);
                        long id = rs.getLong(2);
                        for (int i = 0; i < cells.length; i++) {
                            cells[i] = rs.getString(i + 3);
                        }
                        sink.row(tx, JournalCodec.decode(i -> cells[i], cells.length, map, settings.phones(),
                                source, id, true));
                    }
                }
            }
            c.commit();
            return xmin;
        } catch (SQLException | RuntimeException e) {
            Sql.rollbackQuietly(c);
            throw e;
        } finally {
            Sql.restore(c, isolation, auto);
        }
    }
}
