package io.consentkit.web.console;

import io.consentkit.inbound.PendingConfirmation;
import io.consentkit.journal.ConsentRecord;
import io.consentkit.revocation.RevocationRequest;
import io.consentkit.send.SendLogEntry;
import io.consentkit.web.Html;
import io.consentkit.web.Pages;

import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.Function;

/**
 * The console's HTML, built with {@link Html} from constant templates (every value escaped) inside the
 * shared {@link Pages#document} frame: no script, no style but the shared stylesheet, forms that post
 * their CSRF field. Numbers are shown masked unless the page is a reveal. Stateless; thread-safe.
 */
final class ConsolePages {
    /**
     * What every page needs: where the console is mounted, who is signed in, the session's CSRF field
     * and the logout form.
     */
    record Frame(String base, String operator, Html csrf, Html logout) {
    }

    private ConsolePages() {
    }

    static Html page(Frame f, String title, Html body) {
        String b = f.base();
        Html header = Html.format("<header class=\"console\"><nav><a href=\"{}/\">Dashboard</a><a href=\"{}/pending\">"
                        + "Pending confirmations</a><a href=\"{}/revocations\">Revocations</a><a href=\"{}/sends\">Send log</a>"
                        + "<a href=\"{}/export/audit.csv\">Export audit CSV</a></nav>"
                        + "<form class=\"search\" method=\"post\" action=\"{}/search\">{}<label for=\"q\">Number</label>"
                        + "<input id=\"q\" name=\"q\" type=\"tel\" autocomplete=\"off\" required>"
                        + "<button type=\"submit\" id=\"search\">Search</button></form>"
                        + "<p class=\"fine\">Signed in as <strong id=\"operator\">{}</strong></p>{}</header>",
                b, b, b, b, b, b, f.csrf(), f.operator(), f.logout());
        return Pages.document(title + " - ConsentKit console", Html.format("{}<h1>{}</h1>{}", header, title, body));
    }

    static Html dashboard(Frame f, Dashboard d) {
        List<String> labels = SvgChart.dayLabels(d);
        List<Html> charts = new ArrayList<>();
        charts.add(SvgChart.bars("Opt-ins per day by method", labels, d.optInsByMethod()));
        charts.add(SvgChart.bars("Opt-ins per day by program", labels, d.optInsByProgram()));
        charts.add(SvgChart.bars("Opt-outs per day by method", labels, d.optOutsByMethod()));
        charts.add(SvgChart.bars("Opt-outs per day by program", labels, d.optOutsByProgram()));
        if (!d.sends().isEmpty()) {
            Map<String, double[]> sent = new TreeMap<>();
            Map<String, double[]> cost = new TreeMap<>();
            Map<String, long[]> blocked = new TreeMap<>();
            int n = d.sends().size();
            for (int i = 0; i < n; i++) {
                ConsoleSendLog.DayTotals day = d.sends().get(i);
                sent.computeIfAbsent("sent", k -> new double[n])[i] = day.sent();
                sent.computeIfAbsent("segments", k -> new double[n])[i] = day.segments();
                int at = i;
                day.cost().forEach((cur, v) -> cost.computeIfAbsent(cur, k -> new double[n])[at] = v.doubleValue());
                day.blocked().forEach((reason, c) -> blocked.computeIfAbsent(reason, k -> new long[n])[at] = c);
            }
            charts.add(SvgChart.lines("Messages and segments sent per day", labels, sent));
            charts.add(SvgChart.lines("Estimated cost per day", labels, cost));
            charts.add(SvgChart.bars("Blocked per day by reason", labels, top(blocked)));
        }
        List<Html> figures = new ArrayList<>();
        charts.forEach(c -> figures.add(Html.format("<figure>{}</figure>", c)));
        return page(f, "Dashboard", Html.format("<p>{} to {}: {} opt-ins, {} opt-outs.</p>"
                        + "<form method=\"get\" action=\"{}/\"><label for=\"days\">Days</label>"
                        + "<input id=\"days\" name=\"days\" type=\"number\" min=\"1\" max=\"{}\" value=\"{}\">"
                        + "<button type=\"submit\">Show</button></form><div class=\"charts\">{}</div>",
                d.first(), d.last(), Dashboard.total(d.optInsByMethod()), Dashboard.total(d.optOutsByMethod()), f.base(),
                ConsoleQueries.MAX_DAYS, d.days(), Html.join(figures)));
    }

    /** The {@link SvgChart#MAX_SERIES} - 1 largest series and the rest summed as "(other)". */
    private static Map<String, long[]> top(Map<String, long[]> m) {
        if (m.size() <= SvgChart.MAX_SERIES) {
            return m;
        }
        List<Map.Entry<String, long[]>> e = new ArrayList<>(m.entrySet());
        e.sort((a, b) -> Long.compare(Arrays.stream(b.getValue()).sum(), Arrays.stream(a.getValue()).sum()));
        Map<String, long[]> out = new TreeMap<>();
        long[] other = new long[e.get(0).getValue().length];
        for (int i = 0; i < e.size(); i++) {
            if (i < SvgChart.MAX_SERIES - 1) {
                out.put(e.get(i).getKey(), e.get(i).getValue());
            } else {
                for (int j = 0; j < other.length; j++) {
                    other[j] += e.get(i).getValue()[j];
                }
            }
        }
        out.put("(other)", other);
        return out;
    }

    static Html timeline(Frame f, Timeline t, String ref, boolean revealed, String notice) {
        String b = f.base() + "/number/" + ref;
        String shown = revealed ? t.phone().e164() : t.phone().masked();
        String state = (t.active() ? "may be texted (active)" : t.optedOut() ? "opted out" : "no active consent")
                + (t.status() == null ? "" : ", status " + t.status().status().journalName());
        Html reveal = revealed ? Html.EMPTY : Html.format("<form method=\"post\" action=\"{}/reveal\">{}"
                + "<button type=\"submit\" id=\"reveal\">Reveal full number (audited)</button></form>", b, f.csrf());
        // masked view: the number also where a row's text, customer fields or evidence repeat it (a typed reply...)
        Function<String, String> hide = revealed ? v -> v : v -> v.replace(t.phone().e164(), t.phone().masked())
                .replace(t.phone().e164().substring(1), t.phone().masked());
        List<Html> rows = new ArrayList<>();
        for (ConsentRecord r : t.rows()) {
            Map<String, String> evidence = new java.util.LinkedHashMap<>();
            r.metadata().forEach((k, v) -> evidence.put(k, hide.apply(v)));
            rows.add(Html.format("<tr><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td>{} / {} / {}</td><td>{}</td><td>{}</td>"
                            + "<td>{}</td><td>{}</td><td>{}</td></tr>", r.timestamp(), r.status().journalName(),
                    r.optInMethod(), hide.apply(r.consentMessage()), orDefault(r.program()), orDefault(r.brand()),
                    r.channel().isEmpty() ? "-" : r.channel(), r.ipAddress(), link(hide.apply(r.screenshotUrl())),
                    hide.apply(join(r.customerId(), r.customerName(), r.customerEmail())), metadata(evidence),
                    r.revokedAt() == null ? "" : r.revokedAt() + " " + r.revokedMethod()));
        }
        Html journal = rows.isEmpty() ? Html.format("<p>No journal row for this number.</p>")
                : Html.format("<table class=\"rows\"><thead><tr><th>Time</th><th>Status</th><th>Method</th><th>Exact text</th>"
                + "<th>Program / brand / channel</th><th>IP</th><th>Screenshot</th><th>Customer</th><th>Evidence</th>"
                + "<th>Revoked</th></tr></thead><tbody>{}</tbody></table>", Html.join(rows));
        Html requests = t.revocations().isEmpty() ? Html.EMPTY : Html.format("<h2>Revocation requests</h2>{}",
                revocationTable(f, t.revocations(), x -> ref, null));
        return page(f, "Number " + shown, Html.format("{}<p>Number <strong id=\"number\">{}</strong>: {}</p>"
                        + "<div class=\"actions\">{}<form method=\"post\" action=\"{}/revoke\">{}<label for=\"notes\">Notes"
                        + "</label><input id=\"notes\" name=\"notes\" type=\"text\" maxlength=\"500\">"
                        + "<button type=\"submit\" id=\"revoke\">Revoke every consent (channel agent)</button></form>"
                        + "<p><a href=\"{}/evidence.csv\">Export evidence CSV</a></p></div>"
                        + "<h2>Journal rows</h2>{}<h2>Send log</h2>{}{}",
                notice == null ? Html.EMPTY : Html.format("<p class=\"notice\" role=\"status\">{}</p>", notice), shown,
                state, reveal, b, f.csrf(), b, journal, sendTable(t.sends()), requests));
    }

    private static String orDefault(String scope) {
        return scope.isEmpty() ? "default" : scope;
    }

    private static String join(String... parts) {
        StringBuilder sb = new StringBuilder();
        for (String p : parts) {
            if (!p.isEmpty()) {
                sb.append(sb.length() == 0 ? "" : ", ").append(p);
            }
        }
        return sb.toString();
    }

    private static Html link(String url) {
        if (url.startsWith("https://") || url.startsWith("http://")) {
            return Html.format("<a href=\"{}\" rel=\"noopener noreferrer nofollow\">{}</a>", url, url);
        }
        return Html.text(url);
    }

    private static Html metadata(Map<String, String> m) {
        if (m.isEmpty()) {
            return Html.EMPTY;
        }
        List<Html> items = new ArrayList<>();
        m.forEach((k, v) -> items.add(Html.format("<li><strong>{}</strong>: {}</li>", k, v)));
        return Html.format("<ul class=\"fine\">{}</ul>", Html.join(items));
    }

    static Html sendTable(List<SendLogEntry> sends) {
        if (sends.isEmpty()) {
            return Html.format("<p>No send-log entry.</p>");
        }
        List<Html> rows = new ArrayList<>();
        for (SendLogEntry e : sends) {
            rows.add(Html.format("<tr><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td>"
                            + "<td>{}</td><td>{}</td><td>{}</td><td>{}</td></tr>", e.time(), e.decision().name(), e.reason(),
                    e.to(), e.category().label(), e.program(), e.segments(),
                    e.estimatedCost() == null ? "" : e.estimatedCost().toPlainString() + " " + e.currency(), e.providerId(),
                    e.status() == null ? "" : e.status().providerName(), e.detail()));
        }
        return Html.format("<table class=\"sends\"><thead><tr><th>Time</th><th>Decision</th><th>Reason</th><th>To</th>"
                + "<th>Category</th><th>Program</th><th>Segments</th><th>Cost</th><th>Message SID</th><th>Status</th>"
                + "<th>Detail</th></tr></thead><tbody>{}</tbody></table>", Html.join(rows));
    }

    static Html sendsPage(Frame f, List<SendLogEntry> recent, List<ConsoleSendLog.DayTotals> days) {
        List<Html> rows = new ArrayList<>();
        for (int i = days.size() - 1; i >= 0; i--) {
            ConsoleSendLog.DayTotals d = days.get(i);
            List<String> cost = new ArrayList<>();
            d.cost().forEach((cur, v) -> cost.add(v.toPlainString() + " " + cur));
            List<String> blocked = new ArrayList<>();
            d.blocked().forEach((r, c) -> blocked.add(r + "=" + c));
            rows.add(Html.format("<tr><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td></tr>", d.date(), d.sent(),
                    d.segments(), String.join(" + ", cost), String.join(", ", blocked)));
        }
        return page(f, "Send log", Html.format("<h2>Per day</h2><table class=\"days\"><thead><tr><th>Day</th><th>Sent</th>"
                + "<th>Segments</th><th>Estimated cost</th><th>Blocked by reason</th></tr></thead><tbody>{}</tbody></table>"
                + "<h2>Latest decisions</h2>{}", Html.join(rows), sendTable(recent)));
    }

    static Html pendingPage(Frame f, List<PendingConfirmation> pending, Function<PendingConfirmation, String> ref,
                            Instant now) {
        List<Html> rows = new ArrayList<>();
        for (PendingConfirmation p : pending) {
            rows.add(Html.format("<tr><td><a href=\"{}/number/{}\">{}</a></td><td>{}</td><td>{}{}</td><td>{}</td></tr>",
                    f.base(), ref.apply(p), p.phoneNumber().masked(), p.requestedAt(),
                    p.isOverdue(now) ? Html.format("<strong>overdue</strong> ") : Html.EMPTY, p.expiresAt(), p.question()));
        }
        Html table = rows.isEmpty() ? Html.EMPTY : Html.format("<table class=\"pending\"><thead><tr><th>Number</th>"
                + "<th>Asked</th><th>Answer by</th><th>Question</th></tr></thead><tbody>{}</tbody></table>", Html.join(rows));
        return page(f, "Pending confirmations", Html.format("<p>{} waiting for a Y/N answer.</p>{}", pending.size(), table));
    }

    static Html revocationsPage(Frame f, boolean configured, List<RevocationRequest> pending,
                                Function<RevocationRequest, String> ref, Instant now) {
        if (!configured) {
            return page(f, "Revocations", Html.format("<p>No revocation queue is configured.</p>"));
        }
        long overdue = pending.stream().filter(r -> r.isOverdue(now)).count();
        return page(f, "Revocations", Html.format("<p>{} pending, {} overdue.</p>{}", pending.size(), overdue,
                revocationTable(f, pending, ref, now)));
    }

    private static Html revocationTable(Frame f, List<RevocationRequest> list, Function<RevocationRequest, String> ref,
                                        Instant now) {
        List<Html> rows = new ArrayList<>();
        for (RevocationRequest r : list) {
            boolean late = now != null && r.isOverdue(now);
            rows.add(Html.format("<tr class=\"{}\"><td><a href=\"{}/number/{}\">{}</a></td><td>{}</td><td>{}</td><td>{}</td>"
                            + "<td>{}</td><td>{}</td><td>{}</td><td>{}</td></tr>", late ? "overdue" : "", f.base(),
                    ref.apply(r), r.phone().masked(), r.scope(), r.channel().label(), r.receivedAt(), r.deadline(),
                    late ? "overdue" : r.state().label(), r.evidenceText(), r.evidenceBy()));
        }
        return Html.format("<table class=\"revocations\"><thead><tr><th>Number</th><th>Scope</th><th>Via</th>"
                + "<th>Received</th><th>Deadline</th><th>State</th><th>Said</th><th>Taken by</th></tr></thead>"
                + "<tbody>{}</tbody></table>", Html.join(rows));
    }

    static Html error(Frame f, String title, String message) {
        return page(f, title, Html.format("<p class=\"error\" role=\"alert\">{}</p>", message));
    }
}
