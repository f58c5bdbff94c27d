package io.consentkit.cli;

import io.consentkit.consent.ConsentTracker;
import io.consentkit.jdbc.JdbcConsentStore;
import io.consentkit.jdbc.LocalPostgres;
import io.consentkit.testkit.SettableClock;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.postgresql.ds.PGSimpleDataSource;

import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import static io.consentkit.cli.CliTestSupport.runWithEnv;
import static org.assertj.core.api.Assertions.assertThat;

/** {@code consent erase} and {@code consent retention} on a PostgreSQL store (embedded PostgreSQL). */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class JdbcRetentionCliTest {
    static final String ANN = "+15125550101"; // opted in and out in 2019: due
    static final String BOB = "+15125550102"; // active
    private static final Map<String, String> ENV = Map.of("PGUSER", "postgres");

    @TempDir
    Path dir;

    private static List<String> dump(PGSimpleDataSource db) throws Exception {
        List<String> out = new ArrayList<>();
        try (Connection c = db.getConnection(); Statement st = c.createStatement();
             ResultSet rs = st.executeQuery("SELECT j::text FROM consentkit_journal j ORDER BY id")) {
            while (rs.next()) {
                out.add(rs.getString(1));
            }
        }
        return out;
    }

    @Test
    void eraseAndRetentionWorkOnAPostgresStore() throws Exception {
        PGSimpleDataSource db = (PGSimpleDataSource) LocalPostgres.newDatabase();
        String url = "jdbc:postgresql://127.0.0.1:" + LocalPostgres.port() + "/" + db.getDatabaseName();
        SettableClock clock = SettableClock.at("2019-03-01T12:00:00Z");
        try (ConsentTracker t = ConsentTracker.builder(JdbcConsentStore.builder(db).createSchema(true).build())
                .clock(clock).build()) {
            t.recordWebFormConsent(ANN, "cust-1", "Ann Lee", "ann@example.com", "203.0.113.9", "");
            t.recordWebFormConsent(BOB, "cust-2", "Bob Ray", "bob@example.com", "203.0.113.10", "");
            t.revoke(ANN, ConsentTracker.REVOKED_BY_KEYWORD, "STOP");
        }
        Path key = dir.resolve("erasure.key");
        Files.writeString(key, "ab".repeat(32) + "\n");
        String sends = dir.resolve("sends.csv").toString();

        List<String> before = dump(db);
        CliTestSupport.Result unknown = runWithEnv(ENV, "erase", "+15125550199", "--reason", "request 1", "--store", url,
                "--erasure-key-file", key.toString(), "--send-log", sends);
        assertThat(unknown.exit()).as(unknown.err()).isEqualTo(ConsentCli.EXIT_BAD_INPUT);
        assertThat(dump(db)).as("a refused erasure changes no row").isEqualTo(before);
        CliTestSupport.Result dry = runWithEnv(ENV, "retention", "--dry-run", "--store", url, "--send-log", sends);
        assertThat(dry.exit()).as(dry.err()).isZero();
        assertThat(dry.out()).contains("1 due for erasure").contains("+*********01").doesNotContain(ANN);
        assertThat(dump(db)).isEqualTo(before);

        CliTestSupport.Result erased = runWithEnv(ENV, "retention", "--store", url, "--erasure-key-file", key.toString(),
                "--send-log", sends);
        assertThat(erased.exit()).as(erased.err()).isZero();
        assertThat(erased.out()).contains("2 journal rows redacted").doesNotContain(ANN);
        String all = String.join("\n", dump(db));
        assertThat(all).doesNotContain(ANN).doesNotContain("Ann Lee").doesNotContain("ann@example.com")
                .doesNotContain("203.0.113.9").doesNotContain("cust-1").contains("Bob Ray");
        CliTestSupport.Result status = runWithEnv(ENV, "status", ANN, "--store", url, "--erasure-key-file", key.toString());
        assertThat(status.exit()).as(status.err()).isEqualTo(ConsentCli.EXIT_FAILURE); // opted out
        CliTestSupport.Result verify = runWithEnv(ENV, "verify", "--store", url);
        assertThat(verify.exit()).as(verify.out() + verify.err()).isZero();
        assertThat(verify.out()).contains("chain: ok");

        CliTestSupport.Result bob = runWithEnv(ENV, "erase", BOB, "--reason", "request 2", "--store", url,
                "--erasure-key-file", key.toString(), "--send-log", sends, "--format", "json");
        assertThat(bob.exit()).as(bob.err()).isZero();
        assertThat(bob.out()).contains("\"revoked\":1").contains("\"journalRows\":1");
        assertThat(runWithEnv(ENV, "status", BOB, "--store", url, "--erasure-key-file", key.toString()).exit())
                .isEqualTo(ConsentCli.EXIT_FAILURE);
        assertThat(runWithEnv(ENV, "verify", "--store", url).exit()).isZero();
    }
}
