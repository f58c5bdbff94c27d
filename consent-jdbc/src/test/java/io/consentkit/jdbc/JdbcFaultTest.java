package io.consentkit.jdbc;

import io.consentkit.consent.ConsentTracker;
import io.consentkit.journal.ConsentRecord;
import io.consentkit.journal.ConsentStatus;
import io.consentkit.journal.ConsentStoreException;
import io.consentkit.phone.PhoneNumber;
import io.consentkit.testkit.SettableClock;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.postgresql.ds.PGSimpleDataSource;

import javax.sql.DataSource;
import java.net.ServerSocket;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** A connection killed mid-transaction, and a database that cannot be reached: typed errors, nothing half-written. */
@Timeout(120)
class JdbcFaultTest {
    private static final Instant T = Instant.parse("2026-03-01T10:00:00Z");

    private static ConsentRecord row(String id, String phone) {
        return new ConsentRecord(id, T, PhoneNumber.of(phone), "web_form", "Texts from Acme.", "", "", "", "", "",
                Map.of(), ConsentStatus.ACTIVE, null, "");
    }

    private static JdbcConsentStore store(DataSource ds) {
        return JdbcConsentStore.builder(ds).tablePrefix("fault_").build();
    }

    private static DataSource freshDatabase() {
        DataSource db = LocalPostgres.newDatabase();
        try (JdbcConsentStore s = store(db)) {
            s.createSchema();
        }
        return db;
    }

    private static long scalar(DataSource db, String sql) throws Exception {
        try (Connection c = db.getConnection(); Statement st = c.createStatement(); ResultSet rs = st.executeQuery(sql)) {
            rs.next();
            return rs.getLong(1);
        }
    }

    @Test
    void aConnectionKilledBeforeCommitLeavesNoRowAndTheNextAppendWorks() throws Exception {
        DataSource db = freshDatabase();
        CommitGate gate = new CommitGate(db);
        try (JdbcConsentStore writer = store(gate); JdbcConsentStore reader = store(db)) {
            reader.replay(r -> { });
            CompletableFuture<Void> append = CompletableFuture.runAsync(
                    () -> writer.append(List.of(row("k1", "+15125550400"), row("k2", "+15125550401"))));
            assertThat(gate.awaitHeld(30)).isTrue();
            assertThat(scalar(db, "SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity"
                    + " WHERE datname = current_database() AND state = 'idle in transaction'")).isEqualTo(1);
            gate.release();
            assertThatThrownBy(() -> append.get(30, TimeUnit.SECONDS)).isInstanceOf(ExecutionException.class)
                    .cause().isInstanceOf(ConsentStoreException.class).hasMessageContaining("append of 2 row(s) failed");
            assertThat(scalar(db, "SELECT count(*) FROM fault_journal")).isZero();
            assertThat(reader.poll()).isEmpty();

            ConsentRecord again = row("k3", "+15125550402");
            writer.append(List.of(again));
            assertThat(reader.poll()).containsExactly(again);
        }
    }

    @Test
    void anUnreachableDatabaseFailsTypedAndLookupsFailClosed() throws Exception {
        DataSource db = freshDatabase();
        int deadPort;
        try (ServerSocket s = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            deadPort = s.getLocalPort();
        }
        PGSimpleDataSource dead = new PGSimpleDataSource();
        dead.setServerNames(new String[] {"127.0.0.1"});
        dead.setPortNumbers(new int[] {deadPort});
        dead.setUser("postgres");
        dead.setConnectTimeout(5);
        assertThatThrownBy(() -> store(dead).replay(r -> { })).isInstanceOf(ConsentStoreException.class)
                .hasMessageContaining("checking the schema failed (SQLState 08");

        Switch plug = new Switch(db, dead);
        SettableClock clock = SettableClock.at(T);
        PhoneNumber phone = PhoneNumber.of("+15125550410");
        try (JdbcConsentStore other = store(db);
             ConsentTracker tracker = ConsentTracker.builder(store(plug)).clock(clock).build()) {
            other.append(List.of(row("u1", phone.e164())));
            clock.advance(Duration.ofSeconds(3));
            assertThat(tracker.isActive(phone)).isTrue();
            plug.unplug();
            assertThatThrownBy(() -> tracker.append(row("u2", "+15125550411")))
                    .isInstanceOf(ConsentStoreException.class).hasMessageContaining("SQLState 08");
            clock.advance(Duration.ofSeconds(3));
            assertThatThrownBy(() -> tracker.isActive(phone)).as("a lookup past the bound fails closed")
                    .isInstanceOf(ConsentStoreException.class);
        }
    }

    @Test
    void aStatementStuckBehindALockIsCancelledAtTheTimeoutAndNothingIsWritten() throws Exception {
        DataSource db = freshDatabase();
        JdbcConsentStore.Builder b = JdbcConsentStore.builder(db).tablePrefix("fault_");
        assertThatThrownBy(() -> b.statementTimeout(Duration.ofHours(2))).isInstanceOf(io.consentkit.InvalidInputException.class)
                .hasMessageContaining("statementTimeout");
        try (JdbcConsentStore store = b.statementTimeout(Duration.ofMillis(300)).build();
             Connection locker = db.getConnection()) {
            store.replay(r -> { });
            locker.setAutoCommit(false);
            try (Statement st = locker.createStatement()) {
                st.execute("LOCK TABLE fault_journal IN ACCESS EXCLUSIVE MODE");
            }
            long start = System.nanoTime();
            assertThatThrownBy(() -> store.append(List.of(row("s1", "+15125550420"))))
                    .isInstanceOf(ConsentStoreException.class).hasMessageContaining("SQLState 57014");
            assertThatThrownBy(store::poll).isInstanceOf(ConsentStoreException.class)
                    .hasMessageContaining("poll failed (SQLState 57014");
            assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(20));
            locker.rollback();
            assertThat(scalar(db, "SELECT count(*) FROM fault_journal")).isZero();
            ConsentRecord later = row("s2", "+15125550421");
            store.append(List.of(later));
            try (JdbcConsentStore reader = store(db)) {
                List<ConsentRecord> out = new java.util.ArrayList<>();
                reader.replay(out::add);
                assertThat(out).containsExactly(later);
            }
        }
    }
}
