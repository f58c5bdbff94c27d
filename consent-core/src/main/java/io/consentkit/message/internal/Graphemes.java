package io.consentkit.message.internal;

/**
 * Where one user-perceived character (an extended grapheme cluster) ends and the next begins,
 * close enough to Unicode UAX #29 for SMS text: combining marks, zero-width joiner sequences,
 * emoji modifiers and tags, variation selectors, regional-indicator pairs (flags) and Hangul
 * jamo stay together. CR LF is deliberately two clusters, as Twilio counts it. Not public API.
 * Stateless and thread-safe.
 */
public final class Graphemes {
    private static final int ZWJ = 0x200D;
    private static final int ZWNJ = 0x200C;

    private Graphemes() {
    }

    /**
     * True if {@code cp} continues the cluster whose last code point is {@code prev}.
     *
     * @param riRun how many regional indicators end the current cluster (0 if {@code prev} is not one)
     */
    public static boolean continues(int prev, int cp, int riRun) {
        if (cp < 0x300) {
            return prev == ZWJ && (cp == 0xA9 || cp == 0xAE);
        }
        if (cp == ZWJ || cp == ZWNJ) {
            return true;
        }
        if (prev == ZWJ && isPictographic(cp)) {
            return true;
        }
        if (cp >= 0x1F3FB && cp <= 0x1F3FF) {
            return true; // emoji skin-tone modifiers
        }
        if (cp >= 0xE0020 && cp <= 0xE007F) {
            return true; // emoji tag sequences (subdivision flags)
        }
        if (isRegionalIndicator(cp)) {
            return isRegionalIndicator(prev) && (riRun & 1) == 1;
        }
        if (cp >= 0x1160 && cp <= 0x11FF) {
            return (prev >= 0x1100 && prev <= 0x11FF) || (prev >= 0xAC00 && prev <= 0xD7A3);
        }
        int type = Character.getType(cp);
        return type == Character.NON_SPACING_MARK || type == Character.ENCLOSING_MARK
                || type == Character.COMBINING_SPACING_MARK;
    }

    /** True for U+1F1E6..U+1F1FF, the letters that pair into flags. */
    public static boolean isRegionalIndicator(int cp) {
        return cp >= 0x1F1E6 && cp <= 0x1F1FF;
    }

    private static boolean isPictographic(int cp) {
        return cp >= 0x1F000 || (cp >= 0x2190 && cp <= 0x2BFF) || cp == 0x203C || cp == 0x2049
                || cp == 0x2122 || cp == 0x2139 || cp == 0x3030 || cp == 0x303D || cp == 0x3297 || cp == 0x3299;
    }
}
