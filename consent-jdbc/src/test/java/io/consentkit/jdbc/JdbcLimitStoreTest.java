package io.consentkit.jdbc;

import io.consentkit.InvalidInputException;
import io.consentkit.consent.ConsentTracker;
import io.consentkit.send.GuardedSender;
import io.consentkit.send.LimitPolicy;
import io.consentkit.send.LimitStore;
import io.consentkit.send.LimitStoreException;
import io.consentkit.send.OutboundMessage;
import io.consentkit.send.QuietHours;
import io.consentkit.send.SendOutcome;
import io.consentkit.send.SendOutcome.Reason;
import io.consentkit.store.InMemoryConsentStore;
import io.consentkit.testkit.FakeSmsGateway;
import io.consentkit.testkit.SettableClock;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.postgresql.ds.PGSimpleDataSource;

import javax.sql.DataSource;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The JDBC limit store's schema check, pruning, and failing closed when the database is away. */
@Timeout(120)
class JdbcLimitStoreTest {
    private static final Instant T = Instant.parse("2026-03-10T15:00:00Z");
    private static final String TO = "+15125554000";

    private final SettableClock clock = SettableClock.at(T);
    private final FakeSmsGateway gateway = FakeSmsGateway.builder().clock(clock).build();

    private GuardedSender sender(DataSource db, Duration timeout) {
        ConsentTracker tracker = ConsentTracker.builder(new InMemoryConsentStore()).clock(clock).build();
        return GuardedSender.builder(tracker, gateway).clock(clock).zone(ZoneOffset.UTC).quietHours(QuietHours.none())
                .recipientDailyCap(2).globalDailyCap(100)
                .limitStore(JdbcLimitStore.builder(db).tablePrefix("f_").clock(clock).statementTimeout(timeout).factory())
                .build();
    }

    private static LimitPolicy policy(int daily) {
        return new LimitPolicy(ZoneOffset.UTC, Duration.ofMinutes(10), 0, daily, 100, 0, 0, 0, 0, null, null, 0.9);
    }

    private static DataSource freshDatabase() {
        DataSource db = LocalPostgres.newDatabase();
        JdbcLimitStore.builder(db).tablePrefix("f_").build(policy(1)).createSchema();
        return db;
    }

    private static long scalar(DataSource db, String sql) throws Exception {
        try (Connection c = db.getConnection(); Statement st = c.createStatement(); ResultSet rs = st.executeQuery(sql)) {
            rs.next();
            return rs.getLong(1);
        }
    }

    private static SendOutcome.Blocked blocked(SendOutcome o) {
        assertThat(o).isInstanceOf(SendOutcome.Blocked.class);
        SendOutcome.Blocked b = (SendOutcome.Blocked) o;
        assertThat(b.reason()).isEqualTo(Reason.STORE_UNAVAILABLE);
        assertThat(b.detail()).contains("sending limits could not be checked");
        return b;
    }

    @Test
    void aMissingSchemaIsNamedAndBlocksSends() throws Exception {
        DataSource db = LocalPostgres.newDatabase();
        LimitStore store = JdbcLimitStore.builder(db).tablePrefix("f_").build(policy(1));
        assertThatThrownBy(() -> store.reserve(new LimitStore.Usage("k", T, true, 1, null)))
                .isInstanceOf(LimitStoreException.class)
                .hasMessageContaining("table f_limit_schema_version does not exist")
                .hasMessageContaining("io/consentkit/jdbc/limits/V1__limits.sql");
        assertThat(blocked(sender(db, Duration.ofSeconds(5)).send(OutboundMessage.transactional(TO, "Chore due"))).detail())
                .contains("f_limit_schema_version");
        JdbcLimitStore.builder(db).tablePrefix("f_").build(policy(1)).createSchema();
        try (Connection c = db.getConnection(); Statement st = c.createStatement()) {
            st.execute("ALTER TABLE f_limit_day DROP COLUMN alerts");
        }
        assertThatThrownBy(() -> JdbcLimitStore.builder(db).tablePrefix("f_").build(policy(1)).today(T))
                .isInstanceOf(LimitStoreException.class).hasMessageContaining("table f_limit_day lacks a column");
        assertThat(gateway.requestCount()).isZero();
    }

    @Test
    void theBuilderRefusesBadSettings() {
        DataSource db = new PGSimpleDataSource();
        assertThatThrownBy(() -> JdbcLimitStore.builder(db).statementTimeout(Duration.ofHours(2)))
                .isInstanceOf(InvalidInputException.class).hasMessageContaining("statementTimeout");
        assertThatThrownBy(() -> JdbcLimitStore.builder(db).tablePrefix("Bad-"))
                .isInstanceOf(InvalidInputException.class).hasMessageContaining("tablePrefix");
        assertThatThrownBy(() -> JdbcLimitStore.builder(db).build(null))
                .isInstanceOf(InvalidInputException.class).hasMessageContaining("policy");
    }

    @Test
    void anUnreachableDatabaseBlocksEverySend() throws Exception {
        DataSource db = freshDatabase();
        int deadPort;
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            deadPort = s.getLocalPort();
        }
        PGSimpleDataSource dead = LocalPostgres.dataSource(deadPort, "postgres");
        dead.setConnectTimeout(5);
        Switch plug = new Switch(db, dead);
        GuardedSender sender = sender(plug, Duration.ofSeconds(5));
        assertThat(sender.send(OutboundMessage.transactional(TO, "Chore due")).sent()).isTrue();
        plug.unplug();
        for (int i = 0; i < 3; i++) {
            assertThat(blocked(sender.send(OutboundMessage.transactional("+1512555410" + i, "Chore due"))).detail())
                    .contains("SQLState 08");
        }
        assertThat(gateway.requestCount()).isEqualTo(1);
    }

    @Test
    void aConnectionKilledBeforeCommitTakesNothingAndSendsNothing() throws Exception {
        DataSource db = freshDatabase();
        CommitGate gate = new CommitGate(db);
        GuardedSender sender = sender(gate, Duration.ofSeconds(5));
        CompletableFuture<SendOutcome> send = CompletableFuture.supplyAsync(
                () -> sender.send(OutboundMessage.transactional(TO, "Chore due")));
        assertThat(gate.awaitHeld(30)).isTrue();
        assertThat(scalar(db, "SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity"
                + " WHERE datname = current_database() AND state = 'idle in transaction'")).isEqualTo(1);
        gate.release();
        blocked(send.get(30, TimeUnit.SECONDS));
        assertThat(gateway.requestCount()).isZero();
        assertThat(scalar(db, "SELECT count(*) FROM f_limit_send")).isZero();
        assertThat(scalar(db, "SELECT count(*) FROM f_limit_day")).isZero();
        assertThat(sender.send(OutboundMessage.transactional(TO, "Chore due")).sent()).isTrue();
        assertThat(scalar(db, "SELECT messages FROM f_limit_day")).isEqualTo(1);
    }

    @Test
    void aReservationStuckBehindALockIsCancelledAtTheTimeoutAndBlocked() throws Exception {
        DataSource db = freshDatabase();
        GuardedSender sender = sender(db, Duration.ofMillis(300));
        assertThat(sender.send(OutboundMessage.transactional(TO, "Chore due")).sent()).isTrue();
        try (Connection locker = db.getConnection()) {
            locker.setAutoCommit(false);
            try (Statement st = locker.createStatement()) {
                st.execute("SELECT * FROM f_limit_day FOR UPDATE");
            }
            long start = System.nanoTime();
            assertThat(blocked(sender.send(OutboundMessage.transactional("+15125554001", "Chore due"))).detail())
                    .contains("SQLState 57014");
            assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(20));
            locker.rollback();
        }
        assertThat(sender.send(OutboundMessage.transactional("+15125554001", "Chore due")).sent()).isTrue();
        assertThat(gateway.requestCount()).isEqualTo(2);
    }

    @Test
    void rowsNoLimitLooksAtArePrunedAndTheRestStay() throws Exception {
        DataSource db = freshDatabase();
        SettableClock pruneClock = SettableClock.at(T);
        LimitStore store = JdbcLimitStore.builder(db).tablePrefix("f_").clock(pruneClock).build(policy(1));
        store.reserve(new LimitStore.Usage("old", T, true, 1, null));
        Instant later = T.plus(Duration.ofHours(20));
        pruneClock.set(later);
        store.reserve(new LimitStore.Usage("new", later, true, 1, null));
        assertThat(scalar(db, "SELECT count(*) FROM f_limit_send")).as("still looked at (slack)").isEqualTo(2);
        Instant muchLater = T.plus(Duration.ofHours(40));
        pruneClock.set(muchLater);
        store.reserve(new LimitStore.Usage("newest", muchLater, true, 1, null));
        assertThat(scalar(db, "SELECT count(*) FROM f_limit_send WHERE key = 'old'")).isZero();
        assertThat(scalar(db, "SELECT count(*) FROM f_limit_recipient WHERE key = 'old'")).isZero();
        assertThat(scalar(db, "SELECT count(*) FROM f_limit_send")).isEqualTo(2);
        assertThat(scalar(db, "SELECT count(*) FROM f_limit_day")).as("the first day is gone").isEqualTo(2);
        assertThat(store.today(later).messages()).isEqualTo(1);
    }
}
