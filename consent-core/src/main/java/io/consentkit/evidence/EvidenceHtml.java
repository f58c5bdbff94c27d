package io.consentkit.evidence;

import java.time.Instant;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The pack's {@code index.html}: a static page a reviewer opens from the unzipped folder. No script,
 * no external resource (a content security policy forbids loading any), every value escaped; links
 * only for {@code http(s)} references and files inside the pack. Not thread-safe: one render.
 */
final class EvidenceHtml {
    private final EvidenceWriter w;
    private final EvidenceCollector c;
    private final String program;
    private final Instant created;
    private final List<String[]> texts;
    private final int consents;
    private final List<String[]> refs;
    private final List<String[]> sends;
    private final List<String[]> samples;
    private final List<String[]> replies;
    private final List<String[]> months;
    private final StringBuilder sb = new StringBuilder(1 << 14);

    EvidenceHtml(EvidenceWriter w, EvidenceCollector c, String program, Instant created, List<String[]> texts,
                 int consents, List<String[]> refs, List<String[]> sends, List<String[]> samples,
                 List<String[]> replies, List<String[]> months) {
        this.w = w;
        this.c = c;
        this.program = program;
        this.created = created;
        this.texts = texts;
        this.consents = consents;
        this.refs = refs;
        this.sends = sends;
        this.samples = samples;
        this.replies = replies;
        this.months = months;
    }

    /** Escapes text for HTML element content and quoted attribute values. */
    static String escape(String s) {
        StringBuilder out = new StringBuilder(s.length() + 16);
        for (int i = 0, n = s.length(); i < n; i++) {
            char ch = s.charAt(i);
            switch (ch) {
                case '&' -> out.append("&amp;");
                case '<' -> out.append("&lt;");
                case '>' -> out.append("&gt;");
                case '"' -> out.append("&quot;");
                case '\'' -> out.append("&#39;");
                default -> out.append(ch);
            }
        }
        return out.toString();
    }

    String render() {
        sb.append("<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\"/>")
                .append("<meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none'; style-src 'unsafe-inline'\"/>")
                .append("<title>Consent evidence: ").append(escape(program)).append("</title>")
                .append("<style>body{font-family:sans-serif;margin:2em}table{border-collapse:collapse;margin-bottom:1.5em}")
                .append("td,th{border:1px solid #999;padding:.3em .5em;text-align:left;vertical-align:top}")
                .append("td.text{white-space:pre-wrap;max-width:40em}</style></head><body>\n");
        sb.append("<h1>Consent evidence: program ").append(escape(program)).append("</h1>\n<p>Created ")
                .append(escape(created.toString())).append(". ").append(c.rows).append(" journal rows, ").append(consents)
                .append(" consents and suppressions, ").append(c.sendEntries).append(" messages sent. Phone numbers are ")
                .append(w.unmasked() ? "shown in full" : "masked")
                .append(". The CSV files beside this page hold the same data.</p>\n");
        section("Consent texts", "consent-texts.csv", new String[]{"#", "Text", "First use", "Last use", "Uses", "Methods"},
                texts, 1);
        byMethod();
        section("Opt-ins and opt-outs by month (UTC)", "counts-by-month.csv",
                new String[]{"Month", "Method", "Opt-ins", "Opt-outs"}, months, -1);
        refs();
        section("Sample messages sent", "samples.csv", new String[]{"Name", "Text", "Encoding", "Segments", "Sends",
            "First sent", "Last sent"}, samples.stream().filter(r -> !"0".equals(r[4])).toList(), 1);
        List<String[]> unsent = samples.stream().filter(r -> "0".equals(r[4])).toList();
        if (!unsent.isEmpty()) {
            section("Samples not found in the send log", "samples.csv", new String[]{"Name", "Text", "Encoding",
                "Segments", "Sends", "First sent", "Last sent"}, unsent, 1);
        }
        section("Messages sent, by template and body digest", "sends.csv", new String[]{"Template", "Category",
            "Body digest", "Sends", "Min segments", "Max segments", "First sent", "Last sent"}, sends, -1);
        section("STOP and HELP replies", "replies.csv", new String[]{"Keyword", "Text", "Encoding", "Segments",
            "Opt-outs by keyword"}, replies, 1);
        sb.append("</body></html>\n");
        return sb.toString();
    }

    private void byMethod() {
        sb.append("<h2>Totals by method</h2>\n<table><tr><th>Method</th><th>Opt-ins</th><th>Opt-outs</th></tr>\n");
        for (Map.Entry<String, int[]> e : c.byMethod().entrySet()) {
            sb.append("<tr><td>").append(escape(e.getKey())).append("</td><td>").append(e.getValue()[0])
                    .append("</td><td>").append(e.getValue()[1]).append("</td></tr>\n");
        }
        sb.append("</table>\n");
    }

    private void refs() {
        sb.append("<h2>Opt-in evidence (screenshots, page snapshots, page digests)</h2>\n<p>From evidence.csv.</p>\n")
                .append("<table><tr><th>Consent</th><th>At</th><th>Number</th><th>Kind</th><th>Reference</th>")
                .append("<th>In this pack</th></tr>\n");
        for (String[] r : refs) {
            sb.append("<tr><td>").append(escape(r[0])).append("</td><td>").append(escape(r[1])).append("</td><td>")
                    .append(escape(r[2])).append("</td><td>").append(escape(r[3])).append("</td><td>");
            String lower = r[4].toLowerCase(Locale.ROOT);
            if (lower.startsWith("https://") || lower.startsWith("http://")) {
                sb.append("<a href=\"").append(escape(r[4])).append("\" rel=\"noreferrer\">").append(escape(r[4]))
                        .append("</a>");
            } else {
                sb.append(escape(r[4]));
            }
            sb.append("</td><td>");
            if (!r[5].isEmpty()) {
                sb.append("<a href=\"").append(escape(r[5])).append("\">").append(escape(r[5])).append("</a> sha256 ")
                        .append(escape(r[6]));
            }
            sb.append("</td></tr>\n");
        }
        sb.append("</table>\n");
    }

    /** A table; {@code textColumn} is the index of a long text cell (kept with its line breaks), or -1. */
    private void section(String title, String file, String[] header, List<String[]> rows, int textColumn) {
        sb.append("<h2>").append(escape(title)).append("</h2>\n<p>From ").append(escape(file)).append(": ")
                .append(rows.size()).append(rows.size() == 1 ? " row" : " rows").append(".</p>\n<table><tr>");
        for (String h : header) {
            sb.append("<th>").append(escape(h)).append("</th>");
        }
        sb.append("</tr>\n");
        for (String[] row : rows) {
            sb.append("<tr>");
            for (int i = 0; i < row.length; i++) {
                sb.append(i == textColumn ? "<td class=\"text\">" : "<td>").append(escape(row[i])).append("</td>");
            }
            sb.append("</tr>\n");
        }
        sb.append("</table>\n");
    }
}
