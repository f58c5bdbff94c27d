package io.consentkit.jdbc;

import io.consentkit.consent.ConsentTracker;
import io.consentkit.journal.ConsentRecord;
import io.consentkit.journal.ConsentStatus;
import io.consentkit.phone.PhoneNumber;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import javax.sql.DataSource;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The bigserial gap: a transaction that took its ids first and commits last. A reader that polled
 * in between has already seen higher ids; it must still get the late rows once, when they commit.
 */
@Timeout(120)
class JdbcLateCommitTest {
    private static final Instant T = Instant.parse("2026-03-01T10:00:00Z");

    private static ConsentRecord row(String id, String phone, ConsentStatus status) {
        return new ConsentRecord(id, T, PhoneNumber.of(phone), "web_form", "Texts from Acme. Reply STOP to opt out.",
                "cust-" + id, "", "", "", "", Map.of(), status,
                status == ConsentStatus.REVOKED ? T.plusSeconds(60) : null,
                status == ConsentStatus.REVOKED ? "stop_keyword" : "");
    }

    /** A store over the schema {@link #freshDatabase} created (checked, not created: only appends commit). */
    private static JdbcConsentStore store(DataSource ds) {
        return JdbcConsentStore.builder(ds).tablePrefix("late_").build();
    }

    private static DataSource freshDatabase() {
        DataSource db = LocalPostgres.newDatabase();
        try (JdbcConsentStore s = store(db)) {
            s.createSchema();
        }
        return db;
    }

    private static List<Long> ids(DataSource ds, String consentIdLike) throws Exception {
        List<Long> out = new ArrayList<>();
        try (Connection c = ds.getConnection(); Statement st = c.createStatement();
             ResultSet rs = st.executeQuery("SELECT id FROM late_journal WHERE consent_id LIKE '" + consentIdLike
                     + "' ORDER BY id")) {
            while (rs.next()) {
                out.add(rs.getLong(1));
            }
        }
        return out;
    }

    @Test
    void aRowCommittedLateWithALowerIdIsPolledOnceItCommits() throws Exception {
        DataSource db = freshDatabase();
        CommitGate gate = new CommitGate(db);
        try (JdbcConsentStore reader = store(db); JdbcConsentStore slow = store(gate); JdbcConsentStore fast = store(db)) {
            List<ConsentRecord> seen = new ArrayList<>();
            reader.replay(seen::add);
            assertThat(seen).isEmpty();

            ConsentRecord late = row("late1", "+15125550100", ConsentStatus.ACTIVE);
            CompletableFuture<Void> slowAppend = CompletableFuture.runAsync(() -> slow.append(List.of(late)));
            assertThat(gate.awaitHeld(30)).as("the slow append reached its commit").isTrue();

            ConsentRecord e1 = row("early1", "+15125550101", ConsentStatus.ACTIVE);
            ConsentRecord e2 = row("early2", "+15125550102", ConsentStatus.ACTIVE);
            fast.append(List.of(e1));
            fast.append(List.of(e2));
            assertThat(reader.poll()).containsExactly(e1, e2);

            gate.release();
            slowAppend.get(30, TimeUnit.SECONDS);
            // the gap itself: the late row's id is below every id the reader had already seen
            assertThat(ids(db, "late%").get(0)).isLessThan(ids(db, "early%").get(0));

            assertThat(reader.poll()).containsExactly(late);
            assertThat(reader.poll()).isEmpty();
            assertThat(slow.poll()).containsExactly(e1, e2);
        }
    }

    @Test
    void aTrackerSeesALateOptOutAfterRefresh() throws Exception {
        DataSource db = freshDatabase();
        CommitGate gate = new CommitGate(db);
        PhoneNumber phone = PhoneNumber.of("+15125550200");
        try (JdbcConsentStore slow = store(gate); JdbcConsentStore fast = store(db);
             ConsentTracker tracker = ConsentTracker.builder(store(db)).brand("Acme")
                     .clock(java.time.Clock.fixed(T, java.time.ZoneOffset.UTC)).build()) {
            fast.append(List.of(row("grant1", phone.e164(), ConsentStatus.ACTIVE)));
            tracker.refresh();
            assertThat(tracker.isActive(phone)).isTrue();

            CompletableFuture<Void> stop = CompletableFuture.runAsync(
                    () -> slow.append(List.of(row("grant1", phone.e164(), ConsentStatus.REVOKED))));
            assertThat(gate.awaitHeld(30)).isTrue();
            fast.append(List.of(row("other1", "+15125550201", ConsentStatus.ACTIVE)));
            tracker.refresh();
            assertThat(tracker.isOptedOut(phone)).as("the opt-out has not committed yet").isFalse();

            gate.release();
            stop.get(30, TimeUnit.SECONDS);
            tracker.refresh();
            assertThat(tracker.isOptedOut(phone)).as("the late opt-out is seen once committed").isTrue();
        }
    }
}
