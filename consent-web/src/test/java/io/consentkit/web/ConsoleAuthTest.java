package io.consentkit.web;

import io.consentkit.InvalidInputException;
import io.consentkit.testkit.SettableClock;
import io.consentkit.twilio.TwilioWebhookServer;
import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.net.HttpCookie;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Optional;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Login, sessions, CSRF and headers over real HTTP on 127.0.0.1. */
class ConsoleAuthTest {
    static final String PASSWORD = "correct horse battery";
    private final SettableClock clock = SettableClock.at("2026-12-01T10:00:00Z");
    private TwilioWebhookServer server;

    /** A page behind the login: shows the operator and a form; a POST says who did it. */
    static final class Protected extends HttpServlet {
        private final ConsoleAuth auth;

        Protected(ConsoleAuth auth) {
            this.auth = auth;
        }

        @Override
        protected void service(HttpServletRequest req, HttpServletResponse resp) throws IOException {
            Optional<Operator> who = auth.requireOperator(req, resp);
            if (who.isEmpty()) {
                return;
            }
            Html body = req.getMethod().equals("POST") ? Html.format("<p>done by {}</p>", who.get().name())
                    : Html.format("<p>hello {}</p><form method=\"post\">{}</form>{}", who.get().name(),
                    auth.csrfField(req), auth.logoutForm(req));
            Pages.send(resp, 200, Pages.document("console", body), true);
        }
    }

    private Http start(ConsoleAuth auth) {
        server = TwilioWebhookServer.builder().bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0))
                .mount(auth.loginPath(), auth.loginServlet()).mount(auth.logoutPath(), auth.logoutServlet())
                .mount("/console/*", new Protected(auth)).start();
        return new Http(server.baseUrl());
    }

    private ConsoleAuth.Builder auth() {
        return ConsoleAuth.builder(ConsoleCredentials.password("maria", PASSWORD.toCharArray(), 20_000)).clock(clock);
    }

    @AfterEach
    void stop() {
        if (server != null) {
            server.close();
        }
    }

    static HttpResponse<String> login(Http http, String user, String password, String next) throws Exception {
        String page = http.get("/console/login?next=" + next).body();
        return http.post("/console/login", Http.form("csrf", Http.hidden(page, "csrf"), "next", Http.hidden(page, "next"),
                "user", user, "password", password));
    }

    @Test
    void aPageBehindTheLoginRedirectsThenServesTheOperatorWithHeadersAndStrictCookies() throws Exception {
        Http http = start(auth().build());
        HttpResponse<String> anonymous = http.get("/console/search?q=1");
        assertThat(anonymous.statusCode()).isEqualTo(303);
        assertThat(anonymous.headers().firstValue("Location")).contains("/console/login?next=%2Fconsole%2Fsearch");

        HttpResponse<String> loginPage = http.get("/console/login?next=/console/search");
        Http.assertSecurityHeaders(loginPage);
        assertThat(loginPage.body()).contains("<form method=\"post\" action=\"/console/login\">").doesNotContain("<script");

        HttpResponse<String> in = login(http, "maria", PASSWORD, "/console/search");
        assertThat(in.statusCode()).isEqualTo(303);
        assertThat(in.headers().firstValue("Location")).contains("/console/search");
        String cookie = in.headers().allValues("Set-Cookie").stream().filter(c -> c.startsWith(ConsoleAuth.SESSION_COOKIE))
                .findFirst().orElseThrow();
        assertThat(cookie).contains("HttpOnly", "SameSite=Strict", "Path=/").doesNotContain("Secure");

        HttpResponse<String> page = http.get("/console/search");
        assertThat(page.statusCode()).isEqualTo(200);
        assertThat(page.body()).contains("hello maria");
        Http.assertSecurityHeaders(page);
        assertThat(page.headers().firstValue("Cache-Control")).contains("no-store");
        assertThat(auth().build().sessionCount()).isZero();
    }

    @Test
    void postsNeedTheSessionsCsrfTokenAndAreRefusedWith403Otherwise() throws Exception {
        ConsoleAuth auth = auth().build();
        Http http = start(auth);
        assertThat(http.post("/console/revoke", Http.form("x", "1")).statusCode()).as("no session").isEqualTo(403);
        login(http, "maria", PASSWORD, "/console/");
        String token = Http.hidden(http.get("/console/").body(), "csrf");

        HttpResponse<String> none = http.post("/console/revoke", Http.form("x", "1"));
        assertThat(none.statusCode()).isEqualTo(403);
        assertThat(none.body()).contains("security token (CSRF) is missing or does not match", "nothing was changed");
        assertThat(http.post("/console/revoke", Http.form("csrf", token + "x")).statusCode()).isEqualTo(403);
        HttpResponse<String> ok = http.post("/console/revoke", Http.form("csrf", token));
        assertThat(ok.statusCode()).isEqualTo(200);
        assertThat(ok.body()).contains("done by maria");

        HttpResponse<String> out = http.post("/console/logout", Http.form("csrf", token));
        assertThat(out.statusCode()).isEqualTo(303);
        assertThat(auth.sessionCount()).isZero();
        assertThat(http.get("/console/").statusCode()).isEqualTo(303);
    }

    @Test
    void theLoginFormNeedsItsOwnTokenAndWrongPasswordsAreLimitedPerAddress() throws Exception {
        Http http = start(auth().loginLimit(3, Duration.ofMinutes(15)).build());
        assertThat(http.post("/console/login", Http.form("user", "maria", "password", PASSWORD)).statusCode())
                .as("no login token").isEqualTo(403);
        for (int i = 0; i < 3; i++) {
            HttpResponse<String> wrong = login(http, "maria", "wrong password!!", "/console/");
            assertThat(wrong.statusCode()).isEqualTo(401);
            assertThat(wrong.body()).contains("Wrong user name or password.");
        }
        HttpResponse<String> limited = login(http, "maria", PASSWORD, "/console/");
        assertThat(limited.statusCode()).isEqualTo(429);
        assertThat(limited.headers().firstValue("Retry-After")).contains("900");
        clock.advance(Duration.ofMinutes(16));
        assertThat(login(http, "maria", PASSWORD, "/console/").statusCode()).isEqualTo(303);
    }

    @Test
    void sessionsEndWhenIdleOrForgedAndCookiesAreSecureWhenConfigured() throws Exception {
        Http http = start(auth().secureCookies(true).sessionTimeouts(Duration.ofHours(1), Duration.ofMinutes(10)).build());
        // the JDK's cookie jar keeps Secure cookies off plain http, so this test hands them back itself
        HttpResponse<String> page = http.get("/console/login?next=https://evil.example/");
        String loginCookie = page.headers().allValues("Set-Cookie").get(0);
        assertThat(loginCookie).startsWith(ConsoleAuth.LOGIN_COOKIE).contains("; Secure", "HttpOnly", "SameSite=Strict");
        HttpResponse<String> in = http.post("/console/login", Http.form("csrf", Http.hidden(page.body(), "csrf"),
                "next", Http.hidden(page.body(), "next"), "user", "maria", "password", PASSWORD),
                "Cookie", loginCookie.substring(0, loginCookie.indexOf(';')));
        assertThat(in.headers().firstValue("Location")).as("no open redirect").contains("/console/");
        assertThat(in.headers().allValues("Set-Cookie")).anyMatch(c -> c.startsWith(ConsoleAuth.SESSION_COOKIE)
                && c.contains("; Secure"));
        String value = HttpCookie.parse(in.headers().allValues("Set-Cookie").stream()
                .filter(c -> c.startsWith(ConsoleAuth.SESSION_COOKIE)).findFirst().orElseThrow()).get(0).getValue();
        Http fresh = new Http(server.baseUrl());
        fresh.cookies().getCookieStore().add(server.baseUrl(), cookie(value));
        assertThat(fresh.get("/console/").statusCode()).isEqualTo(200);

        Http forged = new Http(server.baseUrl());
        forged.cookies().getCookieStore().add(server.baseUrl(), cookie(value.substring(0, value.length() - 2) + "AA"));
        assertThat(forged.get("/console/").statusCode()).isEqualTo(303);

        clock.advance(Duration.ofMinutes(11));
        assertThat(fresh.get("/console/").statusCode()).as("idle").isEqualTo(303);
    }

    @Test
    void badSettingsNameTheField() {
        assertThatThrownBy(() -> auth().basePath("console/")).isInstanceOf(InvalidInputException.class)
                .hasMessageContaining("basePath");
        assertThatThrownBy(() -> auth().sessionTimeouts(Duration.ofHours(1), Duration.ofHours(2)))
                .isInstanceOf(InvalidInputException.class).hasMessageContaining("idleTimeout");
        assertThatThrownBy(() -> auth().loginLimit(0, Duration.ofMinutes(1))).isInstanceOf(InvalidInputException.class)
                .hasMessageContaining("loginFailures");
    }

    private static HttpCookie cookie(String value) {
        HttpCookie c = new HttpCookie(ConsoleAuth.SESSION_COOKIE, value);
        c.setPath("/");
        c.setVersion(0);
        return c;
    }
}
