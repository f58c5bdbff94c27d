package io.consentkit.twilio;

import com.github.tomakehurst.wiremock.junit5.WireMockExtension;
import com.github.tomakehurst.wiremock.verification.LoggedRequest;
import io.consentkit.consent.ConsentTracker;
import io.consentkit.inbound.InboundHandler;
import io.consentkit.send.DeliveryStatus;
import io.consentkit.send.GuardedSender;
import io.consentkit.send.OutboundMessage;
import io.consentkit.send.SendOutcome;
import io.consentkit.store.CsvConsentStore;
import io.consentkit.testkit.SettableClock;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static io.consentkit.twilio.TwilioFixtures.*;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * Runs the examples of docs/twilio.md against WireMock and real HTTP:
 * GuardedSender + TwilioSmsGateway + the webhook server. The docs harness in consent-checks
 * checks that the document's blocks are these regions.
 */
class TwilioReadmeTest {
    @RegisterExtension
    static WireMockExtension wm = wireMock();

    @TempDir
    Path dir;

    @Test
    void wiringExampleSendsReceivesStopAndBlocksTheNextSend() throws Exception {
        SettableClock clock = SettableClock.at("2026-01-15T18:00:00Z"); // noon in Austin
        URI twilioApi = base(wm);
        int port = 0;
        Map<String, String> env = Map.of("TWILIO_ACCOUNT_SID", ACCOUNT_SID, "TWILIO_AUTH_TOKEN", AUTH_TOKEN,
                "TWILIO_FROM_NUMBER", FROM);
        wm.stubFor(post(urlPathEqualTo(MESSAGES_PATH)).willReturn(aResponse().withStatus(201)
                .withHeader("Content-Type", "application/json").withBody(messageJson(MESSAGE_SID, "queued", "1", FROM))));

        // snippet: twilio-wiring
        ConsentTracker tracker = ConsentTracker.builder(CsvConsentStore.open(dir.resolve("consents.csv")))
                .brand("Basin Climbing").clock(clock).build();
        TwilioSmsGateway twilio = TwilioSmsGateway.builder()
                .environment(env)          // System.getenv(): TWILIO_ACCOUNT_SID, TWILIO_AUTH_TOKEN, TWILIO_FROM_NUMBER
                .statusCallback(URI.create("https://hooks.example.com/twilio/status"))
                .apiBaseUrl(twilioApi)     // only in tests: a local WireMock instead of https://api.twilio.com
                .build();
        GuardedSender sender = GuardedSender.builder(tracker, twilio).build();
        WebhookVerifier verifier = WebhookVerifier.builder(env.get("TWILIO_AUTH_TOKEN"))
                .publicBaseUrl(URI.create("https://hooks.example.com")) // the URL Twilio calls (proxy in front)
                .build();
        TwilioWebhooks webhooks = TwilioWebhooks.builder(verifier, tracker)
                .inboundHandler(InboundHandler.builder(tracker).supportContact("help@basin.example").build())
                .statusUpdates(sender)
                .build();
        TwilioWebhookServer server = TwilioWebhookServer.builder() // or call webhooks.inbound(..) from your framework
                .bind(new InetSocketAddress("127.0.0.1", port))    // e.g. 8080
                .routes(webhooks)                                  // POST /twilio/inbound, /twilio/status, /twilio/debugger
                .start();

        tracker.recordWebFormConsent("512-555-1234", "cust-42", "Ann Lee", "ann@example.com", "203.0.113.9",
                "https://example.com/sms-signup");
        SendOutcome outcome = sender.send(OutboundMessage.marketing("512-555-1234", "Shoes 20% off this weekend"));
        // Sent(SM..., queued). Ann replies STOP: Twilio posts it to /twilio/inbound, her consent is
        // revoked, and the next send to her is Blocked(OPTED_OUT) without calling Twilio.
        // end snippet

        try (tracker; twilio; server) {
            assertThat(outcome).isInstanceOfSatisfying(SendOutcome.Sent.class,
                    s -> assertThat(s.providerId()).isEqualTo(MESSAGE_SID));
            List<LoggedRequest> sent = wm.findAll(postRequestedFor(urlPathEqualTo(MESSAGES_PATH)));
            assertThat(sent).hasSize(1);
            assertThat(sent.get(0).getBodyAsString()).contains("To=%2B15125551234").contains("From=%2B15017122661")
                    .contains("StatusCallback=https%3A%2F%2Fhooks.example.com%2Ftwilio%2Fstatus");

            HttpClient http = HttpClient.newHttpClient();
            Map<String, String> stop = Signed.inbound("+15125551234", "STOP", "SM" + "c".repeat(32));
            HttpResponse<String> reply = http.send(signedPost(server, "/twilio/inbound", stop), HttpResponse.BodyHandlers.ofString());
            assertThat(reply.statusCode()).isEqualTo(200);
            assertThat(reply.body()).isEqualTo("<?xml version=\"1.0\" encoding=\"UTF-8\"?><Response/>");

            Map<String, String> delivered = new LinkedHashMap<>();
            delivered.put("MessageSid", MESSAGE_SID);
            delivered.put("MessageStatus", "delivered");
            delivered.put("To", "+15125551234");
            assertThat(http.send(signedPost(server, "/twilio/status", delivered), HttpResponse.BodyHandlers.ofString())
                    .statusCode()).isEqualTo(204);
            assertThat(sender.sendLog().find(MESSAGE_SID).orElseThrow().status()).isEqualTo(DeliveryStatus.DELIVERED);

            SendOutcome next = sender.send(OutboundMessage.marketing("512-555-1234", "Last chance"));
            assertThat(next).isInstanceOfSatisfying(SendOutcome.Blocked.class,
                    b -> assertThat(b.reason()).isEqualTo(SendOutcome.Reason.OPTED_OUT));
            assertThat(wm.findAll(postRequestedFor(urlPathEqualTo(MESSAGES_PATH)))).hasSize(1);
        }
    }

    /** A POST to the local server, signed for the public URL Twilio would have called. */
    private static HttpRequest signedPost(TwilioWebhookServer server, String path, Map<String, String> params) {
        return HttpRequest.newBuilder(URI.create(server.baseUrl() + path))
                .header("Content-Type", "application/x-www-form-urlencoded")
                .header("X-Twilio-Signature", Signed.signature(AUTH_TOKEN, "https://hooks.example.com" + path, params))
                .POST(HttpRequest.BodyPublishers.ofString(Signed.form(params))).build();
    }

    @Test
    void frameworkExample() {
        ConsentTracker tracker = ConsentTracker.builder(new io.consentkit.store.InMemoryConsentStore()).build();
        TwilioWebhooks webhooks = TwilioWebhooks.builder(WebhookVerifier.builder(AUTH_TOKEN).build(), tracker)
                .inboundHandler(InboundHandler.builder(tracker).supportContact("help@basin.example").build()).build();
        Map<String, String> stop = Signed.inbound("+15125551234", "STOP", "SM1");
        String method = "POST";
        URI url = URI.create("https://hooks.example.com/sms");
        Map<String, List<String>> headers = Map.of("Content-Type", List.of("application/x-www-form-urlencoded"),
                "X-Twilio-Signature", List.of(Signed.signature(AUTH_TOKEN, url.toString(), stop)));
        byte[] body = Signed.form(stop).getBytes(StandardCharsets.UTF_8);

        // snippet: twilio-framework
        WebhookRequest request = WebhookRequest.of(method, url, headers, body); // from your framework's request
        WebhookResponse response = webhooks.inbound(request);                    // or status(..), debugger(..)
        // write back response.status(), response.contentType() and response.body()
        // end snippet

        assertThat(response.status()).isEqualTo(200);
        assertThat(tracker.isOptedOut("+15125551234")).isTrue();
        tracker.close();
    }
}
