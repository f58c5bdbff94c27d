package io.consentkit.cli;

import io.consentkit.journal.ConsentStatus;
import io.consentkit.consent.ConsentTracker;
import io.consentkit.inbound.Confirmations;
import io.consentkit.store.CsvConsentStore;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayInputStream;
import java.io.InputStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

class InboundCliTest {
    @TempDir
    Path dir;

    record Run(int code, String out, String err) {
    }

    Run run(String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        int code = ConsentCli.run(args, new PrintWriter(out), new PrintWriter(err));
        return new Run(code, out.toString(), err.toString());
    }

    @BeforeEach
    void anExistingJournal() {
        CsvConsentStore.open(dir.resolve("consents.csv")).close(); // inbound works on an existing journal only
    }

    String store() {
        return dir.resolve("consents.csv").toString();
    }

    @Test
    void inboundStopRecordsTheOptOutOnTheCsvStore() {
        Run r = run("inbound", "--store", store(), "--brand", "Basin Climbing", "--from", "512-555-1234",
                "--body", "Stop.", "--sid", "SM1");
        assertThat(r.code()).as(r.err()).isZero();
        assertThat(r.out()).contains("intent: OPT_OUT (STOP, whole message)", "change: OPTED_OUT", "REVOKED",
                "+15125551234", "reply: (none)");

        Run status = run("status", "--store", store(), "+15125551234");
        assertThat(status.out()).contains("OPTED OUT");
    }

    @Test
    void inboundPrintsJsonAndRepliesWhereTwilioDoesNot() {
        Run r = run("inbound", "--store", store(), "--brand", "Basin Climbing", "--format", "json",
                "--from", "+15125551234", "--body", "please stop texting me", "--sid", "SM2");
        assertThat(r.code()).as(r.err()).isZero();
        assertThat(r.out().strip()).startsWith("{\"intent\":\"OPT_OUT\",\"keyword\":\"STOP\",\"wholeMessage\":false,"
                + "\"change\":\"OPTED_OUT\",\"records\":[{")
                .contains("\"reply\":\"Basin Climbing: you are unsubscribed")
                .contains("\"revoke_message_sid\":\"SM2\"")
                .endsWith("\"confirmation\":null}");

        Run quietShortCode = run("inbound", "--store", store(), "--from", "+15125550199", "--body", "STOP",
                "--provider-answers", "false");
        assertThat(quietShortCode.out()).contains("reply: Our Business: you are unsubscribed");
    }

    @Test
    void aRepeatedSidIsADuplicateAcrossRuns() {
        String[] args = {"inbound", "--store", store(), "--from", "+15125551234", "--body", "START", "--sid", "SMdup"};
        Run first = run(args);
        Run second = run(args);
        assertThat(first.out()).contains("change: OPTED_IN", "reply: You texted 'START' to opt in to Our Business");
        assertThat(second.out()).contains("change: DUPLICATE", "reply: (none)");
        Run history = run("history", "--store", store(), "+15125551234");
        assertThat(history.out().lines()).hasSize(1);
    }

    @Test
    void helpIsAnsweredOnlyWithASupportContact() {
        assertThat(run("inbound", "--store", store(), "--from", "+15125551234", "--body", "HELP").out())
                .contains("intent: HELP", "change: NONE", "reply: (none)");
        assertThat(run("inbound", "--store", store(), "--brand", "Basin", "--from", "+15125551234", "--body", "help",
                "--support", "512-555-0100").out())
                .contains("reply: Basin: for help contact 512-555-0100. Reply STOP to opt out.");
    }

    @Test
    void aYAnswersAConfirmationPendingInTheJournal() {
        Path file = dir.resolve("consents.csv");
        String id;
        try (ConsentTracker t = ConsentTracker.builder(CsvConsentStore.open(file)).build()) {
            id = Confirmations.builder(t).recordBeforeSend().build().request("+15855550123", "Reply Y to confirm, N to decline.",
                    Map.of("sheet_row", "9"), Duration.ofDays(2));
        }
        Run r = run("inbound", "--store", store(), "--format", "json", "--from", "+15855550123", "--body", "y",
                "--sid", "SMy");
        assertThat(r.out()).contains("\"intent\":\"CONFIRM_YES\"", "\"change\":\"CONFIRMED\"",
                "\"confirmation\":{\"id\":\"" + id + "\",\"outcome\":\"CONFIRMED\"", "\"sheet_row\":\"9\"");
        try (ConsentTracker t = ConsentTracker.builder(CsvConsentStore.open(file)).build()) {
            assertThat(t.findById(id).orElseThrow().status()).isEqualTo(ConsentStatus.ACTIVE);
        }
    }

    @Test
    void badInputExitsWithTwo() {
        Run r = run("inbound", "--store", store(), "--from", "12", "--body", "STOP");
        assertThat(r.code()).isEqualTo(ConsentCli.EXIT_BAD_INPUT);
        assertThat(r.err()).startsWith("consent: error:");
        assertThat(run("inbound", "--store", store(), "--from", "+15125551234").code())
                .isEqualTo(ConsentCli.EXIT_BAD_INPUT);
        assertThat(run("parse", "--lang", "de", "--input", store()).code()).isEqualTo(ConsentCli.EXIT_BAD_INPUT);
    }

    @Test
    void parsePrintsOneJsonObjectPerLine() throws Exception {
        Path in = dir.resolve("replies.txt");
        Files.write(in, List.of("STOP", "Please stop texting me", "Stopwatch", "YES", "Y", "He said \"no\""),
                StandardCharsets.UTF_8);

        Run fcc = run("parse", "--input", in.toString());
        assertThat(fcc.code()).as(fcc.err()).isZero();
        assertThat(fcc.out().lines()).containsExactly(
                "{\"text\":\"STOP\",\"intent\":\"OPT_OUT\",\"keyword\":\"STOP\"}",
                "{\"text\":\"Please stop texting me\",\"intent\":\"OPT_OUT\",\"keyword\":\"STOP\"}",
                "{\"text\":\"Stopwatch\",\"intent\":\"NONE\",\"keyword\":null}",
                "{\"text\":\"YES\",\"intent\":\"OPT_IN\",\"keyword\":\"YES\"}",
                "{\"text\":\"Y\",\"intent\":\"NONE\",\"keyword\":null}",
                "{\"text\":\"He said \\\"no\\\"\",\"intent\":\"NONE\",\"keyword\":null}");

        assertThat(run("parse", "--strict", "--input", in.toString()).out().lines())
                .element(1).isEqualTo("{\"text\":\"Please stop texting me\",\"intent\":\"NONE\",\"keyword\":null}");
        assertThat(run("parse", "--pending", "--input", in.toString()).out().lines())
                .element(3).isEqualTo("{\"text\":\"YES\",\"intent\":\"CONFIRM_YES\",\"keyword\":\"YES\"}");
    }

    @Test
    void parseReadsStandardInput() {
        InputStream saved = System.in;
        try {
            System.setIn(new ByteArrayInputStream("alto\nSTOP\n".getBytes(StandardCharsets.UTF_8)));
            Run r = run("parse", "--lang", "es");
            assertThat(r.out().lines()).containsExactly(
                    "{\"text\":\"alto\",\"intent\":\"OPT_OUT\",\"keyword\":\"ALTO\"}",
                    "{\"text\":\"STOP\",\"intent\":\"OPT_OUT\",\"keyword\":\"STOP\"}");
        } finally {
            System.setIn(saved);
        }
    }
}
