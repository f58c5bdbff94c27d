package io.consentkit.twilio;

import io.consentkit.InvalidInputException;
import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Servlets mounted beside the webhooks, over real HTTP on 127.0.0.1. */
class ServletMountTest {
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    /** Answers with the servlet path and path info it was given. */
    static final class Echo extends HttpServlet {
        private final String name;

        Echo(String name) {
            this.name = name;
        }

        @Override
        protected void service(HttpServletRequest req, HttpServletResponse resp) throws IOException {
            resp.setContentType("text/plain; charset=utf-8");
            resp.getWriter().write(name + " " + req.getMethod() + " " + req.getServletPath() + " "
                    + req.getPathInfo());
        }
    }

    private HttpResponse<String> get(TwilioWebhookServer server, String path) throws Exception {
        return http.send(HttpRequest.newBuilder(URI.create(server.baseUrl() + path)).timeout(Duration.ofSeconds(10))
                .GET().build(), HttpResponse.BodyHandlers.ofString());
    }

    @Test
    void exactAndPrefixMountsServeBesideTheWebhooksAndHealth() throws Exception {
        try (TwilioWebhookServer server = TwilioWebhookServer.builder()
                .bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0))
                .route("/twilio/inbound", req -> WebhookResponse.twiml("hook"))
                .mount("/optin", new Echo("optin"))
                .mount("/console/*", new Echo("console"))
                .start()) {
            assertThat(get(server, "/optin").body()).isEqualTo("optin GET /optin null");
            assertThat(get(server, "/console/search").body()).isEqualTo("console GET /console /search");
            assertThat(get(server, "/console").body()).isEqualTo("console GET /console null");
            assertThat(get(server, "/health").statusCode()).isEqualTo(200);
            assertThat(get(server, "/twilio/inbound").body()).contains("hook");
            assertThat(get(server, "/elsewhere").statusCode()).isEqualTo(404);
            assertThat(server.baseUrl().getHost()).isEqualTo("127.0.0.1");
        }
    }

    @Test
    void badOrClashingSpecsAreRefusedNamingTheField() {
        TwilioWebhookServer.Builder b = TwilioWebhookServer.builder().route("/twilio/inbound", req -> WebhookResponse.noContent())
                .mount("/optin", new Echo("a"));
        for (String bad : new String[] {"optin", "/a/*/b", "/x?y", "*.html", ""}) {
            assertThatThrownBy(() -> b.mount(bad, new Echo("b"))).isInstanceOf(InvalidInputException.class)
                    .extracting(e -> ((InvalidInputException) e).field()).isEqualTo("pathSpec");
        }
        assertThatThrownBy(() -> b.mount("/optin", new Echo("b"))).hasMessageContaining("already mounted");
        assertThatThrownBy(() -> b.mount("/twilio/inbound", new Echo("b"))).hasMessageContaining("already mounted");
        assertThatThrownBy(() -> TwilioWebhookServer.builder().mount("/health", new Echo("h")).start())
                .isInstanceOf(InvalidInputException.class).hasMessageContaining("healthPath");
    }
}
