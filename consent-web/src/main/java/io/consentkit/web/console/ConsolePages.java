package io.consentkit.web.console;

import io.consentkit.inbound.PendingConfirmation;
import io.consentkit.journal.ConsentRecord;
import io.consentkit.revocation.RevocationRequest;
import io.consentkit.send.SendLogEntry;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.Function;

/**
 * The console's HTML, written on the server with every value escaped: no script, no inline style (the
 * style sheet is served by the console itself), forms that post their CSRF token. Numbers are shown
 * masked unless the page is a reveal. Stateless; thread-safe.
 */
final class ConsolePages {
    /** What every page needs: where the console is mounted, who is signed in, the session's CSRF token. */
    record Frame(String base, String operator, String csrf) {
    }

    private ConsolePages() {
    }

    static String h(String s) {
        return SvgChart.escape(s == null ? "" : s);
    }

    private static String hidden(Frame f) {
        return "<input type=\"hidden\" name=\"" + ConsoleAccess.CSRF_FIELD + "\" value=\"" + h(f.csrf()) + "\">";
    }

    static String page(Frame f, String title, String body) {
        String b = h(f.base());
        return "<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">"
                + "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">"
                + "<title>" + h(title) + " - ConsentKit console</title>"
                + "<link rel=\"stylesheet\" href=\"" + b + "/console.css\"></head><body>"
                + "<header><nav><a href=\"" + b + "/\">Dashboard</a> <a href=\"" + b + "/pending\">Pending confirmations</a> "
                + "<a href=\"" + b + "/revocations\">Revocations</a> <a href=\"" + b + "/sends\">Send log</a> "
                + "<a href=\"" + b + "/export/audit.csv\">Export audit CSV</a></nav>"
                + "<form class=\"search\" method=\"post\" action=\"" + b + "/search\">" + hidden(f)
                + "<label for=\"q\">Number</label> <input id=\"q\" name=\"q\" type=\"tel\" autocomplete=\"off\" required> "
                + "<button type=\"submit\">Search</button></form>"
                + "<p class=\"operator\">Signed in as <strong>" + h(f.operator()) + "</strong></p></header>"
                + "<main><h1>" + h(title) + "</h1>" + body + "</main></body></html>\n";
    }

    static String dashboard(Frame f, Dashboard d) {
        List<String> labels = SvgChart.dayLabels(d);
        StringBuilder sb = new StringBuilder();
        sb.append("<p>").append(h(d.first().toString())).append(" to ").append(h(d.last().toString())).append(": ")
                .append(Dashboard.total(d.optInsByMethod())).append(" opt-ins, ")
                .append(Dashboard.total(d.optOutsByMethod())).append(" opt-outs.</p>");
        sb.append("<form method=\"get\" action=\"").append(h(f.base())).append("/\"><label for=\"days\">Days</label> ")
                .append("<input id=\"days\" name=\"days\" type=\"number\" min=\"1\" max=\"").append(ConsoleQueries.MAX_DAYS)
                .append("\" value=\"").append(d.days()).append("\"> <button type=\"submit\">Show</button></form>");
        sb.append("<div class=\"charts\">");
        sb.append(figure(SvgChart.bars("Opt-ins per day by method", labels, d.optInsByMethod())));
        sb.append(figure(SvgChart.bars("Opt-ins per day by program", labels, d.optInsByProgram())));
        sb.append(figure(SvgChart.bars("Opt-outs per day by method", labels, d.optOutsByMethod())));
        sb.append(figure(SvgChart.bars("Opt-outs per day by program", labels, d.optOutsByProgram())));
        if (!d.sends().isEmpty()) {
            Map<String, long[]> sent = new TreeMap<>();
            Map<String, double[]> cost = new TreeMap<>();
            Map<String, long[]> blocked = new TreeMap<>();
            int n = d.sends().size();
            for (int i = 0; i < n; i++) {
                ConsoleSendLog.DayTotals day = d.sends().get(i);
                sent.computeIfAbsent("sent", k -> new long[n])[i] = day.sent();
                sent.computeIfAbsent("segments", k -> new long[n])[i] = day.segments();
                int at = i;
                day.cost().forEach((cur, v) -> cost.computeIfAbsent(cur, k -> new double[n])[at] = v.doubleValue());
                day.blocked().forEach((reason, c) -> blocked.computeIfAbsent(reason, k -> new long[n])[at] = c);
            }
            sb.append(figure(SvgChart.lines("Messages and segments sent per day", labels, toDouble(sent))));
            sb.append(figure(SvgChart.lines("Estimated cost per day", labels, cost)));
            sb.append(figure(SvgChart.bars("Blocked per day by reason", labels, top(blocked))));
        }
        return page(f, "Dashboard", sb.append("</div>").toString());
    }

    private static Map<String, double[]> toDouble(Map<String, long[]> m) {
        Map<String, double[]> out = new TreeMap<>();
        m.forEach((k, v) -> out.put(k, java.util.Arrays.stream(v).asDoubleStream().toArray()));
        return out;
    }

    /** The {@link SvgChart#MAX_SERIES} - 1 largest series and the rest summed as "other". */
    private static Map<String, long[]> top(Map<String, long[]> m) {
        if (m.size() <= SvgChart.MAX_SERIES) {
            return m;
        }
        List<Map.Entry<String, long[]>> e = new ArrayList<>(m.entrySet());
        e.sort((a, b) -> Long.compare(java.util.Arrays.stream(b.getValue()).sum(), java.util.Arrays.stream(a.getValue()).sum()));
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

    private static String figure(String svg) {
        return "<figure>" + svg + "</figure>";
    }

    static String timeline(Frame f, Timeline t, String ref, boolean revealed, String notice) {
        String b = h(f.base()) + "/number/" + h(ref);
        String shown = revealed ? t.phone().e164() : t.phone().masked();
        StringBuilder sb = new StringBuilder();
        if (notice != null && !notice.isEmpty()) {
            sb.append("<p class=\"notice\" role=\"status\">").append(h(notice)).append("</p>");
        }
        sb.append("<p class=\"number\">Number <strong id=\"number\">").append(h(shown)).append("</strong>: ")
                .append(t.active() ? "may be texted (active)" : t.optedOut() ? "opted out" : "no active consent")
                .append(t.status() == null ? "" : ", status " + h(t.status().status().journalName())).append("</p>");
        sb.append("<div class=\"actions\">");
        if (!revealed) {
            sb.append("<form method=\"post\" action=\"").append(b).append("/reveal\">").append(hidden(f))
                    .append("<button type=\"submit\" id=\"reveal\">Reveal full number (audited)</button></form>");
        }
        sb.append("<form method=\"post\" action=\"").append(b).append("/revoke\">").append(hidden(f))
                .append("<label for=\"notes\">Notes</label> <input id=\"notes\" name=\"notes\" maxlength=\"500\"> ")
                .append("<button type=\"submit\" id=\"revoke\">Revoke every consent (channel agent)</button></form>")
                .append("<a href=\"").append(b).append("/evidence.csv\">Export evidence CSV</a></div>");
        sb.append("<h2>Journal rows</h2>");
        if (t.rows().isEmpty()) {
            sb.append("<p>No journal row for this number.</p>");
        } else {
            sb.append("<table class=\"rows\"><thead><tr><th>Time</th><th>Status</th><th>Method</th><th>Exact text</th>"
                    + "<th>Program / brand / channel</th><th>IP</th><th>Screenshot</th><th>Customer</th><th>Evidence</th>"
                    + "<th>Revoked</th></tr></thead><tbody>");
            for (ConsentRecord r : t.rows()) {
                sb.append("<tr><td>").append(h(r.timestamp().toString())).append("</td><td>")
                        .append(h(r.status().journalName())).append("</td><td>").append(h(r.optInMethod()))
                        .append("</td><td class=\"text\">").append(h(r.consentMessage())).append("</td><td>")
                        .append(h(r.program())).append(" / ").append(h(r.brand())).append(" / ").append(h(r.channel()))
                        .append("</td><td>").append(h(r.ipAddress())).append("</td><td>").append(link(r.screenshotUrl()))
                        .append("</td><td>").append(h(join(r.customerId(), r.customerName(), r.customerEmail())))
                        .append("</td><td>").append(metadata(r.metadata())).append("</td><td>")
                        .append(r.revokedAt() == null ? "" : h(r.revokedAt() + " " + r.revokedMethod()))
                        .append("</td></tr>");
            }
            sb.append("</tbody></table>");
        }
        sb.append("<h2>Send log</h2>").append(sendTable(t.sends()));
        if (!t.revocations().isEmpty()) {
            sb.append("<h2>Revocation requests</h2>").append(revocationTable(f, t.revocations(), x -> ref, null));
        }
        return page(f, "Number " + shown, sb.toString());
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

    private static String link(String url) {
        if (url.startsWith("https://") || url.startsWith("http://")) {
            return "<a href=\"" + h(url) + "\" rel=\"noopener noreferrer nofollow\">" + h(url) + "</a>";
        }
        return h(url);
    }

    private static String metadata(Map<String, String> m) {
        if (m.isEmpty()) {
            return "";
        }
        StringBuilder sb = new StringBuilder("<dl>");
        m.forEach((k, v) -> sb.append("<dt>").append(h(k)).append("</dt><dd>").append(h(v)).append("</dd>"));
        return sb.append("</dl>").toString();
    }

    static String sendTable(List<SendLogEntry> sends) {
        if (sends.isEmpty()) {
            return "<p>No send-log entry.</p>";
        }
        StringBuilder sb = new StringBuilder("<table class=\"sends\"><thead><tr><th>Time</th><th>Decision</th><th>Reason</th>"
                + "<th>To</th><th>Category</th><th>Program</th><th>Segments</th><th>Cost</th><th>Message SID</th>"
                + "<th>Status</th><th>Detail</th></tr></thead><tbody>");
        for (SendLogEntry e : sends) {
            sb.append("<tr><td>").append(h(e.time().toString())).append("</td><td>").append(h(e.decision().name()))
                    .append("</td><td>").append(h(e.reason())).append("</td><td>").append(h(e.to())).append("</td><td>")
                    .append(h(e.category().label())).append("</td><td>").append(h(e.program())).append("</td><td>")
                    .append(e.segments()).append("</td><td>")
                    .append(e.estimatedCost() == null ? "" : h(e.estimatedCost().toPlainString() + " " + e.currency()))
                    .append("</td><td>").append(h(e.providerId())).append("</td><td>")
                    .append(e.status() == null ? "" : h(e.status().providerName())).append("</td><td>")
                    .append(h(e.detail())).append("</td></tr>");
        }
        return sb.append("</tbody></table>").toString();
    }

    static String sendsPage(Frame f, List<SendLogEntry> recent, List<ConsoleSendLog.DayTotals> days) {
        StringBuilder sb = new StringBuilder("<h2>Per day</h2><table class=\"days\"><thead><tr><th>Day</th><th>Sent</th>"
                + "<th>Segments</th><th>Estimated cost</th><th>Blocked by reason</th></tr></thead><tbody>");
        for (int i = days.size() - 1; i >= 0; i--) {
            ConsoleSendLog.DayTotals d = days.get(i);
            List<String> cost = new ArrayList<>();
            d.cost().forEach((cur, v) -> cost.add(v.toPlainString() + " " + cur));
            List<String> blocked = new ArrayList<>();
            d.blocked().forEach((r, c) -> blocked.add(r + "=" + c));
            sb.append("<tr><td>").append(h(d.date().toString())).append("</td><td>").append(d.sent()).append("</td><td>")
                    .append(d.segments()).append("</td><td>").append(h(String.join(" + ", cost))).append("</td><td>")
                    .append(h(String.join(", ", blocked))).append("</td></tr>");
        }
        sb.append("</tbody></table><h2>Latest decisions</h2>").append(sendTable(recent));
        return page(f, "Send log", sb.toString());
    }

    static String pendingPage(Frame f, List<PendingConfirmation> pending, Function<PendingConfirmation, String> ref,
                              Instant now) {
        StringBuilder sb = new StringBuilder("<p>").append(pending.size()).append(" waiting for a Y/N answer.</p>");
        if (!pending.isEmpty()) {
            sb.append("<table class=\"pending\"><thead><tr><th>Number</th><th>Asked</th><th>Answer by</th><th>Question</th>"
                    + "</tr></thead><tbody>");
            for (PendingConfirmation p : pending) {
                sb.append("<tr><td><a href=\"").append(h(f.base())).append("/number/").append(h(ref.apply(p))).append("\">")
                        .append(h(p.phoneNumber().masked())).append("</a></td><td>").append(h(p.requestedAt().toString()))
                        .append("</td><td>").append(p.isOverdue(now) ? "<strong>overdue</strong> " : "")
                        .append(h(p.expiresAt().toString())).append("</td><td class=\"text\">").append(h(p.question()))
                        .append("</td></tr>");
            }
            sb.append("</tbody></table>");
        }
        return page(f, "Pending confirmations", sb.toString());
    }

    static String revocationsPage(Frame f, boolean configured, List<RevocationRequest> pending,
                                  Function<RevocationRequest, String> ref, Instant now) {
        if (!configured) {
            return page(f, "Revocations", "<p>No revocation queue is configured.</p>");
        }
        long overdue = pending.stream().filter(r -> r.isOverdue(now)).count();
        return page(f, "Revocations", "<p>" + pending.size() + " pending, " + overdue + " overdue.</p>"
                + revocationTable(f, pending, ref, now));
    }

    private static String revocationTable(Frame f, List<RevocationRequest> list, Function<RevocationRequest, String> ref,
                                          Instant now) {
        StringBuilder sb = new StringBuilder("<table class=\"revocations\"><thead><tr><th>Number</th><th>Scope</th>"
                + "<th>Via</th><th>Received</th><th>Deadline</th><th>State</th><th>Said</th><th>Taken by</th></tr></thead><tbody>");
        for (RevocationRequest r : list) {
            boolean late = now != null && r.isOverdue(now);
            sb.append("<tr").append(late ? " class=\"overdue\"" : "").append("><td><a href=\"").append(h(f.base()))
                    .append("/number/").append(h(ref.apply(r))).append("\">").append(h(r.phone().masked()))
                    .append("</a></td><td>").append(h(r.scope())).append("</td><td>").append(h(r.channel().label()))
                    .append("</td><td>").append(h(r.receivedAt().toString())).append("</td><td>")
                    .append(h(r.deadline().toString())).append("</td><td>").append(late ? "overdue" : h(r.state().label()))
                    .append("</td><td class=\"text\">").append(h(r.evidenceText())).append("</td><td>")
                    .append(h(r.evidenceBy())).append("</td></tr>");
        }
        return sb.append("</tbody></table>").toString();
    }

    static String error(Frame f, String title, String message) {
        String body = "<p class=\"error\" role=\"alert\">" + h(message) + "</p>";
        return f == null ? "<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\"><title>" + h(title)
                + "</title></head><body><h1>" + h(title) + "</h1>" + body + "</body></html>\n" : page(f, title, body);
    }
}
