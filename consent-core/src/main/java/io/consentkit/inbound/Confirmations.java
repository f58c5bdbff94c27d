package io.consentkit.inbound;

import io.consentkit.InvalidInputException;
import io.consentkit.consent.ConsentRequest;
import io.consentkit.consent.ConsentTracker;
import io.consentkit.journal.ConsentRecord;
import io.consentkit.journal.ConsentStatus;
import io.consentkit.journal.ConsentStoreException;
import io.consentkit.phone.PhoneNumber;
import io.consentkit.send.GuardedSender;
import io.consentkit.send.MessageCategory;
import io.consentkit.send.OutboundMessage;
import io.consentkit.send.SendOutcome;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Clock;
import java.time.Duration;
import java.nio.file.Path;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * Y/N confirmation flows ("Reply Y to confirm your participation ... Reply N if you do not wish to
 * participate"), kept in the consent journal so they survive restarts.
 *
 * <ul>
 * <li>{@link #ask} sends the question through the {@link Builder#sender guarded sender} and only a question the
 * gateway accepted is pending: it first appends a {@code pending} row marked {@code question_status=requested}
 * ({@code consent_message} is the exact question, {@code opt_in_method} is {@code sms_confirmation},
 * {@code metadata} holds the app's context and {@code expires_at}), sends, then re-appends it with
 * {@code question_status=sent} and the provider's message id ({@code question_sid}) and reports
 * {@link ConfirmationEvent.Outcome#REQUESTED}; a question blocked, deferred or refused gets an {@code expired}
 * row ({@code closed_reason=not_sent}, {@code send_outcome}) and {@link ConfirmationEvent.Outcome#NOT_SENT}.
 * The row written before the call is what makes a yes to a sent question count even if the process dies (or
 * the journal fails) between the gateway's acceptance and the {@code sent} row: such a row is answerable until
 * its deadline but is never listed or reported as pending, since nobody knows it was sent.</li>
 * <li>{@link #request} is the record-before-send mode ({@link Builder#recordBeforeSend()}), for apps that send
 * the question themselves: it appends the {@code pending} row and reports {@code REQUESTED} at once.</li>
 * <li>A yes ({@link InboundHandler}) appends an {@code active} row for the same {@code consent_id}:
 * consent evidence whose text is the question, with {@code reply_sid}, {@code reply_body},
 * {@code reply_at} and {@code requested_at} in metadata. A no appends {@code declined}. Any other
 * reply keeps it pending: a {@code pending} re-append records {@code invalid_reply_body},
 * {@code invalid_reply_sid}, {@code invalid_reply_at} and {@code invalid_replies} (the count), and it is
 * reported {@link ConfirmationEvent.Outcome#INVALID} with its text. STOP revokes it with every other consent
 * of the number.</li>
 * <li>Listeners hear every outcome at least once, through an outbox ({@link Builder#outbox(Path)}): an event
 * whose listener throws is retried with a backoff at the next event or {@link #deliver()}, and after a restart
 * the unacknowledged ones are delivered again. Use {@link ConfirmationEvent#eventId()} to ignore a repeat.</li>
 * <li>Expiry: a confirmation whose deadline has passed is closed with an {@code expired} row lazily,
 * when the number replies or is looked up with {@link #pending(String)}, and by {@link #expireDue()},
 * a sweep for the app to call on a schedule so that unanswered ones are reported too. Either way the
 * result is the same: a late reply is handled as if nothing were pending.</li>
 * <li>A second request to a number with one pending <b>replaces</b> it: the old one gets an
 * {@code expired} row with {@code closed_reason=replaced} and {@code replaced_by}, and is reported
 * {@link ConfirmationEvent.Outcome#REPLACED}; answers then apply to the newest question. (A
 * double-submitted form re-asks instead of failing; evidence stays tied to the last text sent.)</li>
 * <li>A request to a number that has opted out is rejected with
 * {@link ConfirmationRejectedException}.</li>
 * </ul>
 *
 * <p>State lives only in the journal: pending confirmations are read back from the tracker
 * ({@link ConsentTracker#consents(String)}, {@link ConsentTracker#pendingConsents()}), so a new
 * instance over a reopened store picks up where the old one stopped. Time comes from the tracker's
 * clock. Thread-safe: work on one number is serialised under the
 * tracker's lock for the number ({@link ConsentTracker#withNumberLock}), the same one its own writes and
 * the {@link InboundHandler} take.
 *
 * <p>This class is the app's side of the flow (asking, looking up, expiring); the answers are
 * resolved by the {@link InboundHandler}'s state machine. Both write the rows through one package-private
 * collaborator, so the journal format of a confirmation is defined once.
 *
 * <pre>{@code
 * Confirmations confirmations = Confirmations.builder(tracker).sender(sender).listener(sheet::update)
 *         .outbox(dir.resolve("confirmations-outbox.csv")).build();
 * ConfirmationRequest asked = confirmations.ask("+15855550123", question, Map.of("row", "42"), Duration.ofHours(48));
 * }</pre>
 */
public final class Confirmations implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(Confirmations.class);

    /** Longest time-to-live accepted. */
    public static final Duration MAX_TIME_TO_LIVE = Duration.ofDays(365);
    /** Metadata key of a pending row's deadline (ISO-8601 instant). */
    public static final String EXPIRES_AT = "expires_at";
    /** Metadata key, on answer and close rows, of when the question was recorded. */
    public static final String REQUESTED_AT = "requested_at";
    /** Metadata key of the reply's message SID. */
    public static final String REPLY_SID = "reply_sid";
    /** Metadata key of the reply's text. */
    public static final String REPLY_BODY = "reply_body";
    /** Metadata key of when the reply was received. */
    public static final String REPLY_AT = "reply_at";
    /** Metadata key on an {@code expired} row: {@code expired} or {@code replaced}. */
    public static final String CLOSED_REASON = "closed_reason";
    /** Metadata key on a replaced row: the id of the confirmation that replaced it. */
    public static final String REPLACED_BY = "replaced_by";
    /** Metadata key: the outcome a row records ({@code requested}, {@code invalid}, ...; {@code asking} for none). */
    public static final String EVENT = "confirmation_event";
    /** Metadata key of an asked question: {@code requested} (not yet accepted by a gateway) or {@code sent}. */
    public static final String QUESTION_STATUS = "question_status";
    /** Metadata key: the provider's message id of the question, once the gateway accepted it. */
    public static final String QUESTION_SID = "question_sid";
    /** Metadata key: the gateway that accepted the question. */
    public static final String QUESTION_GATEWAY = "question_gateway";
    /** Metadata key on a {@code not_sent} row: the sender's outcome. */
    public static final String SEND_OUTCOME = "send_outcome";
    /** Metadata key of the last unrecognised reply's text. */
    public static final String INVALID_REPLY_BODY = "invalid_reply_body";
    /** Metadata key of the last unrecognised reply's message SID. */
    public static final String INVALID_REPLY_SID = "invalid_reply_sid";
    /** Metadata key of when the last unrecognised reply was received. */
    public static final String INVALID_REPLY_AT = "invalid_reply_at";
    /** Metadata key: how many unrecognised replies the confirmation has had. */
    public static final String INVALID_REPLIES = "invalid_replies";
    /** Default first delay before a failed listener call is retried. */
    public static final Duration DEFAULT_FIRST_RETRY = Duration.ofSeconds(1);
    /** Default longest delay between retries of a failed listener call. */
    public static final Duration DEFAULT_MAX_RETRY = Duration.ofMinutes(5);

    private final ConsentTracker tracker;
    private final Clock clock;
    private final ConfirmationRows rows;
    private final Settings settings;

    private Confirmations(Settings settings) {
        this.settings = settings;
        this.tracker = settings.tracker();
        this.clock = tracker.clock();
        this.rows = new ConfirmationRows(tracker, new ConfirmationOutbox(tracker, settings.listener(),
                settings.outbox(), settings.firstRetry(), settings.maxRetry()));
    }

    /** A builder over {@code tracker} (whose journal, number normaliser and clock are used). */
    public static Builder builder(ConsentTracker tracker) {
        return new Builder(tracker);
    }

    /**
     * Sends {@code question} through the builder's {@link Builder#sender sender} and records it as pending only
     * if the gateway accepted it (see the class comment). A replaced older confirmation is closed only then.
     *
     * @param phone      the number to ask, any accepted form
     * @param question   the exact text to send (kept verbatim as the consent text; the sender may append its
     *                   footer)
     * @param context    the app's data to get back with every outcome (e.g. a sheet row); keys must not
     *                   be one of this class's metadata keys nor start with {@code revoke_}
     * @param timeToLive how long an answer is accepted (positive, at most {@link #MAX_TIME_TO_LIVE})
     * @return the id and the sender's outcome; {@link ConfirmationRequest#pending()} says if it is pending
     * @throws InvalidInputException          for an invalid number, empty question, bad context or TTL
     * @throws ConfirmationRejectedException if the number has opted out
     * @throws IllegalStateException          if the builder was given no sender
     * @throws ConsentStoreException          if the journal cannot be written before the send (nothing sent)
     * @throws RuntimeException               what the sender throws; the {@code requested} row then stays
     *                                       answerable but unlisted until its deadline, as after a crash
     */
    public ConfirmationRequest ask(String phone, String question, Map<String, String> context, Duration timeToLive) {
        if (settings.sender() == null) {
            throw new IllegalStateException("ask needs Confirmations.builder(..).sender(..)");
        }
        PhoneNumber pn = tracker.phoneNumbers().parse(phone, "phone_number");
        Map<String, String> meta = validate(question, context, timeToLive);
        ConsentRecord asking = tracker.withNumberLock(pn, () -> {
            if (tracker.isOptedOut(pn)) {
                throw new ConfirmationRejectedException(pn, "the number has opted out");
            }
            Instant now = now();
            rows.ask(pn, question, meta, now, now.plus(timeToLive), true);
            return rows.pendingRow(pn);
        });
        SendOutcome outcome = settings.sender().send(OutboundMessage.builder(pn.e164())
                .category(settings.category()).body(question).build());
        List<ConfirmationEvent> events = new ArrayList<>(2);
        try {
            tracker.withNumberLock(pn, () -> {
                Instant now = now();
                ConsentRecord current = tracker.findById(asking.consentId()).orElse(asking);
                if (current.status() != ConsentStatus.PENDING) {
                    return null; // answered, replaced or revoked while the question was on its way
                }
                if (outcome instanceof SendOutcome.Sent sent) {
                    ConfirmationEvent asked = rows.markSent(current, sent.providerId(), sent.gateway(), now);
                    events.add(asked);
                    for (ConsentRecord old : tracker.liveConsents(pn)) {
                        if (ConfirmationRows.isConfirmation(old) && old.status() == ConsentStatus.PENDING
                                && !old.consentId().equals(asking.consentId())) {
                            events.add(ConfirmationRows.isOverdue(old, now)
                                    ? rows.close(old, ConfirmationEvent.Outcome.EXPIRED, now, null)
                                    : rows.close(old, ConfirmationEvent.Outcome.REPLACED, now, asking.consentId()));
                        }
                    }
                } else if (!(outcome instanceof SendOutcome.Failed f && f.unknownOutcome())) {
                    events.add(rows.close(current, ConfirmationEvent.Outcome.NOT_SENT, now, outcome.toString()));
                }
                return null;
            });
        } catch (ConsentStoreException e) {
            // the question's fate is in the outcome; the requested row stays answerable until its deadline
            LOG.warn("confirmation {} to {}: {} but the journal could not record it", asking.consentId(),
                    pn.masked(), outcome.getClass().getSimpleName(), e);
        }
        rows.fire(events);
        if (!(outcome instanceof SendOutcome.Sent)) {
            LOG.info("confirmation {} to {} not sent: {}", asking.consentId(), pn.masked(),
                    outcome.getClass().getSimpleName());
        }
        return new ConfirmationRequest(asking.consentId(), outcome);
    }

    /**
     * Record-before-send mode ({@link Builder#recordBeforeSend()}): records a pending confirmation and returns
     * its id; the app then sends {@code question} itself, exactly as given. The journal says pending whether or
     * not the app's send succeeds: prefer {@link #ask}.
     *
     * @param phone      the number to ask, any accepted form
     * @param question   the exact text that will be sent (kept verbatim as the consent text)
     * @param context    as for {@link #ask}
     * @param timeToLive how long an answer is accepted (positive, at most {@link #MAX_TIME_TO_LIVE})
     * @throws InvalidInputException          for an invalid number, empty question, bad context or TTL
     * @throws ConfirmationRejectedException if the number has opted out
     * @throws IllegalStateException          if the builder did not choose {@link Builder#recordBeforeSend()}
     */
    public String request(String phone, String question, Map<String, String> context, Duration timeToLive) {
        if (!settings.recordBeforeSend()) {
            throw new IllegalStateException("request records before the question is sent; choose "
                    + "Confirmations.builder(..).recordBeforeSend() for that, or use ask with a sender");
        }
        PhoneNumber pn = tracker.phoneNumbers().parse(phone, "phone_number");
        Map<String, String> meta = validate(question, context, timeToLive);
        List<ConfirmationEvent> events = new ArrayList<>(2);
        String id = tracker.withNumberLock(pn, () -> {
            if (tracker.isOptedOut(pn)) {
                throw new ConfirmationRejectedException(pn, "the number has opted out");
            }
            Instant now = now();
            ConsentRecord old = rows.pendingRow(pn);
            ConfirmationEvent asked = rows.ask(pn, question, meta, now, now.plus(timeToLive), false);
            events.add(asked);
            if (old != null) {
                events.add(ConfirmationRows.isOverdue(old, now)
                        ? rows.close(old, ConfirmationEvent.Outcome.EXPIRED, now, null)
                        : rows.close(old, ConfirmationEvent.Outcome.REPLACED, now, asked.confirmationId()));
            }
            return asked.confirmationId();
        });
        rows.fire(events);
        return id;
    }

    private static Map<String, String> validate(String question, Map<String, String> context, Duration timeToLive) {
        if (question == null || question.isBlank()) {
            throw new InvalidInputException("question", "is empty");
        }
        if (question.length() > ConsentRequest.MAX_CONSENT_MESSAGE) {
            throw new InvalidInputException("question", "is longer than " + ConsentRequest.MAX_CONSENT_MESSAGE
                    + " characters");
        }
        if (timeToLive == null || timeToLive.isNegative() || timeToLive.isZero()
                || timeToLive.compareTo(MAX_TIME_TO_LIVE) > 0) {
            throw new InvalidInputException("timeToLive", "must be positive and at most " + MAX_TIME_TO_LIVE
                    + ", got " + timeToLive);
        }
        Map<String, String> meta = new LinkedHashMap<>();
        if (context != null) {
            for (Map.Entry<String, String> e : context.entrySet()) {
                String k = e.getKey();
                if (k == null || k.isBlank()) {
                    throw new InvalidInputException("context", "has an empty key");
                }
                if (ConfirmationRows.RESERVED.contains(k) || k.startsWith("revoke_")) {
                    throw new InvalidInputException("context", "key '" + k + "' is reserved for the confirmation flow");
                }
                meta.put(k, e.getValue() == null ? "" : e.getValue());
            }
        }
        return meta;
    }

    /**
     * Delivers every event due to the listener now: the ones whose earlier delivery failed and whose backoff
     * has passed, and after a restart the ones never acknowledged. Call it at start and on a schedule (with
     * {@link #expireDue()}); events are also delivered as they happen.
     *
     * @return how many events the listener acknowledged
     */
    public int deliver() {
        return rows.outbox().drain(true);
    }

    /** How many events the listener has not acknowledged yet (waiting for a retry, or not yet delivered). */
    public int undelivered() {
        return rows.outbox().undelivered();
    }

    /** Releases the outbox file (the tracker is the app's to close). */
    @Override
    public void close() {
        rows.outbox().close();
    }

    /**
     * The number's pending confirmation, if any (not one whose question no gateway has accepted yet). One past
     * its deadline is closed as expired first (and reported), so this may write to the journal.
     */
    public Optional<PendingConfirmation> pending(String phone) {
        PhoneNumber pn = tracker.phoneNumbers().parse(phone, "phone_number");
        List<ConfirmationEvent> expired = new ArrayList<>(1);
        PendingConfirmation result = tracker.withNumberLock(pn, () -> {
            ConsentRecord row = rows.pendingRow(pn);
            if (row == null) {
                return null;
            }
            Instant now = now();
            if (ConfirmationRows.isOverdue(row, now)) {
                expired.add(rows.close(row, ConfirmationEvent.Outcome.EXPIRED, now, null));
                return null;
            }
            return ConfirmationRows.isAsking(row) ? null : ConfirmationRows.toPending(row);
        });
        rows.fire(expired);
        return Optional.ofNullable(result);
    }

    /**
     * Every pending confirmation across all numbers, by request time, as the journal has them (none expired
     * here; none whose question no gateway has accepted).
     */
    public List<PendingConfirmation> pendingConfirmations() {
        List<PendingConfirmation> out = new ArrayList<>();
        for (ConsentRecord r : tracker.pendingConsents()) {
            if (ConfirmationRows.isConfirmation(r) && !ConfirmationRows.isAsking(r)) {
                out.add(ConfirmationRows.toPending(r));
            }
        }
        return out;
    }

    /**
     * Closes every pending confirmation whose deadline has passed with an {@code expired} row and
     * reports each. Call it on a schedule (e.g. every minute); it is cheap when nothing is due.
     *
     * @return the events, one per confirmation expired
     */
    public List<ConfirmationEvent> expireDue() {
        Instant now = now();
        List<ConfirmationEvent> events = new ArrayList<>();
        for (ConsentRecord r : tracker.pendingConsents()) {
            if (!ConfirmationRows.isConfirmation(r) || !ConfirmationRows.isOverdue(r, now)) {
                continue;
            }
            tracker.withNumberLock(r.phoneNumber(), () -> {
                Optional<ConsentRecord> current = tracker.findById(r.consentId());
                if (current.isPresent() && current.get().status() == ConsentStatus.PENDING) {
                    events.add(rows.close(current.get(), ConfirmationEvent.Outcome.EXPIRED, now, null));
                }
                return null;
            });
        }
        if (!events.isEmpty()) {
            LOG.info("expired {} unanswered confirmation(s)", events.size());
        }
        rows.fire(events);
        return List.copyOf(events);
    }

    /** The tracker whose journal holds the confirmations. */
    public ConsentTracker tracker() {
        return tracker;
    }

    /** The rows collaborator the inbound state machine resolves answers through. */
    ConfirmationRows rows() {
        return rows;
    }

    @Override
    public String toString() {
        return "Confirmations[" + tracker + "]";
    }

    private Instant now() {
        return clock.instant().truncatedTo(ChronoUnit.MILLIS);
    }

    /** The validated settings a {@link Builder} builds. */
    private record Settings(ConsentTracker tracker, ConfirmationListener listener, GuardedSender sender,
                            MessageCategory category, boolean recordBeforeSend, Path outbox, Duration firstRetry,
                            Duration maxRetry) {
    }

    /** Configures {@link Confirmations}. Setters validate at once. Not thread-safe. */
    public static final class Builder {
        private final ConsentTracker tracker;
        private ConfirmationListener listener = ConfirmationListener.NO_OP;
        private GuardedSender sender;
        private MessageCategory category = MessageCategory.TRANSACTIONAL;
        private boolean recordBeforeSend;
        private Path outbox;
        private Duration firstRetry = DEFAULT_FIRST_RETRY;
        private Duration maxRetry = DEFAULT_MAX_RETRY;

        private Builder(ConsentTracker tracker) {
            this.tracker = Objects.requireNonNull(tracker, "tracker");
        }

        /** Hears every outcome, at least once. Default {@link ConfirmationListener#NO_OP}. */
        public Builder listener(ConfirmationListener listener) {
            this.listener = Objects.requireNonNull(listener, "listener");
            return this;
        }

        /** The guarded sender {@link #ask} sends questions through (over the same tracker). */
        public Builder sender(GuardedSender sender) {
            this.sender = Objects.requireNonNull(sender, "sender");
            return this;
        }

        /** The category questions are sent in. Default {@link MessageCategory#TRANSACTIONAL}. */
        public Builder questionCategory(MessageCategory category) {
            this.category = Objects.requireNonNull(category, "category");
            return this;
        }

        /**
         * Record-before-send mode: allows {@link #request}, which records a question as pending before the
         * app sends it itself. The journal and the listener then say pending for a question that may never go
         * out (quiet hours, a block, a failure): the app must close such ones itself by asking again or
         * letting them expire. Off by default.
         */
        public Builder recordBeforeSend() {
            this.recordBeforeSend = true;
            return this;
        }

        /**
         * The outbox file (e.g. {@code confirmations-outbox.csv} beside the journal) that makes listener delivery
         * survive restarts: events not acknowledged (the listener threw, or the process stopped) are delivered
         * again by the next instance. One writer at a time. Default: none, retries within the process only.
         */
        public Builder outbox(Path file) {
            if (file == null) {
                throw new InvalidInputException("outbox", "is null");
            }
            this.outbox = file;
            return this;
        }

        /**
         * Backoff of a failed listener call: {@code first} after the first failure, doubling up to {@code max}.
         * Defaults {@link #DEFAULT_FIRST_RETRY}, {@link #DEFAULT_MAX_RETRY}.
         */
        public Builder retryBackoff(Duration first, Duration max) {
            if (first == null || first.isNegative() || first.isZero()) {
                throw new InvalidInputException("retryBackoff.first", "must be positive, got " + first);
            }
            if (max == null || max.compareTo(first) < 0) {
                throw new InvalidInputException("retryBackoff.max", "must be at least first (" + first + "), got "
                        + max);
            }
            this.firstRetry = first;
            this.maxRetry = max;
            return this;
        }

        /**
         * Builds; with an {@link #outbox(Path)} this opens the file (and queues the events it has not seen
         * acknowledged; {@link Confirmations#deliver()} delivers them).
         *
         * @throws io.consentkit.journal.ConsentStoreException if the outbox file is locked or unreadable
         */
        public Confirmations build() {
            return new Confirmations(new Settings(tracker, listener, sender, category, recordBeforeSend, outbox,
                    firstRetry, maxRetry));
        }
    }
}
