package io.consentkit.web;

import io.consentkit.config.ConsentKitConfig;
import io.consentkit.consent.ConsentTracker;
import io.consentkit.inbound.Confirmations;
import io.consentkit.inbound.InboundHandler;
import io.consentkit.send.GuardedSender;
import io.consentkit.store.InMemoryConsentStore;
import io.consentkit.testkit.FakeSmsGateway;
import io.consentkit.testkit.SettableClock;
import io.consentkit.twilio.TwilioWebhookServer;
import io.consentkit.twilio.TwilioWebhooks;
import io.consentkit.twilio.WebhookVerifier;
import io.consentkit.web.frontdesk.FrontDeskPage;
import io.consentkit.web.optin.OptInPage;
import io.consentkit.web.optin.OptInPageSettings;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/** The example of docs/web.md, run as written. */
class WebDocsTest {
    @TempDir
    Path dir;

    @Test
    void thePagesMountBesideTheWebhooksAsTheDocsShow() throws Exception {
        SettableClock clock = SettableClock.at("2026-12-01T18:00:00Z");
        ConsentTracker tracker = ConsentTracker.builder(new InMemoryConsentStore()).brand("Basin Climbing").clock(clock)
                .build();
        GuardedSender sender = GuardedSender.builder(tracker, FakeSmsGateway.create()).clock(clock).build();
        ConsentKitConfig config = ConsentKitConfig.loader()
                .environment(Map.of("CONSENTKIT_CONSOLE_PASSWORD", "correct horse battery")).load();
        WebhookVerifier verifier = WebhookVerifier.builder("docs-auth-token").build();
        InetSocketAddress address = new InetSocketAddress(InetAddress.getLoopbackAddress(), 0);
        // snippet: web-pages
        Confirmations confirmations = Confirmations.builder(tracker).sender(sender).build();
        OptInPageSettings settings = OptInPageSettings.builder("Basin Climbing", tracker.programs().defaultProgram())
                .programLabel("class reminders").frequency("Up to 4 msgs/month.")
                .termsUrl("https://basin.example/terms").privacyUrl("https://basin.example/privacy").build();
        OptInPage optIn = OptInPage.builder(settings, confirmations, HtmlSnapshots.open(dir.resolve("snapshots"))).build();

        ConsoleAuth auth = ConsoleAuth.builder(ConsoleCredentials.fromConfig(config).orElseThrow()).build();
        FrontDeskPage frontDesk = FrontDeskPage.builder(auth, tracker).location("Front desk").build();

        InboundHandler inbound = InboundHandler.builder(tracker).confirmations(confirmations) // Y answers the page's texts
                .supportContact("help@basin.example").build();
        TwilioWebhooks webhooks = TwilioWebhooks.builder(verifier, tracker).inboundHandler(inbound).build();
        TwilioWebhookServer server = TwilioWebhookServer.builder().bind(address).routes(webhooks)
                .mount("/optin", optIn).mount("/frontdesk", frontDesk)
                .mount(auth.loginPath(), auth.loginServlet()).mount(auth.logoutPath(), auth.logoutServlet())
                .start();
        // end snippet
        try (server; tracker) {
            Http http = new Http(server.baseUrl());
            assertThat(http.get("/optin").body()).contains("class reminders", "Up to 4 msgs/month.");
            assertThat(http.get("/frontdesk").statusCode()).isEqualTo(303);
            assertThat(http.get("/console/login").statusCode()).isEqualTo(200);
        }
    }
}
