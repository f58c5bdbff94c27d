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

            ConsentRecord k1 = row("k1", "+15125550400");
            ConsentRecord k2 = row("k2", "+15125550401");
            writer.append(List.of(k1, k2)); // the retry of the same batch
            assertThat(reader.poll()).containsExactly(k1, k2);
            ConsentRecord again = row("k3", "+15125550402");
            writer.append(List.of(again));
            assertThat(reader.poll()).containsExactly(again);
            assertThat(scalar(db, "SELECT count(*) FROM fault_journal")).isEqualTo(3);
        }
    }

    @Test
    void aBatchCancelledAtTheStatementTimeoutPartWayThroughLeavesNoRow() throws Exception {
        DataSource db = freshDatabase();
        try (Connection c = db.getConnection(); Statement st = c.createStatement()) {
            // test rig only: the second row of the batch stalls in a trigger, after the first was inserted
            st.execute("CREATE FUNCTION stall() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN "
                    + "IF NEW.consent_id = 'slow' THEN PERFORM pg_sleep(30); END IF; RETURN NEW; END $$");
            st.execute("CREATE TRIGGER stall BEFORE INSERT ON fault_journal FOR EACH ROW EXECUTE FUNCTION stall()");
        }
        List<ConsentRecord> batch = List.of(row("b1", "+15125550430"), row("slow", "+15125550431"),
                row("b3", "+15125550432"));
        try (JdbcConsentStore store = JdbcConsentStore.builder(db).tablePrefix("fault_")
                .statementTimeout(Duration.ofMillis(400)).build(); JdbcConsentStore reader = store(db)) {
            reader.replay(r -> { });
            assertThatThrownBy(() -> store.append(batch)).isInstanceOf(ConsentStoreException.class)
                    .hasMessageContaining("append of 3 row(s) failed (SQLState 57014");
            assertThat(scalar(db, "SELECT count(*) FROM fault_journal")).as("no partial batch").isZero();
            assertThat(reader.poll()).isEmpty();
            try (Connection c = db.getConnection(); Statement st = c.createStatement()) {
                st.execute("DROP TRIGGER stall ON fault_journal");
            }
            store.append(batch);
            assertThat(reader.poll()).containsExactlyElementsOf(batch);
        }
    }

    /**
     * The network fails during COMMIT, after the server committed: the append throws (its outcome is
     * unknown, so it is not acknowledged and the tracker does not index it), and the rows, which did
     * land, reach the tracker through its next refresh like another writer's, once.
     */
    @Test
    void aCommitWhoseAnswerIsLostIsUnknownAndTheNextRefreshPicksTheRowsUp() throws Exception {
        PGSimpleDataSource db = (PGSimpleDataSource) freshDatabase();
        SettableClock clock = SettableClock.at(T);
        PhoneNumber phone = PhoneNumber.of("+15125550440");
        try (CutProxy proxy = new CutProxy(LocalPostgres.port());
             ConsentTracker tracker = ConsentTracker.builder(store(LocalPostgres.dataSource(proxy.port(),
                     db.getDatabaseName()))).clock(clock).brand("Acme").build()) {
            proxy.arm();
            assertThatThrownBy(() -> tracker.recordWebFormConsent(phone.e164(), "c-1", "Ann Lee", "ann@example.com",
                    "203.0.113.9", "https://acme.example/signup")).isInstanceOf(ConsentStoreException.class)
                    .hasMessageContaining("append of 1 row(s) failed (SQLState 08");
            assertThat(proxy.awaitCut(30)).isTrue();
            assertThat(scalar(db, "SELECT count(*) FROM fault_journal WHERE phone_number = '" + phone.e164() + "'"))
                    .as("the commit reached the server").isEqualTo(1);
            assertThat(tracker.isActive(phone)).as("not acknowledged, so not indexed").isFalse();

            tracker.refresh();
            assertThat(tracker.isActive(phone)).as("picked up like another writer's row").isTrue();
            assertThat(tracker.history(phone)).hasSize(1);
            tracker.refresh();
            assertThat(tracker.history(phone)).as("once").hasSize(1);
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
