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
import java.util.Map;
import java.util.Set;

import static io.consentkit.inbound.Confirmations.CLOSED_REASON;
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
 * <li>{@link #ask}, {@link #answer}, {@link #close} append the request, answer and expired/replaced rows;</li>
 * <li>{@link #invalid} and {@link #optedOut} only report (an unrecognised reply writes nothing; an opt-out's
 * rows are the tracker's revocation);</li>
 * <li>{@link #fire} hands events to the listener, to be called after the number's lock is released.</li>
 * </ul>
 * Writers hold the number's lock ({@link ConsentTracker#withNumberLock}). Thread-safe.
 */
final class ConfirmationRows {
    private static final Logger LOG = LoggerFactory.getLogger(ConfirmationRows.class);
    static final Set<String> RESERVED = Set.of(EXPIRES_AT, REQUESTED_AT, REPLY_SID, REPLY_BODY, REPLY_AT,
            CLOSED_REASON, REPLACED_BY);

    private final ConsentTracker tracker;
    private final ConfirmationListener listener;

    ConfirmationRows(ConsentTracker tracker, ConfirmationListener listener) {
        this.tracker = tracker;
        this.listener = listener;
    }

    ConsentTracker tracker() {
        return tracker;
    }

    /** The number's newest pending confirmation row, overdue or not; null if none. */
    ConsentRecord pendingRow(PhoneNumber pn) {
        ConsentRecord best = null;
        for (ConsentRecord r : tracker.liveConsents(pn)) {
            if (isConfirmation(r) && r.status() == ConsentStatus.PENDING
                    && (best == null || !r.timestamp().isBefore(best.timestamp()))) {
                best = r;
            }
        }
        return best;
    }

    static boolean isConfirmation(ConsentRecord r) {
        return OptInMethod.SMS_CONFIRMATION.equals(r.optInMethod());
    }

    static boolean isOverdue(ConsentRecord pending, Instant at) {
        Instant deadline = expiresAt(pending);
        return deadline != null && !at.isBefore(deadline);
    }

    /** Appends a pending row asking {@code question} (metadata: the app's context and the deadline). */
    ConfirmationEvent ask(PhoneNumber pn, String question, Map<String, String> context, Instant now, Instant deadline) {
        Map<String, String> meta = new LinkedHashMap<>(context);
        meta.put(EXPIRES_AT, deadline.toString());
        ConsentRecord row = new ConsentRecord(tracker.newConsentId(pn, now), now, pn, OptInMethod.SMS_CONFIRMATION,
                question, "", "", "", "", "", meta, ConsentStatus.PENDING, null, "");
        tracker.append(row);
        LOG.debug("confirmation {} requested of {}", row.consentId(), pn.masked());
        return event(row, ConfirmationEvent.Outcome.REQUESTED, now, null, row);
    }

    /** Appends the answer row (active for yes, declined for no). */
    ConfirmationEvent answer(ConsentRecord pending, boolean yes, InboundMessage reply, Instant now) {
        Map<String, String> extra = new LinkedHashMap<>();
        extra.put(REQUESTED_AT, pending.timestamp().toString());
        extra.put(REPLY_SID, reply.messageSid());
        extra.put(REPLY_BODY, reply.body());
        extra.put(REPLY_AT, reply.receivedAt().toString());
        ConsentRecord row = successor(pending, yes ? ConsentStatus.ACTIVE : ConsentStatus.DECLINED, now, extra);
        tracker.append(row);
        LOG.info("confirmation {} {} by {}", pending.consentId(), yes ? "confirmed" : "declined",
                pending.phoneNumber().masked());
        return event(pending, yes ? ConfirmationEvent.Outcome.CONFIRMED : ConfirmationEvent.Outcome.DECLINED, now,
                reply, row);
    }

    /** Reports an unrecognised reply; writes nothing. */
    ConfirmationEvent invalid(ConsentRecord pending, InboundMessage reply, Instant now) {
        LOG.debug("confirmation {}: unrecognised reply {} from {}", pending.consentId(), Masking.body(reply.body()),
                pending.phoneNumber().masked());
        return event(pending, ConfirmationEvent.Outcome.INVALID, now, reply, null);
    }

    /** Reports a confirmation revoked by an opt-out ({@code revoked} is its revoked row). */
    ConfirmationEvent optedOut(ConsentRecord pending, ConsentRecord revoked, InboundMessage reply, Instant now) {
        return event(pending, ConfirmationEvent.Outcome.OPTED_OUT, now, reply, revoked);
    }

    /** Appends an expired row (closed as replaced when {@code replacedBy} is set). */
    ConfirmationEvent close(ConsentRecord pending, ConfirmationEvent.Outcome outcome, Instant now, String replacedBy) {
        Map<String, String> extra = new LinkedHashMap<>();
        extra.put(REQUESTED_AT, pending.timestamp().toString());
        extra.put(CLOSED_REASON, outcome == ConfirmationEvent.Outcome.REPLACED ? "replaced" : "expired");
        if (replacedBy != null) {
            extra.put(REPLACED_BY, replacedBy);
        }
        ConsentRecord row = successor(pending, ConsentStatus.EXPIRED, now, extra);
        tracker.append(row);
        LOG.debug("confirmation {} of {} closed: {}", pending.consentId(), pending.phoneNumber().masked(), outcome);
        return event(pending, outcome, now, null, row);
    }

    /** Delivers events to the listener; a failing listener is logged and skipped. */
    void fire(List<ConfirmationEvent> events) {
        for (ConfirmationEvent e : events) {
            try {
                listener.onEvent(e);
            } catch (RuntimeException ex) {
                LOG.warn("confirmation listener failed on {} for {}; handling goes on", e.outcome(),
                        e.phoneNumber().masked(), ex);
            }
        }
    }

    static PendingConfirmation toPending(ConsentRecord r) {
        Instant deadline = expiresAt(r);
        return new PendingConfirmation(r.consentId(), r.phoneNumber(), r.consentMessage(), context(r), r.timestamp(),
                deadline == null ? Instant.MAX : deadline);
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
                                           InboundMessage reply, ConsentRecord row) {
        Instant deadline = expiresAt(pending);
        return new ConfirmationEvent(pending.consentId(), pending.phoneNumber(), outcome, at,
                pending.consentMessage(), context(pending), pending.timestamp(),
                deadline == null ? Instant.MAX : deadline, reply == null ? "" : reply.body(),
                reply == null ? "" : reply.messageSid(), row);
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
