package io.consentkit.web.console;

import io.consentkit.consent.ConsentTracker;
import io.consentkit.inbound.Confirmations;
import io.consentkit.journal.ConsentRecord;
import io.consentkit.revocation.RevocationChannel;
import io.consentkit.revocation.RevocationQueue;
import io.consentkit.revocation.RevocationStore;
import io.consentkit.send.CsvSendLog;
import io.consentkit.send.MessageCategory;
import io.consentkit.send.SendLogEntry;
import io.consentkit.store.CsvConsentStore;
import io.consentkit.testkit.SettableClock;
import io.consentkit.twilio.TwilioWebhookServer;
import io.consentkit.web.ConsoleAuth;
import io.consentkit.web.ConsoleCredentials;
import io.consentkit.web.Http;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.math.BigDecimal;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;

import static org.assertj.core.api.Assertions.assertThat;

class ConsoleServletTest {
    static final String ANN = "+15125550101";
    static final String PASSWORD = "correct horse battery";

    final SettableClock clock = SettableClock.at("2026-03-02T15:00:00Z");
    final List<ConsoleAudit.Action> actions = new CopyOnWriteArrayList<>();
    @TempDir
    Path dir;
    CsvConsentStore store;
    ConsentTracker tracker;
    ConsoleSendLog sends;
    RevocationQueue queue;
    Confirmations confirmations;
    TwilioWebhookServer server;
    Http http;
    String csrf;

    @BeforeEach
    void start() throws Exception {
        store = CsvConsentStore.open(dir.resolve("consents.csv"));
        ConsoleStats stats = ConsoleStats.create(ZoneOffset.UTC, "default");
        tracker = ConsentTracker.builder(store).clock(clock).listener(stats).build();
        stats.load(store::replay);
        sends = ConsoleSendLog.wrap(CsvSendLog.open(dir.resolve("sends.csv")), ZoneOffset.UTC);
        queue = RevocationQueue.builder(RevocationStore.inMemory()).tracker(tracker).clock(clock).zone(ZoneOffset.UTC)
                .build();
        confirmations = Confirmations.builder(tracker).recordBeforeSend().build();
        tracker.recordWebFormConsent(ANN, "c1", "Ann Lee", "ann@example.com", "203.0.113.9",
                "https://example.com/shot.png");
        tracker.recordConsent(io.consentkit.consent.ConsentRequest.builder(ANN, "keyword", "Reply STOP to end.")
                .customerId("15125550101").metadata("reply_body", "YES this is +15125550101").build());
        CsvSendLog raw = (CsvSendLog) sends.delegate();
        sends.record(new SendLogEntry(clock.instant(), SendLogEntry.Decision.SENT, "", "+*********01",
                MessageCategory.MARKETING, "", "", 30, 1, new BigDecimal("0.0079"), "USD", "SMann0001", 0, "", null, "fake",
                null, 0, null, raw.recipientKey(ANN), List.of(), "default", "", ""));
        confirmations.request("+15125550177", "Reply Y for alerts", Map.of(), Duration.ofDays(1));
        queue.submit("+15125550188", "", "", RevocationChannel.EMAIL, null, "stop texting me <b>now</b>", "support");

        ConsoleQueries queries = ConsoleQueries.builder(tracker, stats).sendLog(sends).revocations(queue)
                .confirmations(confirmations).build();
        ConsoleAuth auth = ConsoleAuth.builder(ConsoleCredentials.password("alice", PASSWORD.toCharArray(), 20_000)).build();
        server = TwilioWebhookServer.builder().bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0))
                .mount(auth.loginPath(), auth.loginServlet()).mount(auth.logoutPath(), auth.logoutServlet())
                .mount("/console/*", new ConsoleServlet(queries, auth, actions::add)).start();
        http = new Http(server.baseUrl());
        String login = http.get("/console/login?next=/console/").body();
        HttpResponse<String> in = http.post("/console/login", Http.form("csrf", Http.hidden(login, "csrf"),
                "next", Http.hidden(login, "next"), "user", "alice", "password", PASSWORD));
        assertThat(in.statusCode()).isEqualTo(303);
        HttpResponse<String> dashboard = http.get("/console/");
        assertThat(dashboard.statusCode()).isEqualTo(200);
        csrf = Http.hidden(dashboard.body(), ConsoleAuth.CSRF_FIELD);
        actions.clear();
    }

    @AfterEach
    void stop() throws Exception {
        server.close();
        confirmations.close();
        queue.close();
        sends.close();
        tracker.close();
    }

    private HttpResponse<String> get(String path, boolean signedIn) throws Exception {
        return (signedIn ? http : new Http(server.baseUrl())).get("/console" + path);
    }

    private HttpResponse<String> post(String path, Map<String, String> form) throws Exception {
        return http.post("/console" + path, form);
    }

    private String search(String number) throws Exception {
        HttpResponse<String> r = post("/search", Map.of("q", number, ConsoleAuth.CSRF_FIELD, csrf));
        assertThat(r.statusCode()).isEqualTo(303);
        String location = r.headers().firstValue("Location").orElseThrow();
        assertThat(location).startsWith("/console/number/").doesNotContain("0101");
        return location.substring("/console".length());
    }

    @Test
    void everyPageNeedsAnOperator() throws Exception {
        for (String path : List.of("/", "/pending", "/revocations", "/sends", "/export/audit.csv")) {
            HttpResponse<String> r = get(path, false);
            assertThat(r.statusCode()).as(path).isEqualTo(303);
            assertThat(r.headers().firstValue("Location").orElseThrow()).startsWith("/console/login?next=");
            assertThat(r.body()).doesNotContain("0101");
        }
        HttpResponse<String> anonymousPost = new Http(server.baseUrl()).post("/console/search",
                Http.form("q", ANN, ConsoleAuth.CSRF_FIELD, csrf));
        assertThat(anonymousPost.statusCode()).isEqualTo(403);
        assertThat(actions).isEmpty();
    }

    @Test
    void searchShowsTheTimelineMaskedThenRevealIsAudited() throws Exception {
        String page = search("(512) 555-0101");
        HttpResponse<String> r = get(page, true);
        assertThat(r.statusCode()).isEqualTo(200);
        assertThat(r.headers().firstValue("Cache-Control")).contains("no-store");
        assertThat(r.headers().firstValue("X-Frame-Options")).contains("DENY");
        assertThat(r.body()).contains("+*********01").doesNotContain(ANN).doesNotContain("5550101")
                .contains("203.0.113.9").contains(tracker.texts().webForm().replace("'", "&#39;"))
                .contains("https://example.com/shot.png").contains("SMann0001").contains("0.0079 USD")
                .contains("YES this is +*********01");

        HttpResponse<String> revealed = post(page + "/reveal", Map.of(ConsoleAuth.CSRF_FIELD, csrf));
        assertThat(revealed.statusCode()).isEqualTo(200);
        assertThat(revealed.body()).contains(ANN).contains("YES this is +15125550101");
        assertThat(actions).extracting(a -> a.operator() + " " + a.action() + " " + a.number())
                .containsExactly("alice search +*********01", "alice view +*********01", "alice reveal +*********01");
        assertThat(actions).allSatisfy(a -> assertThat(a.number() + a.detail()).doesNotContain("5550101"));
    }

    @Test
    void revokeIsAPostWithCsrfRecordedWithTheOperatorAndChannelAgent() throws Exception {
        String page = search(ANN);
        HttpResponse<String> refused = post(page + "/revoke", Map.of("notes", "no token"));
        assertThat(refused.statusCode()).isEqualTo(403);
        assertThat(post(page + "/revoke", Map.of("notes", "x", ConsoleAuth.CSRF_FIELD, "forged")).statusCode())
                .isEqualTo(403);
        assertThat(get(page + "/revoke", true).statusCode()).isEqualTo(404);
        assertThat(tracker.isActive(ANN)).isTrue();

        HttpResponse<String> done = post(page + "/revoke", Map.of("notes", "asked at the desk",
                ConsoleAuth.CSRF_FIELD, csrf));
        assertThat(done.statusCode()).isEqualTo(303);
        assertThat(tracker.isOptedOut(ANN)).isTrue();
        ConsentRecord last = tracker.history(ANN).get(tracker.history(ANN).size() - 1);
        assertThat(last.channel()).isEqualTo("agent");
        assertThat(last.revokedMethod()).isEqualTo("customer_request");
        assertThat(last.metadata()).containsEntry("revoke_operator", "alice").containsEntry("revoke_notes",
                "asked at the desk");
        HttpResponse<String> after = get(done.headers().firstValue("Location").orElseThrow().substring("/console".length()),
                true);
        assertThat(after.body()).contains("Revoked").contains("customer_request").contains("opted out");
        assertThat(actions).extracting(ConsoleAudit.Action::action).containsExactly("search", "revoke", "view");
    }

    @Test
    void listsExportsAndDashboard() throws Exception {
        HttpResponse<String> dash = get("/", true);
        assertThat(dash.statusCode()).isEqualTo(200);
        assertThat(dash.body()).contains("<svg").contains("Opt-ins per day by method").contains("web_form")
                .contains("Estimated cost per day").doesNotContain("<script");
        assertThat(get("/?days=abc", true).statusCode()).isEqualTo(400);
        assertThat(get("/?days=0", true).body()).contains("days");

        assertThat(get("/pending", true).body()).contains("+*********77").contains("Reply Y for alerts")
                .doesNotContain("5550177");
        assertThat(get("/revocations", true).body()).contains("+*********88").contains("1 pending, 0 overdue")
                .contains("stop texting me &lt;b&gt;now&lt;/b&gt;");
        clock.advance(Duration.ofDays(30));
        assertThat(get("/revocations", true).body()).contains("1 pending, 1 overdue");
        assertThat(get("/sends", true).body()).contains("SMann0001").contains("+*********01");

        HttpResponse<String> audit = get("/export/audit.csv", true);
        assertThat(audit.headers().firstValue("Content-Type").orElseThrow()).startsWith("text/csv");
        assertThat(audit.body()).startsWith("consent_id,timestamp,phone_number");
        HttpResponse<String> evidence = get(search(ANN) + "/evidence.csv", true);
        assertThat(evidence.body()).contains("203.0.113.9").contains(ANN);
        assertThat(actions).extracting(ConsoleAudit.Action::action)
                .contains("dashboard", "pending", "revocations", "sends", "export_audit", "export_evidence");

        assertThat(get("/number/not-a-ref", true).statusCode()).isEqualTo(404);
        assertThat(post("/search", Map.of("q", "hello", ConsoleAuth.CSRF_FIELD, csrf)).statusCode()).isEqualTo(400);
        assertThat(dash.headers().firstValue("Content-Security-Policy").orElseThrow()).contains("script-src 'none'");
    }
}
