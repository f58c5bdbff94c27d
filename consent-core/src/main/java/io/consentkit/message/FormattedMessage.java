package io.consentkit.message;

import java.util.List;
import java.util.Objects;

/**
 * A message ready to send: its final text and what Twilio will bill for it. Immutable and
 * thread-safe.
 *
 * @param text            the text to send (after Smart Encoding, if enabled)
 * @param info            encoding, segments and units of {@code text}
 * @param truncated       true if the body was cut (and ends with an ellipsis)
 * @param subjectIncluded false if a subject was given but dropped to fit
 * @param footerIncluded  false if a footer was given but dropped to fit ({@link FooterMode#IF_FITS})
 * @param replacements    what Smart Encoding replaced; indexes refer to the joined text before it
 */
public record FormattedMessage(String text, SegmentInfo info, boolean truncated, boolean subjectIncluded,
                               boolean footerIncluded, List<Replacement> replacements) {
    public FormattedMessage {
        Objects.requireNonNull(text, "text");
        Objects.requireNonNull(info, "info");
        replacements = List.copyOf(replacements);
    }

    /** Segments Twilio will bill. */
    public int segments() {
        return info.segments();
    }

    public Encoding encoding() {
        return info.encoding();
    }

    /** Leaves the text out (it may be personal); shows its length and cost. */
    @Override
    public String toString() {
        return "FormattedMessage[<" + text.length() + " chars>, " + info.encoding() + ", " + info.segments()
                + " segment(s)" + (truncated ? ", truncated" : "") + "]";
    }
}
