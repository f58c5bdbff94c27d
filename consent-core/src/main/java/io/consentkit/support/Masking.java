package io.consentkit.support;

/**
 * Masks personal data before it reaches a log line or an exception message. Shared by ConsentKit modules (see the package documentation); thread-safe.
 */
public final class Masking {
    private Masking() {
    }

    /**
     * Masks a phone number, or anything a caller passed as one: keeps a leading '+' and the
     * last two digits, replaces every other digit with '*', and shortens long input.
     * {@code "+15125551234"} becomes {@code "+*********34"}.
     */
    public static String phone(CharSequence raw) {
        if (raw == null) {
            return "null";
        }
        int len = raw.length();
        if (len == 0) {
            return "\"\"";
        }
        int limit = Math.min(len, 24);
        StringBuilder sb = new StringBuilder(limit + 3);
        int digitsSeen = 0;
        int totalDigits = 0;
        for (int i = 0; i < limit; i++) {
            if (Character.isDigit(raw.charAt(i))) {
                totalDigits++;
            }
        }
        for (int i = 0; i < limit; i++) {
            char c = raw.charAt(i);
            if (Character.isDigit(c)) {
                digitsSeen++;
                sb.append(digitsSeen > totalDigits - 2 && totalDigits > 4 ? c : '*');
            } else if (Character.isLetter(c)) {
                sb.append('x');
            } else if (isUnsafe(c)) {
                sb.append('?');
            } else {
                sb.append(c);
            }
        }
        if (len > limit) {
            sb.append("...(").append(len).append(" chars)");
        }
        return sb.toString();
    }

    /** Describes a message body without revealing it: its length only. */
    public static String body(CharSequence body) {
        return body == null ? "null" : "<" + body.length() + " chars>";
    }

    /** Masks a secret: shows nothing but whether it is set. */
    public static String secret(CharSequence secret) {
        return secret == null || secret.length() == 0 ? "<unset>" : "<redacted>";
    }

    /** Longest input {@link #printable} quotes in full. */
    public static final int PRINTABLE_MAX = 64;

    /**
     * Input as it may be quoted in an error message or log line: control characters (C0, DEL, C1),
     * bidirectional overrides and isolates, line and paragraph separators and lone surrogates are
     * written as a backslash, {@code u} and four hex digits, a backslash is doubled, and input longer than
     * {@link #PRINTABLE_MAX} characters is cut with its length noted. It cannot move the cursor,
     * clear a terminal or reorder the text around it. Not for phone numbers: use {@link #phone}.
     */
    public static String printable(CharSequence raw) {
        if (raw == null) {
            return "null";
        }
        int len = raw.length();
        int limit = Math.min(len, PRINTABLE_MAX);
        if (limit < len && Character.isHighSurrogate(raw.charAt(limit - 1))) {
            limit--; // do not cut a pair in two
        }
        StringBuilder sb = new StringBuilder(limit + 16);
        for (int i = 0; i < limit; i++) {
            char c = raw.charAt(i);
            if (c == '\\') {
                sb.append("\\\\");
            } else if (isUnsafe(c) || Character.isSurrogate(c) && !pairedSurrogate(raw, i)) {
                sb.append(String.format("\\u%04x", (int) c));
            } else {
                sb.append(c);
            }
        }
        if (len > limit) {
            sb.append("...(").append(len).append(" chars)");
        }
        return sb.toString();
    }

    private static boolean pairedSurrogate(CharSequence s, int i) {
        char c = s.charAt(i);
        if (Character.isHighSurrogate(c)) {
            return i + 1 < s.length() && Character.isLowSurrogate(s.charAt(i + 1));
        }
        return i > 0 && Character.isHighSurrogate(s.charAt(i - 1));
    }

    /** Control characters and the invisible characters that reorder or break displayed text. */
    private static boolean isUnsafe(char c) {
        return c < 0x20 || c >= 0x7f && c <= 0x9f
                || c >= 0x200e && c <= 0x200f // LRM, RLM
                || c >= 0x2028 && c <= 0x202e // line/paragraph separator, bidi embeddings and overrides
                || c >= 0x2066 && c <= 0x2069 // bidi isolates
                || c == 0x061c || c == 0xfeff;
    }
}
