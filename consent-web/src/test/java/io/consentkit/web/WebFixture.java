package io.consentkit.web;

import io.consentkit.consent.ConsentTracker;
import io.consentkit.inbound.Confirmations;
import io.consentkit.inbound.InboundHandler;
import io.consentkit.send.GuardedSender;
import io.consentkit.store.InMemoryConsentStore;
import io.consentkit.testkit.FakeSmsGateway;
import io.consentkit.testkit.SettableClock;
import io.consentkit.twilio.TwilioWebhookServer;
import io.consentkit.twilio.TwilioWebhooks;
import io.consentkit.twilio.WebhookSigner;
import io.consentkit.twilio.WebhookVerifier;
import io.consentkit.web.console.ConsoleAudit;
import io.consentkit.web.console.ConsoleQueries;
import io.consentkit.web.console.ConsoleSendLog;
import io.consentkit.web.console.ConsoleServlet;
import io.consentkit.web.console.ConsoleStats;
import io.consentkit.web.frontdesk.FrontDeskPage;
import io.consentkit.web.optin.OptInPage;
import io.consentkit.web.optin.OptInPageSettings;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;

/**
 * The whole web stack on 127.0.0.1 for the tests: a tracker over an in-memory journal, the fake gateway, the
 * guarded sender, the Y/N confirmations, the inbound handler behind signed webhooks, the opt-in page, the front
 * desk, the login and the operator console, in one {@link TwilioWebhookServer}.
 */
public final class WebFixture implements AutoCloseable {
    public static final String TOKEN = "web-test-auth-token";
    public static final String PASSWORD = "correct horse battery";
    public static final String OUR_NUMBER = "+15855550100";

    public final SettableClock clock = SettableClock.at("2026-12-01T18:00:00Z");
    public final FakeSmsGateway gateway = FakeSmsGateway.builder().clock(clock).build();
    /** The operator console's counters: the tracker's listener, loaded over the (empty) journal at start. */
    public final ConsoleStats consoleStats = ConsoleStats.create(java.time.ZoneOffset.UTC, "default");
    public final ConsentTracker tracker = ConsentTracker.builder(new InMemoryConsentStore()).brand("Basin Climbing")
            .clock(clock).listener(consoleStats).build();
    /** The sender's log, kept for the console too. */
    public final ConsoleSendLog sendLog = ConsoleSendLog.wrap(new io.consentkit.send.InMemorySendLog(),
            java.time.ZoneOffset.UTC);
    public final GuardedSender sender = GuardedSender.builder(tracker, gateway).clock(clock).sendLog(sendLog).build();
    public final Confirmations confirmations = Confirmations.builder(tracker).sender(sender).build();
    public final HtmlSnapshots snapshots;
    public final OptInPage optIn;
    public final ConsoleAuth auth;
    public final FrontDeskPage frontDesk;
    public final TwilioWebhookServer server;
    private int sid;

    public WebFixture(Path dir) {
        this(dir, OptInPage.DEFAULT_PER_ADDRESS, OptInPage.DEFAULT_PER_NUMBER);
    }

    public WebFixture(Path dir, int perAddress, int perNumber) {
        this(dir, perAddress, perNumber, Map.of());
    }

    /** With {@code extra} servlets mounted too (test pages). */
    public WebFixture(Path dir, int perAddress, int perNumber, Map<String, jakarta.servlet.Servlet> extra) {
        snapshots = HtmlSnapshots.open(dir.resolve("snapshots"));
        optIn = OptInPage.builder(settings(tracker), confirmations, snapshots)
                .limits(perAddress, perNumber, Duration.ofHours(1)).build();
        auth = ConsoleAuth.builder(ConsoleCredentials.password("maria", PASSWORD.toCharArray(), 20_000)).clock(clock)
                .build();
        frontDesk = FrontDeskPage.builder(auth, tracker).location("Front desk, Main St").location("Lobby kiosk").build();
        InboundHandler inbound = InboundHandler.builder(tracker).confirmations(confirmations)
                .supportContact("help@basin.example").build();
        TwilioWebhooks webhooks = TwilioWebhooks.builder(WebhookVerifier.builder(TOKEN).build(), tracker)
                .inboundHandler(inbound).build();
        TwilioWebhookServer.Builder b = TwilioWebhookServer.builder()
                .bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0))
                .routes(webhooks).mount("/optin", optIn).mount("/frontdesk", frontDesk)
                .mount(auth.loginPath(), auth.loginServlet()).mount(auth.logoutPath(), auth.logoutServlet());
        consoleStats.load(sink -> { }); // the journal starts empty; every row from now on is heard
        b.mount("/console/*", new ConsoleServlet(ConsoleQueries.builder(tracker, consoleStats).sendLog(sendLog)
                .confirmations(confirmations).build(), auth, ConsoleAudit.LOG));
        extra.forEach(b::mount);
        server = b.start();
    }

    public static OptInPageSettings settings(ConsentTracker tracker) {
        return OptInPageSettings.builder("Basin Climbing", tracker.programs().defaultProgram())
                .programLabel("class reminders and member offers").frequency("Up to 4 msgs/month.")
                .termsUrl("https://basin.example/terms").privacyUrl("https://basin.example/privacy").build();
    }

    public URI base() {
        return server.baseUrl();
    }

    /** Posts a signed inbound text from {@code from} to the messaging webhook, as Twilio would; returns the status. */
    public int textFrom(String from, String body) throws Exception {
        String url = base() + TwilioWebhookServer.INBOUND_PATH;
        Map<String, String> params = WebhookSigner.inboundMessage(from, OUR_NUMBER, body, "SM" + String.format("%032d", ++sid));
        HttpRequest req = HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(20))
                .header("Content-Type", "application/x-www-form-urlencoded")
                .header("X-Twilio-Signature", WebhookSigner.of(TOKEN).sign(url, params))
                .POST(HttpRequest.BodyPublishers.ofString(WebhookSigner.formBody(params))).build();
        return HttpClient.newHttpClient().send(req, HttpResponse.BodyHandlers.ofString()).statusCode();
    }

    @Override
    public void close() {
        server.close();
        confirmations.close();
        tracker.close();
    }
}
