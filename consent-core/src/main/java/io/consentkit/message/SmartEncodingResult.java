package io.consentkit.message;

import java.util.List;
import java.util.Objects;

/**
 * The outcome of {@link SmartEncoding#apply(CharSequence)}. Immutable and thread-safe.
 *
 * @param text          the text to send
 * @param replacements  what was replaced, in text order (indexes into the original text)
 * @param unconvertible characters that are neither GSM-7 nor in the map, in text order (indexes
 *                      into the original text); if not empty, the text stays UCS-2
 */
public record SmartEncodingResult(String text, List<Replacement> replacements, List<NonGsmChar> unconvertible) {
    public SmartEncodingResult {
        Objects.requireNonNull(text, "text");
        replacements = List.copyOf(replacements);
        unconvertible = List.copyOf(unconvertible);
    }

    /** True if any character was replaced or deleted. */
    public boolean changed() {
        return !replacements.isEmpty();
    }
}
