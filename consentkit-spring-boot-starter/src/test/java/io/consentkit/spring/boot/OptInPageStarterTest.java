package io.consentkit.spring.boot;

import io.consentkit.consent.ConsentTracker;
import io.consentkit.testkit.FakeSmsGateway;
import io.consentkit.twilio.WebhookSigner;
import io.consentkit.web.optin.OptInPage;
import jakarta.servlet.DispatcherType;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.SpringBootConfiguration;
import org.springframework.boot.autoconfigure.EnableAutoConfiguration;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.context.annotation.Bean;
import org.springframework.security.config.Customizer;
import org.springframework.security.config.annotation.web.builders.HttpSecurity;
import org.springframework.security.web.SecurityFilterChain;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

import java.io.IOException;
import java.io.UncheckedIOException;
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
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The starter mounts the opt-in page in a real embedded server on 127.0.0.1: the page is served, a sign-up sends
 * the confirmation through the app's gateway, and a Y signed as Twilio signs it activates the number.
 */
@SpringBootTest(classes = OptInPageStarterTest.App.class, webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
        properties = {"server.address=127.0.0.1", "consentkit.store.type=memory", "consentkit.brand=Basin Climbing",
            "consentkit.twilio.auth-token=" + OptInPageStarterTest.TOKEN, "consentkit.sender.quiet-hours.enabled=false",
            "consentkit.optin.path=/join", "consentkit.optin.terms-url=https://basin.example/terms",
            "consentkit.optin.privacy-url=https://basin.example/privacy", "consentkit.optin.frequency=Up to 4 msgs/month."})
class OptInPageStarterTest {
    static final String TOKEN = "0123456789abcdef0123456789abcdef";
    static final String PERSON = "+15125550100";
    private static final Path SNAPSHOTS = tempDir();

    @SpringBootConfiguration
    @EnableAutoConfiguration
    static class App {
        @Bean
        FakeSmsGateway fakeSmsGateway() {
            return FakeSmsGateway.create();
        }

        /** Spring Security is on this module's test class path: the public page and Twilio's posts are let through. */
        @Bean
        SecurityFilterChain security(HttpSecurity http) throws Exception {
            // snippet: spring-security-public-paths
            http.authorizeHttpRequests(a -> a
                            .requestMatchers("/join", "/twilio/**").permitAll() // the opt-in page, Twilio's signed posts
                            .dispatcherTypeMatchers(DispatcherType.ERROR).permitAll() // refusals keep their status
                            .anyRequest().authenticated())
                    .csrf(c -> c.ignoringRequestMatchers("/join", "/twilio/**")) // they check their own origin or signature
                    .formLogin(Customizer.withDefaults());
            // end snippet
            return http.build();
        }
    }

    @DynamicPropertySource
    static void snapshots(DynamicPropertyRegistry registry) {
        registry.add("consentkit.optin.snapshot-dir", SNAPSHOTS::toString);
    }

    @LocalServerPort
    int port;
    @Autowired
    FakeSmsGateway gateway;
    @Autowired
    ConsentTracker tracker;

    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    @Test
    void theOptInPageIsServedAndAYesOnTheSignedWebhookActivatesTheNumber() throws Exception {
        String base = "http://127.0.0.1:" + port;
        HttpResponse<String> page = http.send(HttpRequest.newBuilder(URI.create(base + "/join")).GET().build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(page.statusCode()).isEqualTo(200);
        assertThat(page.headers().firstValue("Content-Security-Policy")).hasValueSatisfying(v ->
                assertThat(v).contains("script-src 'none'", "frame-ancestors 'none'"));
        assertThat(page.body()).contains("Basin Climbing", "Up to 4 msgs/month.", "https://basin.example/privacy");
        Matcher version = Pattern.compile("name=\"version\" value=\"([0-9a-f]+)\"").matcher(page.body());
        assertThat(version.find()).isTrue();

        String form = "version=" + version.group(1) + "&phone=" + URLEncoder.encode("(512) 555-0100", StandardCharsets.UTF_8)
                + "&consent=yes";
        HttpResponse<String> signUp = http.send(HttpRequest.newBuilder(URI.create(base + "/join"))
                .header("Content-Type", "application/x-www-form-urlencoded")
                .POST(HttpRequest.BodyPublishers.ofString(form)).build(), HttpResponse.BodyHandlers.ofString());
        assertThat(signUp.statusCode()).as(signUp.body()).isEqualTo(200);
        assertThat(gateway.lastRequest().to().e164()).isEqualTo(PERSON);
        assertThat(tracker.isActive(PERSON)).isFalse();

        String inbound = base + "/twilio/inbound";
        Map<String, String> yes = WebhookSigner.inboundMessage(PERSON, "+15125550199", "Y", "SM" + "2".repeat(32));
        HttpResponse<String> answered = http.send(HttpRequest.newBuilder(URI.create(inbound))
                .header("Content-Type", "application/x-www-form-urlencoded")
                .header("X-Twilio-Signature", WebhookSigner.of(TOKEN).sign(inbound, yes))
                .POST(HttpRequest.BodyPublishers.ofString(WebhookSigner.formBody(yes))).build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(answered.statusCode()).isEqualTo(200);
        assertThat(tracker.isActive(PERSON)).isTrue();
        String hash = tracker.status(PERSON).orElseThrow().metadata().get(OptInPage.HTML_SHA256);
        assertThat(SNAPSHOTS.resolve(hash + ".html")).exists();
    }

    private static Path tempDir() {
        try {
            return Files.createTempDirectory("consentkit-optin-starter");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
