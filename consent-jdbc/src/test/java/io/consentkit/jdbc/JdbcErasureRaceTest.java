package io.consentkit.jdbc;

import io.consentkit.consent.ConsentTracker;
import io.consentkit.journal.ConsentRecord;
import io.consentkit.journal.ConsentStoreException;
import io.consentkit.journal.ErasureKey;
import io.consentkit.journal.JournalVerifier;
import io.consentkit.retention.Erasure;
import io.consentkit.send.GuardedSender;
import io.consentkit.send.OutboundMessage;
import io.consentkit.testkit.FakeSmsGateway;
import io.consentkit.testkit.SettableClock;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import javax.sql.DataSource;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;

import static io.consentkit.jdbc.JdbcErasureTest.ANN;
import static io.consentkit.jdbc.JdbcErasureTest.BOB;
import static io.consentkit.jdbc.JdbcErasureTest.dump;
import static io.consentkit.jdbc.JdbcErasureTest.row;
import static io.consentkit.jdbc.JdbcErasureTest.store;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * Erasure while other store instances write, and an erasure killed before its commit (embedded
 * PostgreSQL): appends wait for the erasure's lock and lose nothing, a killed erasure leaves the table
 * exactly as it was, and a tracker that was open during the erasure stops treating the number as active.
 */
@Timeout(120)
class JdbcErasureRaceTest {
    final SettableClock clock = SettableClock.at("2026-01-15T18:00:00Z");
    final ErasureKey key = ErasureKey.of("k".repeat(32).getBytes(StandardCharsets.UTF_8));

    private DataSource history() {
        DataSource db = LocalPostgres.newDatabase();
        new JdbcErasureTest().history(db);
        return db;
    }

    private static long scalar(DataSource db, String sql) throws Exception {
        try (Connection c = db.getConnection(); Statement st = c.createStatement(); ResultSet rs = st.executeQuery(sql)) {
            rs.next();
            return rs.getLong(1);
        }
    }

    /** Polls (with a deadline) until a backend of this database waits for a lock while inserting. */
    private static boolean awaitInsertWaitingForLock(DataSource db) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (System.nanoTime() < deadline) {
            if (scalar(db, "SELECT count(*) FROM pg_stat_activity WHERE datname = current_database()"
                    + " AND wait_event_type = 'Lock' AND query LIKE 'INSERT INTO erase_journal%'") > 0) {
                return true;
            }
            Thread.onSpinWait();
        }
        return false;
    }

    @Test
    void anAppendDuringTheErasureWaitsForItsCommitAndLosesNothing() throws Exception {
        DataSource db = history();
        CommitGate gate = new CommitGate(db);
        try (JdbcConsentStore other = store(db); JdbcConsentStore eraser = JdbcConsentStore.builder(gate)
                .tablePrefix("erase_").build()) {
            other.append(List.of(row("o-1", "+15125550011")));
            int rowsBefore = dump(db).size();
            CompletableFuture<Void> erase = CompletableFuture.runAsync(() ->
                    Erasure.builder(eraser).key(key).clock(clock).build().erase(ANN, "GDPR request 12"));
            assertThat(gate.awaitHeld(30)).as("the erasure holds its rows at the commit").isTrue();
            List<ConsentRecord> during = List.of(row("o-2", "+15125550012"), row("o-3", "+15125550013"));
            CompletableFuture<Void> append = CompletableFuture.runAsync(() -> other.append(during));
            assertThat(awaitInsertWaitingForLock(db)).as("the other writer's insert waits for the erasure's lock").isTrue();
            assertThat(append).isNotDone();
            gate.release();
            erase.get(30, TimeUnit.SECONDS);
            append.get(30, TimeUnit.SECONDS);
            other.append(List.of(row("o-4", "+15125550014")));

            List<String> after = dump(db);
            assertThat(after).hasSize(rowsBefore + 3 + 3); // revocations and erasure row; o-2, o-3, o-4
            assertThat(String.join("\n", after)).contains("o-1").contains("o-2").contains("o-3").contains("o-4")
                    .doesNotContain(ANN).contains(BOB);
            List<JournalVerifier.Result> chains = other.verifyChain();
            assertThat(chains).allSatisfy(c -> assertThat(c.ok()).as(c.source() + ": " + c.firstBreak()).isTrue());
            assertThat(chains.stream().mapToLong(JournalVerifier.Result::chainedRows).sum()).isEqualTo(after.size());
        }
    }

    @Test
    void anErasureWhoseConnectionIsKilledBeforeCommitChangesNoRow() throws Exception {
        DataSource db = history();
        List<String> before = dump(db);
        CommitGate gate = new CommitGate(db);
        try (JdbcConsentStore eraser = JdbcConsentStore.builder(gate).tablePrefix("erase_").build();
             JdbcConsentStore other = store(db)) {
            CompletableFuture<Void> erase = CompletableFuture.runAsync(() ->
                    Erasure.builder(eraser).key(key).clock(clock).build().erase(ANN, "GDPR request 13"));
            assertThat(gate.awaitHeld(30)).isTrue();
            assertThat(scalar(db, "SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity"
                    + " WHERE datname = current_database() AND state = 'idle in transaction'")).isEqualTo(1);
            gate.release();
            assertThatThrownBy(() -> erase.get(30, TimeUnit.SECONDS)).isInstanceOf(ExecutionException.class)
                    .cause().isInstanceOf(ConsentStoreException.class).hasMessageContaining("erasure rewrite failed");
            assertThat(dump(db)).as("every row as it was").isEqualTo(before);

            other.append(List.of(row("o-5", "+15125550015")));
            eraser.append(List.of(row("e-1", "+15125550016"))); // the eraser's next writer chain
            Erasure.builder(eraser).key(key).clock(clock).build().erase(ANN, "GDPR request 13");
            assertThat(String.join("\n", dump(db))).doesNotContain(ANN).contains("o-5").contains("e-1");
            assertThat(other.verifyChain()).allSatisfy(c -> assertThat(c.ok()).as(c.source() + ": " + c.firstBreak())
                    .isTrue());
        }
    }

    @Test
    void aTrackerOpenDuringTheErasureStopsTreatingTheNumberAsActive() throws Exception {
        DataSource db = history();
        try (ConsentTracker live = ConsentTracker.builder(store(db)).clock(clock).erasureKey(key).build();
             JdbcConsentStore eraser = store(db)) {
            assertThat(live.isActive(ANN)).isTrue();
            Erasure.builder(eraser).key(key).clock(clock).build().erase(ANN, "GDPR request 14");
            clock.advance(Duration.ofSeconds(3)); // past the visibility bound: the next lookup polls
            assertThat(live.isActive(ANN)).isFalse();
            assertThat(live.isOptedOut(ANN)).isTrue();
            assertThat(live.isActive(BOB)).isTrue();
            GuardedSender s = GuardedSender.builder(live, FakeSmsGateway.builder().clock(clock).build()).clock(clock)
                    .build();
            assertThat(s.send(OutboundMessage.marketing(ANN, "Sale!")).sent()).as("the live tracker's sender").isFalse();
            assertThat(s.send(OutboundMessage.marketing(BOB, "Sale!")).sent()).isTrue();
        }
    }
}
