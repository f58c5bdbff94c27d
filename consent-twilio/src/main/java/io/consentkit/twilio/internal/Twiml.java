package io.consentkit.twilio.internal;

/**
 * The two TwiML documents a messaging webhook answers with: one {@code <Message>} reply, or an
 * empty {@code <Response/>} (no reply). Text is XML-escaped, and characters XML 1.0 cannot carry
 * are dropped. Not public API.
 */
public final class Twiml {
    /** No reply. */
    public static final String EMPTY = "<?xml version=\"1.0\" encoding=\"UTF-8\"?><Response/>";

    private Twiml() {
    }

    /** A response with one {@code <Message>}, or {@link #EMPTY} if {@code text} is empty. */
    public static String message(String text) {
        if (text == null || text.isEmpty()) {
            return EMPTY;
        }
        return "<?xml version=\"1.0\" encoding=\"UTF-8\"?><Response><Message>" + escape(text) + "</Message></Response>";
    }

    /** Escapes {@code & < > " '} and removes code points that are not allowed in XML 1.0. */
    public static String escape(String text) {
        StringBuilder sb = new StringBuilder(text.length() + 16);
        text.codePoints().forEach(cp -> {
            switch (cp) {
                case '&' -> sb.append("&amp;");
                case '<' -> sb.append("&lt;");
                case '>' -> sb.append("&gt;");
                case '"' -> sb.append("&quot;");
                case '\'' -> sb.append("&apos;");
                default -> {
                    if (cp == 0x9 || cp == 0xA || cp == 0xD || (cp >= 0x20 && cp <= 0xD7FF)
                            || (cp >= 0xE000 && cp <= 0xFFFD) || (cp >= 0x10000 && cp <= 0x10FFFF)) {
                        sb.appendCodePoint(cp);
                    }
                }
            }
        });
        return sb.toString();
    }
}
