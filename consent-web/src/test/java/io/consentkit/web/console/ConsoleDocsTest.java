package io.consentkit.web.console;

import io.consentkit.consent.ConsentTracker;
import io.consentkit.revocation.CsvRevocationStore;
import io.consentkit.revocation.RevocationQueue;
import io.consentkit.send.CsvSendLog;
import io.consentkit.send.GuardedSender;
import io.consentkit.send.OutboundMessage;
import io.consentkit.store.CsvConsentStore;
import io.consentkit.testkit.FakeSmsGateway;
import io.consentkit.twilio.TwilioWebhookServer;
import io.consentkit.web.ConsoleAuth;
import io.consentkit.web.ConsoleCredentials;
import io.consentkit.web.Http;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.ZoneOffset;

import static org.assertj.core.api.Assertions.assertThat;

/** The wiring docs/web-console.md shows, run as it is shown. */
class ConsoleDocsTest {
    @TempDir
    Path dir;

    @Test
    void theDocumentedWiringServesTheConsole() throws Exception {
        char[] password = "correct horse battery".toCharArray();
        FakeSmsGateway gateway = FakeSmsGateway.create();
        InetSocketAddress address = new InetSocketAddress(InetAddress.getLoopbackAddress(), 0);
        // snippet: console-mount
        CsvConsentStore store = CsvConsentStore.open(dir.resolve("consents.csv"));
        ConsoleStats stats = ConsoleStats.create(ZoneOffset.UTC, "default");
        ConsentTracker tracker = ConsentTracker.builder(store).listener(stats).build();
        stats.load(store::replay); // once, at open: then each row the tracker writes is counted as it is written
        ConsoleSendLog sends = ConsoleSendLog.wrap(CsvSendLog.open(dir.resolve("sends.csv")), ZoneOffset.UTC);
        GuardedSender sender = GuardedSender.builder(tracker, gateway).sendLog(sends).build(); // writes through
        RevocationQueue queue = RevocationQueue.builder(CsvRevocationStore.open(dir.resolve("revocations.csv")))
                .tracker(tracker).build();

        ConsoleQueries queries = ConsoleQueries.builder(tracker, stats).sendLog(sends).revocations(queue).build();
        ConsoleAuth auth = ConsoleAuth.builder(ConsoleCredentials.password("maria", password)).build();
        TwilioWebhookServer server = TwilioWebhookServer.builder().bind(address)
                .mount(auth.loginPath(), auth.loginServlet())
                .mount(auth.logoutPath(), auth.logoutServlet())
                .mount("/console/*", new ConsoleServlet(queries, auth, ConsoleAudit.LOG))
                .start();
        // end snippet
        try {
            tracker.recordWebFormConsent("+15125550101", "c1", "", "", "203.0.113.9", "");
            sender.send(OutboundMessage.transactional("+15125550101", "Your booking is confirmed."));
            Http http = new Http(server.baseUrl());
            String login = http.get("/console/login?next=/console/").body();
            assertThat(http.post("/console/login", Http.form("csrf", Http.hidden(login, "csrf"), "next", "/console/",
                    "user", "maria", "password", "correct horse battery")).statusCode()).isEqualTo(303);
            HttpResponse<String> dashboard = http.get("/console/");
            assertThat(dashboard.statusCode()).isEqualTo(200);
            assertThat(dashboard.body()).contains("1 opt-ins").contains("Messages and segments sent per day");
            java.time.LocalDate today = tracker.clock().instant().atZone(ZoneOffset.UTC).toLocalDate();
            assertThat(sends.days(today, today).get(0).decisions().values().stream().mapToLong(Long::longValue).sum())
                    .isEqualTo(1); // the decision went through the wrapper (sent, or deferred by quiet hours)
            assertThat(sends.delegate().entries()).hasSize(1);
        } finally {
            server.close();
            queue.close();
            tracker.close();
        }
    }
}
