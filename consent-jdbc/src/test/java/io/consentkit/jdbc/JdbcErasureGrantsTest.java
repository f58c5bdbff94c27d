package io.consentkit.jdbc;

import io.consentkit.journal.ConsentStoreException;
import io.consentkit.journal.ErasureKey;
import io.consentkit.retention.Erasure;
import io.consentkit.testkit.SettableClock;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.postgresql.ds.PGSimpleDataSource;

import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.Statement;
import java.util.List;

import static io.consentkit.jdbc.JdbcErasureTest.ANN;
import static io.consentkit.jdbc.JdbcErasureTest.dump;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The roles of docs/retention.md on embedded PostgreSQL: an appending role with INSERT and SELECT only
 * cannot erase (refused before any row changes), a role with UPDATE too can, without owning the table.
 */
@Timeout(120)
class JdbcErasureGrantsTest {
    final SettableClock clock = SettableClock.at("2026-01-15T18:00:00Z");
    final ErasureKey key = ErasureKey.of("k".repeat(32).getBytes(StandardCharsets.UTF_8));

    @Test
    void onlyARoleWithUpdateErasesAndAnAppendingRoleChangesNothing() throws Exception {
        PGSimpleDataSource db = (PGSimpleDataSource) LocalPostgres.newDatabase();
        new JdbcErasureTest().history(db);
        try (Connection c = db.getConnection(); Statement st = c.createStatement()) {
            st.execute("DO $$ BEGIN IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = 'ck_appender') THEN "
                    + "CREATE ROLE ck_appender LOGIN; END IF; IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = "
                    + "'ck_eraser') THEN CREATE ROLE ck_eraser LOGIN; END IF; END $$");
            st.execute("GRANT SELECT, INSERT ON erase_journal, erase_schema_version TO ck_appender, ck_eraser");
            st.execute("GRANT USAGE ON SEQUENCE erase_journal_id_seq TO ck_appender, ck_eraser");
            st.execute("GRANT UPDATE ON erase_journal TO ck_eraser");
        }
        List<String> before = dump(db);
        try (JdbcConsentStore appender = JdbcConsentStore.builder(as(db, "ck_appender")).tablePrefix("erase_").build()) {
            assertThatThrownBy(() -> Erasure.builder(appender).key(key).clock(clock).build().erase(ANN, "request 16"))
                    .isInstanceOf(ConsentStoreException.class).hasMessageContaining("erasure rewrite failed (SQLState 42501");
            assertThat(dump(db)).isEqualTo(before);
            appender.append(List.of(JdbcErasureTest.row("a-1", "+15125550021")));
        }
        try (JdbcConsentStore eraser = JdbcConsentStore.builder(as(db, "ck_eraser")).tablePrefix("erase_").build()) {
            Erasure.builder(eraser).key(key).clock(clock).build().erase(ANN, "request 16");
            assertThat(String.join("\n", dump(db))).doesNotContain(ANN).contains("a-1");
            assertThat(eraser.verifyChain()).allSatisfy(r -> assertThat(r.ok()).as(r.source() + ": " + r.firstBreak())
                    .isTrue());
        }
    }

    private static PGSimpleDataSource as(PGSimpleDataSource db, String role) {
        PGSimpleDataSource ds = LocalPostgres.dataSource(LocalPostgres.port(), db.getDatabaseName());
        ds.setUser(role);
        return ds;
    }
}
