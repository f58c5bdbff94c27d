package io.consentkit.message.internal;

/**
 * The GSM 03.38 default alphabet and its extension table as Twilio uses them, as lookup tables.
 * Not public API. Immutable and thread-safe.
 */
public final class Gsm7 {
    /**
     * The basic table in septet order 0x00..0x7F; position 0x1B (ESC) holds U+001B, which is the
     * escape to the extension table and not a character of its own.
     */
    public static final String BASIC = ""
            + "@\u00a3$\u00a5\u00e8\u00e9\u00f9\u00ec\u00f2\u00c7\n\u00d8\u00f8\r\u00c5\u00e5"
            + "\u0394_\u03a6\u0393\u039b\u03a9\u03a0\u03a8\u03a3\u0398\u039e\u001b\u00c6\u00e6\u00df\u00c9"
            + " !\"#\u00a4%&'()*+,-./"
            + "0123456789:;<=>?"
            + "\u00a1ABCDEFGHIJKLMNO"
            + "PQRSTUVWXYZ\u00c4\u00d6\u00d1\u00dc\u00a7"
            + "\u00bfabcdefghijklmno"
            + "pqrstuvwxyz\u00e4\u00f6\u00f1\u00fc\u00e0";

    /** The extension table: each costs two septets (ESC + code). */
    public static final String EXTENSION = "\f^{}\\[~]|\u20ac";

    private static final char EURO = '\u20ac';
    /** Every GSM character but the euro sign is below this. */
    private static final int TABLE_SIZE = 0x400;
    /** Septets per UTF-16 unit below {@link #TABLE_SIZE}: 0 = not GSM-7, 1 = basic, 2 = extension. */
    private static final byte[] COST = new byte[TABLE_SIZE];

    static {
        for (int i = 0; i < BASIC.length(); i++) {
            if (i != 0x1b) {
                COST[BASIC.charAt(i)] = 1;
            }
        }
        for (int i = 0; i < EXTENSION.length(); i++) {
            char c = EXTENSION.charAt(i);
            if (c < TABLE_SIZE) {
                COST[c] = 2;
            }
        }
    }

    private Gsm7() {
    }

    /** Septets for one UTF-16 unit: 1 (basic table), 2 (extension table) or 0 (not GSM-7). */
    public static int septets(char c) {
        return c < TABLE_SIZE ? COST[c] : (c == EURO ? 2 : 0);
    }

    /** Septets for one code point: 1, 2, or 0 if it is not in either table. */
    public static int septets(int codePoint) {
        return codePoint < TABLE_SIZE ? COST[codePoint] : (codePoint == EURO ? 2 : 0);
    }
}
