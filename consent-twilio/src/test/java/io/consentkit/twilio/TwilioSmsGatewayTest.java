package io.consentkit.twilio;

import com.github.tomakehurst.wiremock.http.Fault;
import com.github.tomakehurst.wiremock.junit5.WireMockExtension;
import com.github.tomakehurst.wiremock.verification.LoggedRequest;
import io.consentkit.phone.PhoneNumber;
import io.consentkit.send.GatewayRequest;
import io.consentkit.send.GatewayResult;
import io.consentkit.send.GatewayResult.FailureKind;
import io.consentkit.testkit.SettableClock;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static com.github.tomakehurst.wiremock.stubbing.Scenario.STARTED;
import static io.consentkit.twilio.TwilioFixtures.*;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.entry;

/** TwilioSmsGateway against WireMock on 127.0.0.1, with twilio-java doing real HTTP. */
class TwilioSmsGatewayTest {
    @RegisterExtension
    static WireMockExtension wm = wireMock();

    private final RecordingSleeper sleeper = new RecordingSleeper();

    private TwilioSmsGateway.Builder gateway() {
        return TwilioSmsGateway.builder()
                .credentials(TwilioCredentials.ofAuthToken(ACCOUNT_SID, AUTH_TOKEN))
                .from(FROM)
                .apiBaseUrl(base(wm))
                .sleeper(sleeper)
                .responseTimeout(Duration.ofSeconds(5));
    }

    private static void answer(int status, String body) {
        wm.stubFor(post(urlPathEqualTo(MESSAGES_PATH)).willReturn(aResponse().withStatus(status)
                .withHeader("Content-Type", "application/json").withBody(body)));
    }

    private static List<LoggedRequest> requests() {
        return wm.findAll(postRequestedFor(urlPathEqualTo(MESSAGES_PATH)));
    }

    /** The form body as ordered name/value pairs, decoded. */
    private static List<Map.Entry<String, String>> form(LoggedRequest r) {
        List<Map.Entry<String, String>> out = new ArrayList<>();
        for (String pair : r.getBodyAsString().split("&")) {
            int eq = pair.indexOf('=');
            out.add(Map.entry(URLDecoder.decode(pair.substring(0, eq), StandardCharsets.UTF_8),
                    URLDecoder.decode(pair.substring(eq + 1), StandardCharsets.UTF_8)));
        }
        return out;
    }

    @Test
    void sendsExactlyTheFormFieldsTwilioExpects() {
        answer(201, messageJson(MESSAGE_SID, "queued", "1", FROM));
        try (TwilioSmsGateway g = gateway().statusCallback(URI.create("https://example.com/twilio/status"))
                .smartEncoded(true).build()) {
            GatewayResult r = g.send(GatewayRequest.of(PhoneNumber.of(TO), "Hello & welcome +1"));

            assertThat(r).isEqualTo(new GatewayResult.Accepted(MESSAGE_SID, "queued", 1));
        }
        assertThat(requests()).hasSize(1);
        LoggedRequest req = requests().get(0);
        assertThat(req.getHeader("Content-Type")).startsWith("application/x-www-form-urlencoded");
        assertThat(req.getHeader("Authorization")).isEqualTo("Basic " + Base64.getEncoder()
                .encodeToString((ACCOUNT_SID + ":" + AUTH_TOKEN).getBytes(StandardCharsets.US_ASCII)));
        assertThat(req.getHeader("User-Agent")).startsWith("twilio-java/13.0.1");
        assertThat(form(req)).containsExactlyInAnyOrder(
                entry("To", TO),
                entry("From", FROM),
                entry("Body", "Hello & welcome +1"),
                entry("StatusCallback", "https://example.com/twilio/status"),
                entry("SmartEncoded", "true"));
    }

    @Test
    void messagingServiceIsTheDefaultSenderAndMediaUrlsRepeat() {
        answer(201, messageJson(MESSAGE_SID, "accepted", "0", null));
        try (TwilioSmsGateway g = gateway().messagingServiceSid(SERVICE_SID).build()) {
            GatewayRequest req = new GatewayRequest(PhoneNumber.of(TO), "", "Look",
                    List.of(URI.create("https://example.com/a.png"), URI.create("https://example.com/b.jpg")),
                    URI.create("https://example.com/cb?id=7"));

            assertThat(g.send(req)).isEqualTo(new GatewayResult.Accepted(MESSAGE_SID, "accepted", 0));
        }
        assertThat(form(requests().get(0))).containsExactlyInAnyOrder(
                entry("To", TO),
                entry("MessagingServiceSid", SERVICE_SID),
                entry("Body", "Look"),
                entry("MediaUrl", "https://example.com/a.png"),
                entry("MediaUrl", "https://example.com/b.jpg"),
                entry("StatusCallback", "https://example.com/cb?id=7"));
    }

    @Test
    void theRemainingValidityIsSentAsValidityPeriodInWholeSeconds() {
        answer(201, messageJson(MESSAGE_SID, "accepted", "1", null));
        try (TwilioSmsGateway g = gateway().messagingServiceSid(SERVICE_SID).build()) {
            GatewayRequest code = new GatewayRequest(PhoneNumber.of(TO), "", "Your code is 123456", List.of(), null,
                    java.time.Duration.ofSeconds(539, 900_000_000));
            GatewayRequest plain = GatewayRequest.of(PhoneNumber.of(TO), "No validity");

            assertThat(g.send(code)).isInstanceOf(GatewayResult.Accepted.class);
            assertThat(g.send(plain)).isInstanceOf(GatewayResult.Accepted.class);
        }
        assertThat(form(requests().get(0))).contains(entry("ValidityPeriod", "539"));
        assertThat(form(requests().get(1))).extracting(java.util.Map.Entry::getKey).doesNotContain("ValidityPeriod");
        assertThat(TwilioSmsGateway.validitySeconds(java.time.Duration.ofHours(20))).isEqualTo(36_000);
        assertThat(TwilioSmsGateway.validitySeconds(java.time.Duration.ofMillis(300))).isEqualTo(1);
    }

    @Test
    void mediaOnlyMessageAndPerMessageSenderWithApiKey() {
        answer(201, messageJson(MESSAGE_SID, "queued", "1", "ACME"));
        try (TwilioSmsGateway g = TwilioSmsGateway.builder()
                .credentials(TwilioCredentials.ofApiKey(ACCOUNT_SID, API_KEY_SID, API_KEY_SECRET))
                .messagingServiceSid(SERVICE_SID).apiBaseUrl(base(wm)).sleeper(sleeper).build()) {
            GatewayRequest req = new GatewayRequest(PhoneNumber.of(TO), "ACME", "",
                    List.of(URI.create("https://example.com/a.png")), null);

            assertThat(g.send(req)).isInstanceOf(GatewayResult.Accepted.class);
        }
        LoggedRequest req = requests().get(0);
        assertThat(req.getHeader("Authorization")).isEqualTo("Basic " + Base64.getEncoder()
                .encodeToString((API_KEY_SID + ":" + API_KEY_SECRET).getBytes(StandardCharsets.US_ASCII)));
        assertThat(form(req)).containsExactlyInAnyOrder(
                entry("To", TO),
                entry("From", "ACME"),
                entry("MessagingServiceSid", SERVICE_SID),
                entry("MediaUrl", "https://example.com/a.png"));
    }

    @ParameterizedTest(name = "{0} HTTP {1} -> {2}")
    @CsvSource({
        "21610, 400, OPTED_OUT",
        "21211, 400, INVALID_NUMBER",
        "21614, 400, INVALID_NUMBER",
        "21408, 400, UNREACHABLE",
        "21612, 400, UNREACHABLE",
        "21608, 400, NOT_PERMITTED",
        "21606, 400, NOT_PERMITTED",
        "21617, 400, REJECTED_CONTENT",
        "20003, 401, NOT_PERMITTED",
        "20429, 429, RATE_LIMITED",
        "21999, 400, OTHER",
        "20500, 500, UNKNOWN_OUTCOME",
        "20503, 503, TEMPORARY",
    })
    void mapsTwilioErrors(int code, int status, FailureKind kind) {
        answer(status, errorJson(code, "The 'To' number +14158675310 is not valid.", status));
        try (TwilioSmsGateway g = gateway().retryPolicy(RetryPolicy.NONE).build()) {
            GatewayResult r = g.send(GatewayRequest.of(PhoneNumber.of(TO), "Hi"));

            assertThat(r).isInstanceOfSatisfying(GatewayResult.Failed.class, f -> {
                assertThat(f.kind()).isEqualTo(kind);
                assertThat(f.code()).isEqualTo(code);
                assertThat(f.message()).contains("HTTP " + status).doesNotContain("4158675310").contains("***10");
            });
        }
        assertThat(requests()).hasSize(1);
    }

    @Test
    void rateLimitedThenAcceptedWaitsRetryAfter() {
        wm.stubFor(post(urlPathEqualTo(MESSAGES_PATH)).inScenario("429").whenScenarioStateIs(STARTED)
                .willReturn(aResponse().withStatus(429).withHeader("Retry-After", "2")
                        .withHeader("Content-Type", "application/json")
                        .withBody(errorJson(20429, "Too Many Requests", 429)))
                .willSetStateTo("open"));
        wm.stubFor(post(urlPathEqualTo(MESSAGES_PATH)).inScenario("429").whenScenarioStateIs("open")
                .willReturn(aResponse().withStatus(201).withHeader("Content-Type", "application/json")
                        .withBody(messageJson(MESSAGE_SID, "queued", "1", FROM))));
        try (TwilioSmsGateway g = gateway().build()) {
            assertThat(g.send(GatewayRequest.of(PhoneNumber.of(TO), "Hi")))
                    .isEqualTo(new GatewayResult.Accepted(MESSAGE_SID, "queued", 1));
        }
        assertThat(requests()).hasSize(2);
        assertThat(sleeper.pauses).containsExactly(Duration.ofSeconds(2));
    }

    @Test
    void retryAfterLongerThanThePolicyAllowsIsReturnedNotWaited() {
        SettableClock clock = SettableClock.at("2025-06-01T12:00:00Z");
        wm.stubFor(post(urlPathEqualTo(MESSAGES_PATH)).willReturn(aResponse().withStatus(429)
                .withHeader("Retry-After", "Sun, 01 Jun 2025 12:01:00 GMT")
                .withHeader("Content-Type", "application/json").withBody(errorJson(20429, "Too Many Requests", 429))));
        try (TwilioSmsGateway g = gateway().clock(clock).build()) {
            GatewayResult r = g.send(GatewayRequest.of(PhoneNumber.of(TO), "Hi"));

            assertThat(r).isEqualTo(new GatewayResult.Failed(FailureKind.RATE_LIMITED, 20429,
                    ((GatewayResult.Failed) r).message(), Duration.ofMinutes(1)));
        }
        assertThat(requests()).hasSize(1);
        assertThat(sleeper.pauses).isEmpty();
    }

    @Test
    void serviceUnavailableIsRetriedWithBackoffUntilAttemptsRunOut() {
        answer(503, errorJson(20503, "Service Unavailable", 503));
        try (TwilioSmsGateway g = gateway().retryPolicy(new RetryPolicy(3, Duration.ofMillis(100), Duration.ofSeconds(1)))
                .build()) {
            GatewayResult r = g.send(GatewayRequest.of(PhoneNumber.of(TO), "Hi"));

            assertThat(r).isInstanceOfSatisfying(GatewayResult.Failed.class,
                    f -> assertThat(f.kind()).isEqualTo(FailureKind.TEMPORARY));
        }
        assertThat(requests()).hasSize(3);
        assertThat(sleeper.pauses).containsExactly(Duration.ofMillis(100), Duration.ofMillis(200));
    }

    @Test
    void internalServerErrorIsUnknownAndSentOnceDespiteTwilioJavasOwnRetryLoop() {
        answer(500, errorJson(20500, "Internal Server Error", 500));
        try (TwilioSmsGateway g = gateway().build()) {
            GatewayResult r = g.send(GatewayRequest.of(PhoneNumber.of(TO), "Hi"));

            assertThat(r).isInstanceOfSatisfying(GatewayResult.Failed.class, f -> {
                assertThat(f.kind()).isEqualTo(FailureKind.UNKNOWN_OUTCOME);
                assertThat(f.retryable()).isFalse();
            });
        }
        assertThat(requests()).hasSize(1);
        assertThat(sleeper.pauses).isEmpty();
    }

    @Test
    void nonJsonGatewayErrorIsUnknownOutcome() {
        wm.stubFor(post(urlPathEqualTo(MESSAGES_PATH)).willReturn(aResponse().withStatus(502)
                .withHeader("Content-Type", "text/html").withBody("<html>bad gateway</html>")));
        try (TwilioSmsGateway g = gateway().build()) {
            assertThat(g.send(GatewayRequest.of(PhoneNumber.of(TO), "Hi"))).isInstanceOfSatisfying(
                    GatewayResult.Failed.class, f -> {
                        assertThat(f.kind()).isEqualTo(FailureKind.UNKNOWN_OUTCOME);
                        assertThat(f.code()).isZero();
                        assertThat(f.message()).startsWith("HTTP 502");
                    });
        }
        assertThat(requests()).hasSize(1);
    }

    @Test
    void createdButUnreadableAnswerIsUnknownNotRetried() {
        answer(201, "{\"sid\": \"SM");
        try (TwilioSmsGateway g = gateway().build()) {
            assertThat(g.send(GatewayRequest.of(PhoneNumber.of(TO), "Hi"))).isInstanceOfSatisfying(
                    GatewayResult.Failed.class, f -> assertThat(f.kind()).isEqualTo(FailureKind.UNKNOWN_OUTCOME));
        }
        assertThat(requests()).hasSize(1);
    }

    @ParameterizedTest
    @CsvSource({"CONNECTION_RESET_BY_PEER", "EMPTY_RESPONSE", "RANDOM_DATA_THEN_CLOSE"})
    void connectionDroppedAfterTheRequestIsUnknownAndNotRetried(Fault fault) {
        wm.stubFor(post(urlPathEqualTo(MESSAGES_PATH)).willReturn(aResponse().withFault(fault)));
        try (TwilioSmsGateway g = gateway().build()) {
            GatewayResult r = g.send(GatewayRequest.of(PhoneNumber.of(TO), "Hi"));

            assertThat(r).isInstanceOfSatisfying(GatewayResult.Failed.class, f -> {
                assertThat(f.kind()).isEqualTo(FailureKind.UNKNOWN_OUTCOME);
                assertThat(f.message()).startsWith("no answer after the request was sent");
            });
        }
        assertThat(requests()).hasSize(1);
        assertThat(sleeper.pauses).isEmpty();
    }

    @Test
    void slowAnswerBeyondTheTimeoutIsUnknownAndSentOnce() {
        wm.stubFor(post(urlPathEqualTo(MESSAGES_PATH)).willReturn(aResponse().withStatus(201).withFixedDelay(1500)
                .withHeader("Content-Type", "application/json").withBody(messageJson(MESSAGE_SID, "queued", "1", FROM))));
        long start = System.nanoTime();
        try (TwilioSmsGateway g = gateway().responseTimeout(Duration.ofMillis(300)).build()) {
            GatewayResult r = g.send(GatewayRequest.of(PhoneNumber.of(TO), "Hi"));

            assertThat(r).isInstanceOfSatisfying(GatewayResult.Failed.class, f -> {
                assertThat(f.kind()).isEqualTo(FailureKind.UNKNOWN_OUTCOME);
                assertThat(f.message()).contains("SocketTimeoutException");
            });
        }
        assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofMillis(1400));
        assertThat(wm.getAllServeEvents()).hasSize(1);
        assertThat(sleeper.pauses).isEmpty();
    }

    @Test
    void connectionRefusedIsTemporaryAndRetried() throws IOException {
        int closedPort;
        try (ServerSocket s = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            closedPort = s.getLocalPort();
        }
        try (TwilioSmsGateway g = gateway().apiBaseUrl(URI.create("http://127.0.0.1:" + closedPort))
                .retryPolicy(new RetryPolicy(2, Duration.ofMillis(50), Duration.ofSeconds(1))).build()) {
            GatewayResult r = g.send(GatewayRequest.of(PhoneNumber.of(TO), "Hi"));

            assertThat(r).isInstanceOfSatisfying(GatewayResult.Failed.class, f -> {
                assertThat(f.kind()).isEqualTo(FailureKind.TEMPORARY);
                assertThat(f.message()).startsWith("request not sent");
            });
        }
        assertThat(sleeper.pauses).containsExactly(Duration.ofMillis(50));
    }

    @Test
    void apiBaseUrlPathIsAPrefix() {
        wm.stubFor(post(urlPathEqualTo("/proxy" + MESSAGES_PATH)).willReturn(aResponse().withStatus(201)
                .withHeader("Content-Type", "application/json").withBody(messageJson(MESSAGE_SID, "queued", "2", FROM))));
        try (TwilioSmsGateway g = gateway().apiBaseUrl(URI.create(base(wm) + "/proxy/")).build()) {
            assertThat(g.send(GatewayRequest.of(PhoneNumber.of(TO), "Hi")))
                    .isEqualTo(new GatewayResult.Accepted(MESSAGE_SID, "queued", 2));
        }
    }

    @Test
    void toStringShowsNoSecret() {
        try (TwilioSmsGateway g = gateway().build();
             TwilioSmsGateway k = TwilioSmsGateway.builder()
                     .credentials(TwilioCredentials.ofApiKey(ACCOUNT_SID, API_KEY_SID, API_KEY_SECRET).withAuthToken(AUTH_TOKEN))
                     .from("ACME").build()) {
            assertThat(g.toString()).contains(ACCOUNT_SID).doesNotContain(AUTH_TOKEN).doesNotContain("5017122661");
            assertThat(k.toString()).contains("api-key").doesNotContain(API_KEY_SECRET).doesNotContain(AUTH_TOKEN);
            assertThat(g.name()).isEqualTo("twilio");
        }
    }

    @Test
    void retryAfterInThePastMeansNoPause() {
        SettableClock clock = SettableClock.at(Instant.parse("2025-06-01T12:00:00Z"));
        wm.stubFor(post(urlPathEqualTo(MESSAGES_PATH)).willReturn(aResponse().withStatus(429)
                .withHeader("Retry-After", "Sun, 01 Jun 2025 11:00:00 GMT")
                .withHeader("Content-Type", "application/json").withBody(errorJson(20429, "Too Many Requests", 429))));
        try (TwilioSmsGateway g = gateway().clock(clock).retryPolicy(RetryPolicy.NONE).build()) {
            assertThat(g.send(GatewayRequest.of(PhoneNumber.of(TO), "Hi"))).isInstanceOfSatisfying(
                    GatewayResult.Failed.class, f -> assertThat(f.retryAfter()).isZero());
        }
    }
}
