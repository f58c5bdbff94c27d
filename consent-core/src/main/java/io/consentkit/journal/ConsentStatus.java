package io.consentkit.journal;

import java.util.Locale;

/**
 * The {@code status} column of a journal row. Only {@link #ACTIVE} allows marketing messages.
 */
public enum ConsentStatus {
    /** Consent given and not revoked. */
    ACTIVE,
    /** Consent revoked (opt-out), or a suppression for a number that never opted in. */
    REVOKED,
    /** A Y/N confirmation was asked and not yet answered. */
    PENDING,
    /** The person answered N to a confirmation. */
    DECLINED,
    /** A confirmation was not answered before its deadline. */
    EXPIRED;

    /** The journal spelling: lower case. */
    public String journalName() {
        return name().toLowerCase(Locale.ROOT);
    }

    /**
     * Reads the journal spelling (case-insensitive).
     *
     * @throws IllegalArgumentException for anything else
     */
    public static ConsentStatus fromJournal(String s) {
        switch (s.strip().toLowerCase(Locale.ROOT)) {
            case "active": return ACTIVE;
            case "revoked": return REVOKED;
            case "pending": return PENDING;
            case "declined": return DECLINED;
            case "expired": return EXPIRED;
            default: throw new IllegalArgumentException("'" + io.consentkit.support.Masking.printable(s) + "' is not one of active, revoked, pending, declined, expired");
        }
    }
}
