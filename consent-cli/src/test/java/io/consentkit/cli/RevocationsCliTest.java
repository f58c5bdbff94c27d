package io.consentkit.cli;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import static io.consentkit.cli.CliTestSupport.run;
import static org.assertj.core.api.Assertions.assertThat;

/** {@code consent revocations}: list, overdue, submit, apply, dismiss; reads create nothing. */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class RevocationsCliTest {
    static final Pattern ID = Pattern.compile("rv-[0-9a-f]{16}");

    @TempDir
    Path dir;

    private static String id(String out) {
        Matcher m = ID.matcher(out);
        assertThat(m.find()).as(out).isTrue();
        return m.group();
    }

    @Test
    void listAndOverdueInAChildJvmOnTheDefaultQueueBesideTheJournal() {
        CliTestSupport.Result none = CliProcess.run(dir, "revocations");
        assertThat(none.exit()).as(none.err()).isZero();
        assertThat(none.out()).contains("0 pending (0 overdue)");
        assertThat(dir.resolve("consent-data")).as("a read command creates nothing").doesNotExist();

        // received on the Wednesday before Thanksgiving 2026: the last day is Thursday 2026-12-10
        CliTestSupport.Result old = CliProcess.run(dir, "revocations", "submit", "+15125551234", "--channel", "email",
                "--evidence", "please don't text me anymore", "--by", "support@example.com", "--received-at",
                "2026-11-25T15:00:00Z", "--zone", "America/New_York", "--format", "json");
        assertThat(old.exit()).as(old.err()).isZero();
        assertThat(old.out()).contains("\"deadline\":\"2026-12-10\"", "\"overdueAt\":\"2026-12-11T05:00:00Z\"",
                "\"channel\":\"email\"", "\"state\":\"pending\"");
        assertThat(dir.resolve("consent-data/revocations.csv")).exists();
        CliTestSupport.Result fresh = CliProcess.run(dir, "revocations", "submit", "+15125550101", "--channel", "voice",
                "--zone", "America/New_York");
        assertThat(fresh.exit()).as(fresh.err()).isZero();

        CliTestSupport.Result list = CliProcess.run(dir, "revocations", "--format", "json", "--at",
                "2026-12-11T05:00:00Z");
        assertThat(list.exit()).as(list.err()).isZero();
        assertThat(list.out().lines()).hasSize(2);
        assertThat(list.out().lines().toList().get(0)).contains("\"phoneNumber\":\"+15125551234\"", "\"overdue\":true");
        assertThat(list.out().lines().toList().get(1)).contains("\"phoneNumber\":\"+15125550101\"", "\"overdue\":false");

        CliTestSupport.Result inTime = CliProcess.run(dir, "revocations", "--overdue", "--at", "2026-12-11T04:59:59Z");
        assertThat(inTime.exit()).as("23:59:59 on the last day in New York: none overdue").isZero();
        assertThat(inTime.out()).contains("0 overdue");
        CliTestSupport.Result overdue = CliProcess.run(dir, "revocations", "--overdue", "--at", "2026-12-11T05:00:00Z");
        assertThat(overdue.exit()).as("some are overdue: exit 1").isEqualTo(1);
        assertThat(overdue.out()).contains("OVERDUE", "+15125551234", "deadline 2026-12-10", "1 overdue")
                .doesNotContain("+15125550101");

        CliTestSupport.Result dismissed = CliProcess.run(dir, "revocations", "dismiss", id(old.out()), "--reason",
                "handled by phone", "--by", "Lee");
        assertThat(dismissed.exit()).as(dismissed.err()).isZero();
        CliTestSupport.Result clear = CliProcess.run(dir, "revocations", "--overdue", "--at", "2026-12-11T05:00:00Z");
        assertThat(clear.exit()).as(clear.err()).isZero();
        assertThat(clear.out()).contains("0 overdue");
    }

    @Test
    void applyRevokesInTheJournalWithTheChannelAndTheRequest() {
        Path store = dir.resolve("consents.csv");
        assertThat(run("record", "+15125551234", "--store", store.toString()).exit()).isZero();
        CliTestSupport.Result sub = run("revocations", "submit", "+15125551234", "--store", store.toString(),
                "--channel", "agent", "--evidence", "told the front desk to stop the texts", "--by", "Sarah");
        assertThat(sub.exit()).as(sub.err()).isZero();
        assertThat(sub.out()).contains("PENDING", "via agent");
        String id = id(sub.out());

        CliTestSupport.Result applied = run("revocations", "apply", id, "--by", "Lee", "--store", store.toString(),
                "--format", "json");
        assertThat(applied.exit()).as(applied.err()).isZero();
        assertThat(applied.out()).contains("\"status\":\"revoked\"", "\"revoke_channel\":\"agent\"",
                "\"revoke_request_id\":\"" + id + "\"", "\"state\":\"applied\"");
        CliTestSupport.Result st = run("status", "+15125551234", "--store", store.toString());
        assertThat(st.exit()).isEqualTo(1);
        assertThat(st.out()).contains("OPTED OUT");

        CliTestSupport.Result again = run("revocations", "apply", id, "--store", store.toString());
        assertThat(again.exit()).isEqualTo(2);
        assertThat(again.err()).contains("already applied");
        assertThat(run("revocations", "--store", store.toString()).out()).contains("0 pending");
    }

    @Test
    void badInputAndABadQueueFile() throws Exception {
        Path queue = dir.resolve("q.csv");
        CliTestSupport.Result bad = run("revocations", "submit", "+15125551234", "--queue", queue.toString(),
                "--channel", "fax");
        assertThat(bad.exit()).isEqualTo(2);
        assertThat(bad.err()).contains("channel");
        CliTestSupport.Result when = run("revocations", "submit", "+15125551234", "--queue", queue.toString(),
                "--channel", "email", "--received-at", "yesterday");
        assertThat(when.exit()).isEqualTo(2);
        assertThat(when.err()).contains("received_at");
        assertThat(queue).doesNotExist();

        Files.writeString(queue, "not,a,queue\n1,2,3\n");
        byte[] before = Files.readAllBytes(queue);
        CliTestSupport.Result list = run("revocations", "--queue", queue.toString());
        assertThat(list.exit()).isEqualTo(3);
        assertThat(list.err()).contains("header");
        assertThat(Files.readAllBytes(queue)).isEqualTo(before);
        try (Stream<Path> files = Files.list(dir)) {
            assertThat(files).containsExactly(queue);
        }
    }
}
