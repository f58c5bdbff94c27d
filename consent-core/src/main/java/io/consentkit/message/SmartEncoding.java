package io.consentkit.message;

import io.consentkit.message.internal.Gsm7;
import io.consentkit.message.internal.SmartEncodingTable;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * Replaces Unicode look-alikes with GSM-7 equivalents so a message can stay GSM-7, mirroring
 * Twilio's Smart Encoding ({@code SmartEncoded=true} on a Messages request, on by default for
 * new Messaging Services). Off by default in ConsentKit: {@link #DISABLED} changes nothing.
 *
 * <p>The map is Twilio's published list (271 entries): curly quotes become straight ones,
 * dashes and bullets {@code -}, {@code …} becomes {@code ...}, full-width letters and digits
 * their ASCII forms, and invisible characters (zero-width space, word joiner, some control
 * characters) are deleted. Some entries are odd but copied faithfully: NBSP and the other
 * Unicode spaces become <em>two</em> spaces, TAB seven, {@code ‹} becomes {@code >} and
 * {@code ›} becomes {@code <}, fractions such as {@code ½} become three characters.
 *
 * <p><b>The disputed behaviour</b> is what happens when a character remains that can be neither
 * kept (not GSM-7) nor replaced, such as an emoji or a CJK character. Twilio's announcement says
 * Smart Encoding applies only when "there are GSM7/ASCII alternatives and no characters that
 * can't be converted"; Twilio's own open-source calculator replaces regardless. The two differ in
 * the count of such a message ({@code …} is 1 UCS-2 unit, {@code ...} is 3). Choose with
 * {@link UnconvertiblePolicy}; {@link #ENABLED} follows Twilio's announcement.
 *
 * <p>Immutable and thread-safe.
 */
public final class SmartEncoding {
    /** What to do when a character remains that Smart Encoding cannot convert. */
    public enum UnconvertiblePolicy {
        /**
         * Replace nothing and send the text as it is (UCS-2): Twilio's documented behaviour
         * ("no characters that can't be converted in the message"). The default.
         */
        SKIP_REPLACEMENTS,
        /**
         * Replace what can be replaced anyway; the text stays UCS-2 because of what remains. This
         * is what Twilio's open-source segment calculator does.
         */
        REPLACE_ANYWAY
    }

    /** Smart Encoding off: {@link #apply(CharSequence)} returns the text unchanged and reports nothing. */
    public static final SmartEncoding DISABLED = new SmartEncoding(false, UnconvertiblePolicy.SKIP_REPLACEMENTS);
    /** Smart Encoding on, with {@link UnconvertiblePolicy#SKIP_REPLACEMENTS} (Twilio's documented behaviour). */
    public static final SmartEncoding ENABLED = new SmartEncoding(true, UnconvertiblePolicy.SKIP_REPLACEMENTS);

    private static final SmartEncoding REPLACE_ANYWAY = new SmartEncoding(true, UnconvertiblePolicy.REPLACE_ANYWAY);

    private final boolean enabled;
    private final UnconvertiblePolicy policy;

    private SmartEncoding(boolean enabled, UnconvertiblePolicy policy) {
        this.enabled = enabled;
        this.policy = policy;
    }

    /** Smart Encoding on, with the given policy for unconvertible characters. */
    public static SmartEncoding enabled(UnconvertiblePolicy policy) {
        Objects.requireNonNull(policy, "policy");
        return policy == UnconvertiblePolicy.SKIP_REPLACEMENTS ? ENABLED : REPLACE_ANYWAY;
    }

    public boolean isEnabled() {
        return enabled;
    }

    public UnconvertiblePolicy policy() {
        return policy;
    }

    /**
     * Applies the map to {@code text}. A text that is already GSM-7 comes back unchanged without
     * copying; so does every text when this instance is {@link #DISABLED}.
     */
    public SmartEncodingResult apply(CharSequence text) {
        String s = text.toString();
        if (!enabled || SegmentCalculator.isGsm7(s)) {
            return new SmartEncodingResult(s, List.of(), List.of());
        }
        StringBuilder sb = new StringBuilder(s.length() + 8);
        List<Replacement> replacements = new ArrayList<>();
        List<NonGsmChar> unconvertible = new ArrayList<>();
        for (int i = 0, n = s.length(); i < n; ) {
            int cp = s.codePointAt(i);
            if (Gsm7.septets(cp) != 0) {
                sb.appendCodePoint(cp);
            } else {
                String r = SmartEncodingTable.replacement(cp);
                if (r != null) {
                    sb.append(r);
                    replacements.add(new Replacement(i, cp, r));
                } else {
                    sb.appendCodePoint(cp);
                    unconvertible.add(new NonGsmChar(i, cp));
                }
            }
            i += Character.charCount(cp);
        }
        if (!unconvertible.isEmpty() && policy == UnconvertiblePolicy.SKIP_REPLACEMENTS) {
            return new SmartEncodingResult(s, List.of(), unconvertible);
        }
        return new SmartEncodingResult(sb.toString(), replacements, unconvertible);
    }

    /** The GSM-7 replacement for {@code codePoint} ("" if it is deleted), if the map has one. */
    public static Optional<String> replacementFor(int codePoint) {
        return Optional.ofNullable(SmartEncodingTable.replacement(codePoint));
    }

    /** The whole map: code point to replacement ("" = deleted), sorted by code point. Unmodifiable. */
    public static Map<Integer, String> map() {
        return SmartEncodingTable.map();
    }

    @Override
    public String toString() {
        return enabled ? "SmartEncoding[enabled, " + policy + "]" : "SmartEncoding[disabled]";
    }
}
