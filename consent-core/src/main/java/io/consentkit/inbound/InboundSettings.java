package io.consentkit.inbound;

import java.util.Set;
import java.util.EnumSet;

/**
 * What an {@link InboundHandler.Builder} builds: validated, with the default replies already filled in
 * from the tracker's brand. Immutable.
 *
 * @param optOutReply    the opt-out confirmation text
 * @param helpReply      the HELP reply; empty only when HELP replies are off
 * @param confirmedReply reply to a yes; empty for none
 * @param declinedReply  reply to a no; empty for none
 * @param invalidReply   reply to an unrecognised answer; empty for none
 * @param consentChannels the channels whose messages change SMS consent (default SMS and RCS)
 * @param replyLimit     automatic replies (and keyword opt-ins) per number per window; 0 for no limit
 * @param replyWindowMillis the sliding window of {@code replyLimit}, in milliseconds
 */
record InboundSettings(KeywordParser parser, Confirmations confirmations, InboundListener listener,
                       ReplyPolicy optOutPolicy, ReplyPolicy optInPolicy, ReplyPolicy helpPolicy,
                       Set<String> providerKeywords, String optOutReply, String helpReply, String confirmedReply,
                       String declinedReply, String invalidReply, int recentSids, Set<Channel> consentChannels,
                       int replyLimit, long replyWindowMillis) {
    InboundSettings {
        providerKeywords = Set.copyOf(providerKeywords);
        consentChannels = consentChannels.isEmpty() ? Set.of() : Set.copyOf(EnumSet.copyOf(consentChannels));
    }
}
