package io.consentkit.support;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Minimal JSON for what ConsentKit stores and prints: flat objects of string values (journal
 * metadata, CLI output). Shared by ConsentKit modules (see the package documentation); thread-safe.
 *
 * <p>Parsing accepts any JSON object; values that are not strings are kept as their JSON
 * text (numbers, booleans, null, nested objects and arrays), so nothing is lost. Nesting deeper than
 * {@link #MAX_DEPTH} is rejected (parsing never recurses without bound).
 */
public final class Json {
    /** Deepest nesting {@link #parseObject} accepts: the object itself is depth 1. */
    public static final int MAX_DEPTH = 64;

    private Json() {
    }

    /** Appends {@code s} as a JSON string literal. */
    public static StringBuilder quote(StringBuilder sb, CharSequence s) {
        sb.append('"');
        for (int i = 0, n = s.length(); i < n; i++) {
            char c = s.charAt(i);
            switch (c) {
                case '"' -> sb.append("\\\"");
                case '\\' -> sb.append("\\\\");
                case '\n' -> sb.append("\\n");
                case '\r' -> sb.append("\\r");
                case '\t' -> sb.append("\\t");
                case '\b' -> sb.append("\\b");
                case '\f' -> sb.append("\\f");
                default -> {
                    if (c < 0x20 || c == 0x2028 || c == 0x2029) {
                        sb.append(String.format("\\u%04x", (int) c));
                    } else {
                        sb.append(c);
                    }
                }
            }
        }
        return sb.append('"');
    }

    /** {@code s} as a JSON string literal. */
    public static String quote(CharSequence s) {
        return quote(new StringBuilder(s.length() + 2), s).toString();
    }

    /** A flat object {@code {"k":"v",...}}; an empty map gives {@code {}}. */
    public static String object(Map<String, String> map) {
        StringBuilder sb = new StringBuilder(16 * map.size() + 2).append('{');
        boolean first = true;
        for (Map.Entry<String, String> e : map.entrySet()) {
            if (!first) {
                sb.append(',');
            }
            first = false;
            quote(sb, e.getKey()).append(':');
            quote(sb, e.getValue() == null ? "" : e.getValue());
        }
        return sb.append('}').toString();
    }

    /**
     * Parses a JSON object into an insertion-ordered map of strings.
     *
     * @throws IllegalArgumentException if {@code text} is not one JSON object, or nests deeper than
     *                                  {@link #MAX_DEPTH}
     */
    public static Map<String, String> parseObject(String text) {
        Parser p = new Parser(text);
        p.ws();
        Map<String, String> out = p.object();
        p.ws();
        if (p.pos != text.length()) {
            throw p.error("unexpected text after the object");
        }
        return out;
    }

    /**
     * Parses one JSON string literal (with surrounding quotes).
     *
     * @throws IllegalArgumentException if {@code text} is not a JSON string
     */
    public static String parseString(String text) {
        Parser p = new Parser(text);
        p.ws();
        String s = p.string();
        p.ws();
        if (p.pos != text.length()) {
            throw p.error("unexpected text after the string");
        }
        return s;
    }

    private static final class Parser {
        final String s;
        int pos;

        Parser(String s) {
            this.s = s;
        }

        IllegalArgumentException error(String what) {
            return new IllegalArgumentException("invalid JSON at offset " + pos + ": " + what);
        }

        void ws() {
            while (pos < s.length() && " \t\r\n".indexOf(s.charAt(pos)) >= 0) {
                pos++;
            }
        }

        char peek() {
            if (pos >= s.length()) {
                throw error("unexpected end");
            }
            return s.charAt(pos);
        }

        void expect(char c) {
            if (peek() != c) {
                throw error("expected '" + c + "'");
            }
            pos++;
        }

        Map<String, String> object() {
            expect('{');
            Map<String, String> out = new LinkedHashMap<>();
            ws();
            if (peek() == '}') {
                pos++;
                return out;
            }
            while (true) {
                ws();
                String key = string();
                ws();
                expect(':');
                ws();
                String value = peek() == '"' ? string() : rawValue();
                if (out.put(key, value) != null) {
                    throw error("duplicate key \"" + Masking.printable(key) + "\"");
                }
                ws();
                char c = peek();
                pos++;
                if (c == '}') {
                    return out;
                }
                if (c != ',') {
                    pos--;
                    throw error("expected ',' or '}'");
                }
            }
        }

        String rawValue() {
            int start = pos;
            skipValue(2);
            return s.substring(start, pos);
        }

        /** Skips one value at nesting {@code depth} (recursion is bounded by {@link #MAX_DEPTH}). */
        void skipValue(int depth) {
            char c = peek();
            if (c == '"') {
                string();
            } else if (c == '{' || c == '[') {
                if (depth > MAX_DEPTH) {
                    throw error("nested deeper than " + MAX_DEPTH + " levels");
                }
                char close = c == '{' ? '}' : ']';
                pos++;
                ws();
                if (peek() == close) {
                    pos++;
                    return;
                }
                while (true) {
                    ws();
                    if (c == '{') {
                        string();
                        ws();
                        expect(':');
                        ws();
                    }
                    skipValue(depth + 1);
                    ws();
                    char d = peek();
                    pos++;
                    if (d == close) {
                        return;
                    }
                    if (d != ',') {
                        pos--;
                        throw error("expected ',' or '" + close + "'");
                    }
                }
            } else {
                int start = pos;
                while (pos < s.length() && ",}] \t\r\n".indexOf(s.charAt(pos)) < 0) {
                    pos++;
                }
                String lit = s.substring(start, pos);
                if (!(lit.equals("true") || lit.equals("false") || lit.equals("null")
                        || lit.matches("-?(0|[1-9][0-9]*)(\\.[0-9]+)?([eE][+-]?[0-9]+)?"))) {
                    pos = start;
                    throw error("not a JSON value");
                }
            }
        }

        String string() {
            expect('"');
            // fast path: no escape before the closing quote
            for (int i = pos; i < s.length(); i++) {
                char c = s.charAt(i);
                if (c == '"') {
                    String out = s.substring(pos, i);
                    pos = i + 1;
                    return out;
                }
                if (c == '\\' || c < 0x20) {
                    break;
                }
            }
            StringBuilder sb = new StringBuilder();
            while (true) {
                char c = peek();
                pos++;
                if (c == '"') {
                    return sb.toString();
                }
                if (c == '\\') {
                    char e = peek();
                    pos++;
                    switch (e) {
                        case '"' -> sb.append('"');
                        case '\\' -> sb.append('\\');
                        case '/' -> sb.append('/');
                        case 'b' -> sb.append('\b');
                        case 'f' -> sb.append('\f');
                        case 'n' -> sb.append('\n');
                        case 'r' -> sb.append('\r');
                        case 't' -> sb.append('\t');
                        case 'u' -> {
                            if (pos + 4 > s.length()) {
                                throw error("short \\u escape");
                            }
                            try {
                                sb.append((char) Integer.parseInt(s, pos, pos + 4, 16));
                            } catch (NumberFormatException ex) {
                                throw error("bad \\u escape");
                            }
                            pos += 4;
                        }
                        default -> throw error("bad escape \\" + Masking.printable(String.valueOf(e)));
                    }
                } else if (c < 0x20) {
                    pos--;
                    throw error("control character in string");
                } else {
                    sb.append(c);
                }
            }
        }
    }
}
