package io.consentkit.cli;

import io.consentkit.send.CsvSendLog;
import io.consentkit.send.SendLogEntry;
import io.consentkit.store.CsvConsentStore;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;

import static io.consentkit.cli.CliTestSupport.run;
import static org.assertj.core.api.Assertions.assertThat;

class SendCommandTest {
    private static final String NOON_CENTRAL = "2026-01-15T18:00:00Z";

    @TempDir
    Path dir;

    @BeforeEach
    void anExistingJournal() {
        CsvConsentStore.open(dir.resolve("consents.csv")).close(); // send works on an existing journal only
    }

    private String store() {
        return dir.resolve("consents.csv").toString();
    }

    @Test
    void withoutAGatewayItIsADryRunThatPrintsWhatWouldBeSent() {
        assertThat(run("record", "512-555-1234", "--store", store()).exit()).isZero();
        CliTestSupport.Result r = run("send", "--to", "512-555-1234", "--body", "Climbing shoes 20% off",
                "--store", store(), "--at", NOON_CENTRAL);
        assertThat(r.exit()).as(r.err()).isZero();
        assertThat(r.out()).startsWith("DRY RUN  every guard passed; would send this marketing message to 512-555-1234")
                .contains("Climbing shoes 20% off");
        try (CsvSendLog log = CsvSendLog.open(dir.resolve("sends.csv"))) {
            assertThat(log.entries()).extracting(SendLogEntry::decision).containsExactly(SendLogEntry.Decision.DRY_RUN);
        }
    }

    @Test
    void aSegmentBudgetAndExamplePricesCanBeGiven() {
        CliTestSupport.Result fits = run("send", "--to", "+15125551234", "--body", "x".repeat(161), "--category",
                "transactional", "--store", store(), "--at", NOON_CENTRAL, "--example-prices", "--format", "json");
        assertThat(fits.exit()).as(fits.err()).isZero();
        assertThat(fits.out()).contains("\"segments\":2,\"estimatedCost\":\"0.0166\",\"currency\":\"USD\"");
        CliTestSupport.Result over = run("send", "--to", "+15125551234", "--body", "x".repeat(161), "--category",
                "transactional", "--store", store(), "--at", NOON_CENTRAL, "--segment-budget", "1");
        assertThat(over.exit()).isEqualTo(SendCommand.EXIT_NOT_SENT);
        assertThat(over.out()).startsWith("BLOCKED  CONTENT: body needs 2 segments");
    }

    @Test
    void guardsThatRefusePrintWhyAndExitOne() {
        CliTestSupport.Result noConsent = run("send", "--to", "+15125551234", "--body", "Sale", "--store", store(),
                "--at", NOON_CENTRAL);
        assertThat(noConsent.exit()).isEqualTo(SendCommand.EXIT_NOT_SENT);
        assertThat(noConsent.out()).startsWith("BLOCKED  NO_CONSENT");

        CliTestSupport.Result night = run("send", "--to", "+15125551234", "--body", "Chore due", "--category",
                "transactional", "--store", store(), "--at", "2026-01-16T04:00:00Z", "--format", "json");
        assertThat(night.exit()).isEqualTo(SendCommand.EXIT_NOT_SENT);
        assertThat(night.out()).startsWith("{\"outcome\":\"deferred\",\"reason\":\"QUIET_HOURS\","
                + "\"until\":\"2026-01-16T15:00:00Z\""); // 09:00 in Austin: Texas SB 140 (the detail names the rule)

        assertThat(run("revoke", "+15125551234", "--store", store()).exit()).isZero();
        CliTestSupport.Result optedOut = run("send", "--to", "+15125551234", "--body", "Evacuate", "--category",
                "emergency", "--store", store(), "--at", NOON_CENTRAL);
        assertThat(optedOut.out()).startsWith("BLOCKED  OPTED_OUT");
    }

    @Test
    void theRuleThatDecidedIsItsOwnFieldInTextAndJson() {
        // Friday 04:00 in Austin: Texas SB 140 (09:00-21:00) defers; the rule is named on its own
        CliTestSupport.Result json = run("send", "--to", "+15125551234", "--body", "Chore due", "--category",
                "transactional", "--store", store(), "--at", "2026-01-16T04:00:00Z", "--format", "json");
        assertThat(json.out()).contains("\"until\":\"2026-01-16T15:00:00Z\",\"rule\":\"us-tx-sb-140\",\"detail\":");
        CliTestSupport.Result text = run("send", "--to", "+15125551234", "--body", "Chore due", "--category",
                "transactional", "--store", store(), "--at", "2026-01-16T04:00:00Z");
        assertThat(text.out()).startsWith("DEFERRED  QUIET_HOURS until 2026-01-16T15:00:00Z: closed by rule us-tx-sb-140")
                .contains("\n  rule: us-tx-sb-140\n");
        // a guard with no finer rule names itself
        CliTestSupport.Result noConsent = run("send", "--to", "+15125551234", "--body", "Sale", "--store", store(),
                "--at", NOON_CENTRAL, "--format", "json");
        assertThat(noConsent.out()).contains("\"reason\":\"NO_CONSENT\",\"rule\":\"NO_CONSENT\",");
    }

    @Test
    void aGatewayFromTheClassPathSendsForRealAndAProviderOptOutRevokes() {
        String log = dir.resolve("logs/sends.csv").toString();
        CliTestSupport.Result sent = run("send", "--to", "+15125551234", "--body", "Evacuate dock 4", "--category",
                "emergency", "--gateway", "test-fake", "--store", store(), "--send-log", log);
        assertThat(sent.exit()).as(sent.err()).isZero();
        assertThat(sent.out()).startsWith("SENT  +15125551234  id=SM0123456789abcdef0123456789abcdef  via test-fake");
        assertThat(TestGatewayProvider.last.lastRequest().body()).isEqualTo("Evacuate dock 4");

        CliTestSupport.Result failed = run("send", "--to", "+15125551234", "--body", "[opt-out] again", "--category",
                "emergency", "--gateway", "test-fake", "--store", store(), "--send-log", log);
        assertThat(failed.exit()).isEqualTo(SendCommand.EXIT_GATEWAY_FAILED);
        assertThat(failed.out()).startsWith("FAILED  OPTED_OUT code=21610 retryable=false");
        assertThat(run("status", "+15125551234", "--store", store()).out()).contains("OPTED OUT");

        CliTestSupport.Result dry = run("send", "--to", "+15125551234", "--body", "x", "--category", "emergency",
                "--gateway", "test-fake", "--dry-run", "--store", store(), "--send-log", log);
        assertThat(dry.out()).startsWith("BLOCKED  OPTED_OUT");
        try (CsvSendLog l = CsvSendLog.open(dir.resolve("logs/sends.csv"))) {
            assertThat(l.entries()).extracting(SendLogEntry::decision).containsExactly(SendLogEntry.Decision.SENT,
                    SendLogEntry.Decision.FAILED, SendLogEntry.Decision.BLOCKED);
        }
    }

    @Test
    void badInputExitsTwo() {
        CliTestSupport.Result unknown = run("send", "--to", "+15125551234", "--body", "x", "--gateway", "carrier-pigeon",
                "--store", store());
        assertThat(unknown.exit()).isEqualTo(ConsentCli.EXIT_BAD_INPUT);
        assertThat(unknown.err()).contains("gateway 'carrier-pigeon' is not on the class path (found: ")
                .contains("test-fake").contains("twilio");
        CliTestSupport.Result at = run("send", "--to", "+15125551234", "--body", "x", "--gateway", "test-fake",
                "--at", NOON_CENTRAL, "--store", store());
        assertThat(at.exit()).isEqualTo(ConsentCli.EXIT_BAD_INPUT);
        assertThat(run("send", "--to", "+15125551234", "--body", "x", "--category", "promo", "--store", store()).exit())
                .isEqualTo(ConsentCli.EXIT_BAD_INPUT);
        assertThat(run("send", "--to", "+15125551234", "--store", store()).exit()).isEqualTo(ConsentCli.EXIT_BAD_INPUT);
    }
}
