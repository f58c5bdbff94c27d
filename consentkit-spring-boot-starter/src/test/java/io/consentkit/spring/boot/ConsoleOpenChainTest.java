package io.consentkit.spring.boot;

import org.junit.jupiter.api.Test;
import org.springframework.boot.SpringBootConfiguration;
import org.springframework.boot.autoconfigure.EnableAutoConfiguration;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.context.annotation.Bean;
import org.springframework.security.config.Customizer;
import org.springframework.security.config.annotation.web.builders.HttpSecurity;
import org.springframework.security.core.userdetails.User;
import org.springframework.security.core.userdetails.UserDetailsService;
import org.springframework.security.provisioning.InMemoryUserDetailsManager;
import org.springframework.security.web.SecurityFilterChain;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Base64;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A security chain that leaves the pages open (every path permitted, CSRF off) gets refusals from the starter's
 * pages, never an open console: no authenticated user, 403; a user but no CSRF token, 403.
 */
@SpringBootTest(classes = ConsoleOpenChainTest.App.class, webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
        properties = {"server.address=127.0.0.1", "consentkit.store.type=memory", "consentkit.console.enabled=true"})
class ConsoleOpenChainTest {
    @SpringBootConfiguration
    @EnableAutoConfiguration
    static class App {
        @Bean
        UserDetailsService users() {
            return new InMemoryUserDetailsManager(User.withUsername("maria").password("{noop}secret").roles("OPERATOR").build());
        }

        @Bean
        SecurityFilterChain open(HttpSecurity http) throws Exception {
            return http.authorizeHttpRequests(a -> a.anyRequest().permitAll()).csrf(c -> c.disable())
                    .httpBasic(Customizer.withDefaults()).build();
        }
    }

    @LocalServerPort
    int port;
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    @Test
    void pagesLeftOpenByTheChainRefuseInsteadOfServing() throws Exception {
        for (String path : List.of("/console/", "/frontdesk")) {
            HttpResponse<String> anonymous = http.send(HttpRequest.newBuilder(uri(path)).GET().build(),
                    HttpResponse.BodyHandlers.ofString());
            assertThat(anonymous.statusCode()).as(path).isEqualTo(403);
            assertThat(anonymous.body()).as(path).contains("Not logged in");

            HttpResponse<String> noCsrf = http.send(HttpRequest.newBuilder(uri(path)).header("Authorization", "Basic "
                    + Base64.getEncoder().encodeToString("maria:secret".getBytes(StandardCharsets.UTF_8))).GET().build(),
                    HttpResponse.BodyHandlers.ofString());
            assertThat(noCsrf.statusCode()).as(path).isEqualTo(403);
            assertThat(noCsrf.body()).as(path).contains("CSRF protection is off");
        }
    }

    private URI uri(String path) {
        return URI.create("http://127.0.0.1:" + port + path);
    }
}
