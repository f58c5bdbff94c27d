package io.consentkit.web;

import io.consentkit.InvalidInputException;
import jakarta.servlet.http.Cookie;
import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Objects;
import java.util.Optional;

/**
 * Login, sessions and CSRF for every page behind the operator login (the console, the front desk). The
 * one entry type such pages use:
 *
 * <pre>{@code
 * Optional<Operator> who = auth.requireOperator(req, resp); // answered already when empty
 * if (who.isEmpty()) return;
 * Html form = Html.format("<form method=\"post\">{}...</form>", auth.csrfField(req));
 * }</pre>
 *
 * <ul>
 * <li>{@link #requireOperator} gives the logged-in operator, or answers the request itself and gives
 * empty: a {@code GET} without a live session is redirected (303) to the login page, which comes back
 * after login; a {@code POST} without one, or whose {@code csrf} field is not the session's token (compared
 * in constant time), gets a 403 page saying so. So every form post behind the login is CSRF-checked.</li>
 * <li>{@link #loginServlet()} (mount it at {@link Builder#basePath basePath}{@code /login}) shows the login
 * form and checks the {@link ConsoleCredentials}; failures are limited per client address and in all
 * ({@link #DEFAULT_LOGIN_FAILURES} per {@link #DEFAULT_LOGIN_WINDOW}), answered with 429 beyond. The login
 * form itself carries a token matched against a short-lived cookie (no login CSRF).
 * {@link #logoutServlet()} (at {@code basePath/logout}) ends the session on a CSRF-checked POST.</li>
 * <li>The session cookie {@value #SESSION_COOKIE} is {@code HttpOnly}, {@code SameSite=Strict}, path
 * {@code /}, and {@code Secure} when the request came over HTTPS or {@link Builder#secureCookies(boolean)}
 * says so. Sessions are server side ({@code SessionTable}: HMAC-signed ids with an absolute lifetime and an
 * idle timeout); a restart ends them.</li>
 * </ul>
 *
 * Logs logins, failures and logouts with the operator's name and the client address, never a password.
 * Thread-safe.
 */
public final class ConsoleAuth implements OperatorAccess {
    /** Name of the session cookie: {@value}. */
    public static final String SESSION_COOKIE = "consentkit_session";
    /** Name of the form field carrying the CSRF token: {@value}. */
    public static final String CSRF_FIELD = "csrf";
    /** Default absolute session lifetime: 8 hours. */
    public static final Duration DEFAULT_SESSION_TTL = Duration.ofHours(8);
    /** Default idle timeout of a session: 30 minutes. */
    public static final Duration DEFAULT_IDLE_TIMEOUT = Duration.ofMinutes(30);
    /** Default failed logins allowed per client address in {@link #DEFAULT_LOGIN_WINDOW}: {@value}. */
    public static final int DEFAULT_LOGIN_FAILURES = 5;
    /** Default window of the login failure limit: 15 minutes. */
    public static final Duration DEFAULT_LOGIN_WINDOW = Duration.ofMinutes(15);
    static final String LOGIN_COOKIE = "consentkit_login";
    private static final String SESSION_ATTRIBUTE = ConsoleAuth.class.getName() + ".session";
    private static final Logger LOG = LoggerFactory.getLogger(ConsoleAuth.class);

    private final ConsoleCredentials credentials;
    private final SessionTable sessions;
    private final boolean secureCookies;
    private final String basePath;
    private final RateLimit failuresPerAddress;
    private final RateLimit failuresInAll;
    private final Clock clock;

    private ConsoleAuth(Builder b) {
        this.credentials = b.credentials;
        this.sessions = new SessionTable(b.clock, b.sessionTtl, b.idleTimeout);
        this.secureCookies = b.secureCookies;
        this.basePath = b.basePath;
        this.clock = b.clock;
        this.failuresPerAddress = new RateLimit(b.loginFailures, b.loginWindow, b.clock);
        this.failuresInAll = new RateLimit(b.loginFailures * 10, b.loginWindow, b.clock);
    }

    /** A builder over the one login; {@code credentials} is required (no console without them). */
    public static Builder builder(ConsoleCredentials credentials) {
        return new Builder(credentials);
    }

    /**
     * The operator logged in on {@code request}, or empty when this method has answered the request itself
     * (a redirect to the login page, or a 403 for a POST without a valid session and CSRF token). Call it
     * first in every page behind the login; do nothing more with the response when it is empty.
     */
    @Override
    public Optional<Operator> requireOperator(HttpServletRequest request, HttpServletResponse response) throws IOException {
        SessionTable.Session s = session(request);
        boolean post = !"GET".equals(request.getMethod()) && !"HEAD".equals(request.getMethod());
        if (s == null) {
            if (post) {
                request.getParameterMap(); // reads the (bounded) form: the refusal leaves the connection reusable
                Pages.error(response, 403, "Not logged in", "Your console session has ended or was never opened. "
                        + "Log in again at " + loginPath() + "; nothing was changed.");
            } else {
                response.setStatus(303);
                SecurityHeaders.apply(response, true);
                response.setHeader("Location", loginPath() + "?next=" + java.net.URLEncoder.encode(
                        safeNext(request.getRequestURI()), StandardCharsets.UTF_8));
            }
            return Optional.empty();
        }
        if (post && !sameToken(s.csrf(), request.getParameter(CSRF_FIELD))) {
            LOG.warn("console POST {} by {} from {} refused: missing or wrong CSRF token", request.getRequestURI(),
                    s.operator().name(), request.getRemoteAddr());
            Pages.error(response, 403, "Refused: security token", "This form's security token (CSRF) is missing or "
                    + "does not match your session, so nothing was changed. Reload the page and submit it again.");
            return Optional.empty();
        }
        return Optional.of(s.operator());
    }

    /**
     * The hidden {@code csrf} input for forms on a page behind the login, for the session of {@code request}
     * (call after {@link #requireOperator} gave an operator).
     *
     * @throws IllegalStateException if the request has no live session
     */
    @Override
    public Html csrfField(HttpServletRequest request) {
        SessionTable.Session s = session(request);
        if (s == null) {
            throw new IllegalStateException("csrfField needs a request with a live console session");
        }
        return Html.format("<input type=\"hidden\" name=\"" + CSRF_FIELD + "\" value=\"{}\">", s.csrf());
    }

    /** Where the login page is: {@code basePath + "/login"}. */
    public String loginPath() {
        return basePath + "/login";
    }

    /** Where the logout action is: {@code basePath + "/logout"}. */
    public String logoutPath() {
        return basePath + "/logout";
    }

    /** A small logout form (button) for page headers, CSRF token included. */
    @Override
    public Html logoutForm(HttpServletRequest request) {
        return Html.format("<form method=\"post\" action=\"{}\">{}<button type=\"submit\">Log out</button></form>",
                logoutPath(), csrfField(request));
    }

    /** The login page (GET) and login action (POST); mount at {@link #loginPath()}. */
    public HttpServlet loginServlet() {
        return new LoginServlet();
    }

    /** The logout action (POST, CSRF-checked); mount at {@link #logoutPath()}. */
    public HttpServlet logoutServlet() {
        return new LogoutServlet();
    }

    /** Live sessions now (for tests and health pages). */
    public int sessionCount() {
        return sessions.size();
    }

    private SessionTable.Session session(HttpServletRequest request) {
        Object cached = request.getAttribute(SESSION_ATTRIBUTE);
        if (cached instanceof SessionTable.Session s) {
            return s;
        }
        SessionTable.Session s = sessions.find(cookie(request, SESSION_COOKIE));
        if (s != null) {
            request.setAttribute(SESSION_ATTRIBUTE, s);
        }
        return s;
    }

    static String cookie(HttpServletRequest request, String name) {
        Cookie[] cookies = request.getCookies();
        if (cookies != null) {
            for (Cookie c : cookies) {
                if (name.equals(c.getName())) {
                    return c.getValue();
                }
            }
        }
        return null;
    }

    static boolean sameToken(String expected, String given) {
        return given != null && MessageDigest.isEqual(expected.getBytes(StandardCharsets.UTF_8),
                given.getBytes(StandardCharsets.UTF_8));
    }

    private void setCookie(HttpServletRequest request, HttpServletResponse response, String name, String value, long maxAge) {
        response.addHeader("Set-Cookie", name + "=" + value + "; Path=/; Max-Age=" + maxAge + "; HttpOnly; SameSite=Strict"
                + (secureCookies || request.isSecure() ? "; Secure" : ""));
    }

    /** A local path to come back to after login: starts with one {@code /}, no scheme, host or control characters. */
    String safeNext(String next) {
        if (next == null || !next.startsWith("/") || next.startsWith("//") || next.length() > 512
                || next.chars().anyMatch(c -> c < 0x21 || c == '\\' || c > 0x7e) || next.startsWith(loginPath())) {
            return basePath + "/";
        }
        return next;
    }

    private final class LoginServlet extends HttpServlet {
        private static final long serialVersionUID = 1L;

        @Override
        protected void doGet(HttpServletRequest req, HttpServletResponse resp) throws IOException {
            form(req, resp, 200, "");
        }

        @Override
        protected void doPost(HttpServletRequest req, HttpServletResponse resp) throws IOException {
            req.getParameterMap(); // reads the (bounded) form: a refusal leaves the connection reusable
            String address = req.getRemoteAddr();
            String cookieToken = cookie(req, LOGIN_COOKIE);
            if (cookieToken == null || !sameToken(cookieToken, req.getParameter(CSRF_FIELD))) {
                Pages.error(resp, 403, "Refused: security token", "The login form's security token (CSRF) is missing "
                        + "or does not match; open the login page again and retry.");
                return;
            }
            if (failuresPerAddress.isExhausted(address) || failuresInAll.isExhausted("*")) {
                Instant now = clock.instant();
                Instant next = failuresPerAddress.nextAllowed(address);
                Instant all = failuresInAll.nextAllowed("*");
                resp.setHeader("Retry-After", Long.toString(Math.max(1,
                        Duration.between(now, next.isAfter(all) ? next : all).toSeconds())));
                Pages.error(resp, 429, "Too many attempts", "Too many failed logins; wait a while and try again.");
                return;
            }
            String user = req.getParameter("user");
            String password = req.getParameter("password");
            if (user == null || password == null || !credentials.matches(user, password.toCharArray())) {
                failuresPerAddress.tryAcquire(address);
                failuresInAll.tryAcquire("*");
                LOG.warn("console login failed from {}", address);
                form(req, resp, 401, "Wrong user name or password.");
                return;
            }
            failuresPerAddress.reset(address);
            Operator operator = new Operator(credentials.user());
            String value = sessions.open(operator);
            setCookie(req, resp, SESSION_COOKIE, value, sessions.maxAgeSeconds());
            setCookie(req, resp, LOGIN_COOKIE, "", 0);
            LOG.info("console login: {} from {}", operator.name(), address);
            resp.setStatus(303);
            SecurityHeaders.apply(resp, true);
            resp.setHeader("Location", safeNext(req.getParameter("next")));
        }

        private void form(HttpServletRequest req, HttpServletResponse resp, int status, String error) throws IOException {
            String token = SessionTable.randomToken();
            setCookie(req, resp, LOGIN_COOKIE, token, 1800);
            Html body = Html.format("<h1>Console login</h1>{}<form method=\"post\" action=\"{}\">"
                            + "<input type=\"hidden\" name=\"" + CSRF_FIELD + "\" value=\"{}\">"
                            + "<input type=\"hidden\" name=\"next\" value=\"{}\">"
                            + "<label for=\"user\">User</label><input type=\"text\" id=\"user\" name=\"user\" "
                            + "autocomplete=\"username\" required>"
                            + "<label for=\"password\">Password</label><input type=\"password\" id=\"password\" "
                            + "name=\"password\" autocomplete=\"current-password\" required>"
                            + "<button type=\"submit\">Log in</button></form>",
                    error.isEmpty() ? Html.EMPTY : Html.format("<p class=\"error\" role=\"alert\">{}</p>", error),
                    loginPath(), token, safeNext(req.getParameter("next")));
            Pages.send(resp, status, Pages.document("Console login", body), true);
        }
    }

    private final class LogoutServlet extends HttpServlet {
        private static final long serialVersionUID = 1L;

        @Override
        protected void doPost(HttpServletRequest req, HttpServletResponse resp) throws IOException {
            Optional<Operator> who = requireOperator(req, resp);
            if (who.isEmpty()) {
                return;
            }
            sessions.close(session(req));
            setCookie(req, resp, SESSION_COOKIE, "", 0);
            LOG.info("console logout: {}", who.get().name());
            resp.setStatus(303);
            SecurityHeaders.apply(resp, true);
            resp.setHeader("Location", loginPath());
        }
    }

    /** Configures a {@link ConsoleAuth}; setters check at once. Not thread-safe. */
    public static final class Builder {
        private final ConsoleCredentials credentials;
        private Clock clock = Clock.systemUTC();
        private Duration sessionTtl = DEFAULT_SESSION_TTL;
        private Duration idleTimeout = DEFAULT_IDLE_TIMEOUT;
        private boolean secureCookies;
        private String basePath = "/console";
        private int loginFailures = DEFAULT_LOGIN_FAILURES;
        private Duration loginWindow = DEFAULT_LOGIN_WINDOW;

        private Builder(ConsoleCredentials credentials) {
            this.credentials = Objects.requireNonNull(credentials, "credentials");
        }

        /** The time source of session expiry and login limits. Default the system's UTC clock. */
        public Builder clock(Clock clock) {
            this.clock = Objects.requireNonNull(clock, "clock");
            return this;
        }

        /** Absolute session lifetime (1 minute to 7 days) and idle timeout (1 minute to the lifetime). */
        public Builder sessionTimeouts(Duration ttl, Duration idle) {
            Objects.requireNonNull(ttl, "sessionTtl");
            Objects.requireNonNull(idle, "idleTimeout");
            if (ttl.compareTo(Duration.ofMinutes(1)) < 0 || ttl.compareTo(Duration.ofDays(7)) > 0) {
                throw new InvalidInputException("sessionTtl", "must be 1 minute to 7 days, was " + ttl);
            }
            if (idle.compareTo(Duration.ofMinutes(1)) < 0 || idle.compareTo(ttl) > 0) {
                throw new InvalidInputException("idleTimeout", "must be 1 minute to the session lifetime, was " + idle);
            }
            this.sessionTtl = ttl;
            this.idleTimeout = idle;
            return this;
        }

        /** Mark cookies {@code Secure} on plain HTTP too (behind a TLS-terminating proxy). Default false. */
        public Builder secureCookies(boolean secure) {
            this.secureCookies = secure;
            return this;
        }

        /** Path prefix of the login and logout routes and the default page after login. Default {@code /console}. */
        public Builder basePath(String path) {
            String p = InvalidInputException.requireText("basePath", path);
            if (!p.startsWith("/") || p.endsWith("/") || p.contains("*") || p.contains("?") || p.contains("#")) {
                throw new InvalidInputException("basePath", "must start with / and not end with /, e.g. /console");
            }
            this.basePath = p;
            return this;
        }

        /** Failed logins allowed per client address in {@code window} (ten times as many in all). */
        public Builder loginLimit(int failures, Duration window) {
            if (failures < 1 || failures > 1000) {
                throw new InvalidInputException("loginFailures", "must be 1 to 1000, was " + failures);
            }
            Objects.requireNonNull(window, "loginWindow");
            if (window.isNegative() || window.isZero()) {
                throw new InvalidInputException("loginWindow", "must be positive, was " + window);
            }
            this.loginFailures = failures;
            this.loginWindow = window;
            return this;
        }

        /** Builds it. */
        public ConsoleAuth build() {
            return new ConsoleAuth(this);
        }
    }
}
