package io.consentkit.jdbc;

import io.consentkit.consent.ConsentTracker;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import javax.sql.DataSource;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Runs the "PostgreSQL store" Configure example of docs/stores.md against the embedded server; the
 * docs harness in consent-checks fails if the document's block and the copy below differ.
 */
@Timeout(120)
class JdbcDocsExampleTest {
    @Test
    void theConfigureExampleRuns() {
        DataSource dataSource = LocalPostgres.newDatabase();
        // snippet: jdbc-configure
        JdbcConsentStore store = JdbcConsentStore.builder(dataSource)   // your pool (HikariCP, ...) or driver DataSource
                .tablePrefix("consentkit_")                            // every instance uses the same database + prefix
                .createSchema(true)                                    // or run V1__journal.sql yourself and leave this out
                .visibilityBound(Duration.ofSeconds(2))                // opt-outs from other instances seen within 2 s
                .build();
        try (ConsentTracker tracker = ConsentTracker.builder(store).brand("Basin Climbing").build()) {
            tracker.recordWebFormConsent("512-555-1234", "cust-1", "Ann Lee", "ann@example.com", "203.0.113.9",
                    "https://basin.example/sms-signup");
            boolean mayText = tracker.isActive("+15125551234");         // polls first if the last poll is > 2 s old
        }
        // end snippet
        try (ConsentTracker again = ConsentTracker.builder(JdbcConsentStore.builder(dataSource).build()).build()) {
            assertThat(again.isActive("+15125551234")).isTrue();
        }
    }

    @Test
    void theDocumentedDdlIsTheShippedScript() throws Exception {
        String doc = Files.readString(Path.of("..", "docs", "stores.md"));
        String start = "```sql\n";
        int from = doc.indexOf(start, doc.indexOf("## PostgreSQL store (consent-jdbc)"));
        assertThat(from).as("an sql block in the PostgreSQL section").isPositive();
        String block = doc.substring(from + start.length(), doc.indexOf("```", from + start.length()));
        assertThat(block).isEqualTo(JdbcConsentStore.schemaScript(JdbcConsentStore.DEFAULT_TABLE_PREFIX));
    }
}
