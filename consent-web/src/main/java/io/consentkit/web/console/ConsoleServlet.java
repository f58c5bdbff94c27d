package io.consentkit.web.console;

import io.consentkit.ConsentKitException;
import io.consentkit.InvalidInputException;
import io.consentkit.journal.ConsentRecord;
import io.consentkit.phone.PhoneNumber;
import io.consentkit.support.Masking;
import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStreamWriter;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * The operator console as one servlet, mapped at a path such as {@code /console/*}: the dashboard
 * ({@code /}), a number's timeline ({@code /number/<ref>}, reached by {@code POST /search}; the reference
 * is opaque so no number is in a URL), revealing it ({@code POST .../reveal}) and revoking it
 * ({@code POST .../revoke}), its evidence ({@code .../evidence.csv}), pending confirmations
 * ({@code /pending}), pending and overdue revocations ({@code /revocations}), the send log
 * ({@code /sends}) and the audit CSV ({@code /export/audit.csv}). Every request needs an operator from
 * the {@link ConsoleAccess}; every POST needs its CSRF token; every action goes to the
 * {@link ConsoleAudit} with the operator. Thread-safe.
 */
public final class ConsoleServlet extends HttpServlet {
    private static final long serialVersionUID = 1L;
    private static final org.slf4j.Logger LOG = org.slf4j.LoggerFactory.getLogger(ConsoleServlet.class);
    /** The dashboard's default window, in days. */
    public static final int DEFAULT_DAYS = 30;

    private final transient ConsoleQueries queries;
    private final transient ConsoleAccess access;
    private final transient ConsoleAudit audit;
    private final transient Clock clock;
    private final transient NumberRefs refs;

    /** A console over {@code queries}, signed in through {@code access}, auditing to {@code audit}. */
    public ConsoleServlet(ConsoleQueries queries, ConsoleAccess access, ConsoleAudit audit) {
        this.queries = Objects.requireNonNull(queries, "queries");
        this.access = Objects.requireNonNull(access, "access");
        this.audit = Objects.requireNonNull(audit, "audit");
        this.clock = queries.clock();
        this.refs = new NumberRefs(clock);
    }

    @Override
    protected void service(HttpServletRequest req, HttpServletResponse resp) throws IOException {
        resp.setHeader("Cache-Control", "no-store");
        String path = req.getPathInfo() == null ? "/" : req.getPathInfo();
        if (path.equals("/console.css") && "GET".equals(req.getMethod())) {
            css(resp);
            return;
        }
        Optional<String> who = access.operator(req);
        if (who.isEmpty()) {
            Optional<String> login = access.loginUrl(req);
            if (login.isPresent()) {
                resp.sendRedirect(login.get());
            } else {
                html(resp, HttpServletResponse.SC_UNAUTHORIZED, ConsolePages.error(null, "Sign in", "Sign in to use the console."));
            }
            return;
        }
        ConsolePages.Frame frame = new ConsolePages.Frame(req.getContextPath() + req.getServletPath(), who.get(),
                access.csrfToken(req));
        boolean post = "POST".equals(req.getMethod());
        if (!post && !"GET".equals(req.getMethod())) {
            resp.setHeader("Allow", "GET, POST");
            html(resp, HttpServletResponse.SC_METHOD_NOT_ALLOWED, ConsolePages.error(frame, "Not allowed", "GET or POST only."));
            return;
        }
        if (post && !access.csrfValid(req)) {
            act(frame, "csrf_refused", "", path);
            html(resp, HttpServletResponse.SC_FORBIDDEN, ConsolePages.error(frame, "Refused",
                    "The form's security token is missing or stale: reload the page and try again."));
            return;
        }
        try {
            route(req, resp, frame, path, post);
        } catch (InvalidInputException e) {
            html(resp, HttpServletResponse.SC_BAD_REQUEST, ConsolePages.error(frame, "Bad input", e.getMessage()));
        } catch (ConsentKitException e) {
            LOG.warn("console {} failed: {}", path, e.getMessage());
            html(resp, HttpServletResponse.SC_SERVICE_UNAVAILABLE, ConsolePages.error(frame, "Not available",
                    "The store could not answer: " + e.getMessage()));
        }
    }

    private void route(HttpServletRequest req, HttpServletResponse resp, ConsolePages.Frame f, String path, boolean post)
            throws IOException {
        if (!post && path.equals("/")) {
            int days = days(req.getParameter("days"));
            act(f, "dashboard", "", days + " days");
            html(resp, 200, ConsolePages.dashboard(f, queries.dashboard(days)));
        } else if (post && path.equals("/search")) {
            String q = req.getParameter("q");
            PhoneNumber pn = queries.tracker().phoneNumbers().parse(q == null ? "" : q, "q");
            act(f, "search", pn.masked(), "");
            resp.setStatus(HttpServletResponse.SC_SEE_OTHER);
            resp.setHeader("Location", f.base() + "/number/" + refs.mint(pn));
        } else if (path.startsWith("/number/")) {
            number(req, resp, f, path.substring("/number/".length()), post);
        } else if (!post && path.equals("/pending")) {
            var pending = queries.pendingConfirmations();
            act(f, "pending", "", pending.size() + " listed");
            html(resp, 200, ConsolePages.pendingPage(f, pending, p -> refs.mint(p.phoneNumber()), clock.instant()));
        } else if (!post && path.equals("/revocations")) {
            var pending = queries.pendingRevocations();
            act(f, "revocations", "", pending.size() + " listed");
            html(resp, 200, ConsolePages.revocationsPage(f, queries.hasRevocationQueue(), pending,
                    r -> refs.mint(r.phone()), clock.instant()));
        } else if (!post && path.equals("/sends")) {
            act(f, "sends", "", "");
            html(resp, 200, queries.hasSendLog()
                    ? ConsolePages.sendsPage(f, queries.recentSends(200), queries.dashboard(DEFAULT_DAYS).sends())
                    : ConsolePages.page(f, "Send log", "<p>No send log is configured.</p>"));
        } else if (!post && path.equals("/export/audit.csv")) {
            csv(resp, "consent-audit.csv");
            int n;
            try (Writer w = new OutputStreamWriter(resp.getOutputStream(), StandardCharsets.UTF_8)) {
                n = queries.exportAudit(w);
            }
            act(f, "export_audit", "", n + " rows");
        } else {
            html(resp, HttpServletResponse.SC_NOT_FOUND, ConsolePages.error(f, "Not found", "No such console page."));
        }
    }

    private void number(HttpServletRequest req, HttpServletResponse resp, ConsolePages.Frame f, String rest, boolean post)
            throws IOException {
        int slash = rest.indexOf('/');
        String ref = slash < 0 ? rest : rest.substring(0, slash);
        String action = slash < 0 ? "" : rest.substring(slash + 1);
        Optional<PhoneNumber> pn = refs.resolve(ref);
        if (pn.isEmpty()) {
            html(resp, HttpServletResponse.SC_NOT_FOUND, ConsolePages.error(f, "Not found",
                    "This link has expired; search for the number again."));
            return;
        }
        String e164 = pn.get().e164();
        String masked = pn.get().masked();
        if (!post && action.isEmpty()) {
            Timeline t = queries.timeline(e164);
            act(f, "view", masked, t.rows().size() + " rows");
            String notice = "revoked".equals(req.getParameter("done")) ? "Revoked; the rows are below." : null;
            html(resp, 200, ConsolePages.timeline(f, t, ref, false, notice));
        } else if (post && action.equals("reveal")) {
            act(f, "reveal", masked, "full number shown");
            html(resp, 200, ConsolePages.timeline(f, queries.timeline(e164), ref, true, null));
        } else if (post && action.equals("revoke")) {
            List<ConsentRecord> rows = queries.revoke(e164, f.operator(), req.getParameter("notes"));
            act(f, "revoke", masked, rows.size() + " row(s) written, channel agent");
            resp.setStatus(HttpServletResponse.SC_SEE_OTHER);
            resp.setHeader("Location", f.base() + "/number/" + ref + "?done=revoked");
        } else if (!post && action.equals("evidence.csv")) {
            csv(resp, "consent-evidence.csv");
            int n;
            try (Writer w = new OutputStreamWriter(resp.getOutputStream(), StandardCharsets.UTF_8)) {
                n = queries.exportEvidence(e164, w);
            }
            act(f, "export_evidence", masked, n + " rows");
        } else {
            html(resp, HttpServletResponse.SC_NOT_FOUND, ConsolePages.error(f, "Not found", "No such console page."));
        }
    }

    private static int days(String raw) {
        if (raw == null || raw.isBlank()) {
            return DEFAULT_DAYS;
        }
        try {
            return Integer.parseInt(raw.strip());
        } catch (NumberFormatException e) {
            throw new InvalidInputException("days", "must be a whole number, got '" + Masking.printable(raw) + "'");
        }
    }

    private void act(ConsolePages.Frame f, String action, String masked, String detail) {
        try {
            audit.onAction(new ConsoleAudit.Action(clock.instant(), f.operator(), action, masked, detail));
        } catch (RuntimeException e) {
            LOG.warn("console audit listener failed on {}: {}", action, e.toString());
        }
    }

    private static void html(HttpServletResponse resp, int status, String body) throws IOException {
        byte[] b = body.getBytes(StandardCharsets.UTF_8);
        resp.setStatus(status);
        resp.setContentType("text/html; charset=utf-8");
        resp.setContentLength(b.length);
        resp.getOutputStream().write(b);
    }

    private static void csv(HttpServletResponse resp, String name) {
        resp.setStatus(200);
        resp.setContentType("text/csv; charset=utf-8");
        resp.setHeader("Content-Disposition", "attachment; filename=\"" + name + "\"");
    }

    private static void css(HttpServletResponse resp) throws IOException {
        try (InputStream in = ConsoleServlet.class.getResourceAsStream("console.css")) {
            byte[] b = Objects.requireNonNull(in, "console.css on the class path").readAllBytes();
            resp.setStatus(200);
            resp.setContentType("text/css; charset=utf-8");
            resp.setHeader("Cache-Control", "max-age=3600");
            resp.setContentLength(b.length);
            resp.getOutputStream().write(b);
        }
    }
}
