package io.consentkit.message;

import io.consentkit.InvalidInputException;
import io.consentkit.message.internal.Gsm7;
import io.consentkit.message.internal.Graphemes;

import java.util.ArrayList;
import java.util.List;

/**
 * Counts SMS segments exactly as Twilio bills them.
 *
 * <table>
 *   <caption>Segment rules</caption>
 *   <tr><th>Encoding</th><th>1 segment</th><th>per segment when concatenated</th><th>unit</th></tr>
 *   <tr><td>GSM-7</td><td>160</td><td>153</td><td>septet; extension characters
 *       {@code ^ { } \ [ ~ ] | €} and form feed cost 2</td></tr>
 *   <tr><td>UCS-2</td><td>70</td><td>67</td><td>UTF-16 code unit; a surrogate pair (most emoji)
 *       costs 2, extension characters cost 1</td></tr>
 * </table>
 *
 * <ul>
 *   <li>The encoding is chosen for the whole text: one character outside both GSM-7 tables makes
 *       it UCS-2 (see {@link SegmentInfo#nonGsm()} for which ones did).</li>
 *   <li>Nothing is split across a segment boundary: an escape pair (GSM-7), a surrogate pair, or a
 *       multi-code-point character such as a flag or an emoji ZWJ sequence moves whole to the next
 *       segment. So 153 &times; {@code ]} (306 septets) is 3 segments, not 2. A cluster longer than
 *       a whole segment is split between its code points.</li>
 *   <li>CR LF counts as two characters, LF as one.</li>
 *   <li>The empty text is 0 segments: it is not a message ({@link MessageFormatter} rejects it).</li>
 * </ul>
 *
 * <p>Table-driven. {@link #segments(CharSequence)}, {@link #encoding(CharSequence)} and
 * {@link #isGsm7(CharSequence)} allocate nothing; {@link #analyze(CharSequence)} builds one
 * {@link SegmentInfo} (plus the list of non-GSM characters for UCS-2 texts).
 *
 * <p>Stateless and thread-safe.
 */
public final class SegmentCalculator {
    /** Longest text accepted, in UTF-16 units ({@value}); Twilio itself accepts 1,600 characters. */
    public static final int MAX_TEXT_LENGTH = 1 << 24;

    // measure() packs its result into one long: units | segments | unitsLeft | encoding
    private static final int FIELD_BITS = 26;
    private static final long FIELD_MASK = (1L << FIELD_BITS) - 1;
    private static final int SEGMENTS_SHIFT = FIELD_BITS;
    private static final int LEFT_SHIFT = 2 * FIELD_BITS;
    private static final int UCS2_SHIFT = 62;
    private static final long UCS2_FLAG = 1L << UCS2_SHIFT;

    private static final int GSM_SINGLE = 160;
    private static final int GSM_MULTI = 153;
    private static final int UCS_SINGLE = 70;
    private static final int UCS_MULTI = 67;

    private SegmentCalculator() {
    }

    /**
     * Segments Twilio bills for {@code text}; 0 for the empty text. Allocates nothing.
     *
     * @throws InvalidInputException if the text is longer than {@link #MAX_TEXT_LENGTH}
     */
    public static int segments(CharSequence text) {
        return (int) ((measure(text) >>> SEGMENTS_SHIFT) & FIELD_MASK);
    }

    /** GSM-7 if every character is in the GSM-7 tables (also for the empty text), else UCS-2. */
    public static Encoding encoding(CharSequence text) {
        return isGsm7(text) ? Encoding.GSM7 : Encoding.UCS2;
    }

    /** True if every character of {@code text} is in the GSM-7 basic or extension table. */
    public static boolean isGsm7(CharSequence text) {
        for (int i = 0, n = text.length(); i < n; i++) {
            if (Gsm7.septets(text.charAt(i)) == 0) {
                return false;
            }
        }
        return true;
    }

    /** True if {@code codePoint} is in the GSM-7 basic or extension table. */
    public static boolean isGsm7(int codePoint) {
        return Gsm7.septets(codePoint) != 0;
    }

    /** Septets {@code codePoint} costs in GSM-7: 1 (basic table), 2 (extension table) or 0 (not GSM-7). */
    public static int septets(int codePoint) {
        return Gsm7.septets(codePoint);
    }

    /**
     * Encoding, segments, units used and left, and the characters that forced UCS-2.
     *
     * @throws InvalidInputException if the text is longer than {@link #MAX_TEXT_LENGTH}
     */
    public static SegmentInfo analyze(CharSequence text) {
        long m = measure(text);
        boolean ucs2 = (m & UCS2_FLAG) != 0;
        int units = (int) (m & FIELD_MASK);
        int segments = (int) ((m >>> SEGMENTS_SHIFT) & FIELD_MASK);
        int left = (int) ((m >>> LEFT_SHIFT) & 0xFF);
        return new SegmentInfo(ucs2 ? Encoding.UCS2 : Encoding.GSM7, segments, units, left,
                ucs2 ? nonGsm(text) : List.of());
    }

    /** The characters of {@code text} outside both GSM-7 tables, in order, with their UTF-16 indexes. */
    public static List<NonGsmChar> nonGsmCharacters(CharSequence text) {
        return isGsm7(text) ? List.of() : nonGsm(text);
    }

    private static List<NonGsmChar> nonGsm(CharSequence text) {
        List<NonGsmChar> out = new ArrayList<>();
        for (int i = 0, n = text.length(); i < n; ) {
            int cp = Character.codePointAt(text, i);
            if (Gsm7.septets(cp) == 0) {
                out.add(new NonGsmChar(i, cp));
            }
            i += Character.charCount(cp);
        }
        return out;
    }

    private static long pack(boolean ucs2, int segments, int units, int left) {
        return (ucs2 ? UCS2_FLAG : 0L) | ((long) left << LEFT_SHIFT) | ((long) segments << SEGMENTS_SHIFT) | units;
    }

    /** The hot path: one table lookup per UTF-16 unit while the text is GSM-7. */
    private static long measure(CharSequence text) {
        int n = text.length();
        if (n > MAX_TEXT_LENGTH) {
            throw new InvalidInputException("text", "is longer than " + MAX_TEXT_LENGTH + " characters");
        }
        int septets = 0;
        for (int i = 0; i < n; i++) {
            int cost = Gsm7.septets(text.charAt(i));
            if (cost == 0) {
                return measureUcs2(text, n);
            }
            septets += cost;
        }
        if (septets <= GSM_SINGLE) {
            return pack(false, n == 0 ? 0 : 1, septets, GSM_SINGLE - septets);
        }
        if (septets == n) {
            // no escape pairs: every boundary falls between two one-septet characters
            int segments = (septets + GSM_MULTI - 1) / GSM_MULTI;
            return pack(false, segments, septets, GSM_MULTI * segments - septets);
        }
        return layoutGsm(text, n, septets);
    }

    /** Greedy fill of 153-septet segments where an escape pair never straddles a boundary. */
    private static long layoutGsm(CharSequence text, int n, int septets) {
        int segments = 1;
        int used = 0;
        for (int i = 0; i < n; i++) {
            int cost = Gsm7.septets(text.charAt(i));
            if (used + cost > GSM_MULTI) {
                segments++;
                used = cost;
            } else {
                used += cost;
            }
        }
        return pack(false, segments, septets, GSM_MULTI - used);
    }

    /**
     * UCS-2: units = UTF-16 length. Beyond one segment, a greedy fill of 67-unit segments in which
     * a surrogate pair or a grapheme cluster is moved whole to the next segment.
     */
    private static long measureUcs2(CharSequence text, int n) {
        if (n <= UCS_SINGLE) {
            return pack(true, 1, n, UCS_SINGLE - n);
        }
        int segments = 1;
        int used = 0;
        int clusterStart = 0;
        int clusterLen = 0;
        int prev = -1;
        int riRun = 0;
        for (int i = 0; i < n; ) {
            char c = text.charAt(i);
            int cp = c;
            int len = 1;
            if (Character.isHighSurrogate(c) && i + 1 < n) {
                char d = text.charAt(i + 1);
                if (Character.isLowSurrogate(d)) {
                    cp = Character.toCodePoint(c, d);
                    len = 2;
                }
            }
            boolean continues = prev >= 0 && (cp >= 0x300 || prev == 0x200D)
                    && Graphemes.continues(prev, cp, riRun);
            if (!continues) {
                if (used + len > UCS_MULTI) {
                    segments++;
                    used = 0;
                }
                clusterStart = used;
                clusterLen = len;
                used += len;
            } else if (used + len <= UCS_MULTI) {
                used += len;
                clusterLen += len;
            } else if (clusterStart > 0 && clusterLen + len <= UCS_MULTI) {
                // the cluster would straddle the boundary: move all of it to the next segment
                segments++;
                clusterLen += len;
                used = clusterLen;
                clusterStart = 0;
            } else {
                // a cluster longer than a whole segment: split it between code points
                segments++;
                used = len;
                clusterStart = 0;
                clusterLen = len;
            }
            riRun = Graphemes.isRegionalIndicator(cp) ? (continues ? riRun + 1 : 1) : 0;
            prev = cp;
            i += len;
        }
        return pack(true, segments, n, UCS_MULTI - used);
    }
}
