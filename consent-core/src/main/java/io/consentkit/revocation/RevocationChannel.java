package io.consentkit.revocation;

import io.consentkit.InvalidInputException;

import java.util.Locale;

/**
 * How a revocation request reached the business. 47 CFR 64.1200(a)(10) lets a person revoke consent
 * "by any reasonable means", not only by a keyword reply: a text worded in their own way, the
 * business's website, an email, a call, a word to an agent. Immutable and thread-safe.
 */
public enum RevocationChannel {
    /** A text message (a reply that a person must read, e.g. "please don't text me anymore"). */
    SMS,
    /** A web form or the business's designated opt-out page. */
    WEB,
    /** An email, e.g. to support. */
    EMAIL,
    /** A phone call or voicemail. */
    VOICE,
    /** Said to staff (front desk, field agent, chat agent). */
    AGENT,
    /** Another system through an API. */
    API;

    /** The lower-case name used in files, evidence and the CLI ("email"). */
    public String label() {
        return name().toLowerCase(Locale.ROOT);
    }

    /**
     * Parses a channel name in any case.
     *
     * @throws InvalidInputException naming {@code channel} if it is none of sms, web, email, voice, agent, api
     */
    public static RevocationChannel parse(String name) {
        if (name == null || name.isBlank()) {
            throw new InvalidInputException("channel", "is empty");
        }
        try {
            return valueOf(name.strip().toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            throw new InvalidInputException("channel", "'" + io.consentkit.support.Masking.printable(name.strip())
                    + "' is not one of sms, web, email, voice, agent, api");
        }
    }
}
