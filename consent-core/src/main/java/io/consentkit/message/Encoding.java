package io.consentkit.message;

/**
 * How an SMS is encoded. The encoding is chosen for the whole message: one character outside
 * the two GSM-7 tables makes every character UCS-2.
 *
 * <p>Capacities are in the encoding's units: septets for GSM-7, UTF-16 code units for UCS-2.
 * A message of more than one segment carries a 6-octet User Data Header in each segment, which
 * is why a concatenated segment holds less than a single one. Thread-safe.
 */
public enum Encoding {
    /** GSM 03.38 default alphabet: 160 septets alone, 153 per segment when concatenated. */
    GSM7("GSM-7", 160, 153, "septets"),
    /** UCS-2 (UTF-16 code units): 70 alone, 67 per segment when concatenated. */
    UCS2("UCS-2", 70, 67, "UTF-16 code units");

    private final String displayName;
    private final int singleSegmentUnits;
    private final int multiSegmentUnits;
    private final String unitName;

    Encoding(String displayName, int singleSegmentUnits, int multiSegmentUnits, String unitName) {
        this.displayName = displayName;
        this.singleSegmentUnits = singleSegmentUnits;
        this.multiSegmentUnits = multiSegmentUnits;
        this.unitName = unitName;
    }

    /** "GSM-7" or "UCS-2", as Twilio's documentation writes them. */
    public String displayName() {
        return displayName;
    }

    /** Units a message of exactly one segment can hold: 160 or 70. */
    public int singleSegmentUnits() {
        return singleSegmentUnits;
    }

    /** Units each segment of a concatenated message can hold: 153 or 67. */
    public int multiSegmentUnits() {
        return multiSegmentUnits;
    }

    /** "septets" or "UTF-16 code units". */
    public String unitName() {
        return unitName;
    }
}
