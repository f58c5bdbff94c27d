package io.consentkit.cli;

import io.consentkit.journal.ConsentRecord;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/** consent verify on the real CLI in a child JVM: 0 ok, 1 problem found, 2 bad input, 3 unavailable. */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class VerifyCommandTest {
    private static final String HEADER = String.join(",", ConsentRecord.LEGACY_COLUMNS) + "\n"; // 14-cell rows by hand
    private static final String ROW = "r1,2024-01-02T00:00:00Z,+15125550101,web_form,ok,,,,,,,active,,\n";

    @TempDir
    Path dir;

    private CliTestSupport.Result consent(String... args) {
        return CliProcess.run(dir, args);
    }

    @Test
    void aSoundJournalIsOkAndLeftAsItIs() throws Exception {
        assertThat(consent("record", "+15125550101").exit()).isZero();
        assertThat(consent("revoke", "+15125550101").exit()).isZero();
        Path journal = dir.resolve("consent-data/consents.csv");
        byte[] before = Files.readAllBytes(journal);
        CliTestSupport.Result r = consent("verify");
        assertThat(r.exit()).as(r.err()).isZero();
        assertThat(r.out()).startsWith("ok: consent-data/consents.csv: header and all 2 rows parse (1 consents, 1 numbers)");
        CliTestSupport.Result json = consent("verify", "--format", "json");
        assertThat(json.exit()).isZero();
        assertThat(json.out().strip()).startsWith("{\"file\":\"consent-data/consents.csv\",\"ok\":true,\"rows\":2,"
                + "\"consents\":1,\"numbers\":1,\"tornTailBytes\":0,\"problem\":null,\"chain\":{\"schemaVersion\":3,"
                + "\"chainedRows\":2,\"legacyRows\":0,\"head\":\"").endsWith("\"brokenRow\":null,\"signedHeadRows\":null,"
                + "\"signedHeadWritten\":null}}");
        assertThat(r.out()).contains("chain: ok: 2 rows chained; head ");
        assertThat(Files.readAllBytes(journal)).isEqualTo(before);
    }

    @Test
    void aTornLastRowIsAProblemFoundAndNotRepaired() throws Exception {
        Path journal = dir.resolve("c.csv");
        Files.writeString(journal, HEADER + ROW + "r2,2024-01-03T00:00:00Z,+1512");
        byte[] before = Files.readAllBytes(journal);
        CliTestSupport.Result r = consent("verify", "--store", journal.toString());
        assertThat(r.exit()).as(r.err()).isEqualTo(1);
        assertThat(r.out()).startsWith("PROBLEM: ").contains("29 bytes after the last complete row");
        assertThat(Files.readAllBytes(journal)).isEqualTo(before);
        try (Stream<Path> files = Files.list(dir)) {
            assertThat(files).containsExactly(journal);
        }
    }

    @Test
    void aRowThatDoesNotParseOrABadHeaderIsAProblemFound() throws Exception {
        Path journal = dir.resolve("c.csv");
        Files.writeString(journal, HEADER + ROW + "r2,not-a-time,+15125550102,web_form,ok,,,,,,,active,,\n" + ROW);
        CliTestSupport.Result row = consent("verify", "--store", journal.toString(), "--format", "json");
        assertThat(row.exit()).as(row.err()).isEqualTo(1);
        assertThat(row.out()).contains("\"ok\":false").contains("line 3").contains("timestamp");

        Path notAJournal = dir.resolve("other.csv");
        Files.writeString(notAJournal, "name,phone\nAnn,+15125550101\n");
        CliTestSupport.Result header = consent("verify", "--store", notAJournal.toString());
        assertThat(header.exit()).as(header.err()).isEqualTo(1);
        assertThat(header.out()).startsWith("PROBLEM: ").contains("header");
    }

    @Test
    void aMissingJournalIsUnavailableAndABadOptionIsBadInput() throws Exception {
        CliTestSupport.Result missing = consent("verify", "--store", "no-such/consents.csv");
        assertThat(missing.exit()).isEqualTo(3);
        assertThat(missing.err().lines()).singleElement().asString().contains("does not exist");
        assertThat(missing.out()).isEmpty();
        CliTestSupport.Result bad = consent("verify", "--bogus");
        assertThat(bad.exit()).isEqualTo(2);
        assertThat(bad.err()).contains("see 'consent verify --help'");
        try (Stream<Path> files = Files.list(dir)) {
            assertThat(files).isEmpty();
        }
    }

    @Test
    void aTamperedRowIsNamedByTheChain() throws Exception {
        for (String phone : new String[] {"+15125550101", "+15125550102", "+15125550103"}) {
            assertThat(consent("record", phone).exit()).isZero();
        }
        Path journal = dir.resolve("consent-data/consents.csv");
        Files.writeString(journal, Files.readString(journal).replace("+15125550102", "+15125550109"));
        CliTestSupport.Result r = consent("verify");
        assertThat(r.exit()).as(r.err()).isEqualTo(1);
        assertThat(r.out()).startsWith("PROBLEM: consent-data/consents.csv: tamper-evidence chain broken at row 2 "
                + "(line 3, consent ").contains("): digest: ");
        assertThat(r.out()).doesNotContain("+15125550109").doesNotContain("+15125550102");
        CliTestSupport.Result json = consent("verify", "--format", "json");
        assertThat(json.out()).contains("\"brokenRow\":{\"row\":2,\"line\":3,\"consentId\":\"")
                .contains("\"problem\":\"digest\"");
    }

    @Test
    void aSignedHeadIsWrittenAndCheckedWithOnlyThePublicKey() throws Exception {
        KeyPairGenerator g = KeyPairGenerator.getInstance("Ed25519");
        KeyPair business = g.generateKeyPair();
        KeyPair other = g.generateKeyPair();
        Path pub = Files.writeString(dir.resolve("pub.pem"), io.consentkit.journal.SignedChainHead.toPem(business.getPublic()));
        Path key = Files.writeString(dir.resolve("key.pem"), io.consentkit.journal.SignedChainHead.toPem(business.getPrivate()));
        Path wrong = Files.writeString(dir.resolve("other.pem"), io.consentkit.journal.SignedChainHead.toPem(other.getPublic()));
        assertThat(consent("record", "+15125550101").exit()).isZero();
        assertThat(consent("record", "+15125550102").exit()).isZero();

        CliTestSupport.Result signed = consent("verify", "--sign", "--private-key", key.toString(), "--public-key",
                pub.toString());
        assertThat(signed.exit()).as(signed.err()).isZero();
        Path head = dir.resolve("consent-data/consents.csv.head");
        assertThat(signed.out()).contains("signed head written: ");
        assertThat(Files.readString(head)).startsWith("consentkit-chain-head: 1\nrows: 2\n");

        assertThat(consent("record", "+15125550103").exit()).isZero();
        CliTestSupport.Result ok = consent("verify", "--public-key", pub.toString());
        assertThat(ok.exit()).as(ok.err()).isZero();
        assertThat(ok.out()).contains("signed head: ok: the first 2 rows match the head signed by key ")
                .contains("1 later rows are not covered yet");

        CliTestSupport.Result wrongKey = consent("verify", "--public-key", wrong.toString());
        assertThat(wrongKey.exit()).isEqualTo(1);
        assertThat(wrongKey.out()).contains("does not verify with public key").contains("a wrong key, or the head was edited");

        Path journal = dir.resolve("consent-data/consents.csv");
        String text = Files.readString(journal);
        int secondRow = text.indexOf('\n', text.indexOf('\n') + 1) + 1;
        Files.writeString(journal, text.substring(0, secondRow)); // the rows after the first cut off
        CliTestSupport.Result cut = consent("verify", "--public-key", pub.toString());
        assertThat(cut.exit()).isEqualTo(1);
        assertThat(cut.out()).contains("chain broken at row 2").contains("truncated").contains("rows 2 to 2 are missing");

        CliTestSupport.Result notAKey = consent("verify", "--public-key", journal.toString());
        assertThat(notAKey.exit()).isEqualTo(2);
        assertThat(notAKey.err()).contains("public_key");
        CliTestSupport.Result noPrivate = consent("verify", "--sign", "--public-key", pub.toString());
        assertThat(noPrivate.exit()).isEqualTo(2);
        assertThat(noPrivate.err()).contains("--private-key");
    }
}
