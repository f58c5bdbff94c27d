package io.consentkit.jdbc;

import io.consentkit.InvalidInputException;
import io.consentkit.journal.ConsentRecord;
import io.consentkit.journal.ConsentStatus;
import io.consentkit.journal.ConsentStoreException;
import io.consentkit.journal.JournalLimits;
import io.consentkit.phone.PhoneNumber;
import org.junit.jupiter.api.BeforeAll;
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

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The shipped schema script, create-or-check on first use, settings validation, limits on append. */
@Timeout(120)
class JdbcSchemaTest {
    private static DataSource db;

    @BeforeAll
    static void database() {
        db = LocalPostgres.newDatabase();
    }

    private static ConsentRecord row(String id) {
        return new ConsentRecord(id, Instant.parse("2026-03-01T10:00:00Z"), PhoneNumber.of("+15125550300"), "web_form",
                "Texts from Acme.", "", "", "", "", "", Map.of(), ConsentStatus.ACTIVE, null, "");
    }

    private static long count(String sql) throws Exception {
        try (Connection c = db.getConnection(); Statement st = c.createStatement(); ResultSet rs = st.executeQuery(sql)) {
            rs.next();
            return rs.getLong(1);
        }
    }

    private static void exec(String sql) throws Exception {
        try (Connection c = db.getConnection(); Statement st = c.createStatement()) {
            st.execute(sql);
        }
    }

    @Test
    void aMissingSchemaFailsNamingTheTableAndTheScript() {
        JdbcConsentStore store = JdbcConsentStore.builder(db).tablePrefix("absent_").build();
        assertThatThrownBy(() -> store.replay(r -> { }))
                .isInstanceOf(ConsentStoreException.class)
                .hasMessageContaining("absent_schema_version does not exist")
                .hasMessageContaining("createSchema(true)")
                .hasMessageContaining("io/consentkit/jdbc/V1__journal.sql");
        assertThatThrownBy(() -> store.append(List.of(row("a1")))).isInstanceOf(ConsentStoreException.class)
                .hasMessageContaining("does not exist");
    }

    @Test
    void aJournalTableWithoutAColumnIsRefused() throws Exception {
        exec(JdbcConsentStore.schemaScript("broken_"));
        exec("ALTER TABLE broken_journal DROP COLUMN revoked_method");
        JdbcConsentStore store = JdbcConsentStore.builder(db).tablePrefix("broken_").build();
        assertThatThrownBy(() -> store.replay(r -> { }))
                .isInstanceOf(ConsentStoreException.class)
                .hasMessageContaining("broken_journal lacks column(s) [revoked_method] of schema version 3");
    }

    @Test
    void aNewerSchemaVersionIsRefused() throws Exception {
        exec(JdbcConsentStore.schemaScript("newer_"));
        exec("INSERT INTO newer_schema_version (version) VALUES (4)");
        JdbcConsentStore store = JdbcConsentStore.builder(db).tablePrefix("newer_").build();
        assertThatThrownBy(() -> store.poll()).isInstanceOf(ConsentStoreException.class)
                .hasMessageContaining("schema version 4").hasMessageContaining("newer than this ConsentKit's (3)");
    }

    @Test
    void theScriptRunByHandIsAcceptedAndCreateSchemaIsIdempotent() throws Exception {
        String script = JdbcConsentStore.schemaScript("byhand_");
        assertThat(script).contains("CREATE TABLE IF NOT EXISTS byhand_journal").doesNotContain("${prefix}");
        exec(script);
        try (JdbcConsentStore store = JdbcConsentStore.builder(db).tablePrefix("byhand_").createSchema(true).build()) {
            store.createSchema();
            store.append(List.of(row("h1")));
            List<ConsentRecord> out = new ArrayList<>();
            store.replay(out::add);
            assertThat(out).containsExactly(row("h1"));
        }
        assertThat(count("SELECT count(*) FROM byhand_schema_version")).isEqualTo(3);
    }

    private static String v1Script(String prefix) throws Exception {
        try (java.io.InputStream in = JdbcConsentStore.class.getResourceAsStream("/io/consentkit/jdbc/V1__journal.sql")) {
            return new String(in.readAllBytes(), java.nio.charset.StandardCharsets.UTF_8).replace("${prefix}", prefix);
        }
    }

    @Test
    void aVersion1SchemaIsRefusedNamingTheV2ColumnsAndCreateSchemaMigratesItKeepingItsRows() throws Exception {
        assertThat(JdbcConsentStore.schemaScript("v1_")).contains("ADD COLUMN IF NOT EXISTS program");
        exec(v1Script("v1_"));
        exec("INSERT INTO v1_journal (tx, consent_id, timestamp, phone_number, opt_in_method, consent_message, "
                + "customer_id, customer_name, customer_email, ip_address, screenshot_url, metadata, status, revoked_at, "
                + "revoked_method) VALUES (1, 'old1', '2025-01-01T00:00:00Z', '+15125550300', 'web_form', "
                + "'Texts from Acme.', '', '', '', '', '', '', 'active', '', '')");
        JdbcConsentStore unmigrated = JdbcConsentStore.builder(db).tablePrefix("v1_").build();
        assertThatThrownBy(() -> unmigrated.replay(r -> { })).isInstanceOf(ConsentStoreException.class)
                .hasMessageContaining("v1_journal lacks column(s) [program, brand, channel, writer_id, writer_seq, row_digest, "
                        + "chain_link] of schema version 3")
                .hasMessageContaining("V2__scopes.sql");
        ConsentRecord scoped = row("new1").withScope("alerts", "acme", "sms");
        try (JdbcConsentStore store = JdbcConsentStore.builder(db).tablePrefix("v1_").createSchema(true).build()) {
            store.append(List.of(scoped));
            List<ConsentRecord> out = new ArrayList<>();
            store.replay(out::add);
            assertThat(out).hasSize(2);
            assertThat(out.get(0).consentId()).isEqualTo("old1");
            assertThat(out.get(0).isLegacyShaped()).isTrue();
            assertThat(out.get(1)).isEqualTo(scoped);
        }
        assertThat(count("SELECT max(version) FROM v1_schema_version")).isEqualTo(3);
        assertThat(count("SELECT count(*) FROM v1_journal WHERE program = 'alerts' AND brand = 'acme'")).isEqualTo(1);
    }

    @Test
    void anOverLimitRowWritesNothing() throws Exception {
        try (JdbcConsentStore store = JdbcConsentStore.builder(db).tablePrefix("limits_").createSchema(true).build()) {
            ConsentRecord big = row("big").withConsentMessage("x".repeat(JournalLimits.MAX_CONSENT_MESSAGE_CHARS + 1));
            store.createSchema();
            assertThatThrownBy(() -> store.append(List.of(row("ok"), big)))
                    .isInstanceOf(InvalidInputException.class).hasMessageContaining("consent_message");
        }
        assertThat(count("SELECT count(*) FROM limits_journal")).isZero();
    }

    @Test
    void settingsAreValidatedAndTheBuiltStoreKeepsItsOwn() {
        assertThatThrownBy(() -> JdbcConsentStore.builder(null)).isInstanceOf(InvalidInputException.class)
                .hasMessageContaining("dataSource");
        JdbcConsentStore.Builder b = JdbcConsentStore.builder(db);
        assertThatThrownBy(() -> b.tablePrefix("Bad-Prefix")).isInstanceOf(InvalidInputException.class)
                .hasMessageContaining("tablePrefix");
        assertThatThrownBy(() -> b.tablePrefix("1x_")).isInstanceOf(InvalidInputException.class);
        assertThatThrownBy(() -> b.tablePrefix("x".repeat(41))).isInstanceOf(InvalidInputException.class)
                .hasMessageContaining("41 chars");
        assertThatThrownBy(() -> b.visibilityBound(Duration.ZERO)).isInstanceOf(InvalidInputException.class)
                .hasMessageContaining("visibilityBound");
        assertThatThrownBy(() -> JdbcConsentStore.schemaScript("x;drop")).isInstanceOf(InvalidInputException.class);

        JdbcConsentStore first = b.tablePrefix("one_").visibilityBound(Duration.ofMillis(250)).build();
        b.tablePrefix("two_").visibilityBound(Duration.ofSeconds(9));
        assertThat(first.journalTable()).isEqualTo("one_journal");
        assertThat(first.capabilities().visibilityBound()).isEqualTo(Duration.ofMillis(250));
        assertThat(first.capabilities().multiMachine()).isTrue();
        assertThat(b.build().journalTable()).isEqualTo("two_journal");
        assertThat(JdbcConsentStore.builder(db).build().journalTable()).isEqualTo("consentkit_journal");
    }

    @Test
    void aClosedStoreThrows() {
        JdbcConsentStore store = JdbcConsentStore.builder(db).tablePrefix("closed_").createSchema(true).build();
        store.close();
        assertThatThrownBy(() -> store.append(List.of(row("c1")))).isInstanceOf(ConsentStoreException.class)
                .hasMessageContaining("is closed");
        assertThatThrownBy(store::poll).isInstanceOf(ConsentStoreException.class).hasMessageContaining("is closed");
    }
}
