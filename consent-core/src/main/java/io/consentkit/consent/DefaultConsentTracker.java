package io.consentkit.consent;

import io.consentkit.InvalidInputException;
import io.consentkit.consent.internal.Index;
import io.consentkit.consent.internal.NumberState;
import io.consentkit.journal.ConsentRecord;
import io.consentkit.journal.ConsentStatus;
import io.consentkit.journal.ConsentStore;
import io.consentkit.journal.ConsentStoreException;
import io.consentkit.journal.OptInMethod;
import io.consentkit.journal.SharedConsentStore;
import io.consentkit.phone.PhoneNumber;
import io.consentkit.phone.PhoneNumbers;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.io.Reader;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Supplier;

/**
 * The default {@link ConsentTracker}: an in-memory index over a {@link ConsentStore} journal.
 * Reads are lock-free map lookups; writes to one number are serialised by a striped lock, writes
 * to different numbers run concurrently (so the store can group-commit them). Thread-safe.
 */
final class DefaultConsentTracker implements ConsentTracker {
    private static final Logger LOG = LoggerFactory.getLogger(DefaultConsentTracker.class);
    private static final Comparator<ConsentRecord> BY_TIME =
            Comparator.comparing(ConsentRecord::timestamp).thenComparing(ConsentRecord::consentId);

    private final ConsentStore store;
    private final ConsentTexts texts;
    private final Clock clock;
    private final PhoneNumbers phones;
    private final Index index = new Index();
    private final NumberLocks locks = new NumberLocks();
    private final ConsentIds ids = new ConsentIds(index::containsId);
    private final LegacyImport legacyImport;
    private final long refreshMillis;
    private volatile long lastRefresh;
    private volatile boolean closed;

    DefaultConsentTracker(ConsentTracker.Builder b) {
        this.store = b.store();
        this.texts = b.texts();
        this.clock = b.clock();
        this.phones = b.phoneNumbers();
        this.legacyImport = new LegacyImport(index, locks, phones, this::ensureOpen, this::commit);
        Duration bound = b.refreshInterval().isZero() ? store.capabilities().visibilityBound() : b.refreshInterval();
        this.refreshMillis = bound.toMillis();
        try {
            JournalReplay.run(store, this::apply);
        } catch (RuntimeException e) {
            try {
                store.close();
            } catch (RuntimeException suppressed) {
                e.addSuppressed(suppressed);
            }
            throw e;
        }
        this.lastRefresh = clock.millis();
    }

    // ---- recording ---------------------------------------------------------------------------

    @Override
    public ConsentRecord recordWebFormConsent(String phone, String customerId, String customerName,
                                              String customerEmail, String ipAddress, String formUrl) {
        ConsentRequest.Builder req = ConsentRequest.builder(phone, OptInMethod.WEB_FORM, texts.webForm())
                .customerId(customerId).customerName(customerName).customerEmail(customerEmail).ipAddress(ipAddress);
        if (formUrl != null && !formUrl.isBlank()) {
            req.metadata("form_url", formUrl.strip());
        }
        return recordConsent(req.build());
    }

    @Override
    public ConsentRecord recordKeywordConsent(String phone, String keyword, String customerId, String messageSid,
                                              String inboundBody) {
        String kw = InvalidInputException.requireText("keyword", keyword);
        ConsentRequest.Builder req = ConsentRequest.builder(phone, OptInMethod.KEYWORD, texts.keyword(kw))
                .customerId(customerId).metadata("keyword", kw);
        if (messageSid != null && !messageSid.isBlank()) {
            req.metadata("message_sid", messageSid.strip());
        }
        if (inboundBody != null) {
            req.metadata("inbound_body", inboundBody);
        }
        return recordConsent(req.build());
    }

    @Override
    public ConsentRecord recordInPersonConsent(String phone, String customerId, String customerName,
                                               String staffMember, String location) {
        ConsentRequest.Builder req = ConsentRequest.builder(phone, OptInMethod.IN_PERSON, texts.inPerson())
                .customerId(customerId).customerName(customerName);
        if (staffMember != null && !staffMember.isBlank()) {
            req.metadata("staff_member", staffMember.strip());
        }
        if (location != null && !location.isBlank()) {
            req.metadata("location", location.strip());
        }
        return recordConsent(req.build());
    }

    @Override
    public ConsentRecord recordConsent(ConsentRequest request) {
        PhoneNumber phone = phones.parse(request.phone());
        Instant now = now();
        Instant ts = request.timestamp() == null ? now : request.timestamp().truncatedTo(ChronoUnit.MILLIS);
        if (ts.isAfter(now.plus(Duration.ofMinutes(5)))) {
            throw new InvalidInputException("timestamp", "is in the future (" + ts + ")");
        }
        ReentrantLock lock = locks.of(phone);
        lock.lock();
        try {
            ensureOpen();
            NumberState st = index.get(Index.key(phone.e164()));
            Instant lastRevocation = st == null ? null : st.lastRevocation();
            if (request.timestamp() != null && lastRevocation != null && ts.isBefore(lastRevocation)) {
                throw new InvalidInputException("timestamp", "is before the number's last opt-out ("
                        + lastRevocation + "); a back-filled consent cannot outrank a later opt-out");
            }
            ConsentRecord row = new ConsentRecord(ids.next(phone, ts), ts, phone, request.optInMethod(),
                    request.consentMessage(), request.customerId(), request.customerName(), request.customerEmail(),
                    request.ipAddress(), request.screenshotUrl(), request.metadata(), ConsentStatus.ACTIVE, null, "");
            commit(List.of(row));
            LOG.debug("recorded {} consent {} for {}", row.optInMethod(), row.consentId(), phone.masked());
            return row;
        } finally {
            lock.unlock();
        }
    }

    @Override
    public List<ConsentRecord> revoke(String phone, String method, String notes, Map<String, String> evidence) {
        PhoneNumber pn = phones.parse(phone);
        String how = InvalidInputException.requireText("revoked_method", method);
        Map<String, String> extra = new LinkedHashMap<>();
        if (notes != null && !notes.isBlank()) {
            extra.put("revoke_notes", notes.strip());
        }
        if (evidence != null) {
            evidence.forEach((k, v) -> extra.put(k.startsWith("revoke_") ? k : "revoke_" + k, v == null ? "" : v));
        }
        ReentrantLock lock = locks.of(pn);
        lock.lock();
        try {
            ensureOpen();
            Instant now = now();
            NumberState st = index.get(Index.key(pn.e164()));
            List<ConsentRecord> rows = new ArrayList<>();
            for (ConsentRecord r : st == null ? List.<ConsentRecord>of() : st.current(index.codec)) {
                if (r.status() == ConsentStatus.ACTIVE || r.status() == ConsentStatus.PENDING) {
                    rows.add(r.withStatus(ConsentStatus.REVOKED, now, how, extra));
                }
            }
            if (rows.isEmpty()) {
                rows.add(new ConsentRecord(ids.next(pn, now), now, pn, "", "", "", "", "", "", "", extra,
                        ConsentStatus.REVOKED, now, how));
            }
            commit(rows);
            LOG.info("opt-out recorded for {} via {} ({} row(s))", pn.masked(), how, rows.size());
            return List.copyOf(rows);
        } finally {
            lock.unlock();
        }
    }

    @Override
    public ConsentRecord append(ConsentRecord row) {
        Objects.requireNonNull(row, "row");
        ReentrantLock lock = locks.of(row.phoneNumber());
        lock.lock();
        try {
            ensureOpen();
            long owner = index.phoneOf(row.consentId());
            if (owner >= 0 && owner != Index.key(row.phoneNumber().e164())) {
                throw new InvalidInputException("consent_id", "'" + row.consentId() + "' belongs to another number");
            }
            if (!row.optInMethod().isEmpty() && !OptInMethod.isWellFormed(row.optInMethod())) {
                throw new InvalidInputException("opt_in_method", "is not a lower-case word");
            }
            commit(List.of(row));
            return row;
        } finally {
            lock.unlock();
        }
    }

    @Override
    public <T> T withNumberLock(PhoneNumber phone, Supplier<T> step) {
        Objects.requireNonNull(phone, "phone");
        Objects.requireNonNull(step, "step");
        maybeRefresh(); // lookups inside the step do not refresh (see maybeRefresh)
        ReentrantLock lock = locks.of(phone);
        lock.lock();
        try {
            return step.get();
        } finally {
            lock.unlock();
        }
    }

    @Override
    public String newConsentId(PhoneNumber phone, Instant at) {
        return ids.next(Objects.requireNonNull(phone, "phone"), Objects.requireNonNull(at, "at"));
    }

    /** Writes durably, then indexes. Caller holds the stripe lock(s) of every row's number. */
    private void commit(List<ConsentRecord> rows) {
        store.append(rows);
        for (ConsentRecord r : rows) {
            apply(r);
        }
    }

    private void apply(ConsentRecord row) {
        index.apply(row);
    }

    // ---- reading -----------------------------------------------------------------------------

    private static final NumberState NONE = NumberState.empty(1);

    private NumberState lookup(String phone) {
        maybeRefresh();
        long key = phone == null ? -1 : Index.key(phone);
        NumberState st = key > 0 ? index.get(key) : null;
        if (st != null) {
            return st; // canonical input already in the index: no parsing needed
        }
        PhoneNumber pn = phones.parse(phone);
        st = index.get(Index.key(pn.e164()));
        return st == null ? NONE : st;
    }

    @Override
    public Optional<ConsentRecord> status(String phone) {
        NumberState st = lookup(phone);
        return st.isEmpty() ? Optional.empty() : Optional.ofNullable(st.status(index.codec));
    }

    @Override
    public boolean isActive(String phone) {
        maybeRefresh();
        int flags = phone == null ? -1 : index.flags(Index.key(phone));
        if (flags >= 0) {
            return (flags & NumberState.ACTIVE) != 0; // canonical and known: one hash probe
        }
        return lookup(phone).isActive();
    }

    @Override
    public boolean isOptedOut(String phone) {
        maybeRefresh();
        int flags = phone == null ? -1 : index.flags(Index.key(phone));
        if (flags >= 0) {
            return (flags & NumberState.OPTED_OUT) != 0;
        }
        return lookup(phone).isOptedOut();
    }

    @Override
    public List<ConsentRecord> history(String phone) {
        NumberState st = lookup(phone);
        return st.isEmpty() ? List.of() : List.copyOf(st.history(index.codec));
    }

    @Override
    public List<ConsentRecord> consents(String phone) {
        NumberState st = lookup(phone);
        if (st.isEmpty()) {
            return List.of();
        }
        List<ConsentRecord> cur = new ArrayList<>(st.current(index.codec));
        cur.sort(BY_TIME);
        return List.copyOf(cur);
    }

    @Override
    public List<ConsentRecord> activeConsents() {
        maybeRefresh();
        List<ConsentRecord> out = new ArrayList<>();
        index.forEach(st -> {
            if (st.isActive()) {
                out.addAll(st.withStatus(index.codec, ConsentStatus.ACTIVE));
            }
        });
        out.sort(BY_TIME);
        return out;
    }

    @Override
    public List<ConsentRecord> pendingConsents() {
        maybeRefresh();
        List<ConsentRecord> out = new ArrayList<>();
        index.forEach(st -> {
            if (st.hasPending()) {
                out.addAll(st.withStatus(index.codec, ConsentStatus.PENDING));
            }
        });
        out.sort(BY_TIME);
        return out;
    }

    @Override
    public Optional<ConsentRecord> findById(String consentId) {
        maybeRefresh();
        long phone = index.phoneOf(consentId);
        NumberState st = phone < 0 ? null : index.get(phone);
        return st == null ? Optional.empty() : Optional.ofNullable(st.find(index.codec, consentId));
    }

    // ---- audit export and legacy import --------------------------------------------------------

    @Override
    public int exportAudit(Writer out) {
        return AuditExport.write(foldedJournal(), out);
    }

    @Override
    public int exportAudit(Path file) {
        return AuditExport.write(foldedJournal(), file, ids.tempTag(clock.millis()));
    }

    private List<ConsentRecord> foldedJournal() {
        List<ConsentRecord> all = new ArrayList<>();
        index.forEach(st -> all.addAll(st.current(index.codec)));
        all.sort(BY_TIME);
        return all;
    }

    @Override
    public ImportResult importLegacy(Path file) {
        try (Reader r = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
            return legacyImport.run(r, file.getFileName().toString());
        } catch (IOException e) {
            throw new ConsentStoreException("cannot read " + file + ": " + e.getMessage(), e);
        }
    }

    @Override
    public ImportResult importLegacy(Reader in) {
        return legacyImport.run(in, "import");
    }

    // ---- lifecycle -----------------------------------------------------------------------------

    @Override
    public void refresh() {
        if (!(store instanceof SharedConsentStore shared)) {
            return;
        }
        List<ConsentRecord> fresh = shared.poll();
        for (ConsentRecord r : fresh) {
            ReentrantLock lock = locks.of(r.phoneNumber());
            lock.lock();
            try {
                apply(r);
            } finally {
                lock.unlock();
            }
        }
        lastRefresh = clock.millis();
        if (!fresh.isEmpty()) {
            LOG.debug("refresh picked up {} row(s) from other writers", fresh.size());
        }
    }

    /**
     * Refreshes when the last refresh is older than the bound; not while the calling thread holds a
     * write lock (refresh takes other numbers' locks, and {@link #withNumberLock} refreshed already).
     */
    private void maybeRefresh() {
        if (refreshMillis > 0 && clock.millis() - lastRefresh >= refreshMillis && !locks.heldByCurrentThread()) {
            refresh();
        }
    }

    @Override
    public ConsentTexts texts() {
        return texts;
    }

    @Override
    public PhoneNumbers phoneNumbers() {
        return phones;
    }

    @Override
    public Clock clock() {
        return clock;
    }

    @Override
    public void close() {
        if (!closed) {
            closed = true;
            store.close();
        }
    }

    private void ensureOpen() {
        if (closed) {
            throw new ConsentStoreException("consent tracker is closed");
        }
    }

    private Instant now() {
        return clock.instant().truncatedTo(ChronoUnit.MILLIS);
    }

    @Override
    public String toString() {
        return "DefaultConsentTracker[" + store.capabilities().name() + ", " + index.numbers() + " numbers]";
    }

}
