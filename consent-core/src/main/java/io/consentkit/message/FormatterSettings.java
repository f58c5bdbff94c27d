package io.consentkit.message;

import io.consentkit.InvalidInputException;

import java.util.Objects;

/**
 * What a {@link MessageFormatter.Builder} builds: the validated, immutable settings a
 * {@link MessageFormatter} reads.
 *
 * @param segmentBudget most segments a message may cost (at least 1)
 * @param overflow      what to do with a message over budget
 * @param brandPrefix   prefix for messages without their own ("" for none)
 * @param footer        footer for messages without their own ("" for none)
 * @param footerMode    whether that footer is always kept or only added when it fits
 * @param linkLabel     put between the body and a link ("" for none)
 * @param smartEncoding Smart Encoding applied to the joined text before counting
 */
record FormatterSettings(int segmentBudget, OverflowPolicy overflow, String brandPrefix, String footer,
                         FooterMode footerMode, String linkLabel, SmartEncoding smartEncoding) {
    FormatterSettings {
        if (segmentBudget < 1) {
            throw new InvalidInputException("segmentBudget", "must be at least 1, got " + segmentBudget);
        }
        Objects.requireNonNull(overflow, "overflow");
        Objects.requireNonNull(brandPrefix, "brandPrefix");
        Objects.requireNonNull(footer, "footer");
        Objects.requireNonNull(footerMode, "footerMode");
        Objects.requireNonNull(linkLabel, "linkLabel");
        Objects.requireNonNull(smartEncoding, "smartEncoding");
    }
}
