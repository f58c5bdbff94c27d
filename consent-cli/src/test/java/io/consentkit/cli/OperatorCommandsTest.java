package io.consentkit.cli;

import io.consentkit.consent.ConsentTracker;
import io.consentkit.inbound.Confirmations;
import io.consentkit.send.CsvSendLog;
import io.consentkit.send.DeliveryStatus;
import io.consentkit.send.MessageCategory;
import io.consentkit.send.SendLogEntry;
import io.consentkit.store.CsvConsentStore;
import io.consentkit.testkit.SettableClock;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.math.BigDecimal;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.stream.Stream;

import static io.consentkit.cli.CliTestSupport.run;
import static org.assertj.core.api.Assertions.assertThat;

/** list, search, stats, pending, send-log and batch status on a small journal, in-process. */
@Timeout(60)
class OperatorCommandsTest {
    private static final Instant DAY1 = Instant.parse("2026-01-10T15:00:00Z");

    @TempDir
    Path dir;
    private String store;

    /** Ann (active, web form, Jan 10), Bob (in person Jan 10, STOP Jan 11), Cy (pending Y/N from Jan 11). */
    @BeforeEach
    void journal() {
        Path file = dir.resolve("consents.csv");
        store = file.toString();
        SettableClock clock = SettableClock.at(DAY1);
        try (ConsentTracker t = ConsentTracker.builder(CsvConsentStore.open(file)).clock(clock).build()) {
            t.recordWebFormConsent("+15125550101", "cust-1", "Ann Lee", "ann@example.com", "203.0.113.9", "");
            t.recordInPersonConsent("+15125550102", "cust-2", "Bob Ray", "Sarah", "Front desk");
            clock.advance(Duration.ofDays(1));
            t.revoke("+15125550102", ConsentTracker.REVOKED_BY_KEYWORD, "texted STOP");
            Confirmations.builder(t).recordBeforeSend().build().request("+15125550103", "Reply Y to confirm, N to decline.",
                    Map.of("row", "7"), Duration.ofDays(365));
        }
    }

    @Test
    void listFiltersTheCurrentStateByStatusMethodAndTime() {
        CliTestSupport.Result all = run("list", "--store", store);
        assertThat(all.exit()).as(all.err()).isZero();
        assertThat(all.out().lines()).hasSize(3);
        CliTestSupport.Result revoked = run("list", "--store", store, "--status", "revoked", "--format", "json");
        assertThat(revoked.out().lines()).singleElement().asString().contains("\"phoneNumber\":\"+15125550102\"",
                "\"status\":\"revoked\"");
        assertThat(run("list", "--store", store, "--status", "active,pending").out().lines()).hasSize(2);
        assertThat(run("list", "--store", store, "--method", "web_form").out()).contains("+15125550101")
                .doesNotContain("+15125550102");
        assertThat(run("list", "--store", store, "--since", "2026-01-11").out().lines()).hasSize(2);
        assertThat(run("list", "--store", store, "--limit", "1").out().lines()).singleElement().asString()
                .contains("+15125550101");
        CliTestSupport.Result bad = run("list", "--store", store, "--status", "gone");
        assertThat(bad.exit()).isEqualTo(2);
        assertThat(bad.err()).contains("status").contains("'gone'");
        assertThat(run("list", "--store", store, "--since", "last week").exit()).isEqualTo(2);
    }

    @Test
    void searchMatchesCustomerFieldsAndNumberDigits() {
        CliTestSupport.Result byName = run("search", "ann LEE", "--store", store);
        assertThat(byName.exit()).as(byName.err()).isZero();
        assertThat(byName.out().lines()).singleElement().asString().contains("+15125550101");
        assertThat(run("search", "cust-2", "--store", store, "--format", "json").out())
                .contains("\"customerName\":\"Bob Ray\"", "\"status\":\"revoked\"");
        assertThat(run("search", "CUST-", "--store", store).out().lines()).hasSize(2);
        assertThat(run("search", "@example.com", "--store", store).out().lines()).hasSize(1);
        assertThat(run("search", "555-0103", "--store", store).out()).contains("+15125550103");
        CliTestSupport.Result none = run("search", "nobody", "--store", store);
        assertThat(none.exit()).isEqualTo(1);
        assertThat(none.out()).isEmpty();
        assertThat(run("search", "x", "--store", store).exit()).isEqualTo(2);
    }

    @Test
    void statsCountsStatusesMethodsAndOptInsAndOutsPerDay() {
        CliTestSupport.Result json = run("stats", "--store", store, "--days", "3", "--until", "2026-01-12",
                "--format", "json");
        assertThat(json.exit()).as(json.err()).isZero();
        assertThat(json.out().strip()).isEqualTo("{\"rows\":4,\"consents\":3,\"numbers\":3,"
                + "\"byStatus\":{\"active\":1,\"revoked\":1,\"pending\":1,\"declined\":0,\"expired\":0},"
                + "\"byMethod\":{\"in_person\":{\"revoked\":1},\"sms_confirmation\":{\"pending\":1},"
                + "\"web_form\":{\"active\":1}},"
                + "\"days\":[{\"date\":\"2026-01-10\",\"optIns\":2,\"optOuts\":0},"
                + "{\"date\":\"2026-01-11\",\"optIns\":0,\"optOuts\":1},{\"date\":\"2026-01-12\",\"optIns\":0,\"optOuts\":0}]}");
        CliTestSupport.Result text = run("stats", "--store", store, "--days", "2", "--until", "2026-01-11");
        assertThat(text.out()).contains("4 rows, 3 consents, 3 numbers", "active=1", "2026-01-10        2         0",
                "2026-01-11        0         1");
        assertThat(run("stats", "--store", store, "--days", "0").exit()).isEqualTo(2);
    }

    @Test
    void pendingShowsConfirmationsAndTheirDeadlines() {
        Instant deadline = DAY1.plus(Duration.ofDays(366));
        boolean overdue = !Instant.now().isBefore(deadline); // the command judges by the real clock
        CliTestSupport.Result r = run("pending", "--store", store);
        assertThat(r.exit()).as(r.err()).isZero();
        assertThat(r.out()).contains("PENDING  +15125550103  asked 2026-01-11T15:00:00Z  "
                + (overdue ? "OVERDUE since " : "answer by ") + deadline, "1 pending confirmation(s)");
        assertThat(run("pending", "--store", store, "--format", "json").out()).contains("\"overdue\":" + overdue,
                "\"context\":{\"row\":\"7\"}", "\"question\":\"Reply Y to confirm, N to decline.\"");
    }

    @Test
    void batchStatusReadsTheJournalOnceAndItsExitSaysWhetherAllMayBeTexted() throws Exception {
        Path allActive = Files.writeString(dir.resolve("ok.txt"), "# customers\n512-555-0101\n\n+1 512 555 0101\n");
        CliTestSupport.Result ok = run("batch", "status", "--input", allActive.toString(), "--store", store);
        assertThat(ok.exit()).as(ok.err()).isZero();
        assertThat(ok.out().lines()).containsExactly("512-555-0101\t+15125550101\tactive",
                "+1 512 555 0101\t+15125550101\tactive");

        Path mixed = Files.writeString(dir.resolve("mixed.txt"), "5125550101\n5125550102\n5125550199\n");
        CliTestSupport.Result some = run("batch", "status", "--input", mixed.toString(), "--store", store,
                "--format", "json");
        assertThat(some.exit()).isEqualTo(1);
        assertThat(some.out().lines()).containsExactly(
                "{\"input\":\"5125550101\",\"phoneNumber\":\"+15125550101\",\"status\":\"active\",\"active\":true,\"program\":\"default\"}",
                "{\"input\":\"5125550102\",\"phoneNumber\":\"+15125550102\",\"status\":\"opted_out\",\"active\":false,\"program\":\"default\"}",
                "{\"input\":\"5125550199\",\"phoneNumber\":\"+15125550199\",\"status\":\"no_consent\",\"active\":false,\"program\":\"default\"}");

        Path bad = Files.writeString(dir.resolve("bad.txt"), "5125550101\n555\n");
        CliTestSupport.Result invalid = run("batch", "status", "--input", bad.toString(), "--store", store);
        assertThat(invalid.exit()).isEqualTo(2);
        assertThat(invalid.out().lines()).hasSize(2).last().asString().startsWith("555\t-\tinvalid\tphone_number");
        assertThat(run("batch", "status", "--input", dir.resolve("none.txt").toString(), "--store", store).exit())
                .isEqualTo(2);
        assertThat(run("batch", "status", "-V").out()).contains("ConsentKit");
    }

    @Test
    void sendLogPrintsDecisionsTotalsAndCostPerDay() {
        try (CsvSendLog log = CsvSendLog.open(dir.resolve("sends.csv"))) {
            log.record(sent("SM1", DAY1, "0.0083"));
            log.record(sent("SM2", DAY1.plusSeconds(60), "0.0166"));
            log.record(sent("SM3", DAY1.plus(Duration.ofDays(1)), "0.0083"));
            log.record(new SendLogEntry(DAY1, SendLogEntry.Decision.BLOCKED, "NO_CONSENT", "+*********99",
                    MessageCategory.MARKETING, "", "", 4, 1, null, "", "", 0, "no consent", null, "", null, 0, null));
        }
        CliTestSupport.Result r = run("send-log", "--store", store);
        assertThat(r.exit()).as(r.err()).isZero();
        assertThat(r.out().lines()).hasSize(5).last().asString()
                .isEqualTo("total 4 decisions: sent=3 dry_run=0 blocked=1 deferred=0 failed=0 segmentsSent=4 "
                        + "estimatedCost=0.0332 USD");
        assertThat(r.out()).contains("BLOCKED NO_CONSENT  +*********99").doesNotContain("+15125");
        CliTestSupport.Result cost = run("send-log", "--store", store, "--cost", "--format", "json");
        assertThat(cost.out().lines()).containsExactly(
                "{\"date\":\"2026-01-10\",\"sent\":2,\"segments\":3,\"estimatedCost\":{\"USD\":\"0.0249\"}}",
                "{\"date\":\"2026-01-11\",\"sent\":1,\"segments\":1,\"estimatedCost\":{\"USD\":\"0.0083\"}}",
                "{\"total\":\"sent\",\"sent\":3,\"segments\":4,\"estimatedCost\":{\"USD\":\"0.0332\"}}");
        assertThat(run("send-log", "--store", store, "--limit", "1").out().lines()).hasSize(2);
    }

    @Test
    void readOnlyCommandsOnAMistypedStoreExit3AndCreateNothing() throws Exception {
        Path empty = Files.createDirectory(dir.resolve("empty"));
        String typo = empty.resolve("sub/consents.csv").toString();
        Path numbers = Files.writeString(dir.resolve("n.txt"), "5125550101\n");
        for (String[] args : new String[][] {
            {"list", "--store", typo}, {"search", "ann", "--store", typo}, {"stats", "--store", typo},
            {"tail", "--store", typo}, {"pending", "--store", typo}, {"send-log", "--store", typo},
            {"batch", "status", "--input", numbers.toString(), "--store", typo}}) {
            CliTestSupport.Result r = run(args);
            assertThat(r.exit()).as(String.join(" ", args) + ": " + r.err()).isEqualTo(3);
            assertThat(r.err().lines()).singleElement().asString().contains("does not exist");
            assertThat(r.out()).isEmpty();
        }
        try (Stream<Path> files = Files.list(empty)) {
            assertThat(files).isEmpty();
        }
    }

    @Test
    void readOnlyCommandsWorkBesideAWriterAndChangeNothing() throws Exception {
        Path file = Path.of(store);
        byte[] before = Files.readAllBytes(file);
        try (CsvConsentStore writer = CsvConsentStore.open(file)) {
            for (String cmd : new String[] {"list", "stats", "tail", "pending"}) {
                CliTestSupport.Result r = run(cmd, "--store", store);
                assertThat(r.exit()).as(cmd + ": " + r.err()).isZero();
            }
            assertThat(writer.isReadOnly()).isFalse();
        }
        assertThat(Files.readAllBytes(file)).isEqualTo(before);
        try (Stream<Path> files = Files.list(dir)) {
            assertThat(files.map(p -> p.getFileName().toString())).containsExactly("consents.csv");
        }
    }

    private static SendLogEntry sent(String id, Instant at, String cost) {
        int segments = cost.equals("0.0166") ? 2 : 1;
        return new SendLogEntry(at, SendLogEntry.Decision.SENT, "", "+*********01", MessageCategory.MARKETING, "",
                "", 10, segments, new BigDecimal(cost), "USD", id, 0, "", null, "test", DeliveryStatus.QUEUED, 0, at);
    }
}
