package io.consentkit.inbound;

import io.consentkit.InvalidInputException;
import io.consentkit.consent.ConsentTracker;
import io.consentkit.journal.RevocationMethod;
import io.consentkit.phone.PhoneNumber;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Objects;
import java.util.Set;

/**
 * Handles one inbound text: honours opt-outs, records opt-ins, answers HELP, resolves Y/N
 * confirmations, and returns what it did and the reply to send.
 *
 * <ul>
 * <li><b>Programs.</b> A keyword is about the programs of the sender it reached
 * ({@link InboundMessage#to()}, through {@link io.consentkit.consent.Programs#programsForSender}; an
 * unknown or empty {@code To} is the default program's): a STOP revokes through
 * {@link ConsentTracker#revokeFromSender} (the revocation policy, the FCC revoke-all date, STOPALL), a
 * START re-opts in that sender's programs only, a HELP answers with that program's text
 * ({@link Builder#optInReply(String, String)} and its two siblings set texts per program). A tracker with
 * only the default program revokes everything with legacy-shaped rows, as before programs.</li>
 * <li><b>Opt-out</b> (STOP, "please stop texting me"...): revokes the active consents in scope
 * (or records a suppression) with method {@value RevocationMethod#STOP_KEYWORD} and the evidence
 * {@code revoke_message_sid}, {@code revoke_inbound_body}, {@code revoke_received_at},
 * {@code revoke_keyword}, {@code revoke_match} ({@code whole_message} or {@code in_reply}) and
 * {@code revoke_to}. Reply: one confirmation text (brand, no marketing), by default only
 * {@link ReplyPolicy#UNLESS_PROVIDER_REPLIED unless Twilio already answered}: Twilio replies itself to
 * its own keywords sent as the whole message, and after an opt-out only one confirmation text is
 * allowed, so a second one would be both a duplicate and a breach. A reply such as "please stop"
 * gets ours, because Twilio ignores it.</li>
 * <li><b>Opt-in</b> (START, YES, UNSTOP): records a keyword consent whose text is the tracker's
 * standardized confirmation (brand, frequency, rates, STOP/HELP; {@link ConsentTracker#texts()}) or the
 * program's own, with the evidence {@code keyword}, {@code message_sid}, {@code inbound_body} and
 * {@code to} (the number texted), and
 * replies with exactly that text ({@link ReplyPolicy#ALWAYS} by default: Twilio's generic
 * re-subscribe text has no brand or frequency, and the recorded text is evidence only if it was
 * sent).</li>
 * <li><b>Help</b> (HELP, INFO): replies with the brand, the support contact and STOP/HELP
 * instructions; no state change ({@link ReplyPolicy#ALWAYS} by default: Twilio's own help text has no
 * brand or contact, which carriers require).</li>
 * <li><b>Y/N answers</b> while a confirmation is pending: see {@link Confirmations}. Anything else
 * while one is pending is reported {@link ConfirmationEvent.Outcome#INVALID}.</li>
 * <li><b>Keep answers</b> ({@link Builder#keepMenu}, off by default): within 5 minutes of an opt-out whose
 * confirmation asked which programs to keep, "keep alerts" or "1" re-opts in those programs.</li>
 * <li>Anything else: no change, no reply; {@link InboundListener#onUnmatched} hears it.</li>
 * </ul>
 *
 * <p><b>The provider's decision.</b> When the provider's own keyword handling has already acted on the
 * message ({@link InboundMessage#providerIntent()}, Twilio Advanced Opt-Out's {@code OptOutType}), that
 * decision is honoured under the same lock and duplicate rules as everything else: a provider STOP
 * revokes even for a word the parser does not know (method {@value RevocationMethod#TWILIO_OPT_OUT},
 * evidence {@code revoke_match=twilio_opt_out_type}) and no opt-out text of ours is sent, since the
 * provider sent the one allowed; a provider START records a keyword consent for a word the parser does
 * not read as opt-in or yes; a provider HELP suppresses our HELP reply. An opt-out the parser read is
 * never overridden.
 *
 * <p><b>Channels.</b> Only messages on the {@linkplain Builder#consentChannels consent channels}
 * (default {@link Channel#SMS} and {@link Channel#RCS}, which Twilio opts out together since
 * 2026-03-16) change SMS consent. A message on any other channel (WhatsApp, Messenger, an unknown
 * prefix) is answered {@link InboundResult.Change#OTHER_CHANNEL}: nothing written, no reply (empty
 * TwiML), the listener hears it. Its sender address is not parsed as a phone number.
 *
 * <p><b>Floods from one number.</b> Automatic replies to one number are capped
 * ({@link Builder#replyLimit}, default {@value #DEFAULT_REPLY_LIMIT} per
 * {@value #DEFAULT_REPLY_WINDOW_MINUTES} minutes, sliding, on the tracker's clock), so a bot or a
 * prankster looping STOP/START cannot run up a bill. An opt-out is always applied and written,
 * whatever the count; past the cap it just gets no reply. A keyword opt-in takes a slot too: past the
 * cap it is <em>not applied</em> ({@link InboundResult.Change#RATE_LIMITED}: no consent row, no reply,
 * the number stays as it was, opted out after a STOP), because the recorded consent text is evidence
 * only if it was sent; the person can text START again once the window has room. Every message is still
 * handed to the listener as received, with what was done.
 *
 * <p><b>Duplicates.</b> Providers retry webhooks, so the same message SID can arrive twice. A SID seen
 * before is answered with {@link InboundResult.Change#DUPLICATE}: nothing is written or replied again.
 * The handler remembers the last {@link Builder#recentSids(int)} SIDs in memory and, for any other,
 * looks in the number's journal rows, where every row it writes carries the SID
 * ({@code message_sid}, {@code revoke_message_sid}, {@code reply_sid}); so a redelivery after a restart
 * records nothing either. (A HELP or ordinary message writes no row, so after a restart its redelivery is
 * answered again; nothing is recorded twice.)
 *
 * <p>Thread-safe: messages from one number are handled one at a time, under the tracker's lock for the
 * number ({@link ConsentTracker#withNumberLock}, the one its own writes and {@link Confirmations} take),
 * different numbers in parallel. This class is the facade (sender, duplicates, lock, listeners); the
 * keyword and Y/N transitions above are decided in one place inside the package.
 * Listeners are called after the journal writes, outside the lock; their exceptions are logged and never
 * change the result. No provider types: a Twilio adapter maps its webhook into {@link InboundMessage} and
 * the reply into TwiML.
 *
 * <pre>{@code
 * InboundHandler handler = InboundHandler.builder(tracker)
 *         .supportContact("help@basin.example or 512-555-0100")
 *         .build();
 * InboundResult r = handler.handle(new InboundMessage(from, to, body, sid, Instant.now()));
 * if (r.hasReply()) { ... send r.reply() ... }
 * }</pre>
 */
public final class InboundHandler {
    private static final Logger LOG = LoggerFactory.getLogger(InboundHandler.class);

    /** Default number of message SIDs remembered in memory. */
    public static final int DEFAULT_RECENT_SIDS = 10_000;
    /** Default cap of automatic replies to one number per window: {@value}. */
    public static final int DEFAULT_REPLY_LIMIT = 6;
    /** Default window of the reply cap, in minutes: {@value}. */
    public static final int DEFAULT_REPLY_WINDOW_MINUTES = 60;
    /** The metadata keys under which handled message SIDs are written to the journal. */
    public static final Set<String> SID_KEYS = Set.of("message_sid", "revoke_message_sid", Confirmations.REPLY_SID,
            Confirmations.INVALID_REPLY_SID);

    private final ConsentTracker tracker;
    private final InboundSettings settings;
    private final InboundStateMachine machine;
    private final SeenSids seen;

    private InboundHandler(ConsentTracker tracker, InboundSettings settings) {
        this.tracker = tracker;
        this.settings = settings;
        this.machine = new InboundStateMachine(tracker, settings);
        this.seen = new SeenSids(tracker, settings.recentSids());
    }

    /** A builder over {@code tracker}. */
    public static Builder builder(ConsentTracker tracker) {
        return new Builder(tracker);
    }

    /**
     * Handles one message.
     *
     * @throws io.consentkit.phone.InvalidPhoneNumberException if {@code from} (on a consent channel,
     *                                                          without its channel prefix) is not a
     *                                                          phone number
     * @throws io.consentkit.journal.ConsentStoreException       if the journal cannot be written; nothing
     *                                                          is then remembered, so a redelivery is
     *                                                          handled afresh
     */
    public InboundResult handle(InboundMessage message) {
        Objects.requireNonNull(message, "message");
        if (!settings.consentChannels().contains(message.channel())) {
            return otherChannel(message);
        }
        PhoneNumber from = tracker.phoneNumbers().parse(message.address(), "from");
        String sid = message.messageSid();
        List<ConfirmationEvent> events = new ArrayList<>(2);
        InboundResult result = tracker.withNumberLock(from, () -> {
            if (!sid.isEmpty() && seen.seen(from, sid)) {
                LOG.info("duplicate delivery of {} from {} ignored", sid, from.masked());
                return new InboundResult(message, machine.read(from, message), InboundResult.Change.DUPLICATE,
                        List.of(), "", null);
            }
            InboundResult r = machine.step(from, message, events);
            if (!sid.isEmpty()) {
                seen.remember(sid);
            }
            return r;
        });
        settings.confirmations().rows().fire(events);
        notifyListener(result);
        return result;
    }

    /** A message on a channel that does not change SMS consent: nothing written, no reply. */
    private InboundResult otherChannel(InboundMessage message) {
        LOG.info("{} message {} from {} changes no SMS consent; not handled", message.channel(),
                message.messageSid(), io.consentkit.support.Masking.phone(message.from()));
        InboundResult result = new InboundResult(message, settings.parser().parse(message.body()),
                InboundResult.Change.OTHER_CHANNEL, List.of(), "", null);
        notifyListener(result);
        return result;
    }

    /** The parser in use. */
    public KeywordParser parser() {
        return settings.parser();
    }

    /** The confirmations whose answers this handler records. */
    public Confirmations confirmations() {
        return settings.confirmations();
    }

    private void notifyListener(InboundResult result) {
        InboundListener listener = settings.listener();
        try {
            listener.onResult(result);
        } catch (RuntimeException e) {
            LOG.warn("inbound listener failed on {}; handling goes on", result, e);
        }
        if (result.change() == InboundResult.Change.NONE && result.intent() == Intent.NONE) {
            try {
                listener.onUnmatched(result);
            } catch (RuntimeException e) {
                LOG.warn("inbound listener failed on unmatched {}; handling goes on", result, e);
            }
        }
    }

    @Override
    public String toString() {
        return "InboundHandler[" + settings.parser().mode() + ", opt-out reply " + settings.optOutPolicy() + ", "
                + tracker + "]";
    }

    /**
     * Configures an {@link InboundHandler}. Setters validate at once; {@link #build()} checks that HELP
     * can be answered (a support contact or an explicit help text, unless HELP replies are off).
     * Not thread-safe.
     */
    public static final class Builder {
        private final ConsentTracker tracker;
        private KeywordParser parser = KeywordParser.defaults();
        private Confirmations confirmations;
        private InboundListener listener = InboundListener.NO_OP;
        private ReplyPolicy optOutPolicy = ReplyPolicy.UNLESS_PROVIDER_REPLIED;
        private ReplyPolicy optInPolicy = ReplyPolicy.ALWAYS;
        private ReplyPolicy helpPolicy = ReplyPolicy.ALWAYS;
        private Set<String> providerKeywords = defaultProviderKeywords();
        private String supportContact;
        private String optOutReply;
        private String helpReply;
        private String confirmedReply = "";
        private String declinedReply = "";
        private String invalidReply = "";
        private int recentSids = DEFAULT_RECENT_SIDS;
        private Set<Channel> consentChannels = java.util.EnumSet.of(Channel.SMS, Channel.RCS);
        private int replyLimit = DEFAULT_REPLY_LIMIT;
        private java.time.Duration replyWindow = java.time.Duration.ofMinutes(DEFAULT_REPLY_WINDOW_MINUTES);
        private final java.util.Map<String, InboundSettings.ProgramReplies> programReplies = new java.util.HashMap<>();
        private boolean keepMenu;

        private Builder(ConsentTracker tracker) {
            this.tracker = Objects.requireNonNull(tracker, "tracker");
        }

        private static Set<String> defaultProviderKeywords() {
            Set<String> s = new LinkedHashSet<>(KeywordParser.TWILIO_OPT_OUT);
            s.addAll(KeywordParser.TWILIO_OPT_IN);
            s.addAll(KeywordParser.TWILIO_HELP);
            return s;
        }

        /** The keyword parser. Default {@link KeywordParser#defaults()}. */
        public Builder parser(KeywordParser parser) {
            this.parser = Objects.requireNonNull(parser, "parser");
            return this;
        }

        /**
         * The confirmations to resolve (pass the instance you request through, so its listener hears
         * the answers). Must be over the same tracker. Default: a new one with no listener.
         */
        public Builder confirmations(Confirmations confirmations) {
            Objects.requireNonNull(confirmations, "confirmations");
            if (confirmations.tracker() != tracker) {
                throw new InvalidInputException("confirmations", "must use the same ConsentTracker as the handler");
            }
            this.confirmations = confirmations;
            return this;
        }

        /** Hears every result. Default {@link InboundListener#NO_OP}. */
        public Builder listener(InboundListener listener) {
            this.listener = Objects.requireNonNull(listener, "listener");
            return this;
        }

        /** How the business can be reached, for the HELP reply: a phone number, email or website. */
        public Builder supportContact(String contact) {
            this.supportContact = InvalidInputException.requireText("supportContact", contact);
            return this;
        }

        /** The exact HELP reply, instead of the one built from brand and support contact. */
        public Builder helpReply(String text) {
            this.helpReply = InvalidInputException.requireText("helpReply", text);
            return this;
        }

        /** The exact opt-out confirmation text (brand, no marketing). */
        public Builder optOutReply(String text) {
            this.optOutReply = InvalidInputException.requireText("optOutReply", text);
            return this;
        }

        /**
         * The exact opt-in confirmation for a keyword opt-in (START) to a sender of {@code program}, instead
         * of the tracker's standardized keyword text; it is also the consent text recorded, since that is
         * what the person was sent. It should name the brand and the program, the message frequency, that
         * rates may apply, and STOP/HELP (CTIA), e.g. "Thanks for subscribing to Raven Service Assistant
         * alerts. Reply STOP to opt out, HELP for help. Msg&amp;data rates may apply. Up to 4 msgs/month."
         *
         * @throws io.consentkit.consent.UnknownScopeException if the tracker has no such program
         */
        public Builder optInReply(String program, String text) {
            return programReply(program, "optIn", InvalidInputException.requireText("optInReply", text));
        }

        /** The exact opt-out confirmation for a STOP to a sender of {@code program} (brand, no marketing). */
        public Builder optOutReply(String program, String text) {
            return programReply(program, "optOut", InvalidInputException.requireText("optOutReply", text));
        }

        /** The exact HELP reply for a HELP to a sender of {@code program} (brand, a contact method). */
        public Builder helpReply(String program, String text) {
            return programReply(program, "help", InvalidInputException.requireText("helpReply", text));
        }

        private Builder programReply(String program, String kind, String text) {
            String name = tracker.programs().program(program).name();
            programReplies.put(name, programReplies.getOrDefault(name, InboundSettings.ProgramReplies.NONE)
                    .with(kind, text));
            return this;
        }

        /**
         * Whether the opt-out confirmation asks which programs to keep, when the opt-out revoked two or
         * more active programs ("To keep some of these texts, reply within 5 minutes: 1 alerts, 2
         * marketing."); a reply such as "keep alerts", "alerts" or "1" within 5 minutes of the opt-out
         * (the tracker's clock) re-opts in those programs, afterwards it is an ordinary message. The
         * question is asked only in a reply this handler sends (see {@link #optOutReplyPolicy}).
         * Default: off.
         */
        public Builder keepMenu(boolean ask) {
            this.keepMenu = ask;
            return this;
        }

        /** Text to reply to a confirmed Y/N question. Default: no reply. */
        public Builder confirmedReply(String text) {
            this.confirmedReply = InvalidInputException.requireText("confirmedReply", text);
            return this;
        }

        /** Text to reply to a declined Y/N question. Default: no reply. */
        public Builder declinedReply(String text) {
            this.declinedReply = InvalidInputException.requireText("declinedReply", text);
            return this;
        }

        /** Text to reply to an unrecognised answer to a pending question. Default: no reply. */
        public Builder invalidReply(String text) {
            this.invalidReply = InvalidInputException.requireText("invalidReply", text);
            return this;
        }

        /** When to reply to an opt-out. Default {@link ReplyPolicy#UNLESS_PROVIDER_REPLIED}. */
        public Builder optOutReplyPolicy(ReplyPolicy policy) {
            this.optOutPolicy = Objects.requireNonNull(policy, "optOutReplyPolicy");
            return this;
        }

        /** When to reply to an opt-in. Default {@link ReplyPolicy#ALWAYS}. */
        public Builder optInReplyPolicy(ReplyPolicy policy) {
            this.optInPolicy = Objects.requireNonNull(policy, "optInReplyPolicy");
            return this;
        }

        /** When to reply to HELP. Default {@link ReplyPolicy#ALWAYS}. */
        public Builder helpReplyPolicy(ReplyPolicy policy) {
            this.helpPolicy = Objects.requireNonNull(policy, "helpReplyPolicy");
            return this;
        }

        /**
         * The keywords the provider answers itself when sent as the whole message, for
         * {@link ReplyPolicy#UNLESS_PROVIDER_REPLIED}. Default: Twilio's defaults on long codes and
         * toll-free ({@link KeywordParser#TWILIO_OPT_OUT}, {@link KeywordParser#TWILIO_OPT_IN},
         * {@link KeywordParser#TWILIO_HELP}). Pass an empty set for short codes outside a Messaging
         * Service, where Twilio answers nothing, or the words of your Advanced Opt-Out setup.
         */
        public Builder providerKeywords(Set<String> keywords) {
            Objects.requireNonNull(keywords, "providerKeywords");
            Set<String> s = new LinkedHashSet<>();
            for (String k : keywords) {
                String n = KeywordParser.normalize(k);
                if (n.isEmpty()) {
                    throw new InvalidInputException("providerKeywords", "'" + k + "' has no letters or digits");
                }
                s.add(n);
            }
            this.providerKeywords = s;
            return this;
        }

        /** How many message SIDs to remember in memory (1 to 10,000,000). Default {@value InboundHandler#DEFAULT_RECENT_SIDS}. */
        public Builder recentSids(int capacity) {
            if (capacity < 1 || capacity > 10_000_000) {
                throw new InvalidInputException("recentSids", "must be between 1 and 10000000, got " + capacity);
            }
            this.recentSids = capacity;
            return this;
        }

        /**
         * The channels whose messages change SMS consent (opt-out, opt-in, confirmations). Default
         * {@link Channel#SMS} and {@link Channel#RCS}; messages on any other channel are answered
         * {@link InboundResult.Change#OTHER_CHANNEL} with no reply. Adding {@link Channel#WHATSAPP} makes a
         * WhatsApp STOP revoke SMS consent too (a policy choice: Twilio keeps them apart).
         */
        public Builder consentChannels(Channel... channels) {
            Objects.requireNonNull(channels, "consentChannels");
            Set<Channel> s = java.util.EnumSet.noneOf(Channel.class);
            for (Channel c : channels) {
                s.add(Objects.requireNonNull(c, "consentChannels"));
            }
            this.consentChannels = s;
            return this;
        }

        /**
         * At most {@code maxReplies} automatic replies (and applied keyword opt-ins) to one number within
         * any sliding {@code window}; opt-outs are always applied. {@code maxReplies} 0 turns the cap off.
         * Default {@value InboundHandler#DEFAULT_REPLY_LIMIT} per
         * {@value InboundHandler#DEFAULT_REPLY_WINDOW_MINUTES} minutes.
         */
        public Builder replyLimit(int maxReplies, java.time.Duration window) {
            if (maxReplies < 0 || maxReplies > 10_000) {
                throw new InvalidInputException("replyLimit", "must be between 0 and 10000, got " + maxReplies);
            }
            if (window == null || window.isNegative() || window.isZero()) {
                throw new InvalidInputException("replyWindow", "must be positive, got " + window);
            }
            this.replyLimit = maxReplies;
            this.replyWindow = window;
            return this;
        }

        /**
         * Validates (HELP must be answerable) and builds the handler over immutable settings; the
         * builder may be changed and built again.
         */
        public InboundHandler build() {
            if (helpPolicy != ReplyPolicy.NEVER && helpReply == null && supportContact == null) {
                throw new InvalidInputException("supportContact", "is required to answer HELP (brand and a contact "
                        + "method); set supportContact(..), helpReply(..) or helpReplyPolicy(NEVER)");
            }
            String brand = tracker.texts().brand();
            String optOut = optOutReply != null ? optOutReply
                    : brand + ": you are unsubscribed and will receive no further messages. Reply START to resubscribe.";
            String help = helpReply != null ? helpReply
                    : supportContact == null ? ""
                    : brand + ": for help contact " + supportContact + ". Reply STOP to opt out. Msg & data rates may apply.";
            Confirmations conf = confirmations != null ? confirmations : Confirmations.builder(tracker).build();
            return new InboundHandler(tracker, new InboundSettings(parser, conf, listener, optOutPolicy, optInPolicy,
                    helpPolicy, providerKeywords, optOut, help, confirmedReply, declinedReply, invalidReply,
                    recentSids, consentChannels, replyLimit, replyWindow.toMillis(), programReplies, keepMenu));
        }
    }
}
