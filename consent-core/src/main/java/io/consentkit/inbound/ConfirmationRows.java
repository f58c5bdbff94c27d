package io.consentkit.inbound;

import io.consentkit.consent.ConsentTracker;
import io.consentkit.journal.ConsentRecord;
import io.consentkit.journal.ConsentStatus;
import io.consentkit.journal.OptInMethod;
import io.consentkit.phone.PhoneNumber;
import io.consentkit.support.Masking;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

import static io.consentkit.inbound.Confirmations.CLOSED_REASON;
import static io.consentkit.inbound.Confirmations.EVENT;
import static io.consentkit.inbound.Confirmations.INVALID_REPLIES;
import static io.consentkit.inbound.Confirmations.INVALID_REPLY_AT;
import static io.consentkit.inbound.Confirmations.INVALID_REPLY_BODY;
import static io.consentkit.inbound.Confirmations.INVALID_REPLY_SID;
import static io.consentkit.inbound.Confirmations.QUESTION_GATEWAY;
import static io.consentkit.inbound.Confirmations.QUESTION_SID;
import static io.consentkit.inbound.Confirmations.QUESTION_STATUS;
import static io.consentkit.inbound.Confirmations.SEND_OUTCOME;
import static io.consentkit.inbound.Confirmations.EXPIRES_AT;
import static io.consentkit.inbound.Confirmations.REPLACED_BY;
import static io.consentkit.inbound.Confirmations.REPLY_AT;
import static io.consentkit.inbound.Confirmations.REPLY_BODY;
import static io.consentkit.inbound.Confirmations.REPLY_SID;
import static io.consentkit.inbound.Confirmations.REQUESTED_AT;

/**
 * How a Y/N confirmation lives in the journal and is reported: the collaborator that both
 * {@link Confirmations} (asking, expiring) and the inbound state machine (answers) write through. It
 * decides nothing about which transition happens; it writes the row of a transition the caller chose
 * and returns its event. The interface:
 * <ul>
 * <li>{@link #pendingRow} reads the number's newest pending confirmation, {@link #isOverdue} its deadline;</li>
 * <li>{@link #ask}, {@link #markSent}, {@link #answer}, {@link #invalid}, {@link #close} append the request,
 * question-sent, answer, invalid-reply and expired/replaced/not-sent rows;</li>
 * <li>{@link #optedOut} only reports (an opt-out's rows are the tracker's revocation);</li>
 * <li>{@link #fire} hands events to the outbox, to be called after the number's lock is released.</li>
 * </ul>
 * Every row that is an event carries its outcome under {@link Confirmations#EVENT}, so an event can be rebuilt
 * from its row ({@link #eventOf}); the outbox's intent for it ({@link ConfirmationOutbox#intend}) is written
 * before the row, so a crash between them leaves an intent the outbox resolves against the journal at the next
 * start. Writers hold the number's lock ({@link ConsentTracker#withNumberLock}). Thread-safe.
 */
final class ConfirmationRows {
    private static final Logger LOG = LoggerFactory.getLogger(ConfirmationRows.class);
    static final Set<String> RESERVED = Set.of(EXPIRES_AT, REQUESTED_AT, REPLY_SID, REPLY_BODY, REPLY_AT,
            CLOSED_REASON, REPLACED_BY, EVENT, QUESTION_STATUS, QUESTION_SID, QUESTION_GATEWAY, SEND_OUTCOME,
            INVALID_REPLY_BODY, INVALID_REPLY_SID, INVALID_REPLY_AT, INVALID_REPLIES);
    /** {@link Confirmations#QUESTION_STATUS} of a row written before the question went to the gateway. */
    static final String ASKING = "requested";
    /** {@link Confirmations#QUESTION_STATUS} once the gateway accepted the question. */
    static final String SENT = "sent";

    private final ConsentTracker tracker;
    private final ConfirmationOutbox outbox;

    ConfirmationRows(ConsentTracker tracker, ConfirmationOutbox outbox) {
        this.tracker = tracker;
        this.outbox = outbox;
    }

    ConsentTracker tracker() {
        return tracker;
    }

    /** The number's newest pending confirmation row, overdue or not; null if none. */
    ConsentRecord pendingRow(PhoneNumber pn) {
        ConsentRecord best = null;
        for (ConsentRecord r : tracker.liveConsents(pn)) {
            if (isConfirmation(r) && r.status() == ConsentStatus.PENDING
                    && (best == null || !requestedAt(r).isBefore(requestedAt(best)))) {
                best = r;
            }
        }
        return best;
    }

    static boolean isConfirmation(ConsentRecord r) {
        return OptInMethod.SMS_CONFIRMATION.equals(r.optInMethod());
    }

    /** True if the row was written before its question went out and no gateway has accepted it yet. */
    static boolean isAsking(ConsentRecord r) {
        return ASKING.equals(r.metadata().get(QUESTION_STATUS));
    }

    /** When the question was recorded: {@link Confirmations#REQUESTED_AT} on a re-append, else the row's time. */
    static Instant requestedAt(ConsentRecord r) {
        String s = r.metadata().get(REQUESTED_AT);
        if (s != null && !s.isBlank()) {
            try {
                return Instant.parse(s.strip());
            } catch (DateTimeParseException e) {
                LOG.warn("confirmation {} has an unreadable {}; its row time is used", r.consentId(), REQUESTED_AT);
            }
        }
        return r.timestamp();
    }

    static boolean isOverdue(ConsentRecord pending, Instant at) {
        Instant deadline = expiresAt(pending);
        return deadline != null && !at.isBefore(deadline);
    }

    /**
     * Appends a pending row asking {@code question} (metadata: the app's context and the deadline). With
     * {@code beforeSend} the row is marked {@link #ASKING} and is no event: {@link #markSent} or a not-sent
     * {@link #close} follows. Otherwise (the app sends the question itself) it is the {@code REQUESTED} event.
     */
    ConfirmationEvent ask(PhoneNumber pn, String question, Map<String, String> context, Instant now, Instant deadline,
                          boolean beforeSend) {
        Map<String, String> meta = new LinkedHashMap<>(context);
        meta.put(EXPIRES_AT, deadline.toString());
        meta.put(EVENT, beforeSend ? "asking" : key(ConfirmationEvent.Outcome.REQUESTED));
        if (beforeSend) {
            meta.put(QUESTION_STATUS, ASKING);
        }
        ConsentRecord row = new ConsentRecord(tracker.newConsentId(pn, now), now, pn, OptInMethod.SMS_CONFIRMATION,
                question, "", "", "", "", "", meta, ConsentStatus.PENDING, null, "");
        if (!beforeSend) {
            outbox.intend(eventId(row.consentId(), ConfirmationEvent.Outcome.REQUESTED, 0));
        }
        tracker.append(row);
        LOG.debug("confirmation {} {} of {}", row.consentId(), beforeSend ? "being sent" : "requested",
                pn.masked());
        return beforeSend ? null : eventOf(row, ConfirmationEvent.Outcome.REQUESTED);
    }

    /** Re-appends the pending row once the gateway accepted the question, with the provider's message id. */
    ConfirmationEvent markSent(ConsentRecord asking, String providerId, String gateway, Instant now) {
        Map<String, String> extra = new LinkedHashMap<>();
        extra.put(REQUESTED_AT, requestedAt(asking).toString());
        extra.put(QUESTION_STATUS, SENT);
        extra.put(QUESTION_SID, providerId);
        extra.put(QUESTION_GATEWAY, gateway);
        extra.put(EVENT, key(ConfirmationEvent.Outcome.REQUESTED));
        ConsentRecord row = successor(asking, ConsentStatus.PENDING, now, extra);
        outbox.intend(eventId(row.consentId(), ConfirmationEvent.Outcome.REQUESTED, 0));
        tracker.append(row);
        LOG.debug("confirmation {} sent to {}", row.consentId(), asking.phoneNumber().masked());
        return eventOf(row, ConfirmationEvent.Outcome.REQUESTED);
    }

    /** Appends the answer row (active for yes, declined for no). */
    ConfirmationEvent answer(ConsentRecord pending, boolean yes, InboundMessage reply, Instant now) {
        Map<String, String> extra = new LinkedHashMap<>();
        extra.put(REQUESTED_AT, pending.timestamp().toString());
        extra.put(REPLY_SID, reply.messageSid());
        extra.put(REPLY_BODY, reply.body());
        extra.put(REPLY_AT, reply.receivedAt().toString());
        ConfirmationEvent.Outcome outcome = yes ? ConfirmationEvent.Outcome.CONFIRMED : ConfirmationEvent.Outcome.DECLINED;
        extra.put(EVENT, key(outcome));
        ConsentRecord row = successor(pending, yes ? ConsentStatus.ACTIVE : ConsentStatus.DECLINED, now, extra);
        outbox.intend(eventId(row.consentId(), outcome, 0));
        tracker.append(row);
        LOG.info("confirmation {} {} by {}", pending.consentId(), yes ? "confirmed" : "declined",
                pending.phoneNumber().masked());
        return eventOf(row, outcome);
    }

    /**
     * Keeps an unrecognised reply as evidence: a {@code pending} re-append of the confirmation (it stays
     * pending, same id, same deadline) whose metadata holds the reply's text, SID, time and the count of
     * invalid replies so far. An answer or close row after it copies those keys (the last invalid reply).
     */
    ConfirmationEvent invalid(ConsentRecord pending, InboundMessage reply, Instant now) {
        int n = invalidCount(pending) + 1;
        Map<String, String> extra = new LinkedHashMap<>();
        extra.put(REQUESTED_AT, requestedAt(pending).toString());
        extra.put(INVALID_REPLY_BODY, reply.body());
        extra.put(INVALID_REPLY_SID, reply.messageSid());
        extra.put(INVALID_REPLY_AT, reply.receivedAt().toString());
        extra.put(INVALID_REPLIES, Integer.toString(n));
        extra.put(EVENT, key(ConfirmationEvent.Outcome.INVALID));
        ConsentRecord row = successor(pending, ConsentStatus.PENDING, now, extra);
        outbox.intend(eventId(row.consentId(), ConfirmationEvent.Outcome.INVALID, n));
        tracker.append(row);
        LOG.debug("confirmation {}: unrecognised reply {} from {}", pending.consentId(), Masking.body(reply.body()),
                pending.phoneNumber().masked());
        return eventOf(row, ConfirmationEvent.Outcome.INVALID);
    }

    /** Reports a confirmation revoked by an opt-out ({@code revoked} is its revoked row, already written). */
    ConfirmationEvent optedOut(ConsentRecord pending, ConsentRecord revoked, InboundMessage reply, Instant now) {
        outbox.intend(eventId(pending.consentId(), ConfirmationEvent.Outcome.OPTED_OUT, 0));
        return event(pending, ConfirmationEvent.Outcome.OPTED_OUT, now, reply.body(), reply.messageSid(), revoked);
    }

    /**
     * Appends an expired row: expired, replaced (when {@code replacedBy} is set) or, for
     * {@link ConfirmationEvent.Outcome#NOT_SENT}, a question the gateway never accepted
     * ({@code replacedBy} then carries the sender's outcome, kept under {@link Confirmations#SEND_OUTCOME}).
     */
    ConfirmationEvent close(ConsentRecord pending, ConfirmationEvent.Outcome outcome, Instant now, String replacedBy) {
        Map<String, String> extra = new LinkedHashMap<>();
        extra.put(REQUESTED_AT, requestedAt(pending).toString());
        extra.put(CLOSED_REASON, outcome.name().toLowerCase(Locale.ROOT));
        if (outcome == ConfirmationEvent.Outcome.NOT_SENT) {
            extra.put(SEND_OUTCOME, replacedBy);
        } else if (replacedBy != null) {
            extra.put(REPLACED_BY, replacedBy);
        }
        extra.put(EVENT, key(outcome));
        ConsentRecord row = successor(pending, ConsentStatus.EXPIRED, now, extra);
        outbox.intend(eventId(row.consentId(), outcome, 0));
        tracker.append(row);
        LOG.debug("confirmation {} of {} closed: {}", pending.consentId(), pending.phoneNumber().masked(), outcome);
        return eventOf(row, outcome);
    }

    /** Hands events (their rows durable) to the outbox, which delivers them to the listener. */
    void fire(List<ConfirmationEvent> events) {
        outbox.deliverLater(events);
    }

    ConfirmationOutbox outbox() {
        return outbox;
    }

    /** The outbox id of an event: {@code <consent id>/<outcome>}, plus the count for the n-th invalid reply. */
    static String eventId(String consentId, ConfirmationEvent.Outcome outcome, int invalidCount) {
        return consentId + "/" + key(outcome) + (outcome == ConfirmationEvent.Outcome.INVALID ? "/" + invalidCount : "");
    }

    /** The id of the event {@code row} records, or null if it records none. */
    static String eventIdOf(ConsentRecord row) {
        ConfirmationEvent.Outcome o = outcomeOf(row);
        return o == null ? null : eventId(row.consentId(), o, invalidCount(row));
    }

    /** The outcome a confirmation row records, or null for a row written before its question was sent. */
    static ConfirmationEvent.Outcome outcomeOf(ConsentRecord row) {
        String e = row.metadata().get(EVENT);
        if (e != null) {
            for (ConfirmationEvent.Outcome o : ConfirmationEvent.Outcome.values()) {
                if (key(o).equals(e)) {
                    return row.status() == ConsentStatus.REVOKED ? ConfirmationEvent.Outcome.OPTED_OUT : o;
                }
            }
            return row.status() == ConsentStatus.REVOKED ? ConfirmationEvent.Outcome.OPTED_OUT : null;
        }
        return switch (row.status()) { // rows written before outcomes were named
            case PENDING -> ConfirmationEvent.Outcome.REQUESTED;
            case ACTIVE -> ConfirmationEvent.Outcome.CONFIRMED;
            case DECLINED -> ConfirmationEvent.Outcome.DECLINED;
            case REVOKED -> ConfirmationEvent.Outcome.OPTED_OUT;
            case EXPIRED -> "replaced".equals(row.metadata().get(CLOSED_REASON))
                    ? ConfirmationEvent.Outcome.REPLACED : ConfirmationEvent.Outcome.EXPIRED;
        };
    }

    /** The event a row records, rebuilt from the row alone (how the outbox redelivers after a restart). */
    static ConfirmationEvent eventOf(ConsentRecord row, ConfirmationEvent.Outcome outcome) {
        Map<String, String> m = row.metadata();
        String body = switch (outcome) {
            case INVALID -> m.getOrDefault(INVALID_REPLY_BODY, "");
            case CONFIRMED, DECLINED -> m.getOrDefault(REPLY_BODY, "");
            case OPTED_OUT -> m.getOrDefault("inbound_body", "");
            default -> "";
        };
        String sid = switch (outcome) {
            case INVALID -> m.getOrDefault(INVALID_REPLY_SID, "");
            case CONFIRMED, DECLINED -> m.getOrDefault(REPLY_SID, "");
            case OPTED_OUT -> m.getOrDefault("message_sid", "");
            default -> "";
        };
        return event(row, outcome, row.timestamp(), body, sid, row);
    }

    static PendingConfirmation toPending(ConsentRecord r) {
        Instant deadline = expiresAt(r);
        return new PendingConfirmation(r.consentId(), r.phoneNumber(), r.consentMessage(), context(r), requestedAt(r),
                deadline == null ? Instant.MAX : deadline);
    }

    private static String key(ConfirmationEvent.Outcome o) {
        return o.name().toLowerCase(Locale.ROOT);
    }

    static int invalidCount(ConsentRecord r) {
        String s = r.metadata().get(INVALID_REPLIES);
        try {
            return s == null ? 0 : Integer.parseInt(s.strip());
        } catch (NumberFormatException e) {
            return 0;
        }
    }

    private static Instant expiresAt(ConsentRecord r) {
        String s = r.metadata().get(EXPIRES_AT);
        if (s == null || s.isBlank()) {
            return null;
        }
        try {
            return Instant.parse(s.strip());
        } catch (DateTimeParseException e) {
            LOG.warn("confirmation {} has an unreadable {} ('{}'); it never expires", r.consentId(), EXPIRES_AT, s);
            return null;
        }
    }

    private static Map<String, String> context(ConsentRecord r) {
        Map<String, String> out = new LinkedHashMap<>();
        r.metadata().forEach((k, v) -> {
            if (!RESERVED.contains(k) && !k.startsWith("revoke_")) {
                out.put(k, v);
            }
        });
        return out;
    }

    private static ConfirmationEvent event(ConsentRecord pending, ConfirmationEvent.Outcome outcome, Instant at,
                                           String replyBody, String replySid, ConsentRecord row) {
        Instant deadline = expiresAt(pending);
        return new ConfirmationEvent(pending.consentId(), pending.phoneNumber(), outcome, at,
                pending.consentMessage(), context(pending), requestedAt(pending),
                deadline == null ? Instant.MAX : deadline, replyBody, replySid, row);
    }

    private static ConsentRecord successor(ConsentRecord pending, ConsentStatus status, Instant now,
                                           Map<String, String> extra) {
        Map<String, String> meta = new LinkedHashMap<>(pending.metadata());
        meta.putAll(extra);
        return new ConsentRecord(pending.consentId(), now, pending.phoneNumber(), pending.optInMethod(),
                pending.consentMessage(), pending.customerId(), pending.customerName(), pending.customerEmail(),
                pending.ipAddress(), pending.screenshotUrl(), meta, status, null, "");
    }
}
