package io.consentkit.cli;

import io.consentkit.consent.ConsentTracker;
import io.consentkit.send.CsvSendLog;
import io.consentkit.send.GuardedSender;
import io.consentkit.send.MessageCategory;
import io.consentkit.send.OutboundMessage;
import io.consentkit.store.CsvConsentStore;
import io.consentkit.testkit.FakeSmsGateway;
import io.consentkit.testkit.SettableClock;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;

import static io.consentkit.cli.CliTestSupport.run;
import static org.assertj.core.api.Assertions.assertThat;

/** {@code consent limits <phone>}: used counts and reset times, counted from a real send log. */
class LimitsCommandTest {
    private static final String MIAMI = "+13055551234";
    private static final String AUSTIN = "+15125551234";
    /** Thursday 2026-01-15 10:00 in Miami. */
    private static final String START = "2026-01-15T15:00:00Z";

    @TempDir
    Path dir;

    /** Three spring_sale marketing messages to Miami an hour apart, one to Austin; then a dry run (not counted). */
    @BeforeEach
    void aSendLog() {
        SettableClock clock = SettableClock.at(START);
        try (ConsentTracker tracker = ConsentTracker.builder(CsvConsentStore.open(dir.resolve("consents.csv")))
                .clock(clock).build(); CsvSendLog log = CsvSendLog.open(dir.resolve("sends.csv"))) {
            tracker.recordWebFormConsent(MIAMI, "c1", "Ann", "", "", "https://example.com/s");
            tracker.recordWebFormConsent(AUSTIN, "c2", "Bo", "", "", "https://example.com/s");
            GuardedSender sender = GuardedSender.builder(tracker, FakeSmsGateway.builder().clock(clock).build())
                    .clock(clock).sendLog(log).build();
            for (int i = 0; i < 3; i++) {
                assertThat(sender.send(sale(MIAMI)).sent()).isTrue();
                clock.advance(Duration.ofHours(1));
            }
            assertThat(sender.send(sale(AUSTIN)).sent()).isTrue();
            GuardedSender dry = GuardedSender.builder(tracker, FakeSmsGateway.create()).clock(clock).sendLog(log)
                    .dryRun(true).build();
            assertThat(dry.send(sale(MIAMI))).isNotNull();
        }
    }

    private static OutboundMessage sale(String to) {
        return OutboundMessage.builder(to).category(MessageCategory.MARKETING).body("Spring sale").templateId("spring_sale")
                .build();
    }

    private String[] args(String... more) {
        return argsAt("2026-01-15T18:10:00Z", more);
    }

    private String[] argsAt(String at, String... more) {
        String[] base = {"limits", MIAMI, "--store", dir.resolve("consents.csv").toString(), "--at", at,
            "--cooldown", "PT30M", "--recipient-hourly-cap", "2", "--recipient-daily-cap", "5", "--global-daily-cap", "10"};
        String[] all = java.util.Arrays.copyOf(base, base.length + more.length);
        System.arraycopy(more, 0, all, base.length, more.length);
        return all;
    }

    @Test
    void everyLimitShowsItsUseAndResetAndTheFullSubjectCapRefusesTheNextMessage() {
        CliTestSupport.Result r = run(args("--subject", "spring_sale"));
        assertThat(r.exit()).as(r.err()).isEqualTo(ConsentCli.EXIT_FAILURE);
        assertThat(r.out()).contains("Limits for " + MIAMI + " at 2026-01-15T18:10:00Z (days in UTC): 3 sent to it today, "
                        + "last at 2026-01-15T17:00:00Z")
                .containsPattern("cooldown +last send 2026-01-15T17:00:00Z; over")
                .containsPattern("recipient hourly cap +0 of 2 in the last 60 minutes")
                .containsPattern("recipient daily cap +3 of 5 today; resets at 2026-01-16T00:00:00Z")
                .containsPattern("global daily cap +4 of 10 messages in all today")
                .containsPattern("subject cap us-fl-501-616 \\[spring_sale] +FULL  3 of 3 in 24 h; full until 2026-01-16T15:00:00Z")
                .contains("not configured: segments per minute, segments per hour, segments per day, daily budget")
                .contains("Next message: refused by SUBJECT_CAP until 2026-01-16T15:00:00Z: 3 messages on this subject");
        assertThat(r.out()).doesNotContain("5551234\u0000");
    }

    @Test
    void anotherSubjectMayGoAndJsonCarriesTheSameFields() {
        CliTestSupport.Result r = run(args("--subject", "new_store", "--format", "json"));
        assertThat(r.exit()).as(r.err()).isZero();
        assertThat(r.out()).startsWith("{\"phoneNumber\":\"" + MIAMI + "\",\"at\":\"2026-01-15T18:10:00Z\",\"zone\":\"UTC\","
                        + "\"sentToday\":3,\"lastSent\":\"2026-01-15T17:00:00Z\",\"limits\":[")
                .contains("{\"limit\":\"recipient daily cap\",\"cap\":\"5\",\"used\":3,\"resetsAt\":\"2026-01-16T00:00:00Z\","
                        + "\"full\":false}")
                .contains("{\"limit\":\"subject cap us-fl-501-616 [spring_sale]\",\"cap\":\"3 per 24 h\",\"used\":3,"
                        + "\"resetsAt\":\"2026-01-16T15:00:00Z\",\"full\":true}")
                .endsWith("\"next\":{\"allowed\":true}}\n");
    }

    @Test
    void aCooldownInForceRefusesAndNamesWhenItEnds() {
        CliTestSupport.Result r = run(argsAt("2026-01-15T17:20:00Z"));
        assertThat(r.exit()).isEqualTo(ConsentCli.EXIT_FAILURE);
        assertThat(r.out()).containsPattern("cooldown +FULL  last send 2026-01-15T17:00:00Z; over at 2026-01-15T17:30:00Z")
                .containsPattern("recipient hourly cap +1 of 2")
                .contains("Next message: refused by COOLDOWN until 2026-01-15T17:30:00Z");
    }

    @Test
    void aMissingSendLogIsUnavailableAndCreatesNothingAndABadNumberIsBadInput() {
        Path elsewhere = dir.resolve("none/consents.csv");
        CliTestSupport.Result missing = run("limits", MIAMI, "--store", elsewhere.toString());
        assertThat(missing.exit()).isEqualTo(ConsentCli.EXIT_STORE_UNAVAILABLE);
        assertThat(Files.exists(elsewhere.getParent())).isFalse();
        assertThat(run("limits", "555", "--store", dir.resolve("consents.csv").toString()).exit())
                .isEqualTo(ConsentCli.EXIT_BAD_INPUT);
        assertThat(run(args("--zone", "Mars/Olympus")).exit()).isEqualTo(ConsentCli.EXIT_BAD_INPUT);
    }
}
