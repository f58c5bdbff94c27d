package io.consentkit.revocation;

import io.consentkit.InvalidInputException;
import io.consentkit.consent.ConsentChannel;
import io.consentkit.consent.ConsentTracker;
import io.consentkit.consent.RevocationScope;
import io.consentkit.journal.ConsentRecord;
import io.consentkit.journal.RevocationMethod;
import io.consentkit.phone.PhoneNumber;
import io.consentkit.phone.PhoneNumbers;

import java.security.SecureRandom;
import java.time.Clock;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.locks.ReentrantLock;

/**
 * Revocation requests that are received but not applied yet, with the deadline of 47 CFR
 * 64.1200(a)(10): a revocation made "by any reasonable means" (an email to support, a call, a text in
 * the person's own words that someone must read) is honoured within ten business days of receipt
 * ({@link BusinessDays}). A request is {@linkplain #submit submitted}, then either
 * {@linkplain #apply applied} (the tracker revokes the scope it names, with its channel and evidence
 * naming the request) or {@linkplain #dismiss dismissed} with a reason after review; both are kept.
 * {@link #pending()} and {@link #overdue()} list what is open and what is late at the clock's now.
 *
 * <p>While a request is pending, {@link #isPending} is true for its number, and a guarded sender built
 * with {@code pendingRevocations(queue)} blocks marketing to it: until the request is reviewed it is
 * taken to cover everything, whatever scope it names.
 *
 * <p>Rows go to the {@link RevocationStore} first (append-only, durable for {@link CsvRevocationStore});
 * the queue's state changes only after the store has taken the row, so a restart rebuilds the same
 * state from the rows. Applying revokes through the tracker first and then appends the closing row: if
 * that append fails the revocation stands in the journal and the request stays pending, so applying it
 * again is safe.
 *
 * <p>Thread-safe: writes are serialised by one lock; {@link #isPending} reads a concurrent set without
 * locking and is meant for the send path. Closing the queue closes its store.
 */
public final class RevocationQueue implements AutoCloseable {
    private static final SecureRandom IDS = new SecureRandom();

    private final RevocationStore store;
    private final ConsentTracker tracker;
    private final Clock clock;
    private final BusinessDays days;
    private final int businessDays;
    private final PhoneNumbers phones;
    private final ReentrantLock writes = new ReentrantLock();
    /** Every request by id, in submission order; guarded by {@link #writes} for changes. */
    private final Map<String, RevocationRequest> requests = new LinkedHashMap<>();
    /** Numbers (E.164) with at least one pending request, and how many. */
    private final ConcurrentHashMap<String, Integer> pendingNumbers = new ConcurrentHashMap<>();

    private RevocationQueue(Builder b) {
        this.store = b.store;
        this.tracker = b.tracker;
        this.clock = b.clock != null ? b.clock : tracker != null ? tracker.clock() : Clock.systemUTC();
        this.days = BusinessDays.federal(b.zone != null ? b.zone : clock.getZone());
        this.businessDays = b.businessDays;
        this.phones = tracker != null ? tracker.phoneNumbers() : PhoneNumbers.defaults();
        try {
            int line = 0;
            for (RevocationEvent e : store.events()) {
                line++;
                fold(e, line);
            }
        } catch (RuntimeException e) {
            store.close();
            throw e;
        }
    }

    /** A builder over {@code store}. */
    public static Builder builder(RevocationStore store) {
        if (store == null) {
            throw new InvalidInputException("store", "is null");
        }
        return new Builder(store);
    }

    /**
     * Records a request received by {@code channel}, with its deadline; returns it, pending.
     *
     * @param phone        the number, any common format
     * @param program      the program it names, or empty for every program
     * @param brand        the brand it names, or empty for every brand
     * @param receivedAt   when it was received; null for the clock's now (a request found later in a
     *                     mailbox counts from when it arrived, not from when it was entered)
     * @param evidenceText what the person said or wrote
     * @param evidenceBy   who took or forwarded it
     * @throws InvalidInputException naming the field, before anything is written
     */
    public RevocationRequest submit(String phone, String program, String brand, RevocationChannel channel,
                                    Instant receivedAt, String evidenceText, String evidenceBy) {
        PhoneNumber number = phones.parse(phone, "phone_number");
        if (channel == null) {
            throw new InvalidInputException("channel", "is null");
        }
        Instant now = clock.instant();
        Instant received = receivedAt != null ? receivedAt : now;
        if (received.isAfter(now)) {
            throw new InvalidInputException("received_at", "is in the future (" + received + ", now " + now + ")");
        }
        LocalDate deadline = days.deadline(received, businessDays);
        RevocationEvent e = new RevocationEvent(RevocationEvent.Kind.SUBMITTED, now, newId(), number, program, brand,
                channel, received, InvalidInputException.optionalText(evidenceText),
                InvalidInputException.optionalText(evidenceBy), deadline, days.overdueAt(deadline), "", "");
        writes.lock();
        try {
            store.append(e);
            fold(e, 0);
            return requests.get(e.requestId());
        } finally {
            writes.unlock();
        }
    }

    /**
     * Applies a pending request: revokes what it names (its program, else its brand, else everything)
     * through the tracker's scoped {@link ConsentTracker#revoke(io.consentkit.consent.RevocationRequest)
     * revoke}, with the request's channel in the rows' {@code channel} column and method
     * {@link RevocationMethod#CUSTOMER_REQUEST} and evidence naming the channel, the request id, when it
     * was received, what was said and by whom, then closes the request.
     *
     * @param by who applied it (kept in the closing row); may be empty
     * @return the journal rows the tracker appended and the closed request
     * @throws InvalidInputException if there is no pending request {@code id}, or the queue has no tracker
     */
    public Applied apply(String id, String by) {
        if (tracker == null) {
            throw new InvalidInputException("tracker", "is not set: build the queue with tracker(...) to apply requests");
        }
        writes.lock();
        try {
            RevocationRequest r = pendingRequest(id);
            Map<String, String> evidence = new LinkedHashMap<>();
            evidence.put("channel", r.channel().label());
            evidence.put("request_id", r.id());
            evidence.put("received_at", r.receivedAt().toString());
            putIfSet(evidence, "program", r.program());
            putIfSet(evidence, "brand", r.brand());
            putIfSet(evidence, "evidence_text", r.evidenceText());
            putIfSet(evidence, "evidence_by", r.evidenceBy());
            putIfSet(evidence, "applied_by", InvalidInputException.optionalText(by));
            List<ConsentRecord> rows = tracker.revoke(new io.consentkit.consent.RevocationRequest(r.phone(),
                    scopeOf(r), ConsentChannel.of(r.channel().label()), RevocationMethod.CUSTOMER_REQUEST,
                    "revocation request " + r.id() + " received by " + r.channel().label() + " (" + r.scope() + ")",
                    evidence));
            RevocationEvent e = new RevocationEvent(RevocationEvent.Kind.APPLIED, clock.instant(), r.id(), null, "", "",
                    null, null, "", "", null, null, InvalidInputException.optionalText(by), "");
            store.append(e);
            fold(e, 0);
            return new Applied(requests.get(r.id()), rows);
        } finally {
            writes.unlock();
        }
    }

    /**
     * The tracker scope a request names: its program (of its brand, if it names one too), else its
     * brand, else everything.
     */
    static RevocationScope scopeOf(RevocationRequest r) {
        if (!r.program().isEmpty()) {
            return RevocationScope.program(r.program());
        }
        return r.brand().isEmpty() ? RevocationScope.all() : RevocationScope.brand(r.brand());
    }

    /** What {@link #apply} did: the closed request and the journal rows the tracker appended. */
    public record Applied(RevocationRequest request, List<ConsentRecord> journalRows) {
        public Applied {
            Objects.requireNonNull(request, "request");
            journalRows = List.copyOf(journalRows);
        }
    }

    /**
     * Dismisses a pending request after review (e.g. "not an opt-out"); the request and the reason are
     * kept, consent is not touched.
     *
     * @throws InvalidInputException if there is no pending request {@code id} or {@code reason} is empty
     */
    public RevocationRequest dismiss(String id, String by, String reason) {
        String why = InvalidInputException.requireText("reason", reason);
        writes.lock();
        try {
            RevocationRequest r = pendingRequest(id);
            RevocationEvent e = new RevocationEvent(RevocationEvent.Kind.DISMISSED, clock.instant(), r.id(), null, "",
                    "", null, null, "", "", null, null, InvalidInputException.optionalText(by), why);
            store.append(e);
            fold(e, 0);
            return requests.get(r.id());
        } finally {
            writes.unlock();
        }
    }

    /** The request {@code id} in any state. */
    public Optional<RevocationRequest> find(String id) {
        writes.lock();
        try {
            return Optional.ofNullable(requests.get(id));
        } finally {
            writes.unlock();
        }
    }

    /** Every request, pending and closed, in submission order. */
    public List<RevocationRequest> all() {
        writes.lock();
        try {
            return List.copyOf(requests.values());
        } finally {
            writes.unlock();
        }
    }

    /** The pending requests, earliest deadline first. */
    public List<RevocationRequest> pending() {
        List<RevocationRequest> out = new ArrayList<>();
        for (RevocationRequest r : all()) {
            if (r.pending()) {
                out.add(r);
            }
        }
        out.sort(Comparator.comparing(RevocationRequest::overdueAt).thenComparing(RevocationRequest::receivedAt));
        return out;
    }

    /** The pending requests past their deadline at the clock's now, earliest deadline first. */
    public List<RevocationRequest> overdue() {
        Instant now = clock.instant();
        return pending().stream().filter(r -> r.isOverdue(now)).toList();
    }

    /** True if a request for {@code phone} is pending. Lock-free: one concurrent-map lookup. */
    public boolean isPending(PhoneNumber phone) {
        return pendingNumbers.containsKey(phone.e164());
    }

    /** The business-day calendar deadlines are computed on. */
    public BusinessDays businessDays() {
        return days;
    }

    /** The store the rows go to. */
    public RevocationStore store() {
        return store;
    }

    @Override
    public void close() {
        store.close();
    }

    private RevocationRequest pendingRequest(String id) {
        RevocationRequest r = requests.get(InvalidInputException.requireText("id", id));
        if (r == null) {
            throw new InvalidInputException("id", "'" + io.consentkit.support.Masking.printable(id)
                    + "' is no revocation request");
        }
        if (!r.pending()) {
            throw new InvalidInputException("id", r.id() + " is already " + r.state().label());
        }
        return r;
    }

    /** Applies one row to the state; {@code line} > 0 names the row of the store for errors at open. */
    private void fold(RevocationEvent e, int line) {
        String where = line > 0 ? store + " row " + line + ": " : "";
        if (e.kind() == RevocationEvent.Kind.SUBMITTED) {
            if (requests.containsKey(e.requestId())) {
                throw new RevocationQueueException(where + "request " + e.requestId() + " is submitted twice");
            }
            requests.put(e.requestId(), RevocationRequest.submitted(e));
            pendingNumbers.merge(e.phone().e164(), 1, Integer::sum);
            return;
        }
        RevocationRequest r = requests.get(e.requestId());
        if (r == null || !r.pending()) {
            throw new RevocationQueueException(where + e.kind().label() + " row for request " + e.requestId()
                    + (r == null ? ", which was never submitted" : ", which is already " + r.state().label()));
        }
        requests.put(r.id(), r.closed(e));
        pendingNumbers.computeIfPresent(r.phone().e164(), (k, n) -> n == 1 ? null : n - 1);
    }

    private static void putIfSet(Map<String, String> m, String key, String value) {
        if (!value.isEmpty()) {
            m.put(key, value);
        }
    }

    private static String newId() {
        byte[] b = new byte[8];
        IDS.nextBytes(b);
        return "rv-" + HexFormat.of().formatHex(b);
    }

    @Override
    public String toString() {
        return "RevocationQueue[" + store + ", " + pendingNumbers.size() + " numbers pending]";
    }

    /** Collects the queue's settings; each setter validates at once. Not thread-safe. */
    public static final class Builder {
        private final RevocationStore store;
        private ConsentTracker tracker;
        private Clock clock;
        private ZoneId zone;
        private int businessDays = BusinessDays.FCC_REVOCATION_DAYS;

        private Builder(RevocationStore store) {
            this.store = store;
        }

        /** The tracker {@link #apply} revokes through; its clock and number parser are the defaults. */
        public Builder tracker(ConsentTracker tracker) {
            this.tracker = Objects.requireNonNull(tracker, "tracker");
            return this;
        }

        /** Time for receipts, closings and {@link #overdue()}; default the tracker's clock, else UTC system time. */
        public Builder clock(Clock clock) {
            this.clock = Objects.requireNonNull(clock, "clock");
            return this;
        }

        /**
         * The business's zone: receipt dates and the end of the last day are taken in it. Default: the
         * clock's zone. Set it: a request received at 20:00 in New York is already the next day in UTC.
         */
        public Builder zone(ZoneId zone) {
            if (zone == null) {
                throw new InvalidInputException("zone", "is null");
            }
            this.zone = zone;
            return this;
        }

        /** Business days to honour a request: 1 to 10 (default and the FCC's limit: 10). */
        public Builder businessDays(int days) {
            if (days < 1 || days > BusinessDays.FCC_REVOCATION_DAYS) {
                throw new InvalidInputException("businessDays", "must be 1 to " + BusinessDays.FCC_REVOCATION_DAYS
                        + " (" + days + ")");
            }
            this.businessDays = days;
            return this;
        }

        /**
         * Builds the queue, folding the store's rows.
         *
         * @throws RevocationQueueException if the rows do not fold (a closing row without its request);
         *                                  the store is then closed
         */
        public RevocationQueue build() {
            return new RevocationQueue(this);
        }
    }
}
