package io.consentkit.cli;

import io.consentkit.store.CsvConsentStore;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;

import static io.consentkit.cli.CliTestSupport.run;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@code send}'s exit codes, one per outcome (0 sent, 1 blocked or deferred, 2 bad input, 3 journal
 * unavailable, 4 gateway failure), and {@code send} and {@code inbound} on a journal that does not
 * exist: refused with exit 3 and nothing created, unless {@code --create}.
 */
class SendExitCodesTest {
    private static final String NOON_CENTRAL = "2026-01-15T18:00:00Z";

    @TempDir
    Path dir;

    private String existing() {
        Path store = dir.resolve("consents.csv");
        CsvConsentStore.open(store).close();
        return store.toString();
    }

    private void assertDirHoldsOnly(String... names) throws IOException {
        try (Stream<Path> files = Files.list(dir)) {
            assertThat(files.map(p -> p.getFileName().toString())).containsExactlyInAnyOrder(names);
        }
    }

    @Test
    void aTransactionalSendOnAMistypedStoreIsRefusedAndCreatesNothing() throws Exception {
        String typo = dir.resolve("consnets.csv").toString();
        CliTestSupport.Result r = run("send", "--to", "+15125551234", "--body", "Your code is 1234", "--category",
                "transactional", "--store", typo, "--at", NOON_CENTRAL);
        assertThat(r.exit()).as(r.out() + r.err()).isEqualTo(ConsentCli.EXIT_STORE_UNAVAILABLE);
        assertThat(r.out()).isEmpty();
        assertThat(r.err().lines()).singleElement().asString().contains("consnets.csv").contains("does not exist")
                .contains("--create");
        assertDirHoldsOnly();

        CliTestSupport.Result real = run("send", "--to", "+15125551234", "--body", "Your code is 1234", "--category",
                "transactional", "--store", dir.resolve("sub/typo.csv").toString(), "--gateway", "test-fake");
        assertThat(real.exit()).isEqualTo(ConsentCli.EXIT_STORE_UNAVAILABLE);
        assertDirHoldsOnly();
    }

    @Test
    void inboundOnAMistypedStoreIsRefusedAndCreatesNothing() throws Exception {
        CliTestSupport.Result r = run("inbound", "--from", "+15125551234", "--body", "STOP", "--store",
                dir.resolve("nope/consents.csv").toString());
        assertThat(r.exit()).as(r.out() + r.err()).isEqualTo(ConsentCli.EXIT_STORE_UNAVAILABLE);
        assertThat(r.err()).contains("does not exist");
        assertDirHoldsOnly();
    }

    @Test
    void createStartsANewJournalOnPurpose() throws Exception {
        String store = dir.resolve("new.csv").toString();
        CliTestSupport.Result send = run("send", "--to", "+15125551234", "--body", "Your code is 1234", "--category",
                "transactional", "--store", store, "--at", NOON_CENTRAL, "--create");
        assertThat(send.exit()).as(send.err()).isZero();
        CliTestSupport.Result inbound = run("inbound", "--from", "+15125551234", "--body", "STOP", "--store",
                dir.resolve("other.csv").toString(), "--create");
        assertThat(inbound.exit()).as(inbound.err()).isZero();
        assertDirHoldsOnly("new.csv", "sends.csv", "sends.csv.key", "other.csv");
    }

    @Test
    void eachOutcomeHasItsOwnExitCode() {
        String store = existing();
        assertThat(run("record", "+15125551234", "--store", store).exit()).isZero();
        // emergency: sent now whatever the hour (quiet hours would defer a marketing text)
        CliTestSupport.Result sent = run("send", "--to", "+15125551234", "--body", "Evacuate", "--category",
                "emergency", "--gateway", "test-fake", "--store", store);
        assertThat(sent.exit()).as(sent.err()).isZero();

        CliTestSupport.Result blocked = run("send", "--to", "+15125559999", "--body", "Sale", "--store", store,
                "--at", NOON_CENTRAL);
        assertThat(blocked.exit()).isEqualTo(1);
        assertThat(blocked.out()).startsWith("BLOCKED  NO_CONSENT");
        CliTestSupport.Result deferred = run("send", "--to", "+15125551234", "--body", "Sale", "--store", store,
                "--at", "2026-01-16T04:00:00Z", "--format", "json");
        assertThat(deferred.exit()).isEqualTo(1);
        assertThat(deferred.out()).contains("\"outcome\":\"deferred\",\"reason\":\"QUIET_HOURS\"");

        assertThat(run("send", "--to", "555", "--body", "Sale", "--store", store).exit()).isEqualTo(2);

        CliTestSupport.Result failed = run("send", "--to", "+15125551234", "--body", "[opt-out] Evacuate",
                "--category", "emergency", "--gateway", "test-fake", "--store", store);
        assertThat(failed.exit()).isEqualTo(SendCommand.EXIT_GATEWAY_FAILED).isEqualTo(4);
        assertThat(failed.out()).startsWith("FAILED  OPTED_OUT code=21610");
    }

    @Test
    void aLockedJournalIsUnavailableNotBlocked() {
        String store = existing();
        try (CsvConsentStore writer = CsvConsentStore.builder(Path.of(store)).build()) {
            CliTestSupport.Result r = run("send", "--to", "+15125551234", "--body", "Sale", "--store", store,
                    "--at", NOON_CENTRAL);
            assertThat(r.exit()).as(r.err()).isEqualTo(ConsentCli.EXIT_STORE_UNAVAILABLE);
            assertThat(r.err()).contains("lock");
            assertThat(writer.isReadOnly()).isFalse();
        }
    }
}
