package io.consentkit.message.internal;

import java.util.Arrays;
import java.util.Collections;
import java.util.Map;
import java.util.TreeMap;

/**
 * Twilio's Smart Encoding map: Unicode look-alikes and their GSM-7 replacements. The rows are
 * the published list as Twilio's open-source segment calculator carries it
 * ({@code TwilioDevEd/message-segment-calculator}, {@code src/libs/SmartEncodingMap.ts}, 270
 * entries) plus U+200C (zero-width non-joiner), which calculator v1.3.0 deletes and live Twilio
 * was confirmed to delete. Every key is in the BMP. Not public API. Immutable and thread-safe.
 */
public final class SmartEncodingTable {
    /** Pairs of (replacement, code points in hex separated by spaces), one pair per replacement. */
    private static final String[] ROWS = {
        "\"", "00AB 00BB 02BA 02EE 201C 201D 201E 201F 275D 275E 301D 301E FF02",
        "'", "0060 00B4 02B9 02BB 02BC 02BD 02C8 02CA 02CB 0313 0314 2018 2019 201B 275B 275C FE10 FE11 FF07",
        "/", "00F7 0337 0338 2044 2215 29F8 FF0F",
        "1/4", "00BC",
        "1/2", "00BD",
        "3/4", "00BE",
        "\\", "20E5 29F5 29F9 FE68 FF3C",
        "_", "0332 2017 FF3F",
        "|", "20D2 20D3 2223 239C 239F 23B8 23B9 23D0 FF5C",
        "-", "2010 2013 2014 2015 2022 2043 23BC 23BD FE63 FF0D",
        "@", "FE6B FF20",
        "$", "FE69 FF04",
        "!", "01C3 FE15 FE57 FF01",
        "#", "FE5F FF03",
        "%", "FE6A FF05",
        "&", "FE60 FF06",
        ",", "0326 201A 3001 FE50 FE51 FF0C FF64",
        "(", "2768 276A 27EE 2985 FE59 FF08",
        ")", "2769 276B 27EF 2986 FE5A FF09",
        "*", "204E 2217 229B 2722 2723 2724 2725 2731 2732 2733 273A 273B 273C 273D 2743 2749 274A 274B 29C6 FE61 FF0A",
        "+", "02D6 FE62 FF0B",
        ".", "3002 FE52 FF0E FF61",
        "0", "FF10",
        "1", "FF11",
        "2", "FF12",
        "3", "FF13",
        "4", "FF14",
        "5", "FF15",
        "6", "FF16",
        "7", "FF17",
        "8", "FF18",
        "9", "FF19",
        ":", "02D0 02F8 2982 A789 FE13 FF1A",
        ";", "204F FE14 FE54 FF1B",
        "<", "203A FE64 FF1C",
        "=", "0347 A78A FE66 FF1D",
        ">", "2039 FE65 FF1E",
        "?", "FE16 FE56 FF1F",
        "A", "1D00 FF21",
        "B", "0299 FF22",
        "C", "1D04 FF23",
        "D", "1D05 FF24",
        "E", "1D07 FF25",
        "F", "A730 FF26",
        "G", "0262 FF27",
        "H", "029C FF28",
        "I", "026A FF29",
        "J", "1D0A FF2A",
        "K", "1D0B FF2B",
        "L", "029F FF2C",
        "M", "1D0D FF2D",
        "N", "0274 FF2E",
        "O", "1D0F FF2F",
        "P", "1D18 FF30",
        "Q", "FF31",
        "R", "0280 FF32",
        "S", "A731 FF33",
        "T", "1D1B FF34",
        "U", "1D1C FF35",
        "V", "1D20 FF36",
        "W", "1D21 FF37",
        "X", "FF38",
        "Y", "028F FF39",
        "Z", "1D22 FF3A",
        "^", "02C6 0302 1DCD FF3E",
        "{", "2774 FE5B FF5B",
        "}", "2775 FE5C FF5D",
        "[", "FF3B",
        "]", "FF3D",
        "~", "02DC 02F7 0303 0330 0334 223C FF5E",
        "  ", "0080 008D 0090 009B 009F 00A0 2000 2002 2003 2004 2005 2006 2007 2008 2009 200A 202F 205F 3000",
        "", "0000 0003 0004 0010 0011 0012 0013 0014 0017 0019 200B 2060 FEFF",
        "       ", "0009",
        "!!", "203C",
        " ", "2001 2028 2029",
        "...", "2026",
        "", "200C",
    };

    private static final char[] KEYS;
    private static final String[] VALUES;
    private static final Map<Integer, String> MAP;

    static {
        TreeMap<Integer, String> sorted = new TreeMap<>();
        for (int r = 0; r < ROWS.length; r += 2) {
            for (String hex : ROWS[r + 1].split(" ")) {
                if (sorted.put(Integer.parseInt(hex, 16), ROWS[r]) != null) {
                    throw new ExceptionInInitializerError("duplicate smart-encoding key U+" + hex);
                }
            }
        }
        KEYS = new char[sorted.size()];
        VALUES = new String[sorted.size()];
        int i = 0;
        for (Map.Entry<Integer, String> e : sorted.entrySet()) {
            KEYS[i] = (char) e.getKey().intValue();
            VALUES[i] = e.getValue();
            i++;
        }
        MAP = Collections.unmodifiableMap(sorted);
    }

    private SmartEncodingTable() {
    }

    /** The replacement for {@code codePoint} ("" means deleted), or null if it has none. */
    public static String replacement(int codePoint) {
        if (codePoint > Character.MAX_VALUE) {
            return null;
        }
        int i = Arrays.binarySearch(KEYS, (char) codePoint);
        return i >= 0 ? VALUES[i] : null;
    }

    /** The whole map, code point to replacement, sorted by code point. */
    public static Map<Integer, String> map() {
        return MAP;
    }
}
