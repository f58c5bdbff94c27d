package io.consentkit.cli;

import io.consentkit.jdbc.LocalPostgres;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.postgresql.ds.PGSimpleDataSource;

import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import static io.consentkit.cli.CliTestSupport.runWithEnv;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@code --store jdbc:postgresql://...} against an embedded PostgreSQL: the journal commands work on
 * it, credentials come from the environment (CONSENTKIT_JDBC_* over PG*), a password is never printed,
 * and a {@code jdbc:} URL is never taken for a file path.
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class JdbcStoreCliTest {
    private static final String PHONE = "+15125551234";
    private static final Map<String, String> ENV = Map.of("PGUSER", "postgres");
    private static final String SECRET = "S3cret-Pa55word";

    @TempDir
    Path dir;

    private static String newDatabaseUrl() {
        PGSimpleDataSource db = (PGSimpleDataSource) LocalPostgres.newDatabase();
        return "jdbc:postgresql://127.0.0.1:" + LocalPostgres.port() + "/" + db.getDatabaseName();
    }

    private static String deadUrl(String query) throws Exception {
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return "jdbc:postgresql://127.0.0.1:" + s.getLocalPort() + "/consents" + query;
        }
    }

    @Test
    void theJournalCommandsWorkOnAPostgresStore() throws Exception {
        String url = newDatabaseUrl();
        CliTestSupport.Result missing = runWithEnv(ENV, "status", PHONE, "--store", url);
        assertThat(missing.exit()).as(missing.err()).isEqualTo(ConsentCli.EXIT_STORE_UNAVAILABLE);
        assertThat(missing.err()).contains("does not exist").contains("--create-schema");

        CliTestSupport.Result rec = runWithEnv(ENV, "record", PHONE, "--store", url, "--create-schema", "--name", "Ann Lee");
        assertThat(rec.exit()).as(rec.err()).isZero();
        CliTestSupport.Result st = runWithEnv(ENV, "status", PHONE, "--store", url);
        assertThat(st.exit()).as(st.err()).isZero();
        assertThat(st.out()).contains("ACTIVE");
        assertThat(runWithEnv(ENV, "history", PHONE, "--store", url).out()).contains("ACTIVE").contains("web_form");
        assertThat(runWithEnv(ENV, "revoke", PHONE, "--store", url, "--method", "stop_keyword").exit()).isZero();
        CliTestSupport.Result out = runWithEnv(ENV, "status", PHONE, "--store", url, "--format", "json");
        assertThat(out.exit()).isEqualTo(ConsentCli.EXIT_FAILURE);
        assertThat(out.out()).contains("\"optedOut\":true");

        Path audit = dir.resolve("audit.csv");
        assertThat(runWithEnv(ENV, "export", audit.toString(), "--store", url).out()).contains("exported 1 consents");
        Path backup = dir.resolve("backup.csv");
        assertThat(runWithEnv(ENV, "export", backup.toString(), "--journal", "--store", url).out())
                .contains("exported 2 rows");
        CliTestSupport.Result verify = runWithEnv(ENV, "verify", "--store", url);
        assertThat(verify.exit()).as(verify.err()).isZero();
        assertThat(verify.out()).contains("schema and all 2 rows parse").contains("chain: ok: 2 rows chained");

        String other = newDatabaseUrl();
        CliTestSupport.Result imp = runWithEnv(ENV, "import", backup.toString(), "--store", other, "--create-schema");
        assertThat(imp.exit()).as(imp.err()).isZero();
        assertThat(imp.out()).contains("imported 2");
        assertThat(runWithEnv(ENV, "import", backup.toString(), "--store", other).out()).contains("imported 0, already present 2");
        assertThat(runWithEnv(ENV, "status", PHONE, "--store", other).out()).contains("OPTED OUT");
    }

    @Test
    void aPasswordIsNeverPrinted() throws Exception {
        Map<String, String> env = Map.of("CONSENTKIT_JDBC_USER", "postgres", "CONSENTKIT_JDBC_PASSWORD", SECRET,
                "PGPASSWORD", SECRET + "-pg");
        for (String cmd : new String[] {"status", "record"}) {
            CliTestSupport.Result r = runWithEnv(env, cmd, PHONE, "--store", deadUrl(""), "--format", "json");
            assertThat(r.exit()).as(r.err()).isEqualTo(ConsentCli.EXIT_STORE_UNAVAILABLE);
            assertThat(r.err()).contains("SQLState 08");
            assertThat(r.out() + r.err()).doesNotContain(SECRET);
        }
        CliTestSupport.Result inUrl = runWithEnv(Map.of(), "verify", "--store", deadUrl("?user=postgres&password=" + SECRET));
        assertThat(inUrl.exit()).isEqualTo(ConsentCli.EXIT_STORE_UNAVAILABLE);
        assertThat(inUrl.out() + inUrl.err()).doesNotContain(SECRET);
        CliTestSupport.Result bad = runWithEnv(Map.of(), "status", PHONE, "--store",
                "jdbc:postgresql://127.0.0.1:port/consents?password=" + SECRET);
        assertThat(bad.exit()).isEqualTo(ConsentCli.EXIT_BAD_INPUT);
        assertThat(bad.err()).contains("password=***").doesNotContain(SECRET);
    }

    @Test
    void aJdbcUrlIsNeverAFileAndAnotherDatabaseIsBadInput() throws Exception {
        CliTestSupport.Result dead = CliProcess.run(dir, Map.of("PGUSER", "postgres"), "record", PHONE, "--store",
                deadUrl(""));
        assertThat(dead.exit()).as(dead.err()).isEqualTo(ConsentCli.EXIT_STORE_UNAVAILABLE);
        CliTestSupport.Result mysql = runWithEnv(ENV, "record", PHONE, "--store", "jdbc:mysql://127.0.0.1/consents");
        assertThat(mysql.exit()).isEqualTo(ConsentCli.EXIT_BAD_INPUT);
        assertThat(mysql.err()).contains("store").contains("jdbc:postgresql://host:port/database");
        try (Stream<Path> files = Files.list(dir)) {
            assertThat(files).as("nothing created in the working directory").isEmpty();
        }
    }

    @Test
    void theChildReadsItsCredentialsFromTheEnvironmentConsentKitVariablesFirst() {
        String url = newDatabaseUrl();
        assertThat(CliProcess.run(dir, Map.of("PGUSER", "postgres"), "record", PHONE, "--store", url,
                "--create-schema").exit()).isZero();
        CliTestSupport.Result wins = CliProcess.run(dir, Map.of("PGUSER", "no_such_role",
                "CONSENTKIT_JDBC_USER", "postgres"), "status", PHONE, "--store", url);
        assertThat(wins.exit()).as(wins.err()).isZero();
        assertThat(wins.out()).contains("ACTIVE");
        CliTestSupport.Result pgOnly = CliProcess.run(dir, Map.of("PGUSER", "no_such_role"), "status", PHONE,
                "--store", url);
        assertThat(pgOnly.exit()).as("PGUSER is used when nothing overrides it").isEqualTo(ConsentCli.EXIT_STORE_UNAVAILABLE);
        assertThat(pgOnly.err()).contains("SQLState 28");
    }
}
