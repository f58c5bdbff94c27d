package io.consentkit.consent;

import io.consentkit.InvalidInputException;

import java.util.Locale;

/**
 * The channel a consent or a revocation arrived by. The FCC lets a person revoke "by any reasonable
 * means" (47 CFR 64.1200(a)(10)): a reply text, a designated website, email or phone line, an agent,
 * so a revocation records which one it was; the journal keeps the {@link #journalName()} in its
 * {@code channel} column. Immutable and thread-safe.
 */
public enum ConsentChannel {
    /** A text message (SMS, MMS or RCS), e.g. a STOP reply. */
    SMS,
    /** A web page or form. */
    WEB,
    /** An email. */
    EMAIL,
    /** A phone call or IVR key press. */
    VOICE,
    /** A staff member acting on the person's word (front desk, support agent). */
    AGENT,
    /** Another system through this library's API (a CRM sync, a provider report). */
    API;

    /** The name written in the journal: {@code sms}, {@code web}, {@code email}, {@code voice}, {@code agent}, {@code api}. */
    public String journalName() {
        return name().toLowerCase(Locale.ROOT);
    }

    /**
     * The channel of a journal name (case-insensitive).
     *
     * @throws InvalidInputException (field {@code channel}) if it names no channel
     */
    public static ConsentChannel of(String name) {
        if (name != null) {
            for (ConsentChannel c : values()) {
                if (c.journalName().equalsIgnoreCase(name.strip())) {
                    return c;
                }
            }
        }
        throw new InvalidInputException("channel", "must be one of sms, web, email, voice, agent, api, got '"
                + (name == null ? "null" : io.consentkit.support.Masking.printable(name)) + "'");
    }
}
