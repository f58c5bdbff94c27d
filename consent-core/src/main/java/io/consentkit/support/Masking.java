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
            } else if (c < 0x20 || c == 0x7f) {
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
}
