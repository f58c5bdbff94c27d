package io.consentkit.benchmarks;

import java.util.HashSet;
import java.util.Set;

/**
 * The baseline: segment counting the way a typical application writes it, with
 * {@link String#codePoints()} and a {@code HashSet<Integer>} of GSM-7 characters, and plain
 * division (so it also ignores escape pairs and surrogate pairs at segment boundaries).
 */
final class NaiveSegmentCounter {
    private static final String BASIC = "@\u00a3$\u00a5\u00e8\u00e9\u00f9\u00ec\u00f2\u00c7\n\u00d8\u00f8\r\u00c5\u00e5"
            + "\u0394_\u03a6\u0393\u039b\u03a9\u03a0\u03a8\u03a3\u0398\u039e\u00c6\u00e6\u00df\u00c9"
            + " !\"#\u00a4%&'()*+,-./0123456789:;<=>?\u00a1ABCDEFGHIJKLMNOPQRSTUVWXYZ\u00c4\u00d6\u00d1\u00dc\u00a7"
            + "\u00bfabcdefghijklmnopqrstuvwxyz\u00e4\u00f6\u00f1\u00fc\u00e0";
    private static final String EXTENDED = "\f^{}\\[~]|\u20ac";

    private static final Set<Integer> GSM = new HashSet<>();
    private static final Set<Integer> GSM_EXTENDED = new HashSet<>();

    static {
        BASIC.codePoints().forEach(GSM::add);
        EXTENDED.codePoints().forEach(GSM::add);
        EXTENDED.codePoints().forEach(GSM_EXTENDED::add);
    }

    private NaiveSegmentCounter() {
    }

    static int segments(String text) {
        boolean gsm = text.codePoints().allMatch(GSM::contains);
        if (gsm) {
            int septets = text.codePoints().map(cp -> GSM_EXTENDED.contains(cp) ? 2 : 1).sum();
            return septets <= 160 ? 1 : (septets + 152) / 153;
        }
        int units = text.length();
        return units <= 70 ? 1 : (units + 66) / 67;
    }
}
