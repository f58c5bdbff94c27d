package io.consentkit.twilio;

import io.consentkit.consent.ConsentTracker;
import io.consentkit.inbound.InboundHandler;
import io.consentkit.store.InMemoryConsentStore;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The built-in server under hostile clients, over real HTTP on 127.0.0.1: slow senders, many
 * connections from one address, malformed Host headers, floods of forged requests, and the
 * latency of concurrent signed STOPs.
 */
class WebhookServerHardeningTest {
    private static final String TOKEN = "hardening-token";
    private static final InetAddress LOOPBACK = InetAddress.getLoopbackAddress();

    private final ConsentTracker tracker = ConsentTracker.builder(new InMemoryConsentStore()).brand("Acme").build();
    private final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(5)).build();
    private TwilioWebhookServer server;

    @BeforeEach
    void start() {
        TwilioWebhooks webhooks = TwilioWebhooks.builder(WebhookVerifier.builder(TOKEN).build(), tracker)
                .inboundHandler(InboundHandler.builder(tracker).supportContact("help@example.com").build())
                .build();
        server = TwilioWebhookServer.builder()
                .bind(new InetSocketAddress(LOOPBACK, 0))
                .maxBodyBytes(4096)
                .routes(webhooks)
                .start();
    }

    @AfterEach
    void stop() {
        server.close();
        tracker.close();
    }

    private String inboundUrl() {
        return server.baseUrl() + TwilioWebhookServer.INBOUND_PATH;
    }

    private HttpRequest health(Duration timeout) {
        return HttpRequest.newBuilder(URI.create(server.baseUrl() + "/health")).timeout(timeout).GET().build();
    }

    /** A signed STOP from {@code from}, as Twilio would post it to this server. */
    private HttpRequest signedStop(String from, String sid) {
        Map<String, String> p = Signed.inbound(from, "STOP", sid);
        return HttpRequest.newBuilder(URI.create(inboundUrl())).timeout(Duration.ofSeconds(10))
                .header("Content-Type", "application/x-www-form-urlencoded")
                .header(WebhookVerifier.SIGNATURE_HEADER, Signed.signature(TOKEN, inboundUrl(), p))
                .POST(HttpRequest.BodyPublishers.ofString(Signed.form(p))).build();
    }

    /** Sends {@code request} on a fresh socket and returns the status line ("" if the server closed first). */
    private String rawStatusLine(String request) throws IOException {
        try (Socket s = new Socket(LOOPBACK, server.port())) {
            s.setSoTimeout(5000);
            s.getOutputStream().write(request.getBytes(StandardCharsets.ISO_8859_1));
            s.getOutputStream().flush();
            return readLine(s.getInputStream());
        }
    }

    private static String readLine(InputStream in) throws IOException {
        StringBuilder line = new StringBuilder();
        int c;
        while ((c = in.read()) >= 0 && c != '\n') {
            if (c != '\r') {
                line.append((char) c);
            }
        }
        return line.toString();
    }

    @Test
    @Timeout(30)
    void healthIsAnsweredWithinASecondWhileFiftySlowClientsDribbleHeaders() throws Exception {
        List<Socket> slow = new ArrayList<>();
        ScheduledExecutorService drip = Executors.newSingleThreadScheduledExecutor();
        try {
            for (int i = 0; i < 50; i++) {
                Socket s = new Socket(LOOPBACK, server.port());
                s.getOutputStream().write(("POST " + TwilioWebhookServer.INBOUND_PATH + " HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Slow-" + i + ": ")
                        .getBytes(StandardCharsets.ISO_8859_1));
                s.getOutputStream().flush();
                slow.add(s);
            }
            CountDownLatch dripped = new CountDownLatch(3);
            drip.scheduleAtFixedRate(() -> {
                for (Socket s : slow) {
                    try {
                        s.getOutputStream().write('a');
                        s.getOutputStream().flush();
                    } catch (IOException e) {
                        // a closed slow client is fine: the server may drop it
                    }
                }
                dripped.countDown();
            }, 100, 100, TimeUnit.MILLISECONDS);
            assertThat(dripped.await(10, TimeUnit.SECONDS)).isTrue();

            for (int probe = 0; probe < 5; probe++) {
                long t0 = System.nanoTime();
                HttpResponse<String> r = http.send(health(Duration.ofSeconds(1)), HttpResponse.BodyHandlers.ofString());
                long ms = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - t0);
                assertThat(r.statusCode()).isEqualTo(200);
                assertThat(ms).as("health answered in %d ms with 50 slow clients open", ms).isLessThan(1000);
            }
        } finally {
            drip.shutdownNow();
            for (Socket s : slow) {
                s.close();
            }
        }
    }

    @Test
    @Timeout(30)
    void aClientDribblingHeadersIsDroppedAfterTheHeaderTimeoutWhileARealClientIsServed() throws Exception {
        try (TwilioWebhookServer strict = TwilioWebhookServer.builder()
                .bind(new InetSocketAddress(LOOPBACK, 0))
                .headerTimeout(Duration.ofMillis(300))
                .route("/ok", r -> WebhookResponse.text(200, "ok\n"))
                .start();
             Socket slow = new Socket(LOOPBACK, strict.port())) {
            slow.setSoTimeout(10_000);
            OutputStream out = slow.getOutputStream();
            out.write("GET /ok HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Slow: ".getBytes(StandardCharsets.ISO_8859_1));
            ScheduledExecutorService drip = Executors.newSingleThreadScheduledExecutor();
            long t0 = System.nanoTime();
            try {
                // one byte every 50 ms: never idle, never done
                drip.scheduleAtFixedRate(() -> {
                    try {
                        out.write('a');
                    } catch (IOException closed) {
                        // the server dropped it: expected
                    }
                }, 50, 50, TimeUnit.MILLISECONDS);
                HttpResponse<String> real = http.send(HttpRequest.newBuilder(URI.create(strict.baseUrl() + "/ok"))
                        .timeout(Duration.ofSeconds(5)).GET().build(), HttpResponse.BodyHandlers.ofString());
                assertThat(real.statusCode()).isEqualTo(200);
                int first;
                try {
                    first = slow.getInputStream().read();
                } catch (SocketException reset) {
                    first = -1;
                }
                assertThat(first).as("the dribbling client gets no answer, only a close").isEqualTo(-1);
                assertThat(TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - t0)).isLessThan(5_000);
            } finally {
                drip.shutdownNow();
            }
        }
    }

    @Test
    @Timeout(30)
    void oneAddressGetsAtMostTheDefaultNumberOfConnections() throws Exception {
        int limit = TwilioWebhookServer.DEFAULT_MAX_CONNECTIONS_PER_ADDRESS;
        List<Socket> sockets = new ArrayList<>();
        try {
            for (int i = 0; i <= limit; i++) {
                Socket s = new Socket(LOOPBACK, server.port());
                s.setSoTimeout(5000);
                sockets.add(s);
            }
            int answered = 0;
            int refused = 0;
            for (Socket s : sockets) {
                String status;
                try {
                    OutputStream out = s.getOutputStream();
                    out.write("GET /health HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n".getBytes(StandardCharsets.ISO_8859_1));
                    out.flush();
                    status = readLine(s.getInputStream());
                } catch (SocketException closedByServer) {
                    status = "";
                }
                if (status.startsWith("HTTP/1.1 200")) {
                    answered++;
                } else {
                    assertThat(status).isEmpty();
                    refused++;
                }
            }
            assertThat(answered).isEqualTo(limit);
            assertThat(refused).isEqualTo(1);
        } finally {
            for (Socket s : sockets) {
                s.close();
            }
        }
        // once the server has seen the closes, the address may connect again
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        int status = 0;
        while (status != 200 && System.nanoTime() < deadline) {
            try {
                status = http.send(health(Duration.ofSeconds(5)), HttpResponse.BodyHandlers.ofString()).statusCode();
            } catch (IOException refusedUntilTheClosesAreSeen) {
                status = 0;
            }
        }
        assertThat(status).isEqualTo(200);
    }

    @Test
    @Timeout(30)
    void malformedHostHeadersGet400WithoutAStackTrace() throws Exception {
        try (LogCapture log = LogCapture.start()) {
            for (String host : List.of("-", "a..b", "1.2.3.4.5")) {
                String status = rawStatusLine("POST " + TwilioWebhookServer.INBOUND_PATH + " HTTP/1.1\r\nHost: " + host
                        + "\r\nContent-Type: application/x-www-form-urlencoded\r\nContent-Length: 7\r\nConnection: close\r\n\r\nBody=Hi");
                assertThat(status).as("Host: %s", host).startsWith("HTTP/1.1 400");
            }
            assertThat(log.lines()).noneMatch(l -> l.startsWith("\tat ") || l.contains("Exception"));
        }
    }

    @Test
    @Timeout(60)
    void aFloodOfForgedAndOversizeRequestsLogsABoundedNumberOfLines() throws Exception {
        int forged = 400;
        int oversize = 40;
        ExecutorService clients = Executors.newFixedThreadPool(8);
        try (LogCapture log = LogCapture.start()) {
            List<Future<Integer>> results = new ArrayList<>();
            for (int i = 0; i < forged + oversize; i++) {
                boolean big = i % 11 == 10;
                int n = i;
                results.add(clients.submit(() -> {
                    HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(inboundUrl())).timeout(Duration.ofSeconds(10))
                            .header("Content-Type", "application/x-www-form-urlencoded");
                    if (big) {
                        b.POST(HttpRequest.BodyPublishers.ofString("Body=" + "x".repeat(5000)));
                    } else {
                        b.header(WebhookVerifier.SIGNATURE_HEADER, "forged" + n + "=")
                                .POST(HttpRequest.BodyPublishers.ofString("From=%2B14158675309&Body=STOP&MessageSid=SM" + n));
                    }
                    return http.send(b.build(), HttpResponse.BodyHandlers.discarding()).statusCode();
                }));
            }
            int rejected = 0;
            for (Future<Integer> f : results) {
                int status = f.get(30, TimeUnit.SECONDS);
                assertThat(status).isIn(403, 413);
                rejected++;
            }
            assertThat(rejected).isEqualTo(forged + oversize);
            assertThat(log.lines()).as("log lines for %d rejected requests", rejected).hasSizeLessThanOrEqualTo(30);
        } finally {
            clients.shutdownNow();
        }
        assertThat(tracker.isOptedOut("+14158675309")).isFalse();
    }

    @Test
    @Timeout(60)
    void eightConcurrentSignedStopsAreAnsweredWithoutDelayedAckStalls() throws Exception {
        int clients = 8;
        int perClient = 30;
        int warmup = 5;
        // the same clients over the same loopback path with the health route: what this machine's load
        // alone costs a request in this run (a delayed-ACK stall adds ~40 ms to each STOP, not to this)
        long baseline = p50Micros(clients, perClient, warmup, (client, i) -> health(Duration.ofSeconds(10)));
        long stops = p50Micros(clients, perClient, warmup,
                (client, i) -> signedStop(String.format("+141586%02d%03d", client, i), "SM" + client + "x" + i));
        assertThat(stops).as("p50 latency in microseconds of %d concurrent signed STOPs (health route p50 in the same run: %d us)",
                clients, baseline).isLessThan(Math.max(20_000, 4 * baseline));
        assertThat(tracker.isOptedOut("+14158600000")).isTrue();
    }

    /** The median latency of {@code perClient} requests from each of {@code clients} threads, warm-up left out. */
    private static long p50Micros(int clients, int perClient, int warmup,
                                  java.util.function.BiFunction<Integer, Integer, HttpRequest> request) throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(clients);
        List<Long> micros = Collections.synchronizedList(new ArrayList<>());
        try {
            List<Future<?>> done = new ArrayList<>();
            for (int c = 0; c < clients; c++) {
                int client = c;
                done.add(pool.submit(() -> {
                    HttpClient own = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
                    for (int i = 0; i < perClient; i++) {
                        HttpRequest req = request.apply(client, i);
                        long t0 = System.nanoTime();
                        HttpResponse<String> r = own.send(req, HttpResponse.BodyHandlers.ofString());
                        long us = TimeUnit.NANOSECONDS.toMicros(System.nanoTime() - t0);
                        assertThat(r.statusCode()).isEqualTo(200);
                        if (i >= warmup) {
                            micros.add(us);
                        }
                    }
                    return null;
                }));
            }
            for (Future<?> f : done) {
                f.get(50, TimeUnit.SECONDS);
            }
        } finally {
            pool.shutdownNow();
        }
        List<Long> sorted = new ArrayList<>(micros);
        sorted.sort(null);
        assertThat(sorted).hasSize(clients * (perClient - warmup));
        return sorted.get(sorted.size() / 2);
    }
}
