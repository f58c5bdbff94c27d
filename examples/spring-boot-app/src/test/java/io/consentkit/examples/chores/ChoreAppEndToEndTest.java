package io.consentkit.examples.chores;

import com.twilio.security.RequestValidator;
import io.consentkit.consent.ConsentTracker;
import io.consentkit.send.SmsGateway;
import io.consentkit.testkit.FakeSmsGateway;
import io.consentkit.twilio.WebhookSigner;
import io.consentkit.twilio.WebhookVerifier;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.context.TestConfiguration;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.context.annotation.Bean;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The example app started on a random port of 127.0.0.1 and driven over real HTTP: a member opts in,
 * a reminder goes out through the guarded sender (to the testkit's {@link FakeSmsGateway}), a STOP
 * signed as Twilio signs it revokes consent, a forged STOP is refused, the next reminder is blocked,
 * and Actuator shows ConsentKit's health and metrics.
 */
@SpringBootTest(classes = {ChoreApp.class, ChoreAppEndToEndTest.FakeGateway.class},
        webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
        properties = {"server.address=127.0.0.1", "consentkit.twilio.auth-token=" + ChoreAppEndToEndTest.TOKEN,
            // the reminders must not wait for the morning when the build runs at night in the US
            "consentkit.sender.quiet-hours.enabled=false"})
class ChoreAppEndToEndTest {
    static final String TOKEN = "0123456789abcdef0123456789abcdef";
    private static final String SAM = "+15125550100";
    private static final Path DATA = tempDir();

    @DynamicPropertySource
    static void journal(DynamicPropertyRegistry registry) {
        registry.add("consentkit.store.csv.path", () -> DATA.resolve("consents.csv").toString());
    }

    @TestConfiguration
    static class FakeGateway {
        @Bean
        FakeSmsGateway fakeSmsGateway() {
            return FakeSmsGateway.create();
        }
    }

    @LocalServerPort
    int port;
    @Autowired
    FakeSmsGateway gateway;
    @Autowired
    ConsentTracker tracker;
    @Autowired
    SmsGateway smsGateway;

    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    @Test
    void optInRemindStopForgeryHealthAndMetrics() throws Exception {
        assertThat(smsGateway).as("the app's gateway bean replaced Twilio's").isSameAs(gateway);

        assertThat(post("/members", "phone=512-555-0100&name=Sam").body()).contains("\"status\":\"active\"");
        assertThat(tracker.status(SAM).orElseThrow().consentMessage()).contains("Chore Chart");

        HttpResponse<String> sent = post("/reminders", "phone=" + SAM + "&chore=trash");
        assertThat(sent.body()).contains("\"outcome\":\"sent\"");
        assertThat(gateway.requestCount()).isEqualTo(1);
        assertThat(gateway.lastRequest().body()).contains("Chore reminder: trash");

        String inbound = base() + "/twilio/inbound";
        Map<String, String> stop = WebhookSigner.inboundMessage(SAM, "+15125550199", "STOP", "SM" + "1".repeat(32));
        String signature = WebhookSigner.of(TOKEN).sign(inbound, stop);
        assertThat(new RequestValidator(TOKEN).validate(inbound, stop, signature))
                .as("twilio-java's own validator accepts the signature").isTrue();

        HttpResponse<String> forged = webhook(inbound, stop, WebhookSigner.of("not-the-token").sign(inbound, stop));
        assertThat(forged.statusCode()).isEqualTo(403);
        assertThat(tracker.isOptedOut(SAM)).isFalse();

        HttpResponse<String> stopped = webhook(inbound, stop, signature);
        assertThat(stopped.statusCode()).isEqualTo(200);
        assertThat(stopped.body()).contains("<Response");
        assertThat(tracker.isOptedOut(SAM)).isTrue();
        assertThat(Files.readString(DATA.resolve("consents.csv"))).contains("revoked");

        assertThat(post("/reminders", "phone=" + SAM + "&chore=dishes").body())
                .contains("\"outcome\":\"blocked\"").contains("OPTED_OUT");
        assertThat(gateway.requestCount()).isEqualTo(1);

        HttpResponse<String> health = get("/actuator/health");
        assertThat(health.statusCode()).isEqualTo(200);
        assertThat(health.body()).startsWith("{\"").contains("\"status\":\"UP\"").contains("\"consentKit\"")
                .contains("\"gatewayConfigured\":true");

        assertThat(get("/actuator/metrics/consentkit.sends?tag=outcome:sent").body()).contains("\"value\":1.0");
        assertThat(get("/actuator/metrics/consentkit.sends?tag=outcome:blocked").body()).contains("\"value\":1.0");
        assertThat(get("/actuator/metrics/consentkit.consent.optouts?tag=method:stop_keyword").body())
                .contains("\"value\":1.0");
        assertThat(get("/actuator/metrics/consentkit.consent.optins?tag=method:in_person").body()).contains("\"value\":1.0");
        assertThat(get("/actuator/metrics/consentkit.webhook.requests?tag=route:inbound&tag=result:rejected").body())
                .contains("\"value\":1.0");
        assertThat(get("/actuator/metrics/consentkit.webhook.requests?tag=result:ok").body()).contains("\"value\":1.0");
        HttpResponse<String> append = get("/actuator/metrics/consentkit.store.append");
        assertThat(append.statusCode()).isEqualTo(200);
        assertThat(append.body()).doesNotContain("5125550100");
    }

    private String base() {
        return "http://127.0.0.1:" + port;
    }

    private HttpResponse<String> post(String path, String form) throws IOException, InterruptedException {
        return http.send(HttpRequest.newBuilder(URI.create(base() + path)).timeout(Duration.ofSeconds(10))
                .header("Content-Type", "application/x-www-form-urlencoded")
                .POST(HttpRequest.BodyPublishers.ofString(form)).build(), HttpResponse.BodyHandlers.ofString());
    }

    private HttpResponse<String> webhook(String url, Map<String, String> params, String signature)
            throws IOException, InterruptedException {
        return http.send(HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(10))
                .header("Content-Type", "application/x-www-form-urlencoded")
                .header(WebhookVerifier.SIGNATURE_HEADER, signature)
                .POST(HttpRequest.BodyPublishers.ofString(WebhookSigner.formBody(params))).build(),
                HttpResponse.BodyHandlers.ofString());
    }

    private HttpResponse<String> get(String path) throws IOException, InterruptedException {
        return http.send(HttpRequest.newBuilder(URI.create(base() + path)).timeout(Duration.ofSeconds(10)).GET().build(),
                HttpResponse.BodyHandlers.ofString());
    }

    private static Path tempDir() {
        try {
            return Files.createTempDirectory(Files.createDirectories(Path.of("target")), "chore-app-test");
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }
}
