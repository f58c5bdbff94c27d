package io.consentkit.message;

import java.util.Objects;

/**
 * One character Smart Encoding replaced. Immutable and thread-safe.
 *
 * @param index       UTF-16 index of the character in the original text
 * @param codePoint   the character replaced
 * @param replacement what it became; the empty string if it was deleted
 */
public record Replacement(int index, int codePoint, String replacement) {
    public Replacement {
        if (index < 0) {
            throw new IllegalArgumentException("index must be >= 0, got " + index);
        }
        Objects.requireNonNull(replacement, "replacement");
    }

    /** The original character as a string. */
    public String original() {
        return new String(Character.toChars(codePoint));
    }

    @Override
    public String toString() {
        return String.format("U+%04X@%d->\"%s\"", codePoint, index, replacement);
    }
}
