package io.consentkit.message;

import io.consentkit.message.internal.Graphemes;

import java.util.ArrayList;
import java.util.List;

/**
 * A deliberately plain re-statement of Twilio's segment rules, the way the reference calculator
 * builds segments: split the text into characters (escape pairs, code points, clusters), give
 * each a size, fill segments greedily. Used to cross-check the table-driven calculator.
 */
final class ReferenceLayout {
    private ReferenceLayout() {
    }

    static SegmentInfo analyze(String text) {
        List<String> clusters = clusters(text);
        List<NonGsmChar> nonGsm = new ArrayList<>();
        for (int i = 0; i < text.length(); ) {
            int cp = text.codePointAt(i);
            if (SegmentCalculator.septets(cp) == 0) {
                nonGsm.add(new NonGsmChar(i, cp));
            }
            i += Character.charCount(cp);
        }
        boolean ucs2 = !nonGsm.isEmpty();
        List<Integer> sizes = new ArrayList<>();
        int total = 0;
        for (String c : clusters) {
            int size = 0;
            if (ucs2) {
                size = c.length();
            } else {
                for (char ch : c.toCharArray()) {
                    size += SegmentCalculator.septets(ch);
                }
            }
            sizes.add(size);
            total += size;
        }
        Encoding enc = ucs2 ? Encoding.UCS2 : Encoding.GSM7;
        if (text.isEmpty()) {
            return new SegmentInfo(enc, 0, 0, enc.singleSegmentUnits(), List.of());
        }
        if (total <= enc.singleSegmentUnits()) {
            return new SegmentInfo(enc, 1, total, enc.singleSegmentUnits() - total, nonGsm);
        }
        int cap = enc.multiSegmentUnits();
        int segments = 1;
        int used = 0;
        for (int size : sizes) {
            if (used + size > cap) {
                segments++;
                used = 0;
            }
            used += size;
        }
        return new SegmentInfo(enc, segments, total, cap - used, ucs2 ? nonGsm : List.of());
    }

    /** Code points grouped into clusters; in GSM-7 text every character is its own cluster. */
    private static List<String> clusters(String text) {
        List<String> out = new ArrayList<>();
        int prev = -1;
        int riRun = 0;
        for (int i = 0; i < text.length(); ) {
            int cp = text.codePointAt(i);
            String s = new String(Character.toChars(cp));
            boolean cont = prev >= 0 && Graphemes.continues(prev, cp, riRun);
            if (cont) {
                out.set(out.size() - 1, out.get(out.size() - 1) + s);
            } else {
                out.add(s);
            }
            riRun = Graphemes.isRegionalIndicator(cp) ? (cont ? riRun + 1 : 1) : 0;
            prev = cp;
            i += s.length();
        }
        return out;
    }
}
