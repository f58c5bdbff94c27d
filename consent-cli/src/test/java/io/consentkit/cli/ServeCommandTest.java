package io.consentkit.cli;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
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
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static io.consentkit.cli.CliTestSupport.run;
import static org.assertj.core.api.Assertions.assertThat;

/** {@code consent serve} over real HTTP on 127.0.0.1 (port 0), signatures computed by hand. */
class ServeCommandTest {
    private static final String TOKEN = "serve-test-auth-token";
    private static final String PUBLIC = "https://hooks.example.com/app";
    private static final String PERSON = "+14158675309";

    @TempDir
    Path dir;

    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    private static String hmac(String data) throws Exception {
        Mac mac = Mac.getInstance("HmacSHA1");
        mac.init(new SecretKeySpec(TOKEN.getBytes(StandardCharsets.UTF_8), "HmacSHA1"));
        return Base64.getEncoder().encodeToString(mac.doFinal(data.getBytes(StandardCharsets.UTF_8)));
    }

    private HttpResponse<String> post(String localUrl, String signedUrl, Map<String, String> params) throws Exception {
        StringBuilder form = new StringBuilder();
        List<String> names = new ArrayList<>(params.keySet());
        names.sort(null);
        StringBuilder data = new StringBuilder(signedUrl);
        for (String n : names) {
            data.append(n).append(params.get(n));
        }
        params.forEach((k, v) -> form.append(form.length() == 0 ? "" : "&").append(URLEncoder.encode(k, StandardCharsets.UTF_8))
                .append('=').append(URLEncoder.encode(v, StandardCharsets.UTF_8)));
        return http.send(HttpRequest.newBuilder(URI.create(localUrl)).timeout(Duration.ofSeconds(10))
                .header("Content-Type", "application/x-www-form-urlencoded")
                .header("X-Twilio-Signature", hmac(data.toString()))
                .POST(HttpRequest.BodyPublishers.ofString(form.toString())).build(), HttpResponse.BodyHandlers.ofString());
    }

    private static Map<String, String> inbound(String body, String sid) {
        Map<String, String> p = new LinkedHashMap<>();
        p.put("MessageSid", sid);
        p.put("AccountSid", "AC0123456789abcdef0123456789abcdef");
        p.put("From", PERSON);
        p.put("To", "+15128001234");
        p.put("Body", body);
        p.put("NumMedia", "0");
        return p;
    }

    @Test
    void servesSignedWebhooksOverHttpAndStopsWhenInterrupted() throws Exception {
        Path token = dir.resolve("token");
        Files.writeString(token, TOKEN + "\n");
        String store = dir.resolve("consents.csv").toString();
        ListeningConsole console = new ListeningConsole();
        StringWriter err = new StringWriter();
        AtomicInteger exit = new AtomicInteger(-1);
        Thread serve = new Thread(() -> exit.set(ConsentCli.run(new String[] {"serve", "--port", "0", "--store", store,
                "--auth-token-file", token.toString(), "--public-url", PUBLIC, "--support", "help@basin.example",
                "--brand", "Basin", "--format", "json"}, new PrintWriter(console, true), new PrintWriter(err, true))),
                "serve-under-test");
        serve.start();
        assertThat(console.listening.await(20, TimeUnit.SECONDS)).as(err.toString()).isTrue();
        Matcher m = Pattern.compile("\"listening\":\"(http://127\\.0\\.0\\.1:\\d+)\"").matcher(console.toString());
        assertThat(m.find()).as(console.toString()).isTrue();
        String base = m.group(1);

        HttpResponse<String> health = http.send(HttpRequest.newBuilder(URI.create(base + "/health")).GET().build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(health.statusCode()).isEqualTo(200);
        assertThat(health.body()).isEqualTo("{\"status\":\"ok\"}");

        HttpResponse<String> start = post(base + "/twilio/inbound", PUBLIC + "/twilio/inbound", inbound("START", "SM1"));
        assertThat(start.statusCode()).isEqualTo(200);
        assertThat(start.headers().firstValue("Content-Type")).contains("text/xml; charset=utf-8");
        assertThat(start.body()).startsWith("<?xml version=\"1.0\" encoding=\"UTF-8\"?><Response><Message>You texted &apos;START&apos;")
                .contains("Basin SMS messages");

        HttpResponse<String> help = post(base + "/twilio/inbound", PUBLIC + "/twilio/inbound", inbound("HELP", "SM2"));
        assertThat(help.body()).contains("help@basin.example");

        HttpResponse<String> localUrl = post(base + "/twilio/inbound", base + "/twilio/inbound", inbound("STOP", "SM3"));
        assertThat(localUrl.statusCode()).as("signed for the local URL, not the public one").isEqualTo(403);

        HttpResponse<String> stop = post(base + "/twilio/inbound", PUBLIC + "/twilio/inbound", inbound("STOP", "SM4"));
        assertThat(stop.statusCode()).isEqualTo(200);
        assertThat(stop.body()).isEqualTo("<?xml version=\"1.0\" encoding=\"UTF-8\"?><Response/>");

        Map<String, String> status = new LinkedHashMap<>();
        status.put("MessageSid", "SM" + "a".repeat(32));
        status.put("MessageStatus", "delivered");
        status.put("To", PERSON);
        assertThat(post(base + "/twilio/status", PUBLIC + "/twilio/status", status).statusCode()).isEqualTo(204);

        Map<String, String> event = new LinkedHashMap<>();
        event.put("Sid", "NO" + "b".repeat(32));
        event.put("Level", "ERROR");
        event.put("Payload", "{\"error_code\":\"30007\",\"resource_sid\":\"SM" + "a".repeat(32) + "\"}");
        assertThat(post(base + "/twilio/debugger", PUBLIC + "/twilio/debugger", event).statusCode()).isEqualTo(204);

        HttpResponse<String> big = http.send(HttpRequest.newBuilder(URI.create(base + "/twilio/inbound"))
                .header("Content-Type", "application/x-www-form-urlencoded")
                .POST(HttpRequest.BodyPublishers.ofString("Body=" + "x".repeat(70_000))).build(), HttpResponse.BodyHandlers.ofString());
        assertThat(big.statusCode()).isEqualTo(413);

        serve.interrupt();
        serve.join(10_000);
        assertThat(serve.isAlive()).isFalse();
        assertThat(exit.get()).as(err.toString()).isZero();
        assertThat(console.toString()).contains("{\"event\":\"rejected\",\"route\":\"inbound\",\"outcome\":\"INVALID_SIGNATURE\"}")
                .contains("{\"event\":\"twilio-debugger\",\"sid\":\"NO" + "b".repeat(32) + "\",\"level\":\"ERROR\",\"errorCode\":30007");

        CliTestSupport.Result after = run("status", PERSON, "--store", store);
        assertThat(after.out()).contains("OPTED OUT");
        assertThat(Files.readString(dir.resolve("sends.csv"))).contains("SM" + "a".repeat(32)).contains("delivered");
    }

    @Test
    @Timeout(60)
    void aFloodOfForgedWebhooksPrintsABoundedNumberOfRejectionLines() throws Exception {
        Path token = dir.resolve("token");
        Files.writeString(token, TOKEN + "\n");
        ListeningConsole console = new ListeningConsole();
        StringWriter err = new StringWriter();
        Thread serve = new Thread(() -> ConsentCli.run(new String[] {"serve", "--port", "0", "--store",
                dir.resolve("flood.csv").toString(), "--auth-token-file", token.toString(), "--format", "json"},
                new PrintWriter(console, true), new PrintWriter(err, true)), "serve-flooded");
        serve.start();
        try {
            assertThat(console.listening.await(20, TimeUnit.SECONDS)).as(err.toString()).isTrue();
            Matcher m = Pattern.compile("\"listening\":\"(http://127\\.0\\.0\\.1:\\d+)\"").matcher(console.toString());
            assertThat(m.find()).isTrue();
            String inboundUrl = m.group(1) + "/twilio/inbound";
            int forged = 200;
            for (int i = 0; i < forged; i++) {
                HttpResponse<Void> r = http.send(HttpRequest.newBuilder(URI.create(inboundUrl)).timeout(Duration.ofSeconds(10))
                        .header("Content-Type", "application/x-www-form-urlencoded")
                        .header("X-Twilio-Signature", "forged" + i + "=")
                        .POST(HttpRequest.BodyPublishers.ofString("From=%2B14158675309&Body=STOP")).build(),
                        HttpResponse.BodyHandlers.discarding());
                assertThat(r.statusCode()).isEqualTo(403);
            }
            long lines = console.toString().lines().filter(l -> l.contains("rejected") || l.contains("suppressed")).count();
            assertThat(lines).as("console lines for %d forged requests", forged).isBetween(1L, 22L);
        } finally {
            serve.interrupt();
            serve.join(10_000);
        }
        assertThat(serve.isAlive()).isFalse();
    }

    @Test
    void refusesToStartWithoutTheAuthToken() {
        CliTestSupport.Result r = run("serve", "--port", "0", "--store", dir.resolve("c.csv").toString(),
                "--auth-token-file", dir.resolve("missing").toString());
        assertThat(r.exit()).isEqualTo(ConsentCli.EXIT_BAD_INPUT);
        assertThat(r.err()).contains("auth-token-file cannot be read");
    }
}
