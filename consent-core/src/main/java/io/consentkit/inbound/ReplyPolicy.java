package io.consentkit.inbound;

/**
 * Whether {@link InboundHandler} returns a reply for a keyword.
 *
 * <p>Twilio answers its own default keywords on long codes and toll-free numbers (STOP, START,
 * HELP and their synonyms, whole message only). Sending a second answer duplicates it; for opt-outs
 * that matters, because after a revocation one confirmation text is the only further message the
 * FCC allows. {@link #UNLESS_PROVIDER_REPLIED} sends ours only when the provider stayed silent, e.g.
 * for {@code "please stop texting me"}, which Twilio does not treat as a keyword.
 */
public enum ReplyPolicy {
    /** Always return a reply. */
    ALWAYS,
    /** Never return a reply. */
    NEVER,
    /**
     * Return a reply unless the provider already answered: the message was one of the provider's own
     * keywords as a whole message (see {@link InboundHandler.Builder#providerKeywords}).
     */
    UNLESS_PROVIDER_REPLIED
}
