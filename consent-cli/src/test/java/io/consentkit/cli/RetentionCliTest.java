package io.consentkit.cli;

import io.consentkit.consent.ConsentTracker;
import io.consentkit.store.CsvConsentStore;
import io.consentkit.testkit.SettableClock;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;

import static io.consentkit.cli.CliTestSupport.run;
import static org.assertj.core.api.Assertions.assertThat;

/** consent retention and consent erase on a CSV journal. */
@Timeout(60)
class RetentionCliTest {
    static final String ANN = "+15125550101"; // opted in and out in 2019: due
    static final String BOB = "+15125550102"; // active

    @TempDir
    Path dir;
    String store;
    Path key;

    @BeforeEach
    void history() throws Exception {
        store = dir.resolve("consents.csv").toString();
        SettableClock clock = SettableClock.at("2019-03-01T12:00:00Z");
        try (ConsentTracker t = ConsentTracker.builder(CsvConsentStore.open(Path.of(store))).clock(clock).build()) {
            t.recordWebFormConsent(ANN, "cust-1", "Ann Lee", "ann@example.com", "203.0.113.9", "");
            t.recordWebFormConsent(BOB, "cust-2", "Bob Ray", "bob@example.com", "203.0.113.10", "");
            t.revoke(ANN, ConsentTracker.REVOKED_BY_KEYWORD, "STOP");
        }
        key = dir.resolve("erasure.key");
        Files.writeString(key, "ab".repeat(32) + "\n");
    }

    @Test
    void theDryRunListsWhoIsDueAndChangesNothing() throws Exception {
        byte[] before = Files.readAllBytes(Path.of(store));
        CliTestSupport.Result r = run("retention", "--dry-run", "--store", store, "--format", "json");
        assertThat(r.exit()).as(r.err()).isZero();
        assertThat(r.out().lines()).singleElement().asString().contains("+*********01")
                .contains("\"keptUntil\":\"2024-03-01T12:00:00Z\"");
        assertThat(r.out()).doesNotContain(ANN).doesNotContain("+*********02");
        assertThat(run("retention", "--dry-run", "--store", store, "--keep", "P50Y").out()).contains("0 due");
        assertThat(run("retention", "--dry-run", "--store", store, "--keep", "five").exit()).isEqualTo(2);
        assertThat(Files.readAllBytes(Path.of(store))).isEqualTo(before);
    }

    @Test
    void eraseNeedsTheKeyAndThenTheNumberStaysOptedOut() throws Exception {
        byte[] before = Files.readAllBytes(Path.of(store));
        CliTestSupport.Result noKey = run("erase", ANN, "--reason", "request 1", "--store", store);
        assertThat(noKey.exit()).isEqualTo(2);
        assertThat(noKey.err()).contains("erasureKey");
        CliTestSupport.Result unknown = run("erase", "+15125550199", "--reason", "request 1", "--store", store,
                "--erasure-key-file", key.toString());
        assertThat(unknown.exit()).isEqualTo(2);
        assertThat(Files.readAllBytes(Path.of(store))).isEqualTo(before);

        CliTestSupport.Result erased = run("retention", "--store", store, "--erasure-key-file", key.toString());
        assertThat(erased.exit()).as(erased.err()).isZero();
        assertThat(erased.out()).contains("2 journal rows redacted").doesNotContain(ANN);
        assertThat(Files.readString(Path.of(store))).doesNotContain(ANN).doesNotContain("Ann Lee").contains("Bob Ray");
        assertThat(run("status", ANN, "--store", store, "--erasure-key-file", key.toString()).exit()).isEqualTo(1);
        CliTestSupport.Result verified = run("verify", "--store", store);
        assertThat(verified.exit()).as("the chain verifies after the erasure: " + verified.out()).isZero();
        assertThat(verified.out()).contains("chain: ok");
        assertThat(run("status", BOB, "--store", store, "--erasure-key-file", key.toString()).exit()).isZero();
        CliTestSupport.Result withoutKey = run("status", BOB, "--store", store);
        assertThat(withoutKey.exit()).isEqualTo(2);
        assertThat(withoutKey.err()).contains("erasureKey");
        assertThat(run("erase", BOB, "--reason", "request 2", "--store", store, "--erasure-key-file", key.toString(),
                "--format", "json").out()).contains("\"revoked\":1");
        assertThat(run("status", BOB, "--store", store, "--erasure-key-file", key.toString()).exit()).isEqualTo(1);
    }

    @Test
    void afterAnErasureTheVouchedRowsVerifyAndAnEditedRowIsStillNamed() throws Exception {
        assertThat(run("retention", "--store", store, "--erasure-key-file", key.toString()).exit()).isZero();
        CliTestSupport.Result sound = run("verify", "--store", store, "--format", "json");
        assertThat(sound.exit()).as(sound.out()).isZero();
        assertThat(sound.out()).contains("\"rows\":4,\"consents\":3,\"numbers\":2,")
                .contains("\"chainedRows\":4,").contains("\"brokenRow\":null");
        Path journal = Path.of(store);
        String text = Files.readString(journal);
        Files.writeString(journal, text.replace("Bob Ray", "Bob Rae")); // not an erasure: an edit
        CliTestSupport.Result edited = run("verify", "--store", store, "--format", "json");
        assertThat(edited.exit()).as(edited.out()).isEqualTo(1);
        assertThat(edited.out()).contains("\"rows\":4,\"consents\":3,\"numbers\":2,")
                .contains("tamper-evidence chain broken at row 2 (line 3").contains("\"problem\":\"digest\"");
    }
}
