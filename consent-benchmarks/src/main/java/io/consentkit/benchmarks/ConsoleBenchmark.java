package io.consentkit.benchmarks;

import io.consentkit.consent.ConsentTracker;
import io.consentkit.journal.ConsentStatus;
import io.consentkit.phone.PhoneNumber;
import io.consentkit.send.InMemorySendLog;
import io.consentkit.send.MessageCategory;
import io.consentkit.send.SendLogEntry;
import io.consentkit.store.CsvConsentStore;
import io.consentkit.twilio.TwilioWebhookServer;
import io.consentkit.web.ConsoleAuth;
import io.consentkit.web.ConsoleCredentials;
import io.consentkit.web.console.ConsoleQueries;
import io.consentkit.web.console.ConsoleSendLog;
import io.consentkit.web.console.ConsoleServlet;
import io.consentkit.web.console.ConsoleStats;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

import java.io.IOException;
import java.math.BigDecimal;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Issue target "speed at 1M consents": the operator console over real HTTP on 127.0.0.1 (embedded Jetty,
 * the {@link ConsoleServlet} behind the {@link ConsoleAuth} login, one session), over a CSV journal of N consents ({@link JournalGenerator}: about N/10
 * revocations, a year of days) and a send log of N/5 decisions:
 * <ul>
 *   <li>{@code lookupPage}: a number's timeline page (GET {@code /console/number/<ref>}), target 50 ms;</li>
 *   <li>{@code dashboardPage}: the dashboard with its seven SVG charts over 30 days (GET {@code /console/}),
 *       target 300 ms;</li>
 * </ul>
 * beside three baselines from the same run: {@code baselineStatus} (the bare tracker {@code status()}
 * lookup the timeline starts from), {@code baselineHttpStatic} (the login page over the same HTTP path:
 * the floor of any page) and {@code baselineDayScan} (the per-day counts a dashboard would
 * cost without the console's counters: one replay of the journal, counting opt-ins and opt-outs per day).
 * Run: {@code ./bin/benchmarks ConsoleBenchmark} (or {@code -p consents=100000}).
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(value = 1, jvmArgs = {"-Xmx3g"})
public class ConsoleBenchmark {
    private static final String PASSWORD = "bench password 2026";
    private static final int NUMBERS = 1024;

    @Param({"1000000"})
    public int consents;

    private Path dir;
    private CsvConsentStore store;
    private ConsentTracker tracker;
    private TwilioWebhookServer server;
    private HttpClient http;
    private URI base;
    private URI[] pages;
    private PhoneNumber[] numbers;
    private int next;

    @Setup(Level.Trial)
    public void setUp() throws Exception {
        dir = Files.createTempDirectory("consentkit-console-bench");
        Path journal = JournalGenerator.write(dir.resolve("journal.csv"), consents, 11);
        Instant end = Instant.parse("2024-01-01T00:00:00Z").plusSeconds(consents * 30L);
        Clock clock = Clock.fixed(end, ZoneOffset.UTC);
        store = CsvConsentStore.open(journal);
        ConsoleStats stats = ConsoleStats.create(ZoneOffset.UTC, "default");
        tracker = ConsentTracker.builder(store).clock(clock).listener(stats).build();
        stats.load(store::replay);
        InMemorySendLog raw = new InMemorySendLog(consents / 5);
        String[] reasons = {"OPTED_OUT", "QUIET_HOURS", "NO_CONSENT", "DAILY_CAP"};
        for (int i = 0; i < consents / 5; i++) {
            String e164 = JournalGenerator.phone(i * 5 % consents);
            boolean blocked = i % 7 == 0;
            raw.record(new SendLogEntry(end.minusSeconds((consents / 5 - i) * 60L),
                    blocked ? SendLogEntry.Decision.BLOCKED : SendLogEntry.Decision.SENT,
                    blocked ? reasons[i % reasons.length] : "", io.consentkit.support.Masking.phone(e164),
                    MessageCategory.MARKETING, "", "", 40, 1, blocked ? null : new BigDecimal("0.0079"),
                    blocked ? "" : "USD", blocked ? "" : "SM" + i, 0, "", null, blocked ? "" : "bench", null, 0, null,
                    raw.recipientKey(e164), List.of(), "default", "", ""));
        }
        ConsoleSendLog sends = ConsoleSendLog.wrap(raw, ZoneOffset.UTC);
        ConsoleQueries queries = ConsoleQueries.builder(tracker, stats).sendLog(sends).clock(clock).build();

        ConsoleAuth auth = ConsoleAuth.builder(ConsoleCredentials.password("bench", PASSWORD.toCharArray(), 10_000))
                .build();
        server = TwilioWebhookServer.builder()
                .bind(new java.net.InetSocketAddress(java.net.InetAddress.getLoopbackAddress(), 0))
                .mount(auth.loginPath(), auth.loginServlet())
                .mount("/console/*", new ConsoleServlet(queries, auth, a -> { })).start();
        base = server.baseUrl().resolve("/console");
        http = HttpClient.newBuilder().cookieHandler(new java.net.CookieManager())
                .followRedirects(HttpClient.Redirect.NEVER).build();
        String login = get(URI.create(base + "/login"));
        HttpResponse<Void> in = http.send(form("/login", "csrf=" + hidden(login, "csrf") + "&next=%2Fconsole%2F"
                + "&user=bench&password=" + PASSWORD.replace(" ", "+")), HttpResponse.BodyHandlers.discarding());
        if (in.statusCode() != 303) {
            throw new IllegalStateException("login answered " + in.statusCode());
        }
        String token = hidden(get(URI.create(base + "/")), "csrf");
        pages = new URI[NUMBERS];
        numbers = new PhoneNumber[NUMBERS];
        for (int i = 0; i < NUMBERS; i++) {
            int consent = (int) ((i * 7919L) % consents);
            numbers[i] = new PhoneNumber(JournalGenerator.phone(consent));
            HttpResponse<Void> r = http.send(form("/search", "csrf=" + token + "&q="
                    + numbers[i].e164().replace("+", "%2B")), HttpResponse.BodyHandlers.discarding());
            pages[i] = base.resolve(r.headers().firstValue("Location").orElseThrow());
        }
    }

    @TearDown(Level.Trial)
    public void tearDown() throws Exception {
        server.close();
        tracker.close();
        Dirs.deleteTree(dir);
    }

    private HttpRequest form(String path, String body) {
        return HttpRequest.newBuilder(URI.create(base + path)).header("Content-Type", "application/x-www-form-urlencoded")
                .POST(HttpRequest.BodyPublishers.ofString(body)).build();
    }

    private static String hidden(String html, String name) {
        java.util.regex.Matcher m = java.util.regex.Pattern.compile("name=\"" + name + "\" value=\"([^\"]*)\"")
                .matcher(html);
        if (!m.find()) {
            throw new IllegalStateException("no hidden " + name);
        }
        return m.group(1);
    }

    private String get(URI uri) throws IOException, InterruptedException {
        HttpResponse<String> r = http.send(HttpRequest.newBuilder(uri).GET().build(), HttpResponse.BodyHandlers.ofString());
        if (r.statusCode() != 200) {
            throw new IllegalStateException(uri + " answered " + r.statusCode());
        }
        return r.body();
    }

    @Benchmark
    public Object baselineStatus() {
        return tracker.status(numbers[next++ & (NUMBERS - 1)]);
    }

    @Benchmark
    public int baselineHttpStatic() throws Exception {
        return get(URI.create(base + "/login")).length();
    }

    @Benchmark
    public int lookupPage() throws Exception {
        return get(pages[next++ & (NUMBERS - 1)]).length();
    }

    @Benchmark
    public int dashboardPage() throws Exception {
        return get(URI.create(base + "/?days=30")).length();
    }

    @Benchmark
    public long baselineDayScan() {
        java.util.Map<LocalDate, long[]> days = new java.util.HashMap<>();
        store.replay(r -> {
            if (r.status() == ConsentStatus.ACTIVE || r.status() == ConsentStatus.REVOKED) {
                Instant at = r.revokedAt() != null ? r.revokedAt() : r.timestamp();
                days.computeIfAbsent(at.atZone(ZoneOffset.UTC).toLocalDate(), d -> new long[2])
                        [r.status() == ConsentStatus.ACTIVE ? 0 : 1]++;
            }
        });
        return days.size();
    }
}
