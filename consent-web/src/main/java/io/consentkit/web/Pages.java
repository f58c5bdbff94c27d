package io.consentkit.web;

import jakarta.servlet.http.HttpServletResponse;

import java.io.IOException;

/**
 * The page frame every ConsentKit page shares: a complete HTML5 document with the one stylesheet
 * ({@link #STYLE}, allowed by hash in {@link SecurityHeaders#CONTENT_SECURITY_POLICY}), no script, and a
 * helper that sends it with the security headers. Stateless and thread-safe.
 */
public final class Pages {
    /** The stylesheet of every page (plain CSS, readable on a phone, a tablet and a desktop). */
    public static final String STYLE = "body{font-family:system-ui,sans-serif;max-width:40rem;margin:1.5rem auto;"
            + "padding:0 1rem;line-height:1.45;color:#1b1b1b}h1{font-size:1.5rem}label{display:block;margin:.8rem 0 .3rem}"
            + "input[type=text],input[type=tel],input[type=password]{width:100%;padding:.5rem;font-size:1.1rem;"
            + "box-sizing:border-box}input[type=checkbox]{transform:scale(1.4);margin-right:.6rem}"
            + "button{margin-top:1rem;padding:.6rem 1.4rem;font-size:1.1rem}.consent{display:flex;align-items:flex-start;"
            + "gap:.4rem;background:#f4f4f4;padding:.8rem;border-radius:.3rem}.fine{font-size:.9rem;color:#444}"
            + ".error{color:#a00000}.hp{position:absolute;left:-10000px;width:1px;height:1px;overflow:hidden}"
            + "table{border-collapse:collapse;width:100%}td,th{border-bottom:1px solid #ddd;padding:.3rem;text-align:left}"
            + "nav a{margin-right:1rem}.consent label{margin:0}select{font-size:1.1rem;padding:.4rem}"
            // the operator console (io.consentkit.web.console): wider pages, charts side by side, dense tables
            + "body:has(.console){max-width:80rem}header.console{border-bottom:2px solid #20313f;padding-bottom:.5rem}"
            + ".charts{display:flex;flex-wrap:wrap;gap:1rem}figure{margin:0;border:1px solid #ddd;padding:.3rem}"
            + "table.rows,table.sends,table.pending,table.revocations,table.days{font-size:.85rem}td{vertical-align:top}"
            + "tr.overdue td{background:#fde8e8}.actions{display:flex;flex-wrap:wrap;gap:1.5rem;align-items:flex-end}"
            + ".notice{background:#e7f5e9;padding:.4rem .6rem}ul.fine{margin:0;padding-left:1rem;overflow-wrap:anywhere}"
            + "header.console form,header.console p{display:inline-flex;gap:.5rem;align-items:center;margin:.4rem 1rem 0 0}"
            + "header.console label{display:inline;margin:0}header.console input[type=tel]{width:14rem;font-size:1rem}"
            + "header.console button,.actions button{margin-top:0;font-size:1rem;padding:.4rem .9rem}";

    private Pages() {
    }

    /** A complete document titled {@code title} with {@code body} inside {@code <main>}. */
    public static Html document(String title, Html body) {
        return Html.format("<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">"
                + "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">"
                + "<meta name=\"referrer\" content=\"same-origin\"><title>{}</title><style>{}</style></head>"
                + "<body><main>{}</main></body></html>\n", title, Html.constant(STYLE), body);
    }

    /**
     * Sends {@code document} with {@code status}, {@code text/html; charset=utf-8} and the security headers.
     *
     * @param noStore see {@link SecurityHeaders#apply}
     */
    public static void send(HttpServletResponse response, int status, Html document, boolean noStore) throws IOException {
        send(response, status, document.bytes(), noStore);
    }

    /** Sends already rendered page bytes (e.g. a snapshot kept as evidence), as {@link #send(HttpServletResponse, int, Html, boolean)}. */
    public static void send(HttpServletResponse response, int status, byte[] page, boolean noStore) throws IOException {
        response.setStatus(status);
        SecurityHeaders.apply(response, noStore);
        response.setContentType("text/html; charset=utf-8");
        response.setContentLength(page.length);
        response.getOutputStream().write(page);
    }

    /**
     * Sends a short page saying what went wrong: {@code heading} and {@code message} (escaped), never cached.
     * Used for refusals (403 for a missing or wrong CSRF token, 429 for too many attempts) and bad input (400,
     * naming the field).
     */
    public static void error(HttpServletResponse response, int status, String heading, String message) throws IOException {
        send(response, status, document(heading, Html.format("<h1>{}</h1><p class=\"error\">{}</p>"
                + "<p>Go back, correct it and try again.</p>", heading, message)), true);
    }
}
