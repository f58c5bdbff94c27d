package io.consentkit.jdbc;

import io.consentkit.InvalidInputException;
import io.consentkit.jdbc.internal.JdbcSettings;
import io.consentkit.jdbc.internal.ChainCheck;
import io.consentkit.jdbc.internal.JournalTable;
import io.consentkit.jdbc.internal.Schema;
import io.consentkit.jdbc.internal.Sql;
import io.consentkit.jdbc.internal.TableRewrite;
import io.consentkit.jdbc.internal.Watermark;
import io.consentkit.jdbc.internal.WriterLanes;
import io.consentkit.journal.ConsentRecord;
import io.consentkit.journal.ConsentStoreException;
import io.consentkit.journal.JournalLimits;
import io.consentkit.journal.JournalVerifier;
import io.consentkit.journal.SharedConsentStore;
import io.consentkit.journal.StoreCapabilities;
import io.consentkit.phone.PhoneNumbers;
import io.consentkit.store.JournalRewrite;
import io.consentkit.store.RewritableStore;

import javax.sql.DataSource;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.function.Consumer;

/**
 * A consent journal in a PostgreSQL table (13 or newer), shared by every process and machine that
 * uses the same database and table prefix.
 *
 * <pre>{@code
 * JdbcConsentStore store = JdbcConsentStore.builder(dataSource)
 *         .tablePrefix("consentkit_")
 *         .createSchema(true)
 *         .build();
 * try (ConsentTracker tracker = ConsentTracker.builder(store).brand("Acme").build()) { ... }
 * }</pre>
 *
 * <h2>Schema</h2>
 * The scripts {@code io/consentkit/jdbc/V1__journal.sql} (the 14 legacy journal columns) and
 * {@code V2__scopes.sql} (program, brand and channel) in this jar, applied in order
 * ({@link #schemaScript}), create {@code <prefix>journal}, an append-only table with one column per
 * journal column of schema version 2 (the CSV journal's text cells, so rows round-trip exactly) plus
 * {@code id} (bigserial) and {@code tx} (the writing transaction's id), and
 * {@code <prefix>schema_version}. On first use the store checks both tables and every column, and
 * fails with a {@link ConsentStoreException} naming the missing columns and the script to run; with
 * {@link Builder#createSchema createSchema(true)} it creates (or migrates to V2) what is missing
 * instead. The store only INSERTs into the journal and SELECTs from it, except for an erasure
 * ({@link #rewrite}, which UPDATEs the erased person's cells in place): you may revoke UPDATE and
 * DELETE on it from the role of the applications that append, and give UPDATE only to the role that
 * erases. A journal whose {@code tx} values this
 * server has not reached (a logical dump restored from another cluster) is refused: rows written
 * after it would sort before the restored ones.
 *
 * <h2>Writes</h2>
 * Each {@link #append} is one transaction on a connection from the DataSource: the rows, in order,
 * then a commit with {@code synchronous_commit} on (whatever the server default), so an append that
 * returns is on disk; one that throws was rolled back or its outcome is unknown (not acknowledged).
 * Concurrent appends never interleave: journal order is the writing transaction's id, then the
 * row's {@code id}. Rows are checked with {@link JournalLimits#check} before any SQL runs.
 *
 * <h2>Reads and visibility</h2>
 * {@link #replay} and {@link #poll} read in one repeatable-read snapshot every row whose {@code tx}
 * is at or above a watermark, and then move the watermark to the snapshot's {@code xmin} (the oldest
 * transaction still running). A transaction id below {@code xmin} can never gain a row later, so a
 * transaction that took its id early and commits late is still picked up, however its
 * {@code id}s sort against rows already seen; transactions at or above the watermark already
 * delivered (or written by this instance) are remembered and not returned twice. This is why the
 * store does not read "every id after the last one seen": bigserial ids commit out of order. Rows of
 * another writer become visible to a tracker within {@link Builder#visibilityBound} (it polls before
 * a lookup once its last refresh is older), plus one poll. A transaction left open elsewhere in the
 * same database holds {@code xmin} back: polls then re-read rows since it started (they still return
 * each row once, as soon as it commits).
 *
 * <h2>Connections and failures</h2>
 * The store borrows a connection per call and returns it. Each statement of an append or poll is
 * cancelled after {@link Builder#statementTimeout} (default 10 s), so a lock wait or a stalled
 * server fails the call rather than hanging it (a tracker's lookup that needed the poll then fails
 * closed); {@link #close()} does not close the
 * DataSource (it belongs to the caller). Every SQL failure is thrown as {@link ConsentStoreException}
 * naming the operation, the table and the SQLState, with the driver's exception as its cause (a
 * server error's detail may quote row values: set the driver's {@code logServerErrorDetail=false}
 * if causes are logged). For batch speed, set {@code reWriteBatchedInserts=true} on the PostgreSQL
 * driver.
 *
 * <p><b>Tamper evidence</b> (schema version 3): an instance writes through up to
 * {@value #WRITER_LANES} writers, each with a random {@code writer_id}; a writer's rows carry
 * {@code writer_seq} 1, 2, 3... and the chain cells {@code row_digest, chain_link} of one chain per
 * writer ({@link #verifyChain()}). An append takes a free writer for its transaction and gives it back
 * after the commit, so up to {@value #WRITER_LANES} appends of one instance commit concurrently while
 * each writer's chain follows its sequence. A failed append puts a fresh writer id in its writer's
 * place, so an append whose outcome is unknown never leaves a gap.
 *
 * <p>Thread-safe: the appends of one instance run concurrently, up to {@value #WRITER_LANES} at a time,
 * each on its own connection; several instances (and processes) append concurrently; replay and poll are
 * serialised per instance; a {@link #rewrite} (an erasure) holds, through its table lock, the appends of
 * this and every other instance until it commits.
 */
public final class JdbcConsentStore implements SharedConsentStore, RewritableStore {
    /** Default table prefix: {@value}. */
    public static final String DEFAULT_TABLE_PREFIX = "consentkit_";
    /** Default visibility bound: 2 seconds (each poll with nothing new is one small query). */
    public static final Duration DEFAULT_VISIBILITY_BOUND = Duration.ofSeconds(2);
    /** Default statement timeout of appends and polls: 10 seconds. */
    public static final Duration DEFAULT_STATEMENT_TIMEOUT = Duration.ofSeconds(10);

    private final JdbcSettings settings;
    private final JournalTable table;
    private final TableRewrite rewriter;
    private final StoreCapabilities capabilities;
    private final Watermark watermark = new Watermark();
    private final Object readLock = new Object();
    private final Object schemaLock = new Object();
    /** Writers (chains) one instance appends through at once: its appends' concurrency. */
    public static final int WRITER_LANES = 8;
    /** The writers this instance appends through, the last given back taken first (one chain when sequential). */
    private final WriterLanes lanes = new WriterLanes(WRITER_LANES);
    private volatile boolean schemaChecked;
    private volatile boolean closed;

    private JdbcConsentStore(JdbcSettings settings) {
        this.settings = settings;
        this.table = new JournalTable(settings);
        this.rewriter = new TableRewrite(settings, table);
        this.capabilities = new StoreCapabilities("jdbc", true, true, true, settings.visibilityBound());
    }

    /** Starts configuring a store over {@code dataSource}. */
    public static Builder builder(DataSource dataSource) {
        return new Builder(dataSource);
    }

    /**
     * The schema scripts (V1 then V2) for {@code tablePrefix}, as the store runs them (comments
     * included): for a migration tool or a DBA who creates the tables by hand.
     *
     * @throws InvalidInputException if the prefix is not a valid table prefix
     */
    public static String schemaScript(String tablePrefix) {
        return Schema.script(JdbcSettings.checkPrefix(tablePrefix));
    }

    /** The journal table's name (prefix included). */
    public String journalTable() {
        return settings.journalTable();
    }

    @Override
    public StoreCapabilities capabilities() {
        return capabilities;
    }

    /**
     * Feeds every committed row to {@code sink}, in journal order, and makes later {@link #poll}s
     * return only rows not fed here.
     *
     * @throws ConsentStoreException if the schema is missing or the table cannot be read
     */
    @Override
    public void replay(Consumer<ConsentRecord> sink) {
        Objects.requireNonNull(sink, "sink");
        ensureOpen();
        ensureSchema();
        synchronized (readLock) {
            watermark.reset();
            readInto(sink::accept, "replay", false);
        }
    }

    /**
     * Rows other writers committed since the last replay or poll, in journal order.
     *
     * @throws ConsentStoreException if the table cannot be read
     */
    @Override
    public List<ConsentRecord> poll() {
        ensureOpen();
        ensureSchema();
        synchronized (readLock) {
            return readInto(null, "poll", true);
        }
    }

    /**
     * A replay ({@code sink} given, after {@link Watermark#reset}) feeds every row to the sink as it is
     * read, so opening a large journal never holds it all in memory; a poll collects the rows to
     * return. A read that fails moves nothing (a failed replay fails the tracker's open).
     */
    private List<ConsentRecord> readInto(Consumer<ConsentRecord> sink, String what, boolean limited) {
        long[][] seen = {new long[64]}; // the rows' transaction ids, unboxed (a replay reads millions)
        int[] count = {0};
        List<ConsentRecord> fresh;
        try (Connection c = settings.dataSource().getConnection()) {
            long xmin = table.read(c, watermark.low(), (tx, r) -> {
                int n = count[0];
                if (n == 0 || seen[0][n - 1] != tx) { // rows come in tx order: one entry per transaction
                    if (n == seen[0].length) {
                        seen[0] = java.util.Arrays.copyOf(seen[0], n * 2);
                    }
                    seen[0][n] = tx;
                    count[0] = n + 1;
                }
                if (sink != null) {
                    sink.accept(r);
                } else {
                    watermark.accept(tx, r, false);
                }
            }, limited);
            Set<Long> txs = new HashSet<>(); // only those the watermark keeps: at or above the new xmin
            for (int i = 0; i < count[0]; i++) {
                if (seen[0][i] >= xmin) {
                    txs.add(seen[0][i]);
                }
            }
            fresh = watermark.advance(xmin, txs);
        } catch (SQLException e) {
            watermark.discard();
            throw Sql.failure(what, settings.location(), e);
        } catch (RuntimeException e) {
            watermark.discard();
            throw e;
        }
        return fresh;
    }

    /**
     * Appends {@code rows} in one transaction, durable when this returns.
     *
     * @throws InvalidInputException if a row is over a {@link JournalLimits} limit (nothing is written)
     * @throws ConsentStoreException if the rows could not be committed
     */
    @Override
    public void append(List<ConsentRecord> rows) {
        Objects.requireNonNull(rows, "rows");
        ensureOpen();
        if (rows.isEmpty()) {
            return;
        }
        rows.forEach(JournalLimits::check);
        ensureSchema();
        long[] tx = {-1};
        JournalTable.Chain chain = lanes.take("append", settings.location()); // its chain follows its writer_seq
        boolean failed = true; // until committed: the outcome may be unknown, later rows start a fresh chain
        try (Connection c = settings.dataSource().getConnection()) {
            table.append(c, rows, chain, id -> {
                tx[0] = id;
                watermark.own(id);
            });
            failed = false;
        } catch (SQLException e) {
            if (tx[0] >= 0) {
                watermark.disown(tx[0]);
            }
            throw Sql.failure("append of " + rows.size() + " row(s)", settings.location(), e);
        } catch (RuntimeException e) {
            if (tx[0] >= 0) {
                watermark.disown(tx[0]);
            }
            throw e;
        } finally {
            lanes.giveBack(chain, failed);
        }
    }

    /**
     * Applies {@code rewrite} (an {@linkplain io.consentkit.retention.Erasure erasure}) to the table in
     * one transaction, with writers of every instance and process still running. The transaction locks
     * the table {@code IN EXCLUSIVE MODE}: that conflicts with the lock every INSERT takes, so appends
     * (of any store instance, process or ConsentKit version, with no cooperation needed) wait until it
     * commits, while reads go on and see the table as it was. A table lock rather than SERIALIZABLE:
     * appends run at READ COMMITTED and would not take part in serialisation, and a lock never asks
     * anyone to retry. Under the lock it reads every row for {@link JournalRewrite#inspect}; on a refusal
     * (an unknown number) it rolls back having changed nothing; otherwise it UPDATEs the replaced rows in
     * place (only the cells the rewrite changed: their {@code tx}, {@code id}, writer, sequence,
     * {@code row_digest} and {@code chain_link} stay, and {@link #verifyChain} accepts them by their
     * recorded digest because the erasure row vouches for them), INSERTs the appended rows continuing
     * this instance's chain, and commits with {@code synchronous_commit} on. All or nothing: any failure
     * rolls everything back; a failure during the commit leaves the outcome unknown (all or nothing),
     * and running the same erasure again finishes it or finds it done. Appends of other instances
     * continue their own chains afterwards; their trackers pick the appended rows up on their next poll
     * (rows already in their memory stay there until they replay).
     *
     * <p>An append waits for the lock within its {@link Builder#statementTimeout} and otherwise fails
     * (rolled back, the caller retries); the rewrite waits for in-flight appends within the same bound
     * ({@code lock_timeout}). The erasure holds the lock while it reads the whole table twice, so on a large
     * journal raise the appenders' timeout or erase at a quiet time.
     *
     * <p>After the commit the table is {@code VACUUM}ed (best effort, logged if it fails: it needs the
     * table's owner) so the replaced rows' old versions are no longer in its live pages. What remains is
     * outside this store's reach: the freed bytes until PostgreSQL reuses the space ({@code VACUUM FULL}
     * rewrites the table, under an exclusive lock), the write-ahead log until its segments are recycled,
     * WAL archives, replicas' copies, base backups and dumps, and server logs that record statement
     * parameters. See {@code docs/retention.md}. The role needs UPDATE on the table (LOCK TABLE in this
     * mode requires table-level UPDATE, DELETE or TRUNCATE).
     *
     * @throws io.consentkit.ConsentKitException the rewrite's own refusal, unchanged (nothing was changed)
     * @throws ConsentStoreException if the table could not be rewritten (rolled back, or the commit's
     *         outcome is unknown)
     */
    @Override
    public long rewrite(JournalRewrite rewrite) {
        Objects.requireNonNull(rewrite, "rewrite");
        ensureOpen();
        ensureSchema();
        // the appended rows continue one writer's chain; this instance's appends wait for the table lock
        JournalTable.Chain chain = lanes.take("erasure rewrite", settings.location());
        boolean failed = true; // until committed: the outcome may be unknown, later rows start a fresh chain
        try (Connection c = settings.dataSource().getConnection()) {
            long rows = rewriter.run(c, rewrite, chain);
            failed = false;
            return rows;
        } catch (SQLException e) {
            throw Sql.failure("erasure rewrite", settings.location(), e);
        } finally {
            lanes.giveBack(chain, failed);
        }
    }


    /**
     * Checks the table's tamper-evidence chain (chain per writer with its sequence; see
     * {@code docs/architecture.md}): rows written before schema version 3 are legacy and unchained; each
     * writer's rows, by {@code writer_seq}, form one chain from the genesis. Reads only.
     *
     * @return one result per writer (the legacy rows first), each {@link JournalVerifier.Result#ok()} if
     *         none of its rows was changed, deleted between two others, inserted or moved; a break's line is
     *         the row's {@code id}
     * @throws ConsentStoreException if the table cannot be read
     */
    public List<JournalVerifier.Result> verifyChain() {
        ensureOpen();
        ensureSchema();
        try (Connection c = settings.dataSource().getConnection()) {
            return ChainCheck.run(c, table, settings.location());
        } catch (SQLException e) {
            throw Sql.failure("chain check", settings.location(), e);
        }
    }

    /**
     * Creates the schema's missing tables now (what {@link Builder#createSchema createSchema(true)}
     * does on first use); safe to run from several instances at once.
     *
     * @throws ConsentStoreException if the tables could not be created
     */
    public void createSchema() {
        ensureOpen();
        try (Connection c = settings.dataSource().getConnection()) {
            Schema.create(c, settings);
            Schema.check(c, settings);
            checkTransactionIds(c);
            schemaChecked = true;
        } catch (SQLException e) {
            throw Sql.failure("creating the schema", settings.location(), e);
        }
    }

    private void ensureSchema() {
        if (schemaChecked) {
            return;
        }
        synchronized (schemaLock) {
            if (schemaChecked) {
                return;
            }
            try (Connection c = settings.dataSource().getConnection()) {
                if (settings.createSchema()) {
                    Schema.create(c, settings);
                }
                Schema.check(c, settings);
                checkTransactionIds(c);
                schemaChecked = true;
            } catch (SQLException e) {
                throw Sql.failure("checking the schema", settings.location(), e);
            }
        }
    }

    /**
     * Refuses a journal holding transaction ids this server has not assigned yet: rows restored from
     * a logical dump of another cluster. Their {@code tx} orders the journal, and rows written here
     * would sort before them (a later opt-out could lose to an earlier grant), so the store fails
     * closed and says how to copy a journal instead.
     */
    private void checkTransactionIds(Connection c) throws SQLException {
        try (java.sql.Statement st = c.createStatement();
             java.sql.ResultSet rs = st.executeQuery("SELECT max(tx), pg_snapshot_xmax(pg_current_snapshot())::text::bigint"
                     + " FROM " + settings.journalTable())) {
            rs.next();
            long max = rs.getLong(1);
            boolean empty = rs.wasNull();
            long next = rs.getLong(2);
            if (!empty && max >= next) {
                throw new ConsentStoreException("JDBC consent store (" + settings.location() + "): the journal holds "
                        + "transaction id " + max + " but this server has only reached " + next + ": its rows were "
                        + "restored from another cluster (a logical dump?). Rows written now would sort before them; "
                        + "copy a journal between clusters with 'consent export --journal' and 'consent import' "
                        + "(or restore a physical backup) instead");
            }
        }
    }

    /** Stops the store: later calls throw. Does not close the DataSource. */
    @Override
    public void close() {
        closed = true;
    }

    private void ensureOpen() {
        if (closed) {
            throw new ConsentStoreException("JDBC consent store (" + settings.location() + ") is closed");
        }
    }

    @Override
    public String toString() {
        return "JdbcConsentStore[" + settings.location() + "]";
    }

    /**
     * Configures a {@link JdbcConsentStore}. Setters validate at once and name the field; the built
     * store keeps its own immutable copy of the settings. Not thread-safe.
     */
    public static final class Builder {
        private final DataSource dataSource;
        private String prefix = DEFAULT_TABLE_PREFIX;
        private Duration visibilityBound = DEFAULT_VISIBILITY_BOUND;
        private boolean createSchema;
        private PhoneNumbers phones = PhoneNumbers.defaults();
        private Duration statementTimeout = DEFAULT_STATEMENT_TIMEOUT;

        private Builder(DataSource dataSource) {
            this.dataSource = JdbcSettings.checkDataSource(dataSource);
        }

        /**
         * Prefix of the store's table names: empty, or up to 40 lower-case letters, digits and '_'
         * not starting with a digit. Default {@value JdbcConsentStore#DEFAULT_TABLE_PREFIX}. The
         * tables live in the connection's current schema ({@code search_path}). Every writer of one
         * journal uses the same database and prefix.
         */
        public Builder tablePrefix(String prefix) {
            this.prefix = JdbcSettings.checkPrefix(prefix);
            return this;
        }

        /**
         * How stale a tracker over this store may be: it polls before a lookup once its last refresh
         * is older than this, so an opt-out committed by another instance blocks sends here within
         * this bound plus one poll. 1 ms to 1 hour; default 2 s.
         */
        public Builder visibilityBound(Duration bound) {
            this.visibilityBound = JdbcSettings.checkVisibilityBound(bound);
            return this;
        }

        /**
         * Whether the store creates missing tables on first use (default false: it checks them and
         * fails with a message naming the script to run).
         */
        public Builder createSchema(boolean create) {
            this.createSchema = create;
            return this;
        }

        /** How stored phone numbers are read (matters only for non-E.164 imported rows). */
        public Builder phoneNumbers(PhoneNumbers phones) {
            this.phones = Objects.requireNonNull(phones, "phones");
            return this;
        }

        /**
         * Longest statement of an append or a poll (a lock wait, a stalled server): PostgreSQL
         * cancels it and the call throws {@link ConsentStoreException} (SQLState 57014) instead of
         * hanging a send or a lookup. The open-time replay is not limited (it may read millions of
         * rows). Zero leaves the server's {@code statement_timeout}; otherwise 1 ms to 1 hour.
         * Default 10 s.
         */
        public Builder statementTimeout(Duration timeout) {
            this.statementTimeout = JdbcSettings.checkStatementTimeout(timeout);
            return this;
        }

        /** Builds the store. Makes no connection: the first replay, append or poll checks the schema. */
        public JdbcConsentStore build() {
            return new JdbcConsentStore(new JdbcSettings(dataSource, prefix, visibilityBound, createSchema, phones,
                    statementTimeout));
        }
    }
}
