package io.consentkit.twilio;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayInputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;

import static org.assertj.core.api.Assertions.assertThat;

/** The built-in HTTP server over real HTTP on 127.0.0.1. */
class TwilioWebhookServerTest {
    private static final String TOKEN = "server-test-token";

    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    private TwilioWebhookServer server;

    @BeforeEach
    void start() {
        WebhookVerifier verifier = WebhookVerifier.builder(TOKEN).build();
        server = TwilioWebhookServer.builder()
                .bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0))
                .maxBodyBytes(4096)
                .route("/twilio/inbound", req -> {
                    SignatureCheck check = verifier.verify(req);
                    return check.accepted() ? WebhookResponse.twiml("Got " + req.parameter("Body").orElse("") + " <ok>")
                            : WebhookResponse.text(check.httpStatus(), check.outcome().name());
                })
                .route("/boom", req -> {
                    throw new IllegalStateException("handler bug");
                })
                .start();
    }

    @AfterEach
    void stop() {
        server.close();
    }

    private HttpResponse<String> send(HttpRequest.Builder b) throws Exception {
        return http.send(b.timeout(Duration.ofSeconds(10)).build(), HttpResponse.BodyHandlers.ofString());
    }

    private URI url(String path) {
        return URI.create(server.baseUrl() + path);
    }

    @Test
    void healthRoute() throws Exception {
        HttpResponse<String> r = send(HttpRequest.newBuilder(url("/health")).GET());
        assertThat(r.statusCode()).isEqualTo(200);
        assertThat(r.body()).isEqualTo("{\"status\":\"ok\"}");
        assertThat(r.headers().firstValue("Content-Type")).contains("application/json");

        assertThat(send(HttpRequest.newBuilder(url("/health")).POST(HttpRequest.BodyPublishers.ofString("x"))).statusCode())
                .isEqualTo(405);
    }

    @Test
    void signedFormPostReachesTheHandlerAndUnsignedIsRejected() throws Exception {
        String body = "Body=Hi&From=%2B14158675309";
        String signature = WebhookVerifierTest.hmac(TOKEN, server.baseUrl() + "/twilio/inbound" + "BodyHiFrom+14158675309");

        HttpResponse<String> ok = send(HttpRequest.newBuilder(url("/twilio/inbound"))
                .header("Content-Type", "application/x-www-form-urlencoded")
                .header("X-Twilio-Signature", signature)
                .POST(HttpRequest.BodyPublishers.ofString(body)));
        assertThat(ok.statusCode()).isEqualTo(200);
        assertThat(ok.headers().firstValue("Content-Type")).contains("text/xml; charset=utf-8");
        assertThat(ok.body()).isEqualTo("<?xml version=\"1.0\" encoding=\"UTF-8\"?><Response><Message>Got Hi &lt;ok&gt;</Message></Response>");

        HttpResponse<String> unsigned = send(HttpRequest.newBuilder(url("/twilio/inbound"))
                .header("Content-Type", "application/x-www-form-urlencoded")
                .POST(HttpRequest.BodyPublishers.ofString(body)));
        assertThat(unsigned.statusCode()).isEqualTo(403);
        assertThat(unsigned.body()).isEqualTo("MISSING_SIGNATURE");
    }

    @Test
    void oversizedBodiesAreRefusedWith413() throws Exception {
        String big = "Body=" + "x".repeat(5000);
        HttpResponse<String> declared = send(HttpRequest.newBuilder(url("/twilio/inbound"))
                .header("Content-Type", "application/x-www-form-urlencoded")
                .POST(HttpRequest.BodyPublishers.ofString(big)));
        assertThat(declared.statusCode()).isEqualTo(413);

        HttpResponse<String> chunked = send(HttpRequest.newBuilder(url("/twilio/inbound"))
                .header("Content-Type", "application/x-www-form-urlencoded")
                .POST(HttpRequest.BodyPublishers.ofInputStream(() -> new ByteArrayInputStream(big.getBytes()))));
        assertThat(chunked.statusCode()).isEqualTo(413);
    }

    @Test
    void unknownPathWrongMethodAndFailingHandler() throws Exception {
        assertThat(send(HttpRequest.newBuilder(url("/nope")).GET()).statusCode()).isEqualTo(404);
        HttpResponse<String> put = send(HttpRequest.newBuilder(url("/twilio/inbound")).PUT(HttpRequest.BodyPublishers.ofString("")));
        assertThat(put.statusCode()).isEqualTo(405);
        assertThat(put.headers().firstValue("Allow")).contains("POST, GET");
        assertThat(send(HttpRequest.newBuilder(url("/boom")).POST(HttpRequest.BodyPublishers.ofString(""))).statusCode())
                .isEqualTo(500);
        assertThat(send(HttpRequest.newBuilder(url("/health")).GET()).statusCode()).isEqualTo(200);
    }

    @Test
    void listensOnLoopbackOnly() {
        assertThat(server.baseUrl().getHost()).isEqualTo("127.0.0.1");
        assertThat(server.port()).isPositive();
    }
}
