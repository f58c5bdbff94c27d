package io.consentkit.twilio;

import io.consentkit.ConsentKitException;
import io.consentkit.InvalidInputException;
import io.consentkit.journal.RevocationMethod;
import io.consentkit.consent.ConsentTracker;
import io.consentkit.inbound.Channel;
import io.consentkit.inbound.InboundHandler;
import io.consentkit.inbound.ReplyPolicy;
import io.consentkit.inbound.InboundMessage;
import io.consentkit.inbound.InboundResult;
import io.consentkit.inbound.Intent;
import io.consentkit.support.Masking;
import io.consentkit.send.DeliveryStatus;
import io.consentkit.send.DeliveryUpdate;
import io.consentkit.send.GuardedSender;
import io.consentkit.send.SendLog;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Clock;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.Optional;
import java.util.function.Consumer;

/**
 * Twilio's webhooks as framework-neutral {@link WebhookHandler}s. Every handler first checks the
 * signature with the {@link WebhookVerifier} and answers 403 if it fails.
 *
 * <ul>
 *   <li>{@link #inbound}: the messaging webhook ("A message comes in"). {@code From}, {@code To},
 *       {@code Body} and {@code MessageSid} go to the {@link InboundHandler}; its reply comes back as
 *       TwiML ({@code <Message>}, XML-escaped) or as an empty {@code <Response/>}. When Twilio's
 *       Advanced Opt-Out has already acted ({@code OptOutType} = {@code STOP}, {@code START} or
 *       {@code HELP}), that decision travels with the message
 *       ({@link InboundMessage#providerIntent()}) and the handler honours it under its lock and
 *       duplicate check, even for a keyword our parser does not know (a custom opt-out word revokes
 *       consent; a custom opt-in word records a keyword consent); no second opt-out or help text is
 *       sent because Twilio has answered.</li>
 *   <li>{@link #status}: the {@code StatusCallback} of sent messages. {@code MessageSid},
 *       {@code MessageStatus} ({@code delivered}, {@code undelivered}, {@code failed}, ...),
 *       {@code ErrorCode} and {@code To} become a {@link DeliveryUpdate} for the
 *       {@link GuardedSender} (or a {@link SendLog}). A failure whose code means the recipient
 *       blocked us ({@link TwilioErrors#revokesConsent}: 21610, 30004) revokes the number's
 *       consent, through {@link ConsentTracker#revokeByProvider} (the sender's path too).</li>
 *   <li>{@link #debugger}: Twilio's Debugger webhook; each event goes to
 *       {@link TwilioWebhookListener#onDebuggerEvent}.</li>
 * </ul>
 *
 * <p>Answers: 403 for a rejected signature, 400 for a request missing a required parameter, 500
 * if the consent store fails (Twilio logs an 11200 error; a redelivery is safe, the handler
 * ignores message SIDs it has seen). Thread-safe.
 */
public final class TwilioWebhooks {
    /**
     * Revocation method when Twilio's Advanced Opt-Out reported a keyword our parser did not read as
     * opt-out: {@value}. Alias of {@link RevocationMethod#TWILIO_OPT_OUT}, kept for existing code.
     */
    public static final String REVOKED_BY_TWILIO_OPT_OUT = RevocationMethod.TWILIO_OPT_OUT;

    private static final Logger LOG = LoggerFactory.getLogger(TwilioWebhooks.class);

    private final WebhookVerifier verifier;
    private final InboundHandler inboundHandler;
    private final TwilioWebhookListener listener;
    private final Consumer<DeliveryUpdate> statusSink;
    private final Clock clock;

    private TwilioWebhooks(Settings settings) {
        this.verifier = settings.verifier();
        this.inboundHandler = settings.inboundHandler();
        this.listener = settings.listener();
        this.clock = settings.clock();
        this.statusSink = settings.statusSink();
    }

    /**
     * A builder.
     *
     * @param verifier checks every request's signature
     * @param tracker  the consent tracker the inbound handler writes to (its clock is the default;
     *                 without a sender, status callbacks revoke through it)
     */
    public static Builder builder(WebhookVerifier verifier, ConsentTracker tracker) {
        return new Builder(verifier, tracker);
    }

    /** The messaging webhook: an inbound text in, TwiML out. */
    public WebhookResponse inbound(WebhookRequest request) {
        WebhookResponse rejected = check("inbound", request);
        if (rejected != null) {
            return rejected;
        }
        String from = request.parameter("From").orElse("").strip();
        if (from.isEmpty()) {
            return WebhookResponse.text(400, "missing From\n");
        }
        String sid = firstOf(request, "MessageSid", "SmsMessageSid", "SmsSid");
        String to = request.parameter("To").orElse("");
        String body = request.parameter("Body").orElse("");
        Intent decided = providerIntent(request.parameter("OptOutType").orElse(""));
        // the channel is From's prefix: whatsapp:, messenger:, rcs: (none for SMS/MMS); the handler
        // changes SMS consent only for its consent channels (default SMS and RCS) and answers the rest
        // with no reply, so they get empty TwiML
        Channel channel = Channel.ofAddress(from);
        InboundResult result;
        try {
            result = inboundHandler.handle(new InboundMessage(from, to, body, sid, clock.instant(), decided, channel));
        } catch (InvalidInputException e) {
            // not a phone number we can keep consent for: answer, change nothing
            LOG.warn("inbound message {} from {} not handled: {}", sid, Masking.phone(from), e.getMessage());
            return WebhookResponse.emptyTwiml();
        } catch (ConsentKitException e) {
            LOG.error("inbound message {} from {} could not be recorded", sid, Masking.phone(from), e);
            return WebhookResponse.text(500, "consent store unavailable\n");
        }
        return WebhookResponse.twiml(result.reply());
    }

    /** Twilio Advanced Opt-Out's {@code OptOutType} as the decision the handler honours. */
    static Intent providerIntent(String optOutType) {
        return switch (optOutType.strip().toUpperCase(Locale.ROOT)) {
            case "STOP" -> Intent.OPT_OUT;
            case "START" -> Intent.OPT_IN;
            case "HELP" -> Intent.HELP;
            default -> Intent.NONE;
        };
    }

    /**
     * A message's status callback: applied as a {@link DeliveryUpdate}; answers 204 (also for a
     * status this version does not know, which is logged and ignored).
     */
    public WebhookResponse status(WebhookRequest request) {
        WebhookResponse rejected = check("status", request);
        if (rejected != null) {
            return rejected;
        }
        String sid = firstOf(request, "MessageSid", "SmsSid");
        String rawStatus = firstOf(request, "MessageStatus", "SmsStatus");
        if (sid.isEmpty() || rawStatus.isEmpty()) {
            return WebhookResponse.text(400, "missing MessageSid or MessageStatus\n");
        }
        Optional<DeliveryStatus> status = DeliveryStatus.find(rawStatus);
        if (status.isEmpty()) {
            LOG.warn("status callback for {} with unknown status '{}' ignored", sid, rawStatus.length() > 40
                    ? rawStatus.substring(0, 40) : rawStatus);
            return WebhookResponse.noContent();
        }
        int code = errorCode(firstOf(request, "ErrorCode"));
        boolean optedOut = status.get().failure() && TwilioErrors.revokesConsent(code);
        DeliveryUpdate update = new DeliveryUpdate(sid, status.get(), code, clock.instant(),
                request.parameter("To").orElse(""), optedOut);
        try {
            statusSink.accept(update);
        } catch (ConsentKitException e) {
            LOG.error("status callback {} could not be recorded", update, e);
            return WebhookResponse.text(500, "could not record the status\n");
        }
        if (status.get().failure()) {
            LOG.info("message {} {} (code {}: {})", sid, status.get().providerName(), code,
                    TwilioErrors.forDeliveryError(code));
        }
        return WebhookResponse.noContent();
    }

    private static int errorCode(String raw) {
        try {
            return raw.isEmpty() ? 0 : Math.max(0, Integer.parseInt(raw));
        } catch (NumberFormatException e) {
            return 0;
        }
    }

    /** Twilio's Debugger webhook: the event goes to the listener; answers 204. */
    public WebhookResponse debugger(WebhookRequest request) {
        WebhookResponse rejected = check("debugger", request);
        if (rejected != null) {
            return rejected;
        }
        DebuggerEvent event;
        try {
            event = DebuggerEvent.fromParameters(request.parameters());
        } catch (InvalidInputException e) {
            return WebhookResponse.text(400, "not a debugger event\n");
        }
        LOG.warn("Twilio debugger {}", event);
        try {
            listener.onDebuggerEvent(event);
        } catch (RuntimeException e) {
            LOG.warn("webhook listener failed on {}", event, e);
        }
        return WebhookResponse.noContent();
    }

    /** Null if the signature is fine, else the 403 answer (after telling the listener). */
    private WebhookResponse check(String route, WebhookRequest request) {
        SignatureCheck c = verifier.verify(request);
        if (c.accepted()) {
            return null;
        }
        try {
            listener.onRejected(route, c);
        } catch (RuntimeException e) {
            LOG.warn("webhook listener failed on a rejected {} request", route, e);
        }
        return WebhookResponse.text(c.httpStatus(), "signature check failed: " + c.outcome() + "\n");
    }

    private static String firstOf(WebhookRequest r, String... names) {
        for (String n : names) {
            String v = r.parameter(n).orElse("").strip();
            if (!v.isEmpty()) {
                return v;
            }
        }
        return "";
    }

    @Override
    public String toString() {
        return "TwilioWebhooks[" + verifier + ", " + inboundHandler + "]";
    }

    /** The validated settings a {@link Builder} builds. */
    private record Settings(WebhookVerifier verifier, InboundHandler inboundHandler, TwilioWebhookListener listener,
                            Clock clock, Consumer<DeliveryUpdate> statusSink) {
    }

    /** Configures {@link TwilioWebhooks}. Setters check at once. Not thread-safe. */
    public static final class Builder {
        private final WebhookVerifier verifier;
        private final ConsentTracker tracker;
        private InboundHandler inboundHandler;
        private TwilioWebhookListener listener = TwilioWebhookListener.NO_OP;
        private Clock clock;
        private GuardedSender sender;
        private SendLog sendLog;

        private Builder(WebhookVerifier verifier, ConsentTracker tracker) {
            this.verifier = Objects.requireNonNull(verifier, "verifier");
            this.tracker = Objects.requireNonNull(tracker, "tracker");
        }

        /**
         * The handler for inbound texts; it must write to the same tracker. Default: an
         * {@code InboundHandler.builder(tracker)} with {@code helpReplyPolicy(ReplyPolicy.NEVER)}: it records
         * STOP and START with its default texts and leaves the HELP answer to Twilio (whose Advanced Opt-Out
         * answers HELP on long codes and toll-free); set a handler with a {@code supportContact} to answer
         * HELP yourself.
         */
        public Builder inboundHandler(InboundHandler handler) {
            this.inboundHandler = Objects.requireNonNull(handler, "inboundHandler");
            return this;
        }

        /**
         * Status callbacks go to {@code sender.onDeliveryStatus}: its send log is updated and a
         * provider opt-out revokes consent there. Use this when the app sends with a {@link GuardedSender}.
         */
        public Builder statusUpdates(GuardedSender sender) {
            this.sender = Objects.requireNonNull(sender, "sender");
            this.sendLog = null;
            return this;
        }

        /**
         * Status callbacks are recorded in {@code log}; a provider opt-out revokes consent through
         * the tracker (method {@value GuardedSender#REVOKED_BY_PROVIDER}). Without either setter,
         * only the revocation happens.
         */
        public Builder statusUpdates(SendLog log) {
            this.sendLog = Objects.requireNonNull(log, "sendLog");
            this.sender = null;
            return this;
        }

        /** Hears debugger events and rejected requests. Default {@link TwilioWebhookListener#NO_OP}. */
        public Builder listener(TwilioWebhookListener listener) {
            this.listener = Objects.requireNonNull(listener, "listener");
            return this;
        }

        /** Clock for received times; default the tracker's clock. */
        public Builder clock(Clock clock) {
            this.clock = Objects.requireNonNull(clock, "clock");
            return this;
        }

        /** Builds the three handlers over immutable settings (the default inbound handler if none was set). */
        public TwilioWebhooks build() {
            InboundHandler handler = inboundHandler != null ? inboundHandler
                    : InboundHandler.builder(tracker).helpReplyPolicy(ReplyPolicy.NEVER).build();
            Consumer<DeliveryUpdate> sink = sender != null ? sender::onDeliveryStatus : trackerSink(tracker, sendLog);
            return new TwilioWebhooks(new Settings(verifier, handler, listener,
                    clock != null ? clock : tracker.clock(), sink));
        }

        /** Without a sender: record in the log (if any); a provider opt-out revokes through the tracker. */
        private static Consumer<DeliveryUpdate> trackerSink(ConsentTracker tracker, SendLog log) {
            return update -> {
                if (log != null) {
                    log.recordStatus(update);
                }
                if (update.recipientOptedOut() && !update.to().isEmpty()) {
                    tracker.revokeByProvider(tracker.phoneNumbers().parse(update.to()), "twilio", update.errorCode(),
                            update.providerId());
                }
            };
        }
    }
}
