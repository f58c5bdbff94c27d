package io.consentkit.inbound;

import io.consentkit.consent.ConsentTracker;
import io.consentkit.journal.ConsentRecord;
import io.consentkit.journal.RevocationMethod;
import io.consentkit.phone.PhoneNumber;
import io.consentkit.support.Masking;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The one owner of the inbound state machine: given a number's state (a pending Y/N confirmation or
 * not) and one message (the parser's reading and the provider's decision), it chooses the transition,
 * writes its rows (through the tracker and {@link ConfirmationRows}) and picks the reply. Transitions,
 * in order:
 * <ol>
 * <li>a pending confirmation past its deadline (at the message's receipt) is closed as expired first;</li>
 * <li>the message is read with the parser, and the provider's decision applied ({@link #decide});</li>
 * <li>opt-out revokes (a pending confirmation with the rest); opt-in records a keyword consent; help
 * replies; yes/no answers the pending confirmation; anything else while one is pending is reported
 * invalid; anything else is nothing.</li>
 * </ol>
 * Called by {@link InboundHandler} with the number's lock held; not thread-safe on its own.
 */
final class InboundStateMachine {
    private static final Logger LOG = LoggerFactory.getLogger(InboundStateMachine.class);
    /** Evidence {@code match} value of an opt-out the provider decided. */
    static final String PROVIDER_MATCH = "twilio_opt_out_type";

    private final ConsentTracker tracker;
    private final ConfirmationRows confirmations;
    private final InboundSettings settings;
    private final ReplyLimiter limiter;

    InboundStateMachine(ConsentTracker tracker, InboundSettings settings) {
        this.tracker = tracker;
        this.confirmations = settings.confirmations().rows();
        this.settings = settings;
        this.limiter = new ReplyLimiter(settings.replyLimit(), settings.replyWindowMillis());
    }

    /** The parser's reading of a message, as a duplicate is reported. */
    KeywordMatch read(PhoneNumber from, InboundMessage msg) {
        return settings.parser().parse(msg.body(), confirmations.pendingRow(from) != null);
    }

    /** Handles one new message; the confirmation events to report are added to {@code events}. */
    InboundResult step(PhoneNumber from, InboundMessage msg, List<ConfirmationEvent> events) {
        Instant now = tracker.clock().instant().truncatedTo(ChronoUnit.MILLIS);
        List<ConsentRecord> rows = new ArrayList<>();
        ConsentRecord pending = confirmations.pendingRow(from);
        ConfirmationEvent expired = null;
        if (pending != null && ConfirmationRows.isOverdue(pending, msg.receivedAt())) {
            expired = confirmations.close(pending, ConfirmationEvent.Outcome.EXPIRED, now, null);
            rows.add(expired.record());
            events.add(expired);
            pending = null;
        }
        KeywordMatch parsed = settings.parser().parse(msg.body(), pending != null);
        KeywordMatch match = decide(parsed, msg);
        boolean byProvider = match != parsed;
        InboundResult.Change change;
        String reply = "";
        ConfirmationEvent confirmation = null;
        switch (match.intent()) {
            case OPT_OUT -> {
                List<ConsentRecord> revoked = optOut(from, msg, match, byProvider);
                rows.addAll(revoked);
                if (pending != null) {
                    for (ConsentRecord r : revoked) {
                        if (r.consentId().equals(pending.consentId())) {
                            confirmation = confirmations.optedOut(pending, r, msg, now);
                            events.add(confirmation);
                        }
                    }
                }
                change = InboundResult.Change.OPTED_OUT;
                // after an opt-out one confirmation text is allowed: none if the provider sent it
                reply = msg.providerIntent() != Intent.OPT_OUT && replies(settings.optOutPolicy(), match) ? settings.optOutReply() : "";
            }
            case OPT_IN -> {
                if (!limiter.tryTake(from.e164(), now.toEpochMilli())) {
                    // over the number's cap: recorded as evidence by the result, not applied
                    LOG.warn("keyword opt-in from {} ({}) not applied: over {} replies per window", from.masked(),
                            match.keyword(), settings.replyLimit());
                    return new InboundResult(msg, match, InboundResult.Change.RATE_LIMITED, rows, "",
                            expired);
                }
                ConsentRecord row = tracker.recordKeywordConsent(from.e164(), match.keyword(), "", msg.messageSid(),
                        msg.body());
                rows.add(row);
                change = InboundResult.Change.OPTED_IN;
                reply = replies(settings.optInPolicy(), match) ? row.consentMessage() : "";
                LOG.info("keyword opt-in from {} ({}{})", from.masked(), match.keyword(),
                        byProvider ? ", decided by the provider" : "");
            }
            case HELP -> {
                change = InboundResult.Change.NONE;
                boolean providerAnswered = msg.providerIntent() == Intent.HELP;
                reply = !providerAnswered && replies(settings.helpPolicy(), match) ? settings.helpReply() : "";
            }
            case CONFIRM_YES, CONFIRM_NO -> {
                boolean yes = match.intent() == Intent.CONFIRM_YES;
                confirmation = confirmations.answer(pending, yes, msg, now);
                rows.add(confirmation.record());
                events.add(confirmation);
                change = yes ? InboundResult.Change.CONFIRMED : InboundResult.Change.DECLINED;
                reply = yes ? settings.confirmedReply() : settings.declinedReply();
            }
            default -> {
                if (pending != null) {
                    confirmation = confirmations.invalid(pending, msg, now);
                    rows.add(confirmation.record());
                    events.add(confirmation);
                    change = InboundResult.Change.CONFIRMATION_INVALID;
                    reply = settings.invalidReply();
                } else {
                    change = InboundResult.Change.NONE;
                    LOG.debug("no keyword in {} from {}", Masking.body(msg.body()), from.masked());
                }
            }
        }
        if (confirmation == null) {
            confirmation = expired;
        }
        if (!reply.isEmpty() && match.intent() != Intent.OPT_IN && !limiter.tryTake(from.e164(), now.toEpochMilli())) {
            LOG.info("reply to {} ({}) not sent: over {} replies per window", from.masked(), change,
                    settings.replyLimit());
            reply = ""; // the change itself stands (an opt-out is always applied)
        }
        if (change == InboundResult.Change.NONE && expired != null) {
            change = InboundResult.Change.CONFIRMATION_EXPIRED;
        }
        return new InboundResult(msg, match, change, rows, reply, confirmation);
    }

    /**
     * Applies the provider's decision to the parser's reading. An opt-out the parser read always
     * stands. Otherwise the provider's STOP wins; its START wins unless the parser read an opt-in or a
     * yes; its HELP wins over an ordinary message. The keyword of a provider decision is the whole
     * normalised body (or the provider's word if the body has none).
     */
    static KeywordMatch decide(KeywordMatch parsed, InboundMessage msg) {
        Intent p = msg.providerIntent();
        Intent ours = parsed.intent();
        boolean wins = switch (p) {
            case OPT_OUT -> ours != Intent.OPT_OUT;
            case OPT_IN -> ours != Intent.OPT_OUT && ours != Intent.OPT_IN && ours != Intent.CONFIRM_YES;
            case HELP -> ours == Intent.NONE;
            default -> false;
        };
        if (!wins) {
            return parsed;
        }
        String keyword = KeywordParser.normalize(msg.body());
        if (keyword.isEmpty()) {
            keyword = switch (p) {
                case OPT_OUT -> "STOP";
                case OPT_IN -> "START";
                default -> "HELP";
            };
        }
        return new KeywordMatch(p, keyword, true);
    }

    private List<ConsentRecord> optOut(PhoneNumber from, InboundMessage msg, KeywordMatch match, boolean byProvider) {
        Map<String, String> evidence = new LinkedHashMap<>();
        evidence.put("message_sid", msg.messageSid());
        evidence.put("inbound_body", msg.body());
        evidence.put("received_at", msg.receivedAt().toString());
        evidence.put("keyword", match.keyword());
        evidence.put("match", byProvider ? PROVIDER_MATCH : match.wholeMessage() ? "whole_message" : "in_reply");
        if (!msg.to().isEmpty()) {
            evidence.put("to", msg.to());
        }
        List<ConsentRecord> revoked = byProvider
                ? tracker.revoke(from, RevocationMethod.TWILIO_OPT_OUT, "provider opt-out " + match.keyword(), evidence)
                : tracker.revoke(from, RevocationMethod.STOP_KEYWORD, "inbound " + match.keyword(), evidence);
        LOG.info("opt-out from {} ({}, {})", from.masked(), match.keyword(),
                byProvider ? "decided by the provider" : match.wholeMessage() ? "whole message" : "in reply");
        return revoked;
    }

    private boolean replies(ReplyPolicy policy, KeywordMatch match) {
        return switch (policy) {
            case ALWAYS -> true;
            case NEVER -> false;
            case UNLESS_PROVIDER_REPLIED -> !(match.wholeMessage() && settings.providerKeywords().contains(match.keyword()));
        };
    }
}
