package io.consentkit.inbound;

/**
 * What an inbound text asks for, as {@link KeywordParser} reads it.
 */
public enum Intent {
    /** Stop texting me: revoke consent (STOP, UNSUBSCRIBE, "opt out", "please stop texting me"...). */
    OPT_OUT,
    /** Start (again): record a keyword opt-in (START, YES, UNSTOP). */
    OPT_IN,
    /** Send help: brand, contact, STOP/HELP instructions (HELP, INFO). */
    HELP,
    /** Yes to a pending Y/N confirmation (Y, YES, YEP, CONFIRM...). Only when one is pending. */
    CONFIRM_YES,
    /** No to a pending Y/N confirmation (N, NO, NOPE, DECLINE...). Only when one is pending. */
    CONFIRM_NO,
    /** None of the above: an ordinary message. */
    NONE
}
