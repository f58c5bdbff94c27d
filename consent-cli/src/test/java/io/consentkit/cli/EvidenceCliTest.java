package io.consentkit.cli;

import io.consentkit.consent.ConsentTracker;
import io.consentkit.send.CsvSendLog;
import io.consentkit.send.GuardedSender;
import io.consentkit.send.OutboundMessage;
import io.consentkit.store.CsvConsentStore;
import io.consentkit.testkit.FakeSmsGateway;
import io.consentkit.testkit.SettableClock;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.ZoneId;
import java.util.zip.ZipFile;

import static io.consentkit.cli.CliTestSupport.run;
import static org.assertj.core.api.Assertions.assertThat;

/** consent evidence over a CSV journal and the send log beside it. */
@Timeout(60)
class EvidenceCliTest {
    static final String ANN = "+15125550101";
    static final String PROMO = "Basin: 20% off day passes this week. Reply STOP to opt out.";

    @TempDir
    Path dir;
    Path journal;

    @BeforeEach
    void history() {
        journal = dir.resolve("consents.csv");
        SettableClock clock = SettableClock.at("2026-01-10T15:00:00Z");
        try (ConsentTracker t = ConsentTracker.builder(CsvConsentStore.open(journal)).clock(clock).build();
             CsvSendLog log = CsvSendLog.open(dir.resolve("sends.csv"))) {
            t.recordWebFormConsent(ANN, "cust-1", "Ann Lee", "ann@example.com", "203.0.113.9",
                    "https://shots.example.com/ann.png");
            GuardedSender sender = GuardedSender.builder(t, FakeSmsGateway.builder().clock(clock).build()).clock(clock)
                    .zone(ZoneId.of("America/Chicago")).sendLog(log).build();
            assertThat(sender.send(OutboundMessage.builder(ANN).body(PROMO).templateId("promo").build()).sent()).isTrue();
        }
    }

    @Test
    void writesAMaskedPackWithTheSampleFoundInTheSendLog() throws Exception {
        Path samples = dir.resolve("samples.properties");
        Files.writeString(samples, "promo=" + PROMO + "\n");
        Path zip = dir.resolve("pack.zip");
        CliTestSupport.Result r = run("evidence", "--store", journal.toString(), "--out", zip.toString(),
                "--samples", samples.toString(), "--reply", "STOP=Basin: you are unsubscribed.", "--format", "json");
        assertThat(r.exit()).as(r.err()).isZero();
        assertThat(r.out()).contains("\"texts\":1").contains("\"sends\":1").contains("\"samples\":1");
        try (ZipFile z = new ZipFile(zip.toFile())) {
            String html = new String(z.getInputStream(z.getEntry("index.html")).readAllBytes(), StandardCharsets.UTF_8);
            assertThat(html).contains(PROMO).contains("https://shots.example.com/ann.png")
                    .contains("Basin: you are unsubscribed.").doesNotContain(ANN);
            String consents = new String(z.getInputStream(z.getEntry("consents.csv")).readAllBytes(),
                    StandardCharsets.UTF_8);
            assertThat(consents).contains("+*********01").doesNotContain(ANN);
        }
        assertThat(run("evidence", "--store", journal.toString(), "--out", zip.toString(), "--unmasked").exit()).isZero();
        try (ZipFile z = new ZipFile(zip.toFile())) {
            assertThat(new String(z.getInputStream(z.getEntry("consents.csv")).readAllBytes(), StandardCharsets.UTF_8))
                    .contains(ANN);
        }
    }

    @Test
    void anUnknownProgramIsBadInputAndWritesNoPack() {
        Path zip = dir.resolve("none.zip");
        CliTestSupport.Result r = run("evidence", "--store", journal.toString(), "--out", zip.toString(),
                "--program", "nope");
        assertThat(r.exit()).isEqualTo(2);
        assertThat(r.err()).contains("program");
        assertThat(zip).doesNotExist();
    }
}
