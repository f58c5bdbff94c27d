package io.consentkit.inbound;

import io.consentkit.InvalidInputException;
import io.consentkit.consent.ConsentRequest;
import io.consentkit.consent.ConsentTracker;
import io.consentkit.journal.ConsentRecord;
import io.consentkit.journal.ConsentStatus;
import io.consentkit.phone.PhoneNumber;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Clock;
import java.time.Duration;
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
 * <li>{@link #request} appends a {@code pending} row: {@code consent_message} is the exact question,
 * {@code opt_in_method} is {@code sms_confirmation}, {@code metadata} holds the app's context and
 * {@code expires_at}. The app then sends the question (through its guarded sender).</li>
 * <li>A yes ({@link InboundHandler}) appends an {@code active} row for the same {@code consent_id}:
 * consent evidence whose text is the question, with {@code reply_sid}, {@code reply_body},
 * {@code reply_at} and {@code requested_at} in metadata. A no appends {@code declined}. Any other
 * reply writes nothing, keeps it pending and is reported {@link ConfirmationEvent.Outcome#INVALID}
 * with its text. STOP revokes it with every other consent of the number.</li>
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
 * clock. Listeners hear every outcome. Thread-safe: work on one number is serialised under the
 * tracker's lock for the number ({@link ConsentTracker#withNumberLock}), the same one its own writes and
 * the {@link InboundHandler} take.
 *
 * <p>This class is the app's side of the flow (asking, looking up, expiring); the answers are
 * resolved by the {@link InboundHandler}'s state machine. Both write the rows through one package-private
 * collaborator, so the journal format of a confirmation is defined once.
 *
 * <pre>{@code
 * Confirmations confirmations = Confirmations.builder(tracker).listener(sheet::update).build();
 * String id = confirmations.request("+15855550123", question, Map.of("row", "42"), Duration.ofHours(48));
 * }</pre>
 */
public final class Confirmations {
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

    private final ConsentTracker tracker;
    private final Clock clock;
    private final ConfirmationRows rows;

    private Confirmations(Settings settings) {
        this.tracker = settings.tracker();
        this.clock = tracker.clock();
        this.rows = new ConfirmationRows(tracker, settings.listener());
    }

    /** A builder over {@code tracker} (whose journal, number normaliser and clock are used). */
    public static Builder builder(ConsentTracker tracker) {
        return new Builder(tracker);
    }

    /**
     * Records a pending confirmation and returns its id. Send {@code question} to the number
     * afterwards, exactly as given.
     *
     * @param phone      the number to ask, any accepted form
     * @param question   the exact text that will be sent (kept verbatim as the consent text)
     * @param context    the app's data to get back with every outcome (e.g. a sheet row); keys must not
     *                   be one of this class's metadata keys nor start with {@code revoke_}
     * @param timeToLive how long an answer is accepted (positive, at most {@link #MAX_TIME_TO_LIVE})
     * @throws InvalidInputException          for an invalid number, empty question, bad context or TTL
     * @throws ConfirmationRejectedException if the number has opted out
     */
    public String request(String phone, String question, Map<String, String> context, Duration timeToLive) {
        PhoneNumber pn = tracker.phoneNumbers().parse(phone, "phone_number");
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
        List<ConfirmationEvent> events = new ArrayList<>(2);
        String id = tracker.withNumberLock(pn, () -> {
            if (tracker.isOptedOut(pn)) {
                throw new ConfirmationRejectedException(pn, "the number has opted out");
            }
            Instant now = now();
            ConsentRecord old = rows.pendingRow(pn);
            ConfirmationEvent asked = rows.ask(pn, question, meta, now, now.plus(timeToLive));
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

    /**
     * The number's pending confirmation, if any. One past its deadline is closed as expired first
     * (and reported), so this may write to the journal.
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
            return ConfirmationRows.toPending(row);
        });
        rows.fire(expired);
        return Optional.ofNullable(result);
    }

    /** Every pending confirmation across all numbers, by request time, as the journal has them (none expired here). */
    public List<PendingConfirmation> pendingConfirmations() {
        List<PendingConfirmation> out = new ArrayList<>();
        for (ConsentRecord r : tracker.pendingConsents()) {
            if (ConfirmationRows.isConfirmation(r)) {
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
    private record Settings(ConsentTracker tracker, ConfirmationListener listener) {
    }

    /** Configures {@link Confirmations}. Setters validate at once. Not thread-safe. */
    public static final class Builder {
        private final ConsentTracker tracker;
        private ConfirmationListener listener = ConfirmationListener.NO_OP;

        private Builder(ConsentTracker tracker) {
            this.tracker = Objects.requireNonNull(tracker, "tracker");
        }

        /** Hears every outcome. Default {@link ConfirmationListener#NO_OP}. */
        public Builder listener(ConfirmationListener listener) {
            this.listener = Objects.requireNonNull(listener, "listener");
            return this;
        }

        public Confirmations build() {
            return new Confirmations(new Settings(tracker, listener));
        }
    }
}
