package io.consentkit.jdbc;

import io.consentkit.journal.ConsentRecord;
import io.consentkit.journal.ConsentStatus;
import io.consentkit.journal.JournalVerifier;
import io.consentkit.phone.PhoneNumber;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import javax.sql.DataSource;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/** The JDBC store's tamper evidence with two writers on one table (embedded PostgreSQL): one chain per writer. */
@Timeout(120)
class JdbcChainTest {
    private static final Instant T = Instant.parse("2026-03-01T10:00:00Z");

    private static ConsentRecord row(String id, int n) {
        return new ConsentRecord(id, T.plusSeconds(n), PhoneNumber.of("+1512555" + String.format("%04d", n)), "web_form",
                "Texts from Acme. Reply STOP to opt out.", "cust-" + id, "Ann", "", "", "", Map.of("k", "v"),
                ConsentStatus.ACTIVE, null, "");
    }

    private static JdbcConsentStore store(DataSource db) {
        return JdbcConsentStore.builder(db).tablePrefix("chain_").createSchema(true).build();
    }

    private static void exec(DataSource db, String sql) throws Exception {
        try (Connection c = db.getConnection(); Statement st = c.createStatement()) {
            st.execute(sql);
        }
    }

    private static long scalar(DataSource db, String sql) throws Exception {
        try (Connection c = db.getConnection(); Statement st = c.createStatement(); ResultSet rs = st.executeQuery(sql)) {
            rs.next();
            return rs.getLong(1);
        }
    }

    private static String text(DataSource db, String sql) throws Exception {
        try (Connection c = db.getConnection(); Statement st = c.createStatement(); ResultSet rs = st.executeQuery(sql)) {
            assertThat(rs.next()).as(sql).isTrue();
            return rs.getString(1);
        }
    }

    /** Two writers, each appending from three threads: 60 batches, 90 rows. */
    private static void race(JdbcConsentStore a, JdbcConsentStore b) throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(6);
        CountDownLatch go = new CountDownLatch(1);
        List<Future<?>> done = new ArrayList<>();
        for (int t = 0; t < 6; t++) {
            JdbcConsentStore s = t % 2 == 0 ? a : b;
            int tt = t;
            done.add(pool.submit(() -> {
                go.await();
                for (int i = 0; i < 10; i++) {
                    int n = tt * 100 + i * 2;
                    s.append(i % 2 == 0 ? List.of(row("r" + n, n)) : List.of(row("r" + n, n), row("r" + (n + 1), n + 1)));
                }
                return null;
            }));
        }
        go.countDown();
        for (Future<?> f : done) {
            f.get(60, TimeUnit.SECONDS);
        }
        pool.shutdown();
    }

    @Test
    void twoWritersRacingKeepOneVerifiableChainEachAndTamperingIsNamedByRowId() throws Exception {
        DataSource db = LocalPostgres.newDatabase();
        try (JdbcConsentStore a = store(db); JdbcConsentStore b = store(db)) {
            a.createSchema();
            exec(db, "INSERT INTO chain_journal (tx, consent_id, timestamp, phone_number, opt_in_method, consent_message,"
                    + " customer_id, customer_name, customer_email, ip_address, screenshot_url, metadata, status,"
                    + " revoked_at, revoked_method) VALUES (1, 'old1', '2025-01-01T00:00:00Z', '+15125550300', "
                    + "'web_form', 'Texts from Acme.', '', '', '', '', '', '', 'active', '', '')"); // before version 3
            race(a, b);
            List<JournalVerifier.Result> results = a.verifyChain();
            // each instance appends through up to WRITER_LANES writers at once: 3 threads each, 2 to 6 writers
            long writers = scalar(db, "SELECT count(DISTINCT writer_id) FROM chain_journal WHERE writer_id <> ''");
            assertThat(writers).isBetween(2L, 6L);
            assertThat(results).hasSize(1 + (int) writers); // the legacy row, then one chain per writer
            assertThat(results).allSatisfy(r -> assertThat(r.ok()).as(r.source() + ": " + r.firstBreak()).isTrue());
            assertThat(results.get(0).legacyRows()).isEqualTo(1);
            assertThat(results.stream().skip(1).mapToLong(JournalVerifier.Result::chainedRows).sum()).isEqualTo(90);

            long changed = scalar(db, "SELECT id FROM chain_journal WHERE consent_id = 'r104'");
            exec(db, "UPDATE chain_journal SET customer_name = 'Bob' WHERE id = " + changed);
            long deletedSeq = 5;
            // the writer's id read before the DELETE: r0 itself may be that writer's fifth row in the race
            String writerOf = "'" + text(db, "SELECT writer_id FROM chain_journal WHERE consent_id = 'r0'") + "'";
            exec(db, "DELETE FROM chain_journal WHERE writer_id = " + writerOf + " AND writer_seq = " + deletedSeq);
            long after = scalar(db, "SELECT id FROM chain_journal WHERE writer_id = " + writerOf + " AND writer_seq = "
                    + (deletedSeq + 1));

            List<JournalVerifier.Result> tampered = b.verifyChain();
            List<JournalVerifier.Break> breaks = tampered.stream().filter(r -> !r.ok()).map(JournalVerifier.Result::firstBreak)
                    .toList();
            assertThat(breaks).anySatisfy(x -> {
                assertThat(x.problem()).isEqualTo(JournalVerifier.Problem.DIGEST);
                assertThat(x.line()).isEqualTo(changed);
                assertThat(x.consentId()).isEqualTo("r104");
            });
            assertThat(breaks).anySatisfy(x -> {
                assertThat(x.problem()).isEqualTo(JournalVerifier.Problem.LINK);
                assertThat(x.line()).isEqualTo(after);
                assertThat(x.row()).isEqualTo(deletedSeq);
            });
        }
    }
}
