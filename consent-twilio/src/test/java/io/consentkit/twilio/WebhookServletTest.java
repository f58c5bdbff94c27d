package io.consentkit.twilio;

import io.consentkit.consent.ConsentTracker;
import io.consentkit.inbound.InboundHandler;
import io.consentkit.store.InMemoryConsentStore;
import jakarta.servlet.ServletContainerInitializer;
import jakarta.servlet.ServletContext;
import jakarta.servlet.ServletRegistration;
import org.eclipse.jetty.ee11.servlet.ServletContextHandler;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.io.InputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@link WebhookServlet} in a servlet container set up through the plain Servlet API (here Jetty,
 * as any container would run it), and its body timeout in the built-in server.
 */
@Timeout(30)
class WebhookServletTest {
    private static final String TOKEN = "servlet-token";
    private static final String PERSON = "+14158675309";

    private final ConsentTracker tracker = ConsentTracker.builder(new InMemoryConsentStore()).brand("Acme").build();
    private final TwilioWebhooks webhooks = TwilioWebhooks.builder(WebhookVerifier.builder(TOKEN).build(), tracker)
            .inboundHandler(InboundHandler.builder(tracker).supportContact("help@example.com").build())
            .build();
    private final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
    private Server container;

    @AfterEach
    void stop() throws Exception {
        if (container != null) {
            container.stop();
        }
        tracker.close();
    }

    /** A container whose application registers the servlet at start-up, as a web app does. */
    private URI startContainer(boolean async) throws Exception {
        container = new Server();
        ServerConnector connector = new ServerConnector(container);
        connector.setHost("127.0.0.1");
        connector.setPort(0);
        container.addConnector(connector);
        ServletContextHandler context = new ServletContextHandler("/app");
        ServletContainerInitializer app = (classes, servletContext) -> register(servletContext, async);
        context.addServletContainerInitializer(app);
        container.setHandler(context);
        container.start();
        return URI.create("http://127.0.0.1:" + connector.getLocalPort() + "/app/twilio/inbound");
    }

    private void register(ServletContext servletContext, boolean async) {
        // snippet: servlet-mount
        ServletRegistration.Dynamic inbound = servletContext.addServlet("twilio-inbound",
                new WebhookServlet(webhooks::inbound));
        inbound.setAsyncSupported(true); // bodies are read without holding a thread
        inbound.addMapping("/twilio/inbound");
        ServletRegistration.Dynamic status = servletContext.addServlet("twilio-status",
                new WebhookServlet(webhooks::status));
        status.setAsyncSupported(true);
        status.addMapping("/twilio/status");
        // end snippet
        inbound.setAsyncSupported(async);
    }

    private HttpResponse<String> signedStop(URI url) throws Exception {
        Map<String, String> p = Signed.inbound(PERSON, "STOP", "SM1");
        return http.send(HttpRequest.newBuilder(url).timeout(Duration.ofSeconds(10))
                .header("Content-Type", "application/x-www-form-urlencoded")
                .header(WebhookVerifier.SIGNATURE_HEADER, Signed.signature(TOKEN, url.toString(), p))
                .POST(HttpRequest.BodyPublishers.ofString(Signed.form(p))).build(), HttpResponse.BodyHandlers.ofString());
    }

    @Test
    void servesTheHandlersInAServletContainerUnderItsContextPath() throws Exception {
        URI url = startContainer(true);
        HttpResponse<String> r = signedStop(url);
        assertThat(r.statusCode()).isEqualTo(200);
        assertThat(r.body()).isEqualTo("<?xml version=\"1.0\" encoding=\"UTF-8\"?><Response/>");
        assertThat(tracker.isOptedOut(PERSON)).isTrue();

        HttpResponse<String> put = http.send(HttpRequest.newBuilder(url).PUT(HttpRequest.BodyPublishers.ofString("x")).build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(put.statusCode()).isEqualTo(405);
        assertThat(put.headers().firstValue("Allow")).contains("POST, GET");
    }

    @Test
    void withoutAsyncSupportTheBodyIsReadBlockingAndStillBounded() throws Exception {
        URI url = startContainer(false);
        assertThat(signedStop(url).statusCode()).isEqualTo(200);
        assertThat(tracker.isOptedOut(PERSON)).isTrue();

        // the servlet stops reading at the limit and answers 413; the container then closes the
        // connection with the rest of the body unread, so the client sees either the 413 or, when it is
        // still writing at that moment, a reset (broken pipe): both mean the body was refused unread
        try {
            HttpResponse<String> big = http.send(HttpRequest.newBuilder(url)
                    .header("Content-Type", "application/x-www-form-urlencoded")
                    .POST(HttpRequest.BodyPublishers.ofString("Body=" + "x".repeat(70_000))).build(),
                    HttpResponse.BodyHandlers.ofString());
            assertThat(big.statusCode()).isEqualTo(413);
        } catch (java.io.IOException refusedWhileWriting) {
            Throwable root = refusedWhileWriting;
            while (root.getCause() != null) {
                root = root.getCause();
            }
            assertThat(root.getMessage()).as("the connection was closed on the client mid-body")
                    .containsAnyOf("Broken pipe", "Connection reset", "header parser received no bytes");
        }
        assertThat(signedStop(url).statusCode()).as("the servlet still serves").isEqualTo(200);
    }

    @Test
    void aBodyThatDoesNotArriveInTimeGets408AndHoldsNoThreadMeanwhile() throws Exception {
        try (TwilioWebhookServer server = TwilioWebhookServer.builder()
                .bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0))
                .threads(1)
                .bodyTimeout(Duration.ofMillis(1500))
                .routes(webhooks)
                .start()) {
            List<Socket> slow = new ArrayList<>();
            try {
                for (int i = 0; i < 4; i++) {
                    Socket s = new Socket(InetAddress.getLoopbackAddress(), server.port());
                    s.setSoTimeout(10_000);
                    s.getOutputStream().write(("POST " + TwilioWebhookServer.INBOUND_PATH + " HTTP/1.1\r\nHost: 127.0.0.1\r\n"
                            + "Content-Type: application/x-www-form-urlencoded\r\nContent-Length: 100\r\n\r\nFrom=")
                            .getBytes(StandardCharsets.ISO_8859_1));
                    s.getOutputStream().flush();
                    slow.add(s);
                }
                long t0 = System.nanoTime();
                HttpResponse<String> health = http.send(HttpRequest.newBuilder(URI.create(server.baseUrl() + "/health"))
                        .timeout(Duration.ofSeconds(1)).GET().build(), HttpResponse.BodyHandlers.ofString());
                assertThat(health.statusCode()).isEqualTo(200);
                assertThat(TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - t0)).isLessThan(1000);
                for (Socket s : slow) {
                    assertThat(statusLine(s.getInputStream())).startsWith("HTTP/1.1 408");
                }
            } finally {
                for (Socket s : slow) {
                    s.close();
                }
            }
        }
        assertThat(tracker.isOptedOut(PERSON)).isFalse();
    }

    private static String statusLine(InputStream in) throws java.io.IOException {
        StringBuilder line = new StringBuilder();
        int c;
        while ((c = in.read()) >= 0 && c != '\n') {
            if (c != '\r') {
                line.append((char) c);
            }
        }
        return line.toString();
    }
}
