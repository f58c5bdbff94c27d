package io.consentkit.cli;

import io.consentkit.twilio.WebhookSigner;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;

/** {@code consent serve --console}: the web pages beside the webhooks, over real HTTP on 127.0.0.1. */
class ServeConsoleTest {
    private static final String TOKEN = "serve-console-auth-token";
    private static final String PERSON = "+14158675309";
    @TempDir
    Path dir;
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    private HttpResponse<String> get(String url) throws Exception {
        return http.send(HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(10)).GET().build(),
                HttpResponse.BodyHandlers.ofString());
    }

    private HttpResponse<String> post(String url, Map<String, String> form, String... headers) throws Exception {
        StringBuilder body = new StringBuilder();
        form.forEach((k, v) -> body.append(body.length() == 0 ? "" : "&").append(URLEncoder.encode(k, StandardCharsets.UTF_8))
                .append('=').append(URLEncoder.encode(v, StandardCharsets.UTF_8)));
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(10))
                .header("Content-Type", "application/x-www-form-urlencoded")
                .POST(HttpRequest.BodyPublishers.ofString(body.toString()));
        if (headers.length > 0) {
            b.headers(headers);
        }
        return http.send(b.build(), HttpResponse.BodyHandlers.ofString());
    }

    @Test
    void consoleMountsTheOptInPageAndTheFrontDeskAndAYesActivatesTheNumber() throws Exception {
        Path token = dir.resolve("token");
        Files.writeString(token, TOKEN);
        String store = dir.resolve("consents.csv").toString();
        ListeningConsole console = new ListeningConsole();
        StringWriter err = new StringWriter();
        AtomicInteger exit = new AtomicInteger(-1);
        Map<String, String> env = Map.of("CONSENTKIT_CONSOLE_PASSWORD", "correct horse battery");
        Thread serve = new Thread(() -> exit.set(ConsentCli.run(new String[] {"serve", "--port", "0", "--store", store,
                "--auth-token-file", token.toString(), "--brand", "Basin Climbing", "--format", "json", "--console",
                "--gateway", "test-fake", "--optin-terms", "https://basin.example/terms", "--optin-privacy",
                "https://basin.example/privacy", "--location", "Main St"}, new PrintWriter(console, true),
                new PrintWriter(err, true), env)), "serve-console");
        serve.start();
        try {
            assertThat(console.listening.await(20, TimeUnit.SECONDS)).as(err.toString()).isTrue();
            Matcher m = Pattern.compile("\"listening\":\"(http://127\\.0\\.0\\.1:\\d+)\"").matcher(console.toString());
            assertThat(m.find()).as(console.toString()).isTrue();
            String base = m.group(1);
            assertThat(console.toString()).contains("\"pages\":{\"login\":\"/console/login\",\"frontDesk\":\"/frontdesk\","
                    + "\"console\":\"/console/\",\"optIn\":\"/optin\"}");

            HttpResponse<String> page = get(base + "/optin");
            assertThat(page.statusCode()).isEqualTo(200);
            assertThat(page.body()).contains("Basin Climbing", "https://basin.example/terms");
            Matcher version = Pattern.compile("name=\"version\" value=\"([0-9a-f]+)\"").matcher(page.body());
            assertThat(version.find()).isTrue();
            HttpResponse<String> signUp = post(base + "/optin", Map.of("version", version.group(1), "phone", PERSON,
                    "consent", "yes"));
            assertThat(signUp.statusCode()).as(signUp.body()).isEqualTo(200);
            assertThat(TestGatewayProvider.last.lastRequest().body()).contains("reply Y");
            assertThat(CliTestSupport.run("status", PERSON, "--store", store).out()).doesNotContain("ACTIVE");

            Map<String, String> yes = WebhookSigner.inboundMessage(PERSON, "+15855550100", "Y", "SM" + "1".repeat(32));
            String inbound = base + "/twilio/inbound";
            HttpResponse<String> answered = http.send(HttpRequest.newBuilder(URI.create(inbound))
                    .header("Content-Type", "application/x-www-form-urlencoded")
                    .header("X-Twilio-Signature", WebhookSigner.of(TOKEN).sign(inbound, yes))
                    .POST(HttpRequest.BodyPublishers.ofString(WebhookSigner.formBody(yes))).build(),
                    HttpResponse.BodyHandlers.ofString());
            assertThat(answered.statusCode()).isEqualTo(200);

            HttpResponse<String> desk = get(base + "/frontdesk");
            assertThat(desk.statusCode()).as("the front desk needs the login").isEqualTo(303);
            assertThat(get(base + "/console/login").body()).contains("Console login");
        } finally {
            serve.interrupt();
            serve.join(10_000);
        }
        assertThat(exit.get()).as(err.toString()).isZero();
        assertThat(CliTestSupport.run("status", PERSON, "--store", store).out()).contains("ACTIVE");
        assertThat(Files.list(dir.resolve("page-snapshots"))).hasSize(1);
    }

    @Test
    void theConsoleIsMountedAndCountsWhatTheServerWritesAfterOpen() throws Exception {
        Path token = dir.resolve("token");
        Files.writeString(token, TOKEN);
        String store = dir.resolve("consents.csv").toString();
        assertThat(CliTestSupport.run("record", PERSON, "--store", store).exit()).isZero(); // before the server opens
        ListeningConsole console = new ListeningConsole();
        StringWriter err = new StringWriter();
        AtomicInteger exit = new AtomicInteger(-1);
        Map<String, String> env = Map.of("CONSENTKIT_CONSOLE_PASSWORD", "correct horse battery");
        Thread serve = new Thread(() -> exit.set(ConsentCli.run(new String[] {"serve", "--port", "0", "--store", store,
                "--auth-token-file", token.toString(), "--format", "json", "--console"},
                new PrintWriter(console, true), new PrintWriter(err, true), env)), "serve-console");
        serve.start();
        try {
            assertThat(console.listening.await(20, TimeUnit.SECONDS)).as(err.toString()).isTrue();
            Matcher m = Pattern.compile("\"listening\":\"(http://127\\.0\\.0\\.1:\\d+)\"").matcher(console.toString());
            assertThat(m.find()).as(console.toString()).isTrue();
            String base = m.group(1);
            assertThat(console.toString()).contains("\"console\":\"/console/\"");

            // a STOP through the signed webhook: written by the server's tracker, so counted as it is written
            Map<String, String> stop = WebhookSigner.inboundMessage(PERSON, "+15855550100", "STOP", "SM" + "2".repeat(32));
            String inbound = base + "/twilio/inbound";
            assertThat(http.send(HttpRequest.newBuilder(URI.create(inbound))
                    .header("Content-Type", "application/x-www-form-urlencoded")
                    .header("X-Twilio-Signature", WebhookSigner.of(TOKEN).sign(inbound, stop))
                    .POST(HttpRequest.BodyPublishers.ofString(WebhookSigner.formBody(stop))).build(),
                    HttpResponse.BodyHandlers.ofString()).statusCode()).isEqualTo(200);

            HttpClient operator = HttpClient.newBuilder().cookieHandler(new java.net.CookieManager())
                    .connectTimeout(Duration.ofSeconds(5)).build();
            HttpResponse<String> anonymous = operator.send(HttpRequest.newBuilder(URI.create(base + "/console/")).GET()
                    .build(), HttpResponse.BodyHandlers.ofString());
            assertThat(anonymous.statusCode()).as("the console needs the login").isEqualTo(303);
            String loginPage = operator.send(HttpRequest.newBuilder(URI.create(base + "/console/login?next=/console/"))
                    .GET().build(), HttpResponse.BodyHandlers.ofString()).body();
            Matcher csrf = Pattern.compile("name=\"csrf\" value=\"([^\"]+)\"").matcher(loginPage);
            assertThat(csrf.find()).as(loginPage).isTrue();
            String form = "csrf=" + URLEncoder.encode(csrf.group(1), StandardCharsets.UTF_8)
                    + "&next=%2Fconsole%2F&user=operator&password=" + URLEncoder.encode("correct horse battery", StandardCharsets.UTF_8);
            HttpResponse<String> in = operator.send(HttpRequest.newBuilder(URI.create(base + "/console/login"))
                    .header("Content-Type", "application/x-www-form-urlencoded")
                    .POST(HttpRequest.BodyPublishers.ofString(form)).build(), HttpResponse.BodyHandlers.ofString());
            assertThat(in.statusCode()).as(in.body()).isEqualTo(303);
            HttpResponse<String> dashboard = operator.send(HttpRequest.newBuilder(URI.create(base + "/console/")).GET()
                    .build(), HttpResponse.BodyHandlers.ofString());
            assertThat(dashboard.statusCode()).as(dashboard.body()).isEqualTo(200);
            assertThat(dashboard.body()).contains("Dashboard", "1 opt-ins, 1 opt-outs").doesNotContain(PERSON);
        } finally {
            serve.interrupt();
            serve.join(10_000);
        }
        assertThat(exit.get()).as(err.toString()).isZero();
    }

    @Test
    void noConsoleWithoutCredentials() {
        CliTestSupport.Result r = CliTestSupport.runWithEnv(Map.of(), "serve", "--port", "0", "--store",
                dir.resolve("c.csv").toString(), "--auth-token-file", writeToken().toString(), "--console");
        assertThat(r.exit()).isEqualTo(ConsentCli.EXIT_BAD_INPUT);
        assertThat(r.err()).contains("consentkit.console.password is not set: no console without credentials",
                "CONSENTKIT_CONSOLE_PASSWORD");
        CliTestSupport.Result byKey = CliTestSupport.runWithEnv(Map.of("CONSENTKIT_CONSOLE_ENABLED", "true"), "serve",
                "--port", "0", "--store", dir.resolve("c.csv").toString(), "--auth-token-file", writeToken().toString());
        assertThat(byKey.exit()).as("consentkit.console.enabled asks for the pages too").isEqualTo(ConsentCli.EXIT_BAD_INPUT);
        assertThat(byKey.err()).contains("no console without credentials");
    }

    @Test
    void theOptInPageNeedsAGatewayAndItsLinks() {
        Map<String, String> env = Map.of("CONSENTKIT_CONSOLE_PASSWORD", "correct horse battery");
        CliTestSupport.Result noGateway = CliTestSupport.runWithEnv(env, "serve", "--port", "0", "--store",
                dir.resolve("c.csv").toString(), "--auth-token-file", writeToken().toString(), "--console",
                "--optin-terms", "https://basin.example/terms");
        assertThat(noGateway.exit()).isEqualTo(ConsentCli.EXIT_BAD_INPUT);
        assertThat(noGateway.err()).contains("gateway is required for the opt-in page");
        CliTestSupport.Result noPrivacy = CliTestSupport.runWithEnv(env, "serve", "--port", "0", "--store",
                dir.resolve("c.csv").toString(), "--auth-token-file", writeToken().toString(), "--console",
                "--gateway", "test-fake", "--optin-terms", "https://basin.example/terms");
        assertThat(noPrivacy.exit()).isEqualTo(ConsentCli.EXIT_BAD_INPUT);
        assertThat(noPrivacy.err()).contains("privacyUrl is required");
    }

    @Test
    void consolePasswordPrintsAHashThatServeAccepts() throws Exception {
        Path file = dir.resolve("password");
        Files.writeString(file, "correct horse battery\n");
        CliTestSupport.Result r = CliTestSupport.run("console-password", "--password-file", file.toString(),
                "--iterations", "20000");
        assertThat(r.exit()).as(r.err()).isZero();
        String hash = r.out().strip();
        assertThat(hash).startsWith("pbkdf2-sha256$20000$").doesNotContain("correct horse");
        assertThat(io.consentkit.web.ConsoleCredentials.hashed("operator", hash)
                .matches("operator", "correct horse battery".toCharArray())).isTrue();
        Files.writeString(file, "short");
        CliTestSupport.Result weak = CliTestSupport.run("console-password", "--password-file", file.toString());
        assertThat(weak.exit()).isEqualTo(ConsentCli.EXIT_BAD_INPUT);
        assertThat(weak.err()).contains("at least 12 characters");
    }

    private Path writeToken() {
        try {
            Path t = dir.resolve("token");
            Files.writeString(t, TOKEN);
            return t;
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }
}
