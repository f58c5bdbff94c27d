package io.consentkit.inbound;

import io.consentkit.consent.Program;

import java.util.EnumSet;
import java.util.Map;
import java.util.Set;

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
 * @param programReplies the reply texts set for single programs, by program name
 * @param keepMenu       whether the opt-out confirmation asks which programs to keep ({@link KeepMenu})
 */
record InboundSettings(KeywordParser parser, Confirmations confirmations, InboundListener listener,
                       ReplyPolicy optOutPolicy, ReplyPolicy optInPolicy, ReplyPolicy helpPolicy,
                       Set<String> providerKeywords, String optOutReply, String helpReply, String confirmedReply,
                       String declinedReply, String invalidReply, int recentSids, Set<Channel> consentChannels,
                       int replyLimit, long replyWindowMillis, Map<String, ProgramReplies> programReplies,
                       boolean keepMenu) {
    InboundSettings {
        providerKeywords = Set.copyOf(providerKeywords);
        consentChannels = consentChannels.isEmpty() ? Set.of() : Set.copyOf(EnumSet.copyOf(consentChannels));
        programReplies = Map.copyOf(programReplies);
    }

    /**
     * The texts set for one program; an empty text means the handler's own (the opt-in's default is the
     * tracker's standardized keyword text).
     */
    record ProgramReplies(String optIn, String optOut, String help) {
        static final ProgramReplies NONE = new ProgramReplies("", "", "");

        ProgramReplies with(String kind, String text) {
            return switch (kind) {
                case "optIn" -> new ProgramReplies(text, optOut, help);
                case "optOut" -> new ProgramReplies(optIn, text, help);
                default -> new ProgramReplies(optIn, optOut, text);
            };
        }
    }

    private ProgramReplies of(Program p) {
        return programReplies.getOrDefault(p.name(), ProgramReplies.NONE);
    }

    /** The opt-in text for {@code p}; empty for the tracker's standardized one. */
    String optInReply(Program p) {
        return of(p).optIn();
    }

    /** The opt-out confirmation for {@code p}. */
    String optOutReply(Program p) {
        String t = of(p).optOut();
        return t.isEmpty() ? optOutReply : t;
    }

    /** The HELP reply for {@code p}. */
    String helpReply(Program p) {
        String t = of(p).help();
        return t.isEmpty() ? helpReply : t;
    }
}
