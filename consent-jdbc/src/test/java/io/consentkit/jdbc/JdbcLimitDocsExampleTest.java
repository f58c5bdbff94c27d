package io.consentkit.jdbc;

import io.consentkit.consent.ConsentTracker;
import io.consentkit.send.GuardedSender;
import io.consentkit.send.OutboundMessage;
import io.consentkit.send.SendOutcome;
import io.consentkit.send.SendOutcome.Reason;
import io.consentkit.store.InMemoryConsentStore;
import io.consentkit.testkit.FakeSmsGateway;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import javax.sql.DataSource;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Runs the "Sending limits in PostgreSQL" example of docs/stores.md against the embedded server (the
 * docs harness in consent-checks fails if the document's block and the copy below differ), and
 * checks the documented DDL is the shipped script.
 */
@Timeout(120)
class JdbcLimitDocsExampleTest {
    @Test
    void theLimitsExampleRunsAndASecondInstanceSeesItsSend() {
        DataSource dataSource = LocalPostgres.newDatabase();
        ConsentTracker tracker = ConsentTracker.builder(new InMemoryConsentStore()).build();
        FakeSmsGateway gateway = FakeSmsGateway.create();
        // snippet: jdbc-limits
        GuardedSender sender = GuardedSender.builder(tracker, gateway)
                .cooldown(Duration.ofMinutes(10))                          // exact across every instance
                .recipientDailyCap(3)
                .globalDailyCap(10_000)
                .limitStore(JdbcLimitStore.builder(dataSource)             // same database + prefix everywhere
                        .tablePrefix("consentkit_")
                        .createSchema(true)                                // or run limits/V1__limits.sql yourself
                        .factory())
                .build();
        SendOutcome outcome = sender.send(OutboundMessage.transactional("512-555-1234", "Chore due: take out trash"));
        // end snippet
        assertThat(outcome.sent()).isTrue();
        GuardedSender other = GuardedSender.builder(tracker, gateway).cooldown(Duration.ofMinutes(10))
                .recipientDailyCap(3).globalDailyCap(10_000)
                .limitStore(JdbcLimitStore.builder(dataSource).factory()).build();
        SendOutcome again = other.send(OutboundMessage.transactional("+15125551234", "Chore due: take out trash"));
        assertThat(again).isInstanceOf(SendOutcome.Deferred.class);
        assertThat(((SendOutcome.Deferred) again).reason()).isEqualTo(Reason.COOLDOWN);
        assertThat(other.today().messages()).isEqualTo(1);
        assertThat(gateway.requestCount()).isEqualTo(1);
    }

    @Test
    void theDocumentedDdlIsTheShippedScript() throws Exception {
        String doc = Files.readString(Path.of("..", "docs", "stores.md"));
        String start = "```sql\n";
        int from = doc.indexOf(start, doc.indexOf("### Sending limits in PostgreSQL (JdbcLimitStore)"));
        assertThat(from).as("an sql block in the limits section").isPositive();
        String block = doc.substring(from + start.length(), doc.indexOf("```", from + start.length()));
        assertThat(block).isEqualTo(JdbcLimitStore.schemaScript(JdbcLimitStore.DEFAULT_TABLE_PREFIX));
    }
}
