package io.consentkit.message;

import io.consentkit.InvalidInputException;

import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.StringJoiner;

/**
 * A message with named placeholders, e.g.
 * {@code "Hi {customer_name}, shipment {tracking_number} was delivered."}, an optional brand
 * prefix and an optional compliance footer.
 *
 * <ul>
 *   <li>A placeholder is {@code {name}} with a name of ASCII letters, digits and {@code _} not
 *       starting with a digit; write <code>&#123;&#123;</code> and <code>&#125;&#125;</code> for
 *       literal braces. A malformed
 *       template is rejected when it is built.</li>
 *   <li>Every placeholder is required: a missing, null or blank value throws
 *       {@link PlaceholderException} ({@link PlaceholderException.Reason#MISSING}) naming it. A
 *       value for a name the template does not have throws
 *       ({@link PlaceholderException.Reason#UNKNOWN}) unless {@link Builder#allowUnusedValues()}.</li>
 *   <li>Values are sanitised so they cannot change the message's shape: line breaks, tabs and
 *       other white space become one space, control characters, bidirectional-override
 *       characters and unpaired surrogates are removed, runs of spaces collapse and the value is
 *       stripped. A value containing {@code {name}} is inserted literally, never expanded.</li>
 * </ul>
 *
 * <pre>{@code
 * SmsTemplate shipped = SmsTemplate.builder("Shipment {tracking_number} delivered to {recipient_name}.")
 *         .brandPrefix("SafeShipper:")
 *         .footer("Reply STOP to opt out")
 *         .build();
 * String text = shipped.render(Map.of("tracking_number", "SH123", "recipient_name", "Ana"));
 * // "SafeShipper: Shipment SH123 delivered to Ana. Reply STOP to opt out"
 * }</pre>
 *
 * <p>Immutable and thread-safe.
 */
public final class SmsTemplate {
    /** Longest template pattern accepted, in characters. */
    public static final int MAX_PATTERN_LENGTH = 10_000;
    /** Longest placeholder name accepted. */
    public static final int MAX_NAME_LENGTH = 64;

    private final String pattern;
    /** Literal strings and placeholder names alternate: literal, name, literal, ..., literal. */
    private final List<String> pieces;
    private final Set<String> placeholders;
    private final String brandPrefix;
    private final String footer;
    private final FooterMode footerMode;
    private final boolean allowUnusedValues;

    private SmsTemplate(TemplateSettings s, List<String> pieces) {
        this.pattern = s.pattern();
        this.pieces = List.copyOf(pieces);
        Set<String> names = new LinkedHashSet<>();
        for (int i = 1; i < pieces.size(); i += 2) {
            names.add(pieces.get(i));
        }
        this.placeholders = Collections.unmodifiableSet(names);
        this.brandPrefix = s.brandPrefix();
        this.footer = s.footer();
        this.footerMode = s.footerMode();
        this.allowUnusedValues = s.allowUnusedValues();
    }

    /**
     * A template without prefix or footer.
     *
     * @throws InvalidInputException naming field "template" if the pattern is blank or malformed
     */
    public static SmsTemplate of(String pattern) {
        return builder(pattern).build();
    }

    /**
     * Starts a template.
     *
     * @throws InvalidInputException naming field "template" if the pattern is blank or too long
     */
    public static Builder builder(String pattern) {
        return new Builder(pattern);
    }

    /** The pattern as given. */
    public String pattern() {
        return pattern;
    }

    /** The placeholder names in order of first appearance, without braces. */
    public Set<String> placeholders() {
        return placeholders;
    }

    /** The brand prefix, or "". */
    public String brandPrefix() {
        return brandPrefix;
    }

    /** The footer, or "". */
    public String footer() {
        return footer;
    }

    public FooterMode footerMode() {
        return footerMode;
    }

    /**
     * The body with every placeholder replaced by its sanitised value (no prefix, no footer).
     *
     * @throws PlaceholderException if a value is missing, or given for an unknown placeholder
     */
    public String renderBody(Map<String, ?> values) {
        Objects.requireNonNull(values, "values");
        if (!allowUnusedValues) {
            for (String key : values.keySet()) {
                if (!placeholders.contains(key)) {
                    throw new PlaceholderException(PlaceholderException.Reason.UNKNOWN, key,
                            "template has no placeholder {" + key + "}; its placeholders are " + describe());
                }
            }
        }
        StringBuilder sb = new StringBuilder(pattern.length() + 32);
        for (int i = 0; i < pieces.size(); i++) {
            if ((i & 1) == 0) {
                sb.append(pieces.get(i));
                continue;
            }
            String name = pieces.get(i);
            Object raw = values.get(name);
            String value = raw == null ? "" : sanitize(raw.toString());
            if (value.isEmpty()) {
                throw new PlaceholderException(PlaceholderException.Reason.MISSING, name,
                        "template placeholder {" + name + "} has no value");
            }
            sb.append(value);
        }
        return sb.toString();
    }

    /**
     * The parts for {@link MessageFormatter#format(SmsTemplate, Map)}: prefix, rendered body, footer.
     *
     * @throws PlaceholderException if a value is missing, or given for an unknown placeholder
     * @throws EmptyMessageException if the rendered body is blank
     */
    public MessageParts parts(Map<String, ?> values) {
        return new MessageParts(brandPrefix, "", renderBody(values), "", footer, footerMode);
    }

    /**
     * The whole text: prefix, body and footer joined by single spaces, with no segment budget
     * (use {@link MessageFormatter} to fit a budget).
     *
     * @throws PlaceholderException if a value is missing, or given for an unknown placeholder
     */
    public String render(Map<String, ?> values) {
        String body = renderBody(values);
        StringBuilder sb = new StringBuilder(brandPrefix.length() + body.length() + footer.length() + 2);
        if (!brandPrefix.isEmpty()) {
            sb.append(brandPrefix).append(' ');
        }
        sb.append(body.strip());
        if (!footer.isEmpty()) {
            sb.append(' ').append(footer);
        }
        return sb.toString();
    }

    private String describe() {
        if (placeholders.isEmpty()) {
            return "(none)";
        }
        StringJoiner j = new StringJoiner(", ");
        for (String p : placeholders) {
            j.add("{" + p + "}");
        }
        return j.toString();
    }

    /**
     * Makes a value safe to insert into a message: line breaks, tabs and other white space become
     * one space, control characters, bidirectional controls and unpaired surrogates are removed,
     * runs of white space collapse to one space, and the result is stripped.
     */
    public static String sanitize(String value) {
        StringBuilder sb = new StringBuilder(value.length());
        boolean space = false;
        for (int i = 0, n = value.length(); i < n; ) {
            int cp = value.codePointAt(i);
            i += Character.charCount(cp);
            if (Character.isWhitespace(cp) || Character.isSpaceChar(cp) || cp == 0x85) {
                space = sb.length() > 0;
                continue;
            }
            if (Character.getType(cp) == Character.CONTROL || Character.getType(cp) == Character.SURROGATE
                    || isBidiControl(cp)) {
                continue;
            }
            if (space) {
                sb.append(' ');
                space = false;
            }
            sb.appendCodePoint(cp);
        }
        return sb.toString();
    }

    private static boolean isBidiControl(int cp) {
        return (cp >= 0x202A && cp <= 0x202E) || (cp >= 0x2066 && cp <= 0x2069) || cp == 0x200E || cp == 0x200F
                || cp == 0x061C;
    }

    private static List<String> parse(String pattern) {
        List<String> pieces = new ArrayList<>();
        StringBuilder literal = new StringBuilder();
        int n = pattern.length();
        for (int i = 0; i < n; i++) {
            char c = pattern.charAt(i);
            if (c == '{') {
                if (i + 1 < n && pattern.charAt(i + 1) == '{') {
                    literal.append('{');
                    i++;
                    continue;
                }
                int close = pattern.indexOf('}', i + 1);
                String name = close < 0 ? null : pattern.substring(i + 1, close);
                if (name == null || !isName(name)) {
                    throw new InvalidInputException("template", "has a malformed placeholder at index " + i
                            + ": expected {name} with letters, digits and _ (write {{ for a literal {)");
                }
                pieces.add(literal.toString());
                literal.setLength(0);
                pieces.add(name);
                i = close;
            } else if (c == '}') {
                if (i + 1 < n && pattern.charAt(i + 1) == '}') {
                    literal.append('}');
                    i++;
                    continue;
                }
                throw new InvalidInputException("template", "has an unmatched } at index " + i
                        + " (write }} for a literal })");
            } else {
                literal.append(c);
            }
        }
        pieces.add(literal.toString());
        return pieces;
    }

    private static boolean isName(String s) {
        if (s.isEmpty() || s.length() > MAX_NAME_LENGTH) {
            return false;
        }
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            boolean ok = c == '_' || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (i > 0 && c >= '0' && c <= '9');
            if (!ok) {
                return false;
            }
        }
        return true;
    }

    @Override
    public String toString() {
        return "SmsTemplate[placeholders=" + placeholders + ", prefix=" + !brandPrefix.isEmpty()
                + ", footer=" + !footer.isEmpty() + "]";
    }

    /**
     * Builds an {@link SmsTemplate}; each setter validates at once, {@link #build()} freezes the
     * settings and the builder has no getters. Not thread-safe.
     */
    public static final class Builder {
        private final String pattern;
        private String brandPrefix = "";
        private String footer = "";
        private FooterMode footerMode = FooterMode.ALWAYS;
        private boolean allowUnusedValues;

        private Builder(String pattern) {
            if (pattern == null || pattern.isBlank()) {
                throw new InvalidInputException("template", "is empty");
            }
            if (pattern.length() > MAX_PATTERN_LENGTH) {
                throw new InvalidInputException("template", "is longer than " + MAX_PATTERN_LENGTH + " characters");
            }
            this.pattern = pattern;
        }

        /** Put before the body with one space, e.g. {@code "SafeShipper:"}. */
        public Builder brandPrefix(String brandPrefix) {
            this.brandPrefix = InvalidInputException.requireText("brandPrefix", brandPrefix);
            return this;
        }

        /** Appended after the body with one space and always kept, e.g. {@code "Reply STOP to opt out"}. */
        public Builder footer(String footer) {
            return footer(footer, FooterMode.ALWAYS);
        }

        /** Appended after the body with one space; {@link FooterMode#IF_FITS} lets a formatter drop it. */
        public Builder footer(String footer, FooterMode mode) {
            this.footer = InvalidInputException.requireText("footer", footer);
            this.footerMode = Objects.requireNonNull(mode, "mode");
            return this;
        }

        /** Accept values for names the template does not use (e.g. a whole customer record). */
        public Builder allowUnusedValues() {
            this.allowUnusedValues = true;
            return this;
        }

        /**
         * Builds the template.
         *
         * @throws InvalidInputException naming field "template" if the pattern is malformed
         */
        public SmsTemplate build() {
            return new SmsTemplate(new TemplateSettings(pattern, brandPrefix, footer, footerMode, allowUnusedValues),
                    parse(pattern));
        }
    }
}
