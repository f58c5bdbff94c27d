package io.consentkit.jdbc;

import io.consentkit.consent.ConsentTracker;
import io.consentkit.journal.ConsentRecord;
import io.consentkit.journal.ConsentStatus;
import io.consentkit.journal.ConsentStoreException;
import io.consentkit.journal.JournalCodec;
import io.consentkit.phone.PhoneNumber;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import javax.sql.DataSource;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.time.Instant;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * A journal restored from a logical dump of another cluster carries transaction ids this server has
 * not reached; rows written here would sort before them and a later STOP could lose to an earlier
 * grant at the next open. The store refuses such a journal, naming the way to copy one instead.
 */
@Timeout(120)
class JdbcRestoredDumpTest {
    @Test
    void aJournalWithTransactionIdsFromAnotherClusterIsRefused() throws Exception {
        DataSource db = LocalPostgres.newDatabase();
        try (JdbcConsentStore s = JdbcConsentStore.builder(db).tablePrefix("dump_").build()) {
            s.createSchema();
        }
        ConsentRecord grant = new ConsentRecord("d1", Instant.parse("2026-03-01T10:00:00Z"),
                PhoneNumber.of("+15125550700"), "web_form", "Texts from Acme.", "", "", "", "", "", Map.of(),
                ConsentStatus.ACTIVE, null, "");
        String cols = String.join(", ", ConsentRecord.COLUMNS);
        try (Connection c = db.getConnection(); PreparedStatement ps = c.prepareStatement("INSERT INTO dump_journal"
                + " (tx, " + cols + ") VALUES (pg_current_xact_id()::text::bigint + 10000000"
                + ", ?".repeat(ConsentRecord.COLUMNS.size()) + ")")) {
            String[] cells = JournalCodec.cells(grant);
            for (int i = 0; i < cells.length; i++) {
                ps.setString(i + 1, cells[i]);
            }
            ps.executeUpdate(); // as a pg_dump of a busier cluster restores it
        }
        assertThatThrownBy(() -> ConsentTracker.builder(JdbcConsentStore.builder(db).tablePrefix("dump_").build())
                .build()).isInstanceOf(ConsentStoreException.class)
                .hasMessageContaining("restored from another cluster")
                .hasMessageContaining("consent export --journal");
        JdbcConsentStore creating = JdbcConsentStore.builder(db).tablePrefix("dump_").build();
        assertThatThrownBy(creating::createSchema).isInstanceOf(ConsentStoreException.class)
                .hasMessageContaining("restored from another cluster");
        assertThat(JdbcConsentStore.builder(db).tablePrefix("other_").createSchema(true).build().poll())
                .as("another prefix in the same database is unaffected").isEmpty();
    }
}
