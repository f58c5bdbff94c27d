package io.consentkit.journal;

/**
 * Well-known values of the {@code revoked_method} column: how a consent was revoked. Like
 * {@link OptInMethod}, the column is open: any lower-case word of letters, digits and underscores is
 * accepted, so an app can use its own (the CLI's default is {@link #CUSTOMER_REQUEST}). The values are
 * journal data and never change. Constants only; thread-safe.
 */
public final class RevocationMethod {
    /** The person texted an opt-out keyword (STOP, UNSUBSCRIBE, "please stop texting me"...). */
    public static final String STOP_KEYWORD = "stop_keyword";
    /**
     * The messaging provider reported that the recipient opted out, e.g. Twilio error 21610 or 30004
     * on a send or in a status callback.
     */
    public static final String PROVIDER_OPT_OUT = "provider_opt_out";
    /**
     * The provider's own opt-out handling decided an inbound text was an opt-out that the keyword
     * parser did not read as one (Twilio Advanced Opt-Out, {@code OptOutType=STOP}, for a custom
     * opt-out word). Named for the provider that reports such decisions.
     */
    public static final String TWILIO_OPT_OUT = "twilio_opt_out";
    /** The person asked the business to stop (by phone, email, at the desk); recorded by staff. */
    public static final String CUSTOMER_REQUEST = "customer_request";

    private RevocationMethod() {
    }

    /** True for a non-empty word of [a-z0-9_], at most 64 characters (the rule of {@link OptInMethod}). */
    public static boolean isWellFormed(String method) {
        return OptInMethod.isWellFormed(method);
    }
}
