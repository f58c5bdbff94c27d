package io.consentkit.message;

/**
 * One character that is in neither GSM-7 table and therefore forces UCS-2, with where it is,
 * so that a user interface can point at it. Immutable and thread-safe.
 *
 * @param index     UTF-16 index of the character in the text that was examined
 * @param codePoint the Unicode code point (a lone surrogate is reported as itself)
 */
public record NonGsmChar(int index, int codePoint) {
    public NonGsmChar {
        if (index < 0) {
            throw new IllegalArgumentException("index must be >= 0, got " + index);
        }
        if (!Character.isValidCodePoint(codePoint)) {
            throw new IllegalArgumentException("not a code point: " + codePoint);
        }
    }

    /** The character as a string (two UTF-16 units for a code point outside the BMP). */
    public String text() {
        return new String(Character.toChars(codePoint));
    }

    /** UTF-16 units it occupies: 1, or 2 for a surrogate pair. */
    public int length() {
        return Character.charCount(codePoint);
    }

    /** The code point in "U+" notation with at least four hex digits, e.g. {@code "U+2019"}. */
    public String unicode() {
        return String.format("U+%04X", codePoint);
    }

    @Override
    public String toString() {
        return unicode() + "@" + index;
    }
}
