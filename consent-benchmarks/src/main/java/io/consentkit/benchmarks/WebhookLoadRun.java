package io.consentkit.benchmarks;

import io.consentkit.consent.ConsentTracker;
import io.consentkit.inbound.InboundHandler;
import io.consentkit.journal.ConsentRecord;
import io.consentkit.store.CsvConsentStore;
import io.consentkit.twilio.TwilioWebhookServer;
import io.consentkit.twilio.TwilioWebhooks;
import io.consentkit.twilio.WebhookVerifier;
import org.eclipse.jetty.io.Content;
import org.eclipse.jetty.server.Handler;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.eclipse.jetty.util.Callback;

import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Webhook load run (not JMH: it drives real HTTP). 8 client threads post signed STOPs, each from a
 * number with an active consent, as fast as they are answered, to
 * <ol>
 *   <li>the baseline: a bare Jetty handler that reads the body and does one durable
 *       {@code CsvConsentStore.append} (fsync) per request, no parsing, no signature check;</li>
 *   <li>ConsentKit: {@link TwilioWebhookServer} with {@link TwilioWebhooks} over a
 *       {@link ConsentTracker} on a {@code CsvConsentStore} (signature check, keyword parse,
 *       revocation appended and forced before the TwiML answer).</li>
 * </ol>
 * Each runs three times, alternating, after a warm-up; then {@code /health} is probed while 50 slow
 * clients dribble header bytes at the ConsentKit server. Prints p50/p99 latency, requests per
 * second and the throughput ratio. Usage:
 * {@code java -cp benchmarks.jar io.consentkit.benchmarks.WebhookLoadRun [seconds per round] [clients]}.
 */
public final class WebhookLoadRun {
    /** Warm-up passes of 5 s per server, alternating: one left the first measured round still warming. */
    private static final int WARM_UP_ROUNDS = 3;

    private static final String TOKEN = "load-run-auth-token";
    private static final String PATH = TwilioWebhookServer.INBOUND_PATH;
    private static final int SEEDED = 400_000;
    private static final int ROUNDS = 3;
    private static final byte[] EMPTY_TWIML = "<?xml version=\"1.0\" encoding=\"UTF-8\"?><Response/>"
            .getBytes(StandardCharsets.UTF_8);

    private WebhookLoadRun() {
    }

    /** One round's figures. */
    record Figures(String name, long requests, double seconds, long p50Micros, long p99Micros, int errors) {
        double perSecond() {
            return requests / seconds;
        }

        @Override
        public String toString() {
            return String.format("%-34s %8d req %8.0f req/s  p50 %6.2f ms  p99 %6.2f ms  errors %d", name, requests,
                    perSecond(), p50Micros / 1000.0, p99Micros / 1000.0, errors);
        }
    }

    public static void main(String[] args) throws Exception {
        int seconds = args.length > 0 ? Integer.parseInt(args[0]) : 10;
        int clients = args.length > 1 ? Integer.parseInt(args[1]) : 8;
        Path dir = Files.createTempDirectory("consentkit-webhook-load");
        AtomicInteger nextNumber = new AtomicInteger();
        try {
            Path bareJournal = dir.resolve("bare.csv");
            Path ckJournal = JournalGenerator.write(dir.resolve("consentkit.csv"), SEEDED, 7);
            List<ConsentRecord> rows = JournalGenerator.rows(4096, 3);
            try (CsvConsentStore bareStore = CsvConsentStore.open(bareJournal);
                 ConsentTracker tracker = ConsentTracker.builder(CsvConsentStore.open(ckJournal)).brand("Acme").build()) {
                Server bare = bareJetty(bareStore, rows);
                URI bareUrl = URI.create("http://127.0.0.1:" + ((ServerConnector) bare.getConnectors()[0]).getLocalPort() + PATH);
                TwilioWebhooks webhooks = TwilioWebhooks.builder(WebhookVerifier.builder(TOKEN).build(), tracker)
                        .inboundHandler(InboundHandler.builder(tracker).supportContact("help@example.com").build())
                        .build();
                try (TwilioWebhookServer server = TwilioWebhookServer.builder()
                        .bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0)).routes(webhooks).start()) {
                    URI ckUrl = URI.create(server.baseUrl() + PATH);
                    System.out.printf("webhook load run: %d clients, %d s per round, %s%n", clients, seconds,
                            System.getProperty("java.vm.name") + " " + System.getProperty("java.version"));
                    for (int w = 0; w < WARM_UP_ROUNDS; w++) { // both servers alternately, as measured
                        load("warm-up bare", bareUrl, clients, 5, nextNumber);
                        load("warm-up consentkit", ckUrl, clients, 5, nextNumber);
                    }
                    List<Figures> bareRounds = new ArrayList<>();
                    List<Figures> ckRounds = new ArrayList<>();
                    for (int round = 1; round <= ROUNDS; round++) {
                        bareRounds.add(print(load("baseline bare Jetty + append #" + round, bareUrl, clients, seconds, nextNumber)));
                        ckRounds.add(print(load("ConsentKit webhook server #" + round, ckUrl, clients, seconds, nextNumber)));
                    }
                    for (int round = 0; round < ROUNDS; round++) {
                        System.out.printf("round %d: throughput ratio ConsentKit / baseline = %.2f (target >= 0.5); "
                                        + "ConsentKit p50 %.2f ms (target <= 5)%n", round + 1,
                                ckRounds.get(round).perSecond() / bareRounds.get(round).perSecond(),
                                ckRounds.get(round).p50Micros() / 1000.0);
                    }
                    System.out.printf("/health with 50 slow clients open: slowest of 10 probes %d ms (target <= 1000)%n",
                            healthUnderSlowloris(server.baseUrl(), 50, 10));
                } finally {
                    bare.stop();
                }
            }
        } finally {
            Dirs.deleteTree(dir);
        }
    }

    private static Figures print(Figures f) {
        System.out.println(f);
        return f;
    }

    /** A bare Jetty 12 core handler: read the body, one durable append, empty TwiML. */
    static Server bareJetty(CsvConsentStore store, List<ConsentRecord> rows) throws Exception {
        Server server = new Server();
        ServerConnector connector = new ServerConnector(server);
        connector.setHost("127.0.0.1");
        connector.setPort(0);
        server.addConnector(connector);
        AtomicInteger next = new AtomicInteger();
        server.setHandler(new Handler.Abstract() {
            @Override
            public boolean handle(Request request, Response response, Callback callback) throws Exception {
                String body = Content.Source.asString(request, StandardCharsets.UTF_8);
                if (body.isEmpty()) {
                    Response.writeError(request, response, callback, 400);
                    return true;
                }
                store.append(List.of(rows.get(next.getAndIncrement() & (rows.size() - 1))));
                response.getHeaders().put("Content-Type", "text/xml; charset=utf-8");
                response.getHeaders().put("Content-Length", EMPTY_TWIML.length);
                response.write(true, ByteBuffer.wrap(EMPTY_TWIML), callback);
                return true;
            }
        });
        server.start();
        return server;
    }

    /** {@code clients} threads post signed STOPs to {@code url} for {@code seconds}. */
    static Figures load(String name, URI url, int clients, int seconds, AtomicInteger nextNumber) throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(clients);
        long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(seconds);
        long t0 = System.nanoTime();
        List<Future<long[]>> results = new ArrayList<>();
        AtomicInteger errors = new AtomicInteger();
        for (int c = 0; c < clients; c++) {
            results.add(pool.submit(() -> {
                HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
                long[] micros = new long[1024];
                int n = 0;
                while (System.nanoTime() < end) {
                    int i = nextNumber.getAndIncrement();
                    int consent = i + i / 9; // skip every tenth seeded consent: JournalGenerator revoked it
                    HttpRequest request = signedStop(url, JournalGenerator.phone(consent % SEEDED), "SMload" + i);
                    long s = System.nanoTime();
                    HttpResponse<String> r = http.send(request, HttpResponse.BodyHandlers.ofString());
                    long us = TimeUnit.NANOSECONDS.toMicros(System.nanoTime() - s);
                    if (r.statusCode() != 200) {
                        errors.incrementAndGet();
                    }
                    if (n == micros.length) {
                        micros = Arrays.copyOf(micros, n * 2);
                    }
                    micros[n++] = us;
                }
                return Arrays.copyOf(micros, n);
            }));
        }
        List<long[]> all = new ArrayList<>();
        for (Future<long[]> f : results) {
            all.add(f.get());
        }
        double elapsed = (System.nanoTime() - t0) / 1e9;
        pool.shutdown();
        long[] merged = all.stream().flatMapToLong(Arrays::stream).sorted().toArray();
        return new Figures(name, merged.length, elapsed, percentile(merged, 0.50), percentile(merged, 0.99), errors.get());
    }

    private static long percentile(long[] sorted, double p) {
        return sorted.length == 0 ? 0 : sorted[(int) Math.min(sorted.length - 1, Math.floor(sorted.length * p))];
    }

    /** A STOP signed the way Twilio signs it: HMAC-SHA1 over the URL and the sorted name/value pairs. */
    static HttpRequest signedStop(URI url, String from, String sid) throws Exception {
        String[][] params = {{"Body", "STOP"}, {"From", from}, {"MessageSid", sid}, {"To", "+15128001234"}};
        StringBuilder data = new StringBuilder(url.toString());
        StringBuilder form = new StringBuilder();
        for (String[] p : params) {
            data.append(p[0]).append(p[1]);
            form.append(form.length() == 0 ? "" : "&").append(p[0]).append('=')
                    .append(URLEncoder.encode(p[1], StandardCharsets.UTF_8));
        }
        Mac mac = Mac.getInstance("HmacSHA1");
        mac.init(new SecretKeySpec(TOKEN.getBytes(StandardCharsets.UTF_8), "HmacSHA1"));
        String signature = Base64.getEncoder().encodeToString(mac.doFinal(data.toString().getBytes(StandardCharsets.UTF_8)));
        return HttpRequest.newBuilder(url).timeout(Duration.ofSeconds(30))
                .header("Content-Type", "application/x-www-form-urlencoded")
                .header("X-Twilio-Signature", signature)
                .POST(HttpRequest.BodyPublishers.ofString(form.toString())).build();
    }

    /** The slowest of {@code probes} {@code /health} answers while {@code slow} clients dribble headers. */
    static long healthUnderSlowloris(URI base, int slow, int probes) throws Exception {
        List<Socket> sockets = new ArrayList<>();
        ScheduledExecutorService drip = Executors.newSingleThreadScheduledExecutor();
        try {
            for (int i = 0; i < slow; i++) {
                Socket s = new Socket(base.getHost(), base.getPort());
                s.getOutputStream().write(("POST " + PATH + " HTTP/1.1\r\nHost: " + base.getAuthority() + "\r\nX-Slow: ")
                        .getBytes(StandardCharsets.ISO_8859_1));
                sockets.add(s);
            }
            drip.scheduleAtFixedRate(() -> {
                for (Socket s : sockets) {
                    try {
                        s.getOutputStream().write('a');
                    } catch (IOException e) {
                        // dropped by the server: fine
                    }
                }
            }, 0, 500, TimeUnit.MILLISECONDS);
            HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
            long worst = 0;
            for (int i = 0; i < probes; i++) {
                long s = System.nanoTime();
                try {
                    int status = http.send(HttpRequest.newBuilder(URI.create(base + "/health")).timeout(Duration.ofSeconds(5))
                            .GET().build(), HttpResponse.BodyHandlers.discarding()).statusCode();
                    worst = Math.max(worst, status == 200 ? TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - s) : Long.MAX_VALUE);
                } catch (java.net.http.HttpTimeoutException e) {
                    worst = Math.max(worst, 5000);
                }
            }
            return worst;
        } finally {
            drip.shutdownNow();
            for (Socket s : sockets) {
                s.close();
            }
        }
    }
}
