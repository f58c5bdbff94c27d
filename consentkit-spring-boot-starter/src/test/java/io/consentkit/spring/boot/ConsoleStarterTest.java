package io.consentkit.spring.boot;

import io.consentkit.consent.ConsentChannel;
import io.consentkit.consent.ConsentTracker;
import io.consentkit.journal.ConsentRecord;
import io.consentkit.journal.ConsentStatus;
import io.consentkit.journal.OptInMethod;
import io.consentkit.send.InMemorySendLog;
import io.consentkit.testkit.FakeSmsGateway;
import io.consentkit.web.console.ConsoleStats;
import io.consentkit.web.frontdesk.FrontDeskPage;
import io.micrometer.core.instrument.MeterRegistry;
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
import org.springframework.security.core.userdetails.User;
import org.springframework.security.core.userdetails.UserDetailsService;
import org.springframework.security.provisioning.InMemoryUserDetailsManager;

import java.net.CookieManager;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.Base64;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The starter mounts the operator console and the front desk behind Spring Security in a real embedded server on
 * 127.0.0.1: an anonymous request is sent to Spring Security's login, the user Spring Security knows is the
 * operator, a POST without Spring Security's CSRF token is refused and changes nothing, and the front desk and a
 * revocation record that user; the dashboard's counters hear the tracker beside the metrics.
 */
@SpringBootTest(classes = ConsoleStarterTest.App.class, webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
        properties = {"server.address=127.0.0.1", "consentkit.store.type=memory", "consentkit.brand=Basin Climbing",
            "consentkit.sender.quiet-hours.enabled=false", "consentkit.console.enabled=true"})
class ConsoleStarterTest {
    static final String USER = "maria";
    static final String PASSWORD = "correct horse battery";
    static final String PERSON = "+15125550100";
    private static final Pattern CSRF = Pattern.compile("name=\"_csrf\" value=\"([^\"]+)\"");

    @SpringBootConfiguration
    @EnableAutoConfiguration
    static class App {
        @Bean
        FakeSmsGateway fakeSmsGateway() {
            return FakeSmsGateway.create();
        }

        @Bean
        InMemorySendLog sendLog() {
            return new InMemorySendLog();
        }

        /** Boot's default chain with the error dispatch let through, so a refusal keeps its own status (403). */
        @Bean
        SecurityFilterChain security(HttpSecurity http) throws Exception {
            return http.authorizeHttpRequests(a -> a.dispatcherTypeMatchers(DispatcherType.ERROR).permitAll()
                            .anyRequest().authenticated())
                    .formLogin(Customizer.withDefaults()).httpBasic(Customizer.withDefaults()).build();
        }

        @Bean
        UserDetailsService users() {
            return new InMemoryUserDetailsManager(User.withUsername(USER).password("{noop}" + PASSWORD)
                    .roles("OPERATOR").build());
        }
    }

    @LocalServerPort
    int port;
    @Autowired
    ConsentTracker tracker;
    @Autowired
    ConsoleStats stats;
    @Autowired
    MeterRegistry registry;

    private final HttpClient http = HttpClient.newBuilder().cookieHandler(new CookieManager())
            .connectTimeout(Duration.ofSeconds(5)).build();

    @Test
    void anAnonymousRequestIsSentToSpringSecuritysLoginAndSeesNoConsole() throws Exception {
        for (String path : List.of("/console/", "/frontdesk")) {
            HttpResponse<String> r = http.send(HttpRequest.newBuilder(uri(path)).header("Accept", "text/html").GET()
                    .build(), HttpResponse.BodyHandlers.ofString());
            assertThat(r.statusCode()).as(path).isEqualTo(302);
            assertThat(r.headers().firstValue("Location")).as(path).hasValueSatisfying(l -> assertThat(l).endsWith("/login"));
            assertThat(r.body()).doesNotContain("Dashboard", "Front desk");
        }
        HttpResponse<String> post = http.send(HttpRequest.newBuilder(uri("/console/search"))
                .header("Content-Type", "application/x-www-form-urlencoded")
                .POST(HttpRequest.BodyPublishers.ofString("q=" + enc(PERSON))).build(), HttpResponse.BodyHandlers.ofString());
        assertThat(post.statusCode()).as("refused by Spring Security's CSRF filter").isEqualTo(403);
        assertThat(post.body()).doesNotContain("/console/number/");
    }

    @Test
    void theLoggedInUserRecordsAtTheFrontDeskAndRevokesWithSpringSecuritysCsrfToken() throws Exception {
        // the front desk: an in-person consent with the logged-in user as the staff member
        HttpResponse<String> desk = get("/frontdesk");
        assertThat(desk.statusCode()).as(desk.body()).isEqualTo(200);
        assertThat(desk.body()).contains("<span id=\"staff\">" + USER + "</span>", "action=\"/logout\"");
        Matcher version = Pattern.compile("name=\"version\" value=\"([0-9a-f]+)\"").matcher(desk.body());
        assertThat(version.find()).isTrue();
        String deskForm = "version=" + version.group(1) + "&phone=" + enc("(512) 555-0100") + "&location="
                + enc("Front desk") + "&agreed=yes";
        assertThat(post("/frontdesk", deskForm).statusCode()).as("no CSRF token").isEqualTo(403);
        assertThat(tracker.isActive(PERSON)).isFalse();
        HttpResponse<String> recorded = post("/frontdesk", deskForm + "&_csrf=" + enc(csrf(desk)));
        assertThat(recorded.statusCode()).as(recorded.body()).isEqualTo(200);
        ConsentRecord row = tracker.status(PERSON).orElseThrow();
        assertThat(row.status()).isEqualTo(ConsentStatus.ACTIVE);
        assertThat(row.optInMethod()).isEqualTo(OptInMethod.IN_PERSON);
        assertThat(row.channel()).isEqualTo(ConsentChannel.AGENT.journalName());
        assertThat(row.metadata()).containsEntry(FrontDeskPage.STAFF_MEMBER, USER)
                .containsEntry(FrontDeskPage.LOCATION, "Front desk");

        // the one row is counted by both listeners of the tracker: the console's counters and the metrics
        LocalDate today = LocalDate.now(ZoneOffset.UTC);
        assertThat(stats.byMethod(ConsoleStats.Kind.OPT_IN, today, today).get(OptInMethod.IN_PERSON))
                .containsExactly(1L);
        assertThat(registry.get(ConsentKitMetrics.OPT_INS).tag("method", OptInMethod.IN_PERSON)
                .counter().count()).isEqualTo(1.0);

        // the dashboard renders for the user, and its forms carry Spring Security's token
        HttpResponse<String> dashboard = get("/console/");
        assertThat(dashboard.statusCode()).as(dashboard.body()).isEqualTo(200);
        assertThat(dashboard.body()).contains(USER, "<svg");
        String token = csrf(dashboard);

        HttpResponse<String> search = post("/console/search", "q=" + enc(PERSON) + "&_csrf=" + enc(token));
        assertThat(search.statusCode()).isEqualTo(303);
        String number = search.headers().firstValue("Location").orElseThrow();
        assertThat(number).startsWith("/console/number/").doesNotContain("5550100");

        assertThat(post(number + "/revoke", "notes=asked+at+the+desk").statusCode()).as("no CSRF token").isEqualTo(403);
        assertThat(post(number + "/revoke", "notes=asked+at+the+desk&_csrf=wrong").statusCode()).as("a wrong token")
                .isEqualTo(403);
        assertThat(tracker.isActive(PERSON)).isTrue();

        HttpResponse<String> revoked = post(number + "/revoke", "notes=asked+at+the+desk&_csrf=" + enc(token));
        assertThat(revoked.statusCode()).as(revoked.body()).isEqualTo(303);
        assertThat(tracker.isActive(PERSON)).isFalse();
        ConsentRecord revocation = tracker.status(PERSON).orElseThrow();
        assertThat(revocation.status()).isEqualTo(ConsentStatus.REVOKED);
        assertThat(revocation.channel()).isEqualTo(ConsentChannel.AGENT.journalName());
        assertThat(revocation.metadata()).containsEntry("revoke_operator", USER)
                .containsEntry("revoke_notes", "asked at the desk");
        assertThat(stats.byMethod(ConsoleStats.Kind.OPT_OUT, today, today)).isNotEmpty();
    }

    private HttpResponse<String> get(String path) throws Exception {
        return http.send(HttpRequest.newBuilder(uri(path)).header("Authorization", basic()).GET().build(),
                HttpResponse.BodyHandlers.ofString());
    }

    private HttpResponse<String> post(String path, String form) throws Exception {
        return http.send(HttpRequest.newBuilder(uri(path)).header("Authorization", basic())
                .header("Content-Type", "application/x-www-form-urlencoded")
                .POST(HttpRequest.BodyPublishers.ofString(form)).build(), HttpResponse.BodyHandlers.ofString());
    }

    private static String csrf(HttpResponse<String> page) {
        Matcher m = CSRF.matcher(page.body());
        assertThat(m.find()).as("a Spring Security CSRF field in " + page.uri()).isTrue();
        return m.group(1);
    }

    private URI uri(String path) {
        return URI.create("http://127.0.0.1:" + port + path);
    }

    private static String basic() {
        return "Basic " + Base64.getEncoder().encodeToString((USER + ":" + PASSWORD).getBytes(StandardCharsets.UTF_8));
    }

    private static String enc(String s) {
        return URLEncoder.encode(s, StandardCharsets.UTF_8);
    }
}
