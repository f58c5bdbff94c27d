package io.consentkit.web;

import java.nio.charset.StandardCharsets;
import java.util.Objects;

/**
 * A piece of markup that is safe to send: built only from constant templates and escaped text, so a
 * value that came from a request, the journal or the configuration can never become markup. This is
 * the whole rendering layer of the pages (no template engine): {@link #format} fills {@code {}} holes of a
 * constant template with escaped text, or with other {@code Html} as is.
 *
 * <pre>{@code
 * Html row = Html.format("<tr><td>{}</td><td>{}</td></tr>", maskedNumber, status);
 * Html table = Html.format("<table>{}</table>", Html.join(rows));
 * }</pre>
 *
 * Immutable and thread-safe.
 */
public final class Html {
    /** No markup at all. */
    public static final Html EMPTY = new Html("");

    private final String markup;

    private Html(String markup) {
        this.markup = markup;
    }

    /**
     * Escapes {@code text} for an HTML element or a double- or single-quoted attribute value: {@code & < > " '}
     * become character references; null becomes "".
     */
    public static String escape(CharSequence text) {
        if (text == null) {
            return "";
        }
        StringBuilder sb = null;
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            String rep = switch (c) {
                case '&' -> "&amp;";
                case '<' -> "&lt;";
                case '>' -> "&gt;";
                case '"' -> "&quot;";
                case '\'' -> "&#39;";
                default -> null;
            };
            if (rep != null && sb == null) {
                sb = new StringBuilder(text.length() + 16).append(text, 0, i);
            }
            if (sb != null) {
                if (rep != null) {
                    sb.append(rep);
                } else {
                    sb.append(c);
                }
            }
        }
        return sb == null ? text.toString() : sb.toString();
    }

    /** Markup written as a constant in this package's code (the stylesheet); never text from outside. */
    static Html constant(String markup) {
        return new Html(markup);
    }

    /** Escaped text as markup. */
    public static Html text(CharSequence text) {
        return new Html(escape(text));
    }

    /**
     * Fills each {@code {}} of {@code template} with the next argument: an {@code Html} as it is, anything else
     * ({@code String}, numbers, null) as escaped {@code String.valueOf} text ("" for null). The template must be
     * a constant written in the code, never text from outside.
     *
     * @throws IllegalArgumentException if the number of holes and arguments differ
     */
    public static Html format(String template, Object... args) {
        Objects.requireNonNull(template, "template");
        StringBuilder sb = new StringBuilder(template.length() + 64);
        int from = 0;
        int used = 0;
        int hole;
        while ((hole = template.indexOf("{}", from)) >= 0) {
            if (used == args.length) {
                throw new IllegalArgumentException("template has more {} than the " + args.length + " arguments");
            }
            sb.append(template, from, hole);
            Object a = args[used++];
            sb.append(a instanceof Html h ? h.markup : escape(a == null ? "" : String.valueOf(a)));
            from = hole + 2;
        }
        if (used != args.length) {
            throw new IllegalArgumentException("template has " + used + " {} for " + args.length + " arguments");
        }
        return new Html(sb.append(template, from, template.length()).toString());
    }

    /** The pieces one after the other. */
    public static Html join(Iterable<Html> parts) {
        StringBuilder sb = new StringBuilder();
        for (Html h : parts) {
            sb.append(h.markup);
        }
        return new Html(sb.toString());
    }

    /** This followed by {@code next}. */
    public Html then(Html next) {
        return new Html(markup + next.markup);
    }

    /** The markup as UTF-8 bytes. */
    public byte[] bytes() {
        return markup.getBytes(StandardCharsets.UTF_8);
    }

    /** The markup. */
    @Override
    public String toString() {
        return markup;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Html h && h.markup.equals(markup);
    }

    @Override
    public int hashCode() {
        return markup.hashCode();
    }
}
