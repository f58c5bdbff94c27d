package io.consentkit.consent;

import io.consentkit.InvalidInputException;
import io.consentkit.consent.internal.Index;
import io.consentkit.consent.internal.NumberState;
import io.consentkit.journal.ConsentRecord;
import io.consentkit.journal.ConsentStatus;
import io.consentkit.journal.ConsentStore;
import io.consentkit.journal.ConsentStoreException;
import io.consentkit.journal.JournalLimits;
import io.consentkit.journal.OptInMethod;
import io.consentkit.phone.PhoneNumber;
import io.consentkit.phone.PhoneNumbers;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.Reader;
import java.io.Writer;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
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
 *
 * <p>This class is the write path and the wiring; its parts live beside it: {@link TrackerReads} (the
 * lock-free reads), {@link NumberLocks} and {@link ConsentIds} (the one copy of write locks and id
 * minting, which flows reach through {@link #withNumberLock} and {@link #newConsentId}),
 * {@link JournalReplay} (open-time replay), {@link StoreRefresh} (rows of other writers),
 * {@link AuditExport} and {@link LegacyImport}.
 */
final class DefaultConsentTracker implements ConsentTracker {
    private static final Logger LOG = LoggerFactory.getLogger(DefaultConsentTracker.class);

    private final ConsentStore store;
    private final ConsentTexts texts;
    private final Clock clock;
    private final PhoneNumbers phones;
    private final Programs programs;
    private final Index index;
    private final NumberLocks locks = new NumberLocks();
    private final SendFence fence = new SendFence();
    /** Numbers this thread revoked under a number lock still held: fenced once it holds none. */
    private final ThreadLocal<List<PhoneNumber>> unfenced = ThreadLocal.withInitial(ArrayList::new);
    private final ConsentIds ids;
    private final TrackerReads reads;
    private final ErasedNumbers erased;
    private final LegacyImport legacyImport;
    private final StoreRefresh refresher;
    private final ConsentListener listener;
    private volatile boolean closed;

    DefaultConsentTracker(TrackerSettings settings) {
        this.store = settings.store();
        this.texts = settings.texts();
        this.clock = settings.clock();
        this.phones = settings.phoneNumbers();
        this.programs = settings.programs();
        this.index = new Index(programs.table());
        this.ids = new ConsentIds(index::containsId);
        this.listener = settings.listener();
        this.erased = new ErasedNumbers(settings.erasureKey());
        this.reads = new TrackerReads(index, phones, this::maybeRefresh, erased);
        this.legacyImport = new LegacyImport(index, locks, phones, this::ensureOpen, this::commit);
        this.refresher = new StoreRefresh(store, locks, this::apply, erased.held(index), clock, settings.visibilityBound());
        try {
            JournalReplay.run(store, this::apply);
            erased.checkKey();
        } catch (RuntimeException e) {
            try {
                store.close();
            } catch (RuntimeException suppressed) {
                e.addSuppressed(suppressed);
            }
            throw e;
        }
        refresher.markRefreshed();
    }

    @Override
    public ConsentRecord recordWebFormConsent(String phone, String customerId, String customerName,
                                              String customerEmail, String ipAddress, String formUrl) {
        return recordConsent(StandardConsents.webForm(texts, phone, customerId, customerName, customerEmail, ipAddress,
                formUrl));
    }

    @Override
    public ConsentRecord recordKeywordConsent(String phone, String keyword, String customerId, String messageSid,
                                              String inboundBody) {
        return recordConsent(StandardConsents.keyword(texts, phone, keyword, customerId, messageSid, inboundBody));
    }

    @Override
    public ConsentRecord recordInPersonConsent(String phone, String customerId, String customerName,
                                               String staffMember, String location) {
        return recordConsent(StandardConsents.inPerson(texts, phone, customerId, customerName, staffMember, location));
    }

    @Override
    public ConsentRecord recordConsent(ConsentRequest request) {
        return record(request, "");
    }

    @Override
    public ConsentRecord recordConsent(ConsentRequest request, ConsentChannel channel) {
        return record(request, Objects.requireNonNull(channel, "channel").journalName());
    }

    private ConsentRecord record(ConsentRequest request, String channel) {
        PhoneNumber phone = phones.parse(request.phone());
        Program program = request.program().isEmpty() ? programs.defaultProgram() : programs.program(request.program());
        String rowProgram = program == programs.defaultProgram() ? "" : program.name(); // see Programs: rows
        String rowBrand = program.brand().equals(programs.defaultBrand()) ? "" : program.brand();
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
                    request.ipAddress(), request.screenshotUrl(), request.metadata(), ConsentStatus.ACTIVE, null, "",
                    rowProgram, rowBrand, channel);
            commit(List.of(row));
            LOG.debug("recorded {} consent {} for {}", row.optInMethod(), row.consentId(), phone.masked());
            return row;
        } finally {
            lock.unlock();
        }
    }

    @Override
    public List<ConsentRecord> revoke(String phone, String method, String notes, Map<String, String> evidence) {
        return revoke(phones.parse(phone), method, notes, evidence);
    }

    @Override
    public List<ConsentRecord> revoke(PhoneNumber pn, String method, String notes, Map<String, String> evidence) {
        Objects.requireNonNull(pn, "phone");
        String how = InvalidInputException.requireText("revoked_method", method);
        return revoke(pn, RevocationScope.all(), "", how, RevocationRows.metadata(notes, evidence));
    }

    @Override
    public List<ConsentRecord> revoke(RevocationRequest request) {
        Objects.requireNonNull(request, "request");
        programs.check(request.scope());
        return revoke(request.phone(), request.scope(), request.channel().journalName(), request.method(),
                RevocationRows.metadata(request.notes(), request.evidence()));
    }

    /** Revokes the live consents in {@code scope}, else writes its suppressions; channel "": legacy-shaped rows. */
    private List<ConsentRecord> revoke(PhoneNumber pn, RevocationScope scope, String channel, String how,
                                       Map<String, String> extra) {
        ReentrantLock lock = locks.of(pn);
        lock.lock();
        try {
            ensureOpen();
            Instant now = now();
            List<ConsentRecord> rows = RevocationRows.rows(programs, index.live(Index.key(pn.e164())),
                    () -> ids.next(pn, now), pn, scope, channel, how, extra, now);
            commit(rows);
            LOG.info("opt-out recorded for {} via {} in scope {} ({} row(s))", pn.masked(), how, scope, rows.size());
            return List.copyOf(rows);
        } finally {
            lock.unlock();
            fenceOptOuts();
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
                throw new InvalidInputException("consent_id", "'" + io.consentkit.support.Masking.printable(row.consentId())
                        + "' belongs to another number");
            }
            if (!row.optInMethod().isEmpty() && !OptInMethod.isWellFormed(row.optInMethod())) {
                throw new InvalidInputException("opt_in_method", "is not a lower-case word");
            }
            commit(List.of(row));
            return row;
        } finally {
            lock.unlock();
            fenceOptOuts();
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
            fenceOptOuts();
        }
    }

    @Override
    public <T> T withSendFence(PhoneNumber phone, Supplier<T> send) {
        try {
            return fence.run(Objects.requireNonNull(phone, "phone"), Objects.requireNonNull(send, "send"));
        } finally {
            fenceOptOuts(); // opt-outs the send itself recorded (its gateway's, say) wait now
        }
    }

    /**
     * Waits for the sends in flight to every number this thread has revoked, once it holds no number
     * lock and is inside no send (waiting then could deadlock with a send's refresh, its gateway's
     * writes or another send's opt-out).
     */
    private void fenceOptOuts() {
        List<PhoneNumber> revoked = unfenced.get();
        if (revoked.isEmpty() || locks.heldByCurrentThread() || fence.insideSend()) {
            return;
        }
        try {
            for (PhoneNumber pn : revoked) {
                fence.awaitSendsBefore(pn);
            }
        } finally {
            revoked.clear();
        }
    }

    @Override
    public String newConsentId(PhoneNumber phone, Instant at) {
        return ids.next(Objects.requireNonNull(phone, "phone"), Objects.requireNonNull(at, "at"));
    }

    /** Checks the bounds, writes durably, then indexes. Caller holds the stripe lock(s) of every row's number. */
    private void commit(List<ConsentRecord> rows) {
        for (ConsentRecord r : rows) {
            JournalLimits.check(r); // before anything is written: no acknowledged row can make the journal unopenable
        }
        long started = System.nanoTime();
        store.append(rows);
        long took = System.nanoTime() - started;
        for (ConsentRecord r : rows) {
            apply(r);
            if (r.status() == ConsentStatus.REVOKED) {
                unfenced.get().add(r.phoneNumber()); // fenced after the lock is released
            }
        }
        ListenerCalls.tell(listener, rows, took);
    }

    private void apply(ConsentRecord row) {
        index.apply(row);
        erased.accept(row);
    }

    @Override
    public Optional<ConsentRecord> status(String phone) {
        return reads.status(phone, 0);
    }

    @Override
    public Optional<ConsentRecord> status(PhoneNumber phone) {
        return reads.status(Objects.requireNonNull(phone, "phone"), 0);
    }

    @Override
    public Optional<ConsentStatus> currentStatus(String phone) {
        return reads.currentStatus(phone);
    }

    @Override
    public Optional<ConsentStatus> currentStatus(PhoneNumber phone) {
        return reads.currentStatus(Objects.requireNonNull(phone, "phone"));
    }

    @Override
    public boolean isActive(String phone) {
        return reads.isActive(phone, 0);
    }

    @Override
    public boolean isActive(PhoneNumber phone) {
        return reads.isActive(Objects.requireNonNull(phone, "phone"), 0);
    }

    @Override
    public boolean isOptedOut(String phone) {
        return reads.isOptedOut(phone, 0);
    }

    @Override
    public boolean isOptedOut(PhoneNumber phone) {
        return reads.isOptedOut(Objects.requireNonNull(phone, "phone"), 0);
    }

    @Override
    public boolean isActive(String phone, String program) {
        return reads.isActive(phone, programs.ordinal(program));
    }

    @Override
    public boolean isActive(PhoneNumber phone, String program) {
        return reads.isActive(Objects.requireNonNull(phone, "phone"), programs.ordinal(program));
    }

    @Override
    public boolean isOptedOut(String phone, String program) {
        return reads.isOptedOut(phone, programs.ordinal(program));
    }

    @Override
    public boolean isOptedOut(PhoneNumber phone, String program) {
        return reads.isOptedOut(Objects.requireNonNull(phone, "phone"), programs.ordinal(program));
    }

    @Override
    public Optional<ConsentRecord> status(PhoneNumber phone, String program) {
        return reads.status(Objects.requireNonNull(phone, "phone"), programs.ordinal(program));
    }

    @Override
    public Optional<ConsentRecord> status(String phone, String program) {
        return reads.status(phone, programs.ordinal(program));
    }

    @Override
    public List<ConsentRecord> history(String phone) {
        return reads.history(phone);
    }

    @Override
    public List<ConsentRecord> history(PhoneNumber phone) {
        return reads.history(Objects.requireNonNull(phone, "phone"));
    }

    @Override
    public List<ConsentRecord> liveConsents(PhoneNumber phone) {
        Objects.requireNonNull(phone, "phone");
        maybeRefresh(); // before the lock, as withNumberLock does
        ReentrantLock lock = locks.of(phone);
        lock.lock(); // Index.live reads a long history's mutable state
        try {
            return List.copyOf(index.live(Index.key(phone.e164())));
        } finally {
            lock.unlock();
        }
    }

    @Override
    public List<ConsentRecord> history(PhoneNumber phone, int newest) {
        if (newest < 0) {
            throw new InvalidInputException("newest", "must be zero or positive, got " + newest);
        }
        return reads.history(Objects.requireNonNull(phone, "phone"), newest);
    }

    @Override
    public List<ConsentRecord> consents(String phone) {
        return reads.consents(phone);
    }

    @Override
    public List<ConsentRecord> consents(PhoneNumber phone) {
        return reads.consents(Objects.requireNonNull(phone, "phone"));
    }

    @Override
    public List<ConsentRecord> activeConsents() {
        return reads.active(0);
    }

    @Override
    public List<ConsentRecord> activeConsents(String program) {
        return reads.active(programs.ordinal(program));
    }

    @Override
    public List<PhoneNumber> activeNumbers(String program) {
        return reads.activeNumbers(programs.ordinal(program));
    }

    @Override
    public List<ConsentRecord> pendingConsents() {
        return reads.pending();
    }

    @Override
    public Optional<ConsentRecord> findById(String consentId) {
        return reads.findById(consentId);
    }

    @Override
    public int exportAudit(Writer out) {
        return AuditExport.write(reads.all(), out);
    }

    @Override
    public int exportAudit(Path file, ProgressListener progress) {
        return AuditExport.write(reads.all(), file, ids.tempTag(clock.millis()), progress);
    }

    @Override
    public int exportJournal(Writer out) {
        return AuditExport.writeJournal(reads.journal(), out);
    }

    @Override
    public int exportJournal(Path file, ProgressListener progress) {
        return AuditExport.writeJournal(reads.journal(), file, ids.tempTag(clock.millis()), progress);
    }

    @Override
    public ImportResult importLegacy(Path file, ProgressListener progress) {
        try {
            return legacyImport.run(file, java.util.Objects.requireNonNull(progress, "progress"));
        } finally {
            fenceOptOuts();
        }
    }

    @Override
    public ImportResult importLegacy(Reader in) {
        try {
            return legacyImport.run(in, "import");
        } finally {
            fenceOptOuts();
        }
    }

    @Override
    public void refresh() {
        refresher.refresh();
    }

    private void maybeRefresh() {
        refresher.maybeRefresh();
    }

    @Override
    public Programs programs() {
        return programs;
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
