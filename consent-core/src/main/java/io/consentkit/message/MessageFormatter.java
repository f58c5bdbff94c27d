package io.consentkit.message;

import io.consentkit.InvalidInputException;
import io.consentkit.message.internal.Graphemes;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Joins a message's parts and fits them into a segment budget.
 *
 * <pre>{@code
 * MessageFormatter formatter = MessageFormatter.builder()
 *         .segmentBudget(1)
 *         .overflow(OverflowPolicy.TRUNCATE)
 *         .footer("Reply STOP to opt out", FooterMode.IF_FITS)
 *         .build();
 * FormattedMessage m = formatter.formatReminder("Chore due", "Take out trash by 6pm.", "https://short.link/abc123");
 * // m.text(): "Chore due: Take out trash by 6pm. View: https://short.link/abc123 Reply STOP to opt out"
 * // m.segments(): 1
 * }</pre>
 *
 * <p>Defaults: budget {@value #DEFAULT_SEGMENT_BUDGET} segment, {@link OverflowPolicy#REJECT}, no
 * prefix or footer, link label {@value #DEFAULT_LINK_LABEL}, Smart Encoding
 * {@link SmartEncoding#DISABLED}. A formatter's prefix and footer are used for parts (and
 * templates) that have none of their own.
 *
 * <p>How a message is fitted, in order: the joined text as it is; without an
 * {@link FooterMode#IF_FITS} footer; then, only with {@link OverflowPolicy#TRUNCATE}, without the
 * subject; then with the body cut at the longest whole-character boundary that fits, followed by
 * an ellipsis ({@code ...} in GSM-7, {@code …} in UCS-2, so the ellipsis never changes the
 * encoding). The body is never cut inside a surrogate pair, a combined character (accent, flag,
 * emoji sequence), a CR LF pair or a URL, and at least one character of it is kept. The prefix,
 * the link and an {@link FooterMode#ALWAYS} footer are never cut: if they alone do not fit,
 * {@link SegmentBudgetExceededException} is thrown. A message also never exceeds
 * {@value #MAX_TEXT_LENGTH} UTF-16 units, Twilio's body limit.
 *
 * <p>Immutable and thread-safe.
 */
public final class MessageFormatter {
    /** Default segment budget: {@value}. */
    public static final int DEFAULT_SEGMENT_BUDGET = 1;
    /** Default label put before a link: {@value}. */
    public static final String DEFAULT_LINK_LABEL = "View:";
    /** Twilio's limit for a message body, in characters (counted here as UTF-16 units): {@value}. */
    public static final int MAX_TEXT_LENGTH = 1600;

    private static final String GSM_ELLIPSIS = "...";
    private static final String UCS2_ELLIPSIS = "\u2026";
    private static final Pattern URL = Pattern.compile("(?i)\\b(?:https?://|www\\.)\\S+");
    private static final Pattern URL_AT_END = Pattern.compile("(?i)\\b(?:https?://|www\\.)\\S+$");

    private final int segmentBudget;
    private final OverflowPolicy overflow;
    private final String brandPrefix;
    private final String footer;
    private final FooterMode footerMode;
    private final String linkLabel;
    private final SmartEncoding smartEncoding;

    private MessageFormatter(FormatterSettings s) {
        this.segmentBudget = s.segmentBudget();
        this.overflow = s.overflow();
        this.brandPrefix = s.brandPrefix();
        this.footer = s.footer();
        this.footerMode = s.footerMode();
        this.linkLabel = s.linkLabel();
        this.smartEncoding = s.smartEncoding();
    }

    /** A formatter with the defaults: one segment, reject what does not fit. */
    public static MessageFormatter defaults() {
        return builder().build();
    }

    public static Builder builder() {
        return new Builder();
    }

    public int segmentBudget() {
        return segmentBudget;
    }

    public OverflowPolicy overflow() {
        return overflow;
    }

    public SmartEncoding smartEncoding() {
        return smartEncoding;
    }

    /**
     * Formats a plain body (with this formatter's prefix and footer, if any).
     *
     * @throws EmptyMessageException if the body is null or blank
     * @throws SegmentBudgetExceededException if it does not fit and cannot be truncated
     */
    public FormattedMessage format(String body) {
        return format(MessageParts.of(body));
    }

    /**
     * Renders {@code template} with {@code values} and formats it; the template's prefix and
     * footer win over the formatter's.
     *
     * @throws PlaceholderException if a value is missing or unknown
     * @throws SegmentBudgetExceededException if it does not fit and cannot be truncated
     */
    public FormattedMessage format(SmsTemplate template, Map<String, ?> values) {
        return format(template.parts(values));
    }

    /**
     * Formats a reminder: {@code "Chore due: Take out trash by 6pm. View: https://..."}. When it
     * must shrink (with {@link OverflowPolicy#TRUNCATE}) the subject goes first, then the message
     * is cut; the link is always kept whole.
     *
     * @param subject may be empty
     * @param message the reminder itself; not blank
     * @param link    may be empty
     */
    public FormattedMessage formatReminder(String subject, String message, String link) {
        return format(MessageParts.of(message).withSubject(subject).withLink(link));
    }

    /**
     * Formats explicit parts; this formatter's prefix and footer fill in for empty ones.
     *
     * @throws SegmentBudgetExceededException if it does not fit and cannot be truncated
     */
    public FormattedMessage format(MessageParts parts) {
        Objects.requireNonNull(parts, "parts");
        MessageParts p = parts;
        if (p.prefix().isEmpty() && !brandPrefix.isEmpty()) {
            p = p.withPrefix(brandPrefix);
        }
        if (p.footer().isEmpty() && !footer.isEmpty()) {
            p = p.withFooter(footer, footerMode);
        }
        boolean hasSubject = !p.subject().isEmpty();
        boolean hasFooter = !p.footer().isEmpty();

        Candidate full = measure(p.join(p.body(), true, true, linkLabel));
        if (full.fits()) {
            return full.result(false, true, true);
        }
        boolean withFooter = true;
        if (hasFooter && p.footerMode() == FooterMode.IF_FITS) {
            withFooter = false;
            Candidate c = measure(p.join(p.body(), true, false, linkLabel));
            if (c.fits()) {
                return c.result(false, true, false);
            }
        }
        if (overflow == OverflowPolicy.REJECT) {
            throw full.exceeded();
        }
        boolean withSubject = true;
        if (hasSubject) {
            withSubject = false;
            Candidate c = measure(p.join(p.body(), false, withFooter, linkLabel));
            if (c.fits()) {
                return c.result(false, false, !hasFooter || withFooter);
            }
        }
        Candidate cut = truncate(p, withSubject, withFooter);
        if (cut == null) {
            throw full.exceeded();
        }
        return cut.result(true, !hasSubject || withSubject, !hasFooter || withFooter);
    }

    /** The longest body prefix (at a safe cut) plus ellipsis that fits, or null. */
    private Candidate truncate(MessageParts p, boolean withSubject, boolean withFooter) {
        String body = p.body();
        int[] cuts = safeCuts(body);
        int lo = 0;
        int hi = cuts.length - 1;
        Candidate best = null;
        while (lo <= hi) {
            int mid = (lo + hi) >>> 1;
            Candidate c = withEllipsis(p, body.substring(0, cuts[mid]).stripTrailing(), withSubject, withFooter);
            if (c.fits()) {
                best = c;
                lo = mid + 1;
            } else {
                hi = mid - 1;
            }
        }
        return best;
    }

    private Candidate withEllipsis(MessageParts p, String kept, boolean withSubject, boolean withFooter) {
        Candidate plain = measure(p.join(kept, withSubject, withFooter, linkLabel));
        String ellipsis = plain.info.isGsm7() ? GSM_ELLIPSIS : UCS2_ELLIPSIS;
        // an ellipsis glued to a URL could be read as part of it
        String sep = URL_AT_END.matcher(kept).find() ? " " : "";
        return measure(p.join(kept + sep + ellipsis, withSubject, withFooter, linkLabel));
    }

    /**
     * Ascending UTF-16 indexes where the body may be cut, keeping at least one non-blank
     * character: not inside a surrogate pair, a grapheme cluster, CR LF or a URL. The full
     * length is not included (the whole body did not fit).
     */
    static int[] safeCuts(String body) {
        int n = body.length();
        boolean[] blocked = new boolean[n + 1];
        Matcher m = URL.matcher(body);
        while (m.find()) {
            for (int i = m.start() + 1; i < m.end(); i++) {
                blocked[i] = true;
            }
        }
        int prev = -1;
        int riRun = 0;
        for (int i = 0; i < n; ) {
            int cp = body.codePointAt(i);
            int len = Character.charCount(cp);
            if (len == 2) {
                blocked[i + 1] = true;
            }
            boolean continues = prev >= 0 && Graphemes.continues(prev, cp, riRun);
            if (continues || (prev == '\r' && cp == '\n')) {
                blocked[i] = true;
            }
            riRun = Graphemes.isRegionalIndicator(cp) ? (continues ? riRun + 1 : 1) : 0;
            prev = cp;
            i += len;
        }
        int first = 0;
        while (first < n && Character.isWhitespace(body.charAt(first))) {
            first++;
        }
        List<Integer> cuts = new ArrayList<>();
        for (int i = first + 1; i < n; i++) {
            if (!blocked[i]) {
                cuts.add(i);
            }
        }
        int[] out = new int[cuts.size()];
        for (int i = 0; i < out.length; i++) {
            out[i] = cuts.get(i);
        }
        return out;
    }

    private Candidate measure(String joined) {
        SmartEncodingResult se = smartEncoding.apply(joined);
        return new Candidate(se.text(), SegmentCalculator.analyze(se.text()), se.replacements());
    }

    private final class Candidate {
        final String text;
        final SegmentInfo info;
        final List<Replacement> replacements;

        Candidate(String text, SegmentInfo info, List<Replacement> replacements) {
            this.text = text;
            this.info = info;
            this.replacements = replacements;
        }

        boolean fits() {
            return info.segments() <= segmentBudget && text.length() <= MAX_TEXT_LENGTH;
        }

        FormattedMessage result(boolean truncated, boolean subjectIncluded, boolean footerIncluded) {
            return new FormattedMessage(text, info, truncated, subjectIncluded, footerIncluded, replacements);
        }

        SegmentBudgetExceededException exceeded() {
            return new SegmentBudgetExceededException("body", info, segmentBudget, text.length());
        }
    }

    @Override
    public String toString() {
        return "MessageFormatter[budget=" + segmentBudget + ", overflow=" + overflow + ", " + smartEncoding + "]";
    }

    /**
     * Builds a {@link MessageFormatter}; each setter validates at once, {@link #build()} freezes the
     * settings and the builder has no getters. Not thread-safe.
     */
    public static final class Builder {
        private int segmentBudget = DEFAULT_SEGMENT_BUDGET;
        private OverflowPolicy overflow = OverflowPolicy.REJECT;
        private String brandPrefix = "";
        private String footer = "";
        private FooterMode footerMode = FooterMode.ALWAYS;
        private String linkLabel = DEFAULT_LINK_LABEL;
        private SmartEncoding smartEncoding = SmartEncoding.DISABLED;

        private Builder() {
        }

        /** Most segments a message may cost; at least 1. Default {@value #DEFAULT_SEGMENT_BUDGET}. */
        public Builder segmentBudget(int segments) {
            if (segments < 1) {
                throw new InvalidInputException("segmentBudget", "must be at least 1, got " + segments);
            }
            this.segmentBudget = segments;
            return this;
        }

        /** What to do with a message over budget. Default {@link OverflowPolicy#REJECT}. */
        public Builder overflow(OverflowPolicy overflow) {
            this.overflow = Objects.requireNonNull(overflow, "overflow");
            return this;
        }

        /** Prefix for messages without their own, e.g. {@code "SafeShipper:"}. */
        public Builder brandPrefix(String brandPrefix) {
            this.brandPrefix = InvalidInputException.requireText("brandPrefix", brandPrefix);
            return this;
        }

        /** A footer always kept intact, for messages without their own. */
        public Builder footer(String footer) {
            return footer(footer, FooterMode.ALWAYS);
        }

        /** A footer for messages without their own; {@link FooterMode#IF_FITS} adds it only when it fits. */
        public Builder footer(String footer, FooterMode mode) {
            this.footer = InvalidInputException.requireText("footer", footer);
            this.footerMode = Objects.requireNonNull(mode, "mode");
            return this;
        }

        /** Put between the body and a link; "" for none. Default {@value #DEFAULT_LINK_LABEL}. */
        public Builder linkLabel(String linkLabel) {
            this.linkLabel = InvalidInputException.optionalText(linkLabel);
            return this;
        }

        /** Smart Encoding applied to the joined text before counting. Default {@link SmartEncoding#DISABLED}. */
        public Builder smartEncoding(SmartEncoding smartEncoding) {
            this.smartEncoding = Objects.requireNonNull(smartEncoding, "smartEncoding");
            return this;
        }

        public MessageFormatter build() {
            return new MessageFormatter(new FormatterSettings(segmentBudget, overflow, brandPrefix, footer, footerMode,
                    linkLabel, smartEncoding));
        }
    }
}
