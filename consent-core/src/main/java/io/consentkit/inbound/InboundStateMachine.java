package io.consentkit.inbound;

import io.consentkit.consent.ConsentChannel;
import io.consentkit.consent.ConsentRequest;
import io.consentkit.consent.ConsentTracker;
import io.consentkit.consent.Program;
import io.consentkit.consent.RevocationScope;
import io.consentkit.journal.ConsentRecord;
import io.consentkit.journal.OptInMethod;
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
    /** The normalised opt-out keywords that always revoke everything. */
    static final java.util.Set<String> STOP_ALL = java.util.Set.of("STOPALL", "STOP ALL");
    /** The keyword recorded for a reply to the keep question. */
    static final String KEEP = "KEEP";

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
        List<Program> senderPrograms = tracker.programs().programsForSender(msg.to());
        Program first = senderPrograms.get(0);
        boolean replyTaken = false;
        switch (match.intent()) {
            case OPT_OUT -> {
                // after an opt-out one confirmation text is allowed: none if the provider sent it
                boolean answer = msg.providerIntent() != Intent.OPT_OUT && replies(settings.optOutPolicy(), match);
                replyTaken = answer && limiter.tryTake(from.e164(), now.toEpochMilli());
                OptOut out = optOut(from, msg, match, byProvider, replyTaken, now);
                List<ConsentRecord> revoked = out.rows();
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
                reply = replyTaken ? settings.optOutReply(first) + out.question() : "";
                if (answer && !replyTaken) {
                    LOG.info("opt-out reply to {} not sent: over {} replies per window", from.masked(),
                            settings.replyLimit());
                }
            }
            case OPT_IN -> {
                if (!limiter.tryTake(from.e164(), now.toEpochMilli())) {
                    // over the number's cap: recorded as evidence by the result, not applied
                    LOG.warn("keyword opt-in from {} ({}) not applied: over {} replies per window", from.masked(),
                            match.keyword(), settings.replyLimit());
                    return new InboundResult(msg, match, InboundResult.Change.RATE_LIMITED, rows, "",
                            expired);
                }
                // START re-opts in the programs mapped to the sender it reached (the default program for
                // an unknown sender), whatever an earlier STOP to that sender revoked
                String text = optInText(first, match.keyword());
                for (Program p : senderPrograms) {
                    rows.add(optIn(from, msg, p, match.keyword(), text, Map.of()));
                }
                change = InboundResult.Change.OPTED_IN;
                reply = replies(settings.optInPolicy(), match) ? text : "";
                LOG.info("keyword opt-in from {} ({}{}) to {} program(s)", from.masked(), match.keyword(),
                        byProvider ? ", decided by the provider" : "", senderPrograms.size());
            }
            case HELP -> {
                change = InboundResult.Change.NONE;
                boolean providerAnswered = msg.providerIntent() == Intent.HELP;
                reply = !providerAnswered && replies(settings.helpPolicy(), match) ? settings.helpReply(first) : "";
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
                java.util.Optional<KeepMenu.Answer> keep = settings.keepMenu()
                        ? KeepMenu.answer(tracker, from, msg.body(), now) : java.util.Optional.empty();
                if (keep.isPresent()) {
                    return keep(from, msg, keep.get(), rows, expired, now);
                }
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
        if (!reply.isEmpty() && match.intent() != Intent.OPT_IN && !replyTaken
                && !limiter.tryTake(from.e164(), now.toEpochMilli())) {
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

    /** The rows an opt-out wrote and the keep question appended to its reply ("" for none). */
    private record OptOut(List<ConsentRecord> rows, String question) {
    }

    /**
     * Revokes what the opt-out covers. A tracker with programs revokes through
     * {@link ConsentTracker#revokeFromSender} (the revocation policy, the revoke-all date, STOPALL) with
     * channel sms; a tracker with only the default program revokes everything with legacy-shaped rows, as
     * before programs, so a legacy 14-column journal keeps taking them. With the keep menu on and a reply
     * going out, the question is written with the revocation ({@link KeepMenu}).
     */
    private OptOut optOut(PhoneNumber from, InboundMessage msg, KeywordMatch match, boolean byProvider,
                          boolean replying, Instant now) {
        Map<String, String> evidence = new LinkedHashMap<>();
        evidence.put("message_sid", msg.messageSid());
        evidence.put("inbound_body", msg.body());
        evidence.put("received_at", msg.receivedAt().toString());
        evidence.put("keyword", match.keyword());
        evidence.put("match", byProvider ? PROVIDER_MATCH : match.wholeMessage() ? "whole_message" : "in_reply");
        if (!msg.to().isEmpty()) {
            evidence.put("to", msg.to());
        }
        String method = byProvider ? RevocationMethod.TWILIO_OPT_OUT : RevocationMethod.STOP_KEYWORD;
        String notes = (byProvider ? "provider opt-out " : "inbound ") + match.keyword();
        String question = "";
        List<ConsentRecord> revoked;
        if (scoped()) {
            boolean stopAll = STOP_ALL.contains(match.keyword());
            if (settings.keepMenu() && replying) {
                RevocationScope scope = tracker.programs().resolve(msg.to(), stopAll, now);
                java.util.Optional<KeepMenu.Offer> offer = KeepMenu.offer(tracker, from, scope);
                if (offer.isPresent()) {
                    evidence.put(KeepMenu.MENU_KEY, offer.get().encoded());
                    evidence.put(KeepMenu.QUESTION_KEY, offer.get().question());
                    question = " " + offer.get().question();
                }
            }
            revoked = tracker.revokeFromSender(from, msg.to(), stopAll, method, notes, evidence);
        } else {
            revoked = tracker.revoke(from, method, notes, evidence);
        }
        LOG.info("opt-out from {} ({}, {})", from.masked(), match.keyword(),
                byProvider ? "decided by the provider" : match.wholeMessage() ? "whole message" : "in reply");
        return new OptOut(revoked, question);
    }

    /** True if the tracker has programs besides the default one: rows then carry their scope and channel. */
    private boolean scoped() {
        return tracker.programs().all().size() > 1;
    }

    /** The opt-in text for a START to a sender of {@code p}: its configured one or the tracker's standardized one. */
    private String optInText(Program p, String keyword) {
        String t = settings.optInReply(p);
        return t.isEmpty() ? tracker.texts().keyword(keyword) : t;
    }

    /**
     * Records a keyword opt-in to {@code p} whose consent text is {@code text} (what is replied), with the
     * evidence: keyword, message SID, body and the number texted ({@code to}).
     */
    private ConsentRecord optIn(PhoneNumber from, InboundMessage msg, Program p, String keyword, String text,
                                Map<String, String> extra) {
        ConsentRequest.Builder req = ConsentRequest.builder(from.e164(), OptInMethod.KEYWORD, text)
                .metadata("keyword", keyword).program(p.name());
        if (!msg.messageSid().isEmpty()) {
            req.metadata("message_sid", msg.messageSid());
        }
        req.metadata("inbound_body", msg.body());
        if (!msg.to().isEmpty()) {
            req.metadata("to", msg.to());
        }
        req.metadata(extra);
        return scoped() ? tracker.recordConsent(req.build(), ConsentChannel.SMS) : tracker.recordConsent(req.build());
    }

    /** A reply to the keep question inside its window: re-opts in the programs chosen, replies as an opt-in. */
    private InboundResult keep(PhoneNumber from, InboundMessage msg, KeepMenu.Answer answer, List<ConsentRecord> rows,
                               ConfirmationEvent expired, Instant now) {
        KeywordMatch match = new KeywordMatch(Intent.OPT_IN, KEEP, true);
        if (!limiter.tryTake(from.e164(), now.toEpochMilli())) {
            LOG.warn("keep reply from {} not applied: over {} replies per window", from.masked(), settings.replyLimit());
            return new InboundResult(msg, match, InboundResult.Change.RATE_LIMITED, rows, "", expired);
        }
        String text = optInText(answer.programs().get(0), KEEP);
        Map<String, String> evidence = new LinkedHashMap<>();
        evidence.put(KeepMenu.QUESTION_KEY, answer.question());
        evidence.put("keep_answer", msg.body());
        for (Program p : answer.programs()) {
            rows.add(optIn(from, msg, p, KEEP, text, evidence));
        }
        LOG.info("keep reply from {}: {} program(s) re-opted in", from.masked(), answer.programs().size());
        String reply = settings.optInPolicy() == ReplyPolicy.NEVER ? "" : text;
        return new InboundResult(msg, match, InboundResult.Change.OPTED_IN, rows, reply, expired);
    }

    private boolean replies(ReplyPolicy policy, KeywordMatch match) {
        return switch (policy) {
            case ALWAYS -> true;
            case NEVER -> false;
            case UNLESS_PROVIDER_REPLIED -> !(match.wholeMessage() && settings.providerKeywords().contains(match.keyword()));
        };
    }
}
