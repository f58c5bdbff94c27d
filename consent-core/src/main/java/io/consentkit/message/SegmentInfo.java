package io.consentkit.message;

import java.util.List;
import java.util.Objects;

/**
 * What Twilio will bill for one text. Immutable and thread-safe.
 *
 * @param encoding  GSM-7, or UCS-2 if any character is outside the GSM-7 tables
 * @param segments  segments billed; 0 only for the empty text (which is not a sendable message)
 * @param units     units the text occupies: septets for GSM-7 (extension characters count 2),
 *                  UTF-16 code units for UCS-2 (a surrogate pair counts 2)
 * @param unitsLeft units still free in the last segment before another segment is needed
 * @param nonGsm    the characters that forced UCS-2, in text order; empty for GSM-7
 */
public record SegmentInfo(Encoding encoding, int segments, int units, int unitsLeft, List<NonGsmChar> nonGsm) {
    public SegmentInfo {
        Objects.requireNonNull(encoding, "encoding");
        if (segments < 0 || units < 0 || unitsLeft < 0) {
            throw new IllegalArgumentException("segments, units and unitsLeft must be >= 0");
        }
        nonGsm = nonGsm == null ? List.of() : List.copyOf(nonGsm);
    }

    /** True for GSM-7. */
    public boolean isGsm7() {
        return encoding == Encoding.GSM7;
    }

    /** True if the text fits in {@code budget} segments. */
    public boolean fitsIn(int budget) {
        return segments <= budget;
    }

    /** A one-line description, e.g. {@code "GSM-7, 1 segment, 42 septets used, 118 left"}. */
    public String summary() {
        return encoding.displayName() + ", " + segments + (segments == 1 ? " segment, " : " segments, ")
                + units + " " + encoding.unitName() + " used, " + unitsLeft + " left in the last segment";
    }
}
