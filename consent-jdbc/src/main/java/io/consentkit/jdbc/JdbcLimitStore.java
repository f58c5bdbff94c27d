package io.consentkit.jdbc;

import io.consentkit.InvalidInputException;
import io.consentkit.jdbc.internal.JdbcSettings;
import io.consentkit.jdbc.internal.LimitRows;
import io.consentkit.jdbc.internal.LimitTables;
import io.consentkit.send.LimitPolicy;
import io.consentkit.send.LimitStore;
import io.consentkit.send.LimitStoreException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import javax.sql.DataSource;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Objects;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Function;

/**
 * Sending limits in PostgreSQL tables (13 or newer), shared by every process and machine that uses
 * the same database and table prefix: per-recipient cooldown, hourly and daily caps, the global
 * daily cap, segments per minute, hour and day, the per-second rate and the daily budget are exact
 * across all of them.
 *
 * <pre>{@code
 * GuardedSender sender = GuardedSender.builder(tracker, gateway)
 *         .recipientDailyCap(3).globalDailyCap(10_000)
 *         .limitStore(JdbcLimitStore.builder(dataSource).createSchema(true).factory())
 *         .build();
 * }</pre>
 *
 * <h2>Each operation is one short transaction</h2>
 * {@link #reserve} locks the recipient's row in {@code <prefix>limit_recipient} (an upsert), reads
 * the recipient's send times of the last day from {@code <prefix>limit_send} and checks the cooldown
 * and caps, inserts the new send time; for a send the sending rules' per-subject caps count
 * ({@link Usage#subjectCaps}) it does the same for the number and subject (a row keyed
 * {@code s:<subject key>} in both tables, so those caps hold across processes too); then it adds to the day's row in {@code <prefix>limit_day} and
 * to each configured window of {@code <prefix>limit_window} with a guarded upsert ({@code ... DO
 * UPDATE SET used = used + w WHERE used + w <= cap}): a row not returned is a denial, and the whole
 * transaction is rolled back, so a denied send takes nothing. Rows are locked in one order (the
 * recipient, the day, the windows, the rate), so transactions never deadlock one another, and a
 * hot day row is held only for the few statements to the commit. {@link #commit} runs no SQL (the
 * reservation counts from its insertion: a process that dies between the gateway call and the
 * commit leaves it counted, as a send that may have happened); {@link #release} deletes the send
 * time and subtracts the weights in one transaction. {@link #check} reads the same rows without
 * locking or writing; {@link #today} reads the day's row. Transactions run at READ COMMITTED;
 * a deadlock or serialization failure reported by the server (another client's locks) is retried
 * twice.
 *
 * <h2>History and pruning</h2>
 * {@link #startsEmpty()} is false: the tables are the history, so a sender built over this store
 * does not count its send log into it again, and a restarted process holds what every process
 * used. Every process using one prefix must configure the same limits (the day rows are keyed by
 * midnight in the policy's zone). At most every 10 minutes (by the store's {@link Clock}) a
 * reservation also deletes, in a transaction of its own, the rows no limit looks at any more: send
 * times (indexed on their time) and recipients last reserved before {@link LimitPolicy#historyFrom}
 * (or the longest per-subject cap period, if that reaches further back) minus an hour of slack for clock skew between machines, and day and window rows (a few a day)
 * that ended before it. A failed prune is logged and tried again 10 minutes later.
 *
 * <h2>Failures</h2>
 * Every SQL failure is thrown as {@link LimitStoreException} naming the operation, the table prefix
 * and the SQLState (the driver's exception as its cause). Each statement is cancelled after
 * {@link Builder#statementTimeout} (default 5 s), so a lock wait or a stalled server fails the call
 * rather than hanging a send. A {@code GuardedSender} fails closed on it: the send is blocked
 * ({@code STORE_UNAVAILABLE}) and the gateway is not called. A failed release keeps the place
 * counted (the safe side).
 *
 * <p>Thread-safe: every call borrows its own connection from the DataSource and returns it.
 */
public final class JdbcLimitStore implements LimitStore {
    /** Default table prefix: {@value} (the consent store's too). */
    public static final String DEFAULT_TABLE_PREFIX = JdbcConsentStore.DEFAULT_TABLE_PREFIX;
    /** Default statement timeout: 5 seconds. */
    public static final Duration DEFAULT_STATEMENT_TIMEOUT = Duration.ofSeconds(5);

    private static final Logger LOG = LoggerFactory.getLogger(JdbcLimitStore.class);
    private static final long PRUNE_EVERY = 600_000L;
    private static final Duration PRUNE_SLACK = Duration.ofHours(1);
    private static final int ATTEMPTS = 3;

    private final DataSource dataSource;
    private final String prefix;
    private final LimitTables tables;
    private final LimitPolicy policy;
    private final Clock clock;
    private final long timeoutMillis;
    private final boolean createSchema;
    private final LimitRows rows;
    private final AtomicLong nextPrune = new AtomicLong(Long.MIN_VALUE);
    private final Object schemaLock = new Object();
    private volatile boolean schemaChecked;

    private JdbcLimitStore(Builder b, LimitPolicy policy) {
        this.dataSource = b.dataSource;
        this.prefix = b.prefix;
        this.tables = new LimitTables(b.prefix);
        this.policy = Objects.requireNonNull(policy, "policy");
        this.clock = b.clock;
        this.timeoutMillis = b.statementTimeout.toMillis();
        this.createSchema = b.createSchema;
        this.rows = new LimitRows(tables, policy);
    }

    /** Starts configuring limit stores over {@code dataSource}. */
    public static Builder builder(DataSource dataSource) {
        return new Builder(dataSource);
    }

    /**
     * The schema script for {@code tablePrefix}, as the store runs it (comments included).
     *
     * @throws InvalidInputException if the prefix is not a valid table prefix
     */
    public static String schemaScript(String tablePrefix) {
        return LimitTables.script(JdbcSettings.checkPrefix(tablePrefix));
    }

    @Override
    public LimitPolicy policy() {
        return policy;
    }

    @Override
    public Decision reserve(Usage usage) {
        Objects.requireNonNull(usage, "usage");
        Decision d = transaction("reserve", c -> rows.decide(c, usage, true));
        maybePrune();
        return d;
    }

    @Override
    public Decision check(Usage usage) {
        Objects.requireNonNull(usage, "usage");
        return transaction("check", c -> rows.decide(c, usage, false));
    }

    /** Keeps a reservation: no SQL, it counts from its insertion. */
    @Override
    public void commit(Reservation reservation) {
        ((LimitRows.Held) reservation).settled.set(true);
    }

    /**
     * Gives a reservation back in one transaction (its send time and its weights).
     *
     * @throws LimitStoreException if the database could not be written (the place stays counted)
     */
    @Override
    public void release(Reservation reservation) {
        LimitRows.Held h = (LimitRows.Held) reservation;
        if (!h.settled.compareAndSet(false, true)) {
            return;
        }
        transaction("release", c -> {
            rows.release(c, h);
            return null;
        });
    }

    /** Counts a past send without checking any limit (the sender never calls this: see {@link #startsEmpty}). */
    @Override
    public void seed(Usage u) {
        Objects.requireNonNull(u, "usage");
        transaction("seed", c -> {
            rows.seed(c, u);
            return null;
        });
    }

    @Override
    public Today today(Instant now) {
        Objects.requireNonNull(now, "now");
        return transaction("today", c -> rows.today(c, now));
    }

    /** False: the tables are the history, shared by every process (the send log is not counted in again). */
    @Override
    public boolean startsEmpty() {
        return false;
    }

    /**
     * Creates the missing tables now (what {@link Builder#createSchema createSchema(true)} does on
     * first use); safe to run from several instances at once.
     *
     * @throws LimitStoreException if they could not be created
     */
    public void createSchema() {
        try (Connection c = dataSource.getConnection()) {
            tables.create(c);
            tables.check(c);
            schemaChecked = true;
        } catch (SQLException e) {
            throw failure("creating the schema", e);
        }
    }


    private interface Work<T> {
        T run(Connection c) throws SQLException;
    }

    /** One transaction at READ COMMITTED with the statement timeout; retried on a deadlock or serialization failure. */
    private <T> T transaction(String what, Work<T> work) {
        ensureSchema();
        for (int attempt = 1; ; attempt++) {
            try (Connection c = dataSource.getConnection()) {
                boolean auto = c.getAutoCommit();
                c.setAutoCommit(false);
                try {
                    if (timeoutMillis > 0) {
                        try (PreparedStatement ps = c.prepareStatement("SELECT set_config('statement_timeout', ?, true)")) {
                            ps.setString(1, Long.toString(timeoutMillis));
                            ps.executeQuery().close();
                        }
                    }
                    T result = work.run(c);
                    if (result instanceof Denial) {
                        c.rollback(); // a denial takes nothing
                    } else {
                        c.commit();
                    }
                    return result;
                } catch (SQLException | RuntimeException e) {
                    rollbackQuietly(c);
                    throw e;
                } finally {
                    if (auto) {
                        restoreAutoCommit(c);
                    }
                }
            } catch (SQLException e) {
                String state = e.getSQLState();
                if (attempt < ATTEMPTS && ("40001".equals(state) || "40P01".equals(state))) {
                    continue;
                }
                throw failure(what, e);
            }
        }
    }

    private static void rollbackQuietly(Connection c) {
        try {
            c.rollback();
        } catch (SQLException ignored) {
            // a broken connection: the first failure is the one reported
        }
    }

    private static void restoreAutoCommit(Connection c) {
        try {
            c.setAutoCommit(true);
        } catch (SQLException ignored) {
            // a broken connection; the pool discards it
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
            try (Connection c = dataSource.getConnection()) {
                if (createSchema) {
                    tables.create(c);
                }
                tables.check(c);
                schemaChecked = true;
            } catch (SQLException e) {
                throw failure("checking the schema", e);
            }
        }
    }

    /** Deletes rows no limit looks at any more, at most every 10 minutes per instance; a failure is only logged. */
    private void maybePrune() {
        long now = clock.millis();
        long next = nextPrune.get();
        if (now < next || !nextPrune.compareAndSet(next, now + PRUNE_EVERY)) {
            return;
        }
        long cutoff = Math.min(policy.historyFrom(Instant.ofEpochMilli(now)).toEpochMilli(),
                now - rows.longestSubjectPeriod()) - PRUNE_SLACK.toMillis();
        try {
            int[] deleted = {0};
            transaction("prune", c -> {
                for (String sql : tables.prune) {
                    try (PreparedStatement ps = c.prepareStatement(sql)) {
                        ps.setLong(1, cutoff);
                        deleted[0] += ps.executeUpdate();
                    }
                }
                return null;
            });
            LOG.debug("limit store {}: pruned {} rows older than {}", prefix, deleted[0], Instant.ofEpochMilli(cutoff));
        } catch (LimitStoreException e) {
            LOG.warn("limit store {}: pruning old rows failed; it is tried again in 10 minutes", prefix, e);
        }
    }

    private LimitStoreException failure(String what, SQLException e) {
        return new LimitStoreException("JDBC limit store (tables " + prefix + "limit_*): " + what + " failed (SQLState "
                + e.getSQLState() + ", " + e.getClass().getSimpleName() + ")", e);
    }


    @Override
    public String toString() {
        return "JdbcLimitStore[tables " + prefix + "limit_*]";
    }

    /**
     * Configures {@link JdbcLimitStore}s. Setters validate at once and name the field; each built
     * store keeps its own copy of the settings. Not thread-safe.
     */
    public static final class Builder {
        private final DataSource dataSource;
        private String prefix = DEFAULT_TABLE_PREFIX;
        private boolean createSchema;
        private Duration statementTimeout = DEFAULT_STATEMENT_TIMEOUT;
        private Clock clock = Clock.systemUTC();

        private Builder(DataSource dataSource) {
            this.dataSource = JdbcSettings.checkDataSource(dataSource);
        }

        private Builder(Builder b) {
            this.dataSource = b.dataSource;
            this.prefix = b.prefix;
            this.createSchema = b.createSchema;
            this.statementTimeout = b.statementTimeout;
            this.clock = b.clock;
        }

        /**
         * Prefix of the tables' names ({@code <prefix>limit_recipient}, ...): empty, or up to 40
         * lower-case letters, digits and '_' not starting with a digit. Default
         * {@value JdbcLimitStore#DEFAULT_TABLE_PREFIX}. Every process sharing the limits uses the
         * same database and prefix.
         */
        public Builder tablePrefix(String prefix) {
            this.prefix = JdbcSettings.checkPrefix(prefix);
            return this;
        }

        /**
         * Whether the store creates missing tables on first use (default false: it checks them and
         * fails with a {@link LimitStoreException} naming what is missing and the script to run).
         */
        public Builder createSchema(boolean create) {
            this.createSchema = create;
            return this;
        }

        /**
         * Longest statement (a lock wait, a stalled server): PostgreSQL cancels it and the call
         * throws {@link LimitStoreException} (SQLState 57014). Zero leaves the server's
         * {@code statement_timeout}; otherwise 1 ms to 1 hour. Default 5 s.
         */
        public Builder statementTimeout(Duration timeout) {
            this.statementTimeout = JdbcSettings.checkStatementTimeout(timeout);
            return this;
        }

        /** The time source of pruning (the sender's clock decides sends). Default the system UTC clock. */
        public Builder clock(Clock clock) {
            if (clock == null) {
                throw new InvalidInputException("clock", "is null");
            }
            this.clock = clock;
            return this;
        }

        /** A store enforcing {@code policy}. Makes no connection: the first call checks the schema. */
        public JdbcLimitStore build(LimitPolicy policy) {
            if (policy == null) {
                throw new InvalidInputException("policy", "is null");
            }
            return new JdbcLimitStore(new Builder(this), policy);
        }

        /** {@link #build} over a copy of these settings, as {@code GuardedSender.Builder.limitStore} takes it. */
        public Function<LimitPolicy, LimitStore> factory() {
            Builder copy = new Builder(this);
            return copy::build;
        }
    }
}
