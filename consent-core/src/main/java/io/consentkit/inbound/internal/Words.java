package io.consentkit.inbound.internal;

import java.text.Normalizer;
import java.util.Arrays;
import java.util.Locale;

/**
 * The Unicode tokeniser and normaliser behind keyword matching: a message reduced to its words,
 * upper case ({@link Locale#ROOT}), NFKC, joined by single spaces. Apostrophes inside a word are
 * dropped ({@code don't} is {@code DONT}); every run of characters that are neither letters, digits
 * nor combining marks is one separator. Pure ASCII input skips normalisation and upper-cases in
 * place, so the common case allocates one builder, one string and two small arrays.
 *
 * <p>Not public API: this package knows nothing of the inbound types that use it. Instances are
 * immutable and thread-safe.
 */
public final class Words {
    /** Longest message (in characters, after trimming) that is looked at. */
    public static final int MAX_SCANNED_LENGTH = 4096;

    private static final Words EMPTY = new Words("", 0, new int[0], new int[0]);

    private final String text;
    private final int count;
    private final int[] starts;
    private final int[] ends;

    private Words(String text, int count, int[] starts, int[] ends) {
        this.text = text;
        this.count = count;
        this.starts = starts;
        this.ends = ends;
    }

    /** The normalised words joined by single spaces. */
    public String text() {
        return text;
    }

    /** How many words there are. */
    public int count() {
        return count;
    }

    /** Word {@code i} (from 0). */
    public String word(int i) {
        return text.substring(starts[i], ends[i]);
    }

    /** The {@code n} words from word {@code first} on, joined by single spaces. */
    public String phrase(int first, int n) {
        return text.substring(starts[first], ends[first + n - 1]);
    }

    /**
     * The normalised form of {@code body} ({@code " Stop!! "} gives {@code "STOP"}); the empty
     * string for null, for text without letters or digits, or for text longer than
     * {@value #MAX_SCANNED_LENGTH} characters.
     */
    public static String normalize(String body) {
        Words w = of(body, Integer.MAX_VALUE);
        return w == null ? "" : w.text;
    }

    /** How many words a normalised text has (its spaces plus one). */
    public static int countIn(String normalised) {
        int n = 1;
        for (int i = 0; i < normalised.length(); i++) {
            if (normalised.charAt(i) == ' ') {
                n++;
            }
        }
        return n;
    }

    /**
     * Tokenises {@code body} (null reads as empty).
     *
     * @return null if the message has more than {@code limit} words or is longer than
     *         {@value #MAX_SCANNED_LENGTH} characters after trimming
     */
    public static Words of(String body, int limit) {
        if (body == null) {
            return EMPTY;
        }
        String s = body.strip();
        if (s.length() > MAX_SCANNED_LENGTH) {
            return null;
        }
        boolean ascii = true;
        for (int i = 0; i < s.length(); i++) {
            if (s.charAt(i) >= 0x80) {
                ascii = false;
                break;
            }
        }
        if (!ascii) {
            s = Normalizer.normalize(s, Normalizer.Form.NFKC);
        }
        int cap = Math.min(limit, 16);
        int[] starts = new int[cap];
        int[] ends = new int[cap];
        StringBuilder sb = new StringBuilder(s.length());
        int count = 0;
        boolean inWord = false;
        int i = 0;
        while (i < s.length()) {
            int cp = s.codePointAt(i);
            int len = Character.charCount(cp);
            if (isWordChar(cp)) {
                if (!inWord) {
                    if (count == limit) {
                        return null;
                    }
                    if (count == starts.length) {
                        starts = Arrays.copyOf(starts, count * 2);
                        ends = Arrays.copyOf(ends, count * 2);
                    }
                    if (count > 0) {
                        sb.append(' ');
                    }
                    starts[count] = sb.length();
                    inWord = true;
                }
                if (ascii) {
                    char c = (char) cp;
                    sb.append(c >= 'a' && c <= 'z' ? (char) (c - 32) : c);
                } else {
                    sb.append(s, i, i + len);
                }
            } else if (inWord && isApostrophe(cp) && i + len < s.length() && isWordChar(s.codePointAt(i + len))) {
                // inside a word: "don't" reads as DONT
                i += len;
                continue;
            } else if (inWord) {
                ends[count] = sb.length();
                count++;
                inWord = false;
            }
            i += len;
        }
        if (inWord) {
            ends[count] = sb.length();
            count++;
        }
        String text = sb.toString();
        if (!ascii) {
            // Upper-casing may change lengths (ß -> SS): recompute the boundaries on the result.
            text = text.toUpperCase(Locale.ROOT);
            int w = 0;
            int start = 0;
            for (int j = 0; j <= text.length(); j++) {
                if (j == text.length() || text.charAt(j) == ' ') {
                    starts[w] = start;
                    ends[w] = j;
                    w++;
                    start = j + 1;
                }
            }
            if (text.isEmpty()) {
                count = 0;
            }
        }
        return new Words(text, count, starts, ends);
    }

    private static boolean isWordChar(int cp) {
        if (cp < 0x80) {
            return cp >= 'a' && cp <= 'z' || cp >= 'A' && cp <= 'Z' || cp >= '0' && cp <= '9';
        }
        if (Character.isLetterOrDigit(cp)) {
            return true;
        }
        int t = Character.getType(cp);
        return t == Character.NON_SPACING_MARK || t == Character.COMBINING_SPACING_MARK
                || t == Character.ENCLOSING_MARK;
    }

    private static boolean isApostrophe(int cp) {
        return cp == '\'' || cp == 0x2019 || cp == 0x02BC;
    }
}
