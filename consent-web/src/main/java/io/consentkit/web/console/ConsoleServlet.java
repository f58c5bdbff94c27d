package io.consentkit.web.console;

import io.consentkit.ConsentKitException;
import io.consentkit.InvalidInputException;
import io.consentkit.journal.ConsentRecord;
import io.consentkit.phone.PhoneNumber;
import io.consentkit.support.Masking;
import io.consentkit.web.ConsoleAuth;
import io.consentkit.web.OperatorAccess;
import io.consentkit.web.Html;
import io.consentkit.web.Operator;
import io.consentkit.web.Pages;
import io.consentkit.web.SecurityHeaders;
import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;

import java.io.IOException;
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
 * the login in front of it (the {@link ConsoleAuth} login, or the container's through another
 * {@link OperatorAccess}); every POST needs its CSRF token (both checked by
 * {@link OperatorAccess#requireOperator}); every action goes to the
 * {@link ConsoleAudit} with the operator. Thread-safe.
 */
public final class ConsoleServlet extends HttpServlet {
    private static final long serialVersionUID = 1L;
    private static final org.slf4j.Logger LOG = org.slf4j.LoggerFactory.getLogger(ConsoleServlet.class);
    /** The dashboard's default window, in days. */
    public static final int DEFAULT_DAYS = 30;

    private final transient ConsoleQueries queries;
    private final transient OperatorAccess auth;
    private final transient ConsoleAudit audit;
    private final transient Clock clock;
    private final transient NumberRefs refs;

    /**
     * A console over {@code queries} behind the operator login {@code auth} (a {@link ConsoleAuth}: mount its
     * login and logout servlets too), auditing to {@code audit} ({@link ConsoleAudit#LOG} for the log).
     */
    public ConsoleServlet(ConsoleQueries queries, OperatorAccess auth, ConsoleAudit audit) {
        this.queries = Objects.requireNonNull(queries, "queries");
        this.auth = Objects.requireNonNull(auth, "auth");
        this.audit = Objects.requireNonNull(audit, "audit");
        this.clock = queries.clock();
        this.refs = new NumberRefs(clock);
    }

    @Override
    protected void service(HttpServletRequest req, HttpServletResponse resp) throws IOException {
        Optional<Operator> who = auth.requireOperator(req, resp); // answered itself: login redirect, 403 on CSRF
        if (who.isEmpty()) {
            return;
        }
        String path = req.getPathInfo() == null ? "/" : req.getPathInfo();
        ConsolePages.Frame frame = new ConsolePages.Frame(req.getContextPath() + req.getServletPath(), who.get().name(),
                auth.csrfField(req), auth.logoutForm(req));
        boolean post = "POST".equals(req.getMethod());
        if (!post && !"GET".equals(req.getMethod())) {
            resp.setHeader("Allow", "GET, POST");
            html(resp, HttpServletResponse.SC_METHOD_NOT_ALLOWED, ConsolePages.error(frame, "Not allowed", "GET or POST only."));
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
                    : ConsolePages.page(f, "Send log", Html.format("<p>No send log is configured.</p>")));
        } else if (!post && path.equals("/export/audit.csv")) {
            act(f, "export_audit", "", "every consent"); // before streaming: the client may have it all before we return
            csv(resp, "consent-audit.csv");
            try (Writer w = new OutputStreamWriter(resp.getOutputStream(), StandardCharsets.UTF_8)) {
                queries.exportAudit(w);
            }
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
            java.io.StringWriter rows = new java.io.StringWriter();
            int n = queries.exportEvidence(e164, rows); // one number's rows: small
            act(f, "export_evidence", masked, n + " rows");
            csv(resp, "consent-evidence.csv");
            byte[] body = rows.toString().getBytes(StandardCharsets.UTF_8);
            resp.setContentLength(body.length);
            resp.getOutputStream().write(body);
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

    private static void html(HttpServletResponse resp, int status, Html page) throws IOException {
        Pages.send(resp, status, page, true);
    }

    private static void csv(HttpServletResponse resp, String name) {
        resp.setStatus(200);
        SecurityHeaders.apply(resp, true);
        resp.setContentType("text/csv; charset=utf-8");
        resp.setHeader("Content-Disposition", "attachment; filename=\"" + name + "\"");
    }
}
