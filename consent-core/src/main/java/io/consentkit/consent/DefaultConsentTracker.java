package io.consentkit.consent;

import io.consentkit.consent.internal.Index;
import io.consentkit.consent.internal.NumberState;
import io.consentkit.InvalidInputException;
import io.consentkit.journal.ConsentRecord;
import io.consentkit.consent.ConsentRequest;
import io.consentkit.journal.ConsentStatus;
import io.consentkit.consent.ConsentTexts;
import io.consentkit.consent.ConsentTracker;
import io.consentkit.consent.ImportResult;
import io.consentkit.journal.OptInMethod;
import io.consentkit.journal.JournalCodec;
import io.consentkit.support.Masking;
import io.consentkit.phone.PhoneNumber;
import io.consentkit.phone.PhoneNumbers;
import io.consentkit.journal.ConsentStore;
import io.consentkit.journal.ConsentStoreException;
import io.consentkit.journal.JournalFormatException;
import io.consentkit.journal.SharedConsentStore;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.BufferedWriter;
import java.io.IOException;
import java.io.Reader;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.ReentrantLock;

/**
 * The default {@link ConsentTracker}: an in-memory index over a {@link ConsentStore} journal.
 * Reads are lock-free map lookups; writes to one number are serialised by a striped lock, writes
 * to different numbers run concurrently (so the store can group-commit them). Thread-safe.
 */
public final class DefaultConsentTracker implements ConsentTracker {
    private static final Logger LOG = LoggerFactory.getLogger(DefaultConsentTracker.class);
    private static final int STRIPES = 64;
    private static final Comparator<ConsentRecord> BY_TIME =
            Comparator.comparing(ConsentRecord::timestamp).thenComparing(ConsentRecord::consentId);

    private final ConsentStore store;
    private final ConsentTexts texts;
    private final Clock clock;
    private final PhoneNumbers phones;
    private final Index index = new Index();
    private final ReentrantLock[] stripes = new ReentrantLock[STRIPES];
    private final long idSeed;
    private final AtomicLong idCounter = new AtomicLong();
    private final long refreshMillis;
    private volatile long lastRefresh;
    private volatile boolean closed;

    public DefaultConsentTracker(ConsentTracker.Builder b) {
        this.store = b.store();
        this.texts = b.texts();
        this.clock = b.clock();
        this.phones = b.phoneNumbers();
        for (int i = 0; i < STRIPES; i++) {
            stripes[i] = new ReentrantLock();
        }
        this.idSeed = new SecureRandom().nextLong();
        Duration bound = b.refreshInterval().isZero() ? store.capabilities().visibilityBound() : b.refreshInterval();
        this.refreshMillis = bound.toMillis();
        try {
            replay();
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

    private static final int REPLAY_BATCH = 4096;
    private static final List<ConsentRecord> END_OF_REPLAY = List.of();

    /**
     * Loads the journal into the index. With more than one processor, reading and decoding the
     * store (this thread) and indexing (a helper thread) overlap, in journal order; nobody else can
     * see the tracker yet, so no locks are needed.
     */
    private void replay() {
        if (Runtime.getRuntime().availableProcessors() < 2) {
            store.replay(this::apply);
            return;
        }
        java.util.concurrent.ArrayBlockingQueue<List<ConsentRecord>> handoff =
                new java.util.concurrent.ArrayBlockingQueue<>(8);
        java.util.concurrent.atomic.AtomicReference<Throwable> failed = new java.util.concurrent.atomic.AtomicReference<>();
        Thread indexer = new Thread(() -> {
            try {
                for (List<ConsentRecord> batch; (batch = handoff.take()) != END_OF_REPLAY; ) {
                    for (ConsentRecord r : batch) {
                        apply(r);
                    }
                }
            } catch (Throwable t) {
                failed.set(t);
                handoff.clear(); // unblock the reader; it checks failed
            }
        }, "consentkit-replay-indexer");
        indexer.setDaemon(true);
        indexer.start();
        java.util.concurrent.atomic.AtomicReference<List<ConsentRecord>> batch =
                new java.util.concurrent.atomic.AtomicReference<>(new ArrayList<>(REPLAY_BATCH));
        try {
            store.replay(r -> {
                List<ConsentRecord> b = batch.get();
                b.add(r);
                if (b.size() == REPLAY_BATCH) {
                    handOff(handoff, b, failed);
                    batch.set(new ArrayList<>(REPLAY_BATCH));
                }
            });
            handOff(handoff, batch.get(), failed);
        } finally {
            try {
                while (indexer.isAlive() && !handoff.offer(END_OF_REPLAY, 10, java.util.concurrent.TimeUnit.MILLISECONDS)) {
                    if (failed.get() != null) {
                        handoff.clear();
                    }
                }
                indexer.join();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                indexer.interrupt();
                throw new ConsentStoreException("interrupted while loading the consent journal", e);
            }
        }
        Throwable t = failed.get();
        if (t instanceof RuntimeException re) {
            throw re;
        }
        if (t instanceof Error err) {
            throw err;
        }
        if (t != null) {
            throw new ConsentStoreException("loading the consent journal failed: " + t, t);
        }
    }

    private static void handOff(java.util.concurrent.BlockingQueue<List<ConsentRecord>> q, List<ConsentRecord> batch,
                                java.util.concurrent.atomic.AtomicReference<Throwable> failed) {
        try {
            while (!q.offer(batch, 10, java.util.concurrent.TimeUnit.MILLISECONDS)) {
                if (failed.get() != null) {
                    return; // the indexer died: stop feeding it; the failure is thrown after replay
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new ConsentStoreException("interrupted while loading the consent journal", e);
        }
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
        ReentrantLock lock = stripe(phone);
        lock.lock();
        try {
            ensureOpen();
            NumberState st = index.get(Index.key(phone.e164()));
            java.time.Instant lastRevocation = st == null ? null : st.lastRevocation();
            if (request.timestamp() != null && lastRevocation != null && ts.isBefore(lastRevocation)) {
                throw new InvalidInputException("timestamp", "is before the number's last opt-out ("
                        + lastRevocation + "); a back-filled consent cannot outrank a later opt-out");
            }
            ConsentRecord row = new ConsentRecord(newId(phone, ts), ts, phone, request.optInMethod(),
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
        ReentrantLock lock = stripe(pn);
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
                rows.add(new ConsentRecord(newId(pn, now), now, pn, "", "", "", "", "", "", "", extra,
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
        java.util.Objects.requireNonNull(row, "row");
        ReentrantLock lock = stripe(row.phoneNumber());
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

    private String newId(PhoneNumber phone, Instant ts) {
        MessageDigest sha;
        try {
            sha = MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
        while (true) {
            String material = phone.e164() + "|" + ts + "|" + idSeed + "|" + idCounter.incrementAndGet();
            byte[] d = sha.digest(material.getBytes(StandardCharsets.UTF_8));
            String id = HexFormat.of().formatHex(d, 0, 8);
            if (!index.containsId(id)) {
                return id;
            }
        }
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
        List<ConsentRecord> all = new ArrayList<>();
        index.forEach(st -> all.addAll(st.current(index.codec)));
        all.sort(BY_TIME);
        int[] map = JournalCodec.identityMap();
        try {
            out.write(JournalCodec.HEADER_LINE);
            out.write('\n');
            StringBuilder sb = new StringBuilder(512);
            for (ConsentRecord r : all) {
                sb.setLength(0);
                JournalCodec.appendLine(sb, r, map, true);
                out.append(sb);
            }
            out.flush();
        } catch (IOException e) {
            throw new ConsentStoreException("audit export failed: " + e.getMessage(), e);
        }
        return all.size();
    }

    @Override
    public int exportAudit(Path file) {
        Path target = file.toAbsolutePath();
        Path tmp = target.resolveSibling(target.getFileName() + ".tmp-" + Long.toHexString(idSeed ^ clock.millis()));
        try {
            Files.createDirectories(target.getParent());
            int n;
            try (BufferedWriter w = Files.newBufferedWriter(tmp, StandardCharsets.UTF_8, StandardOpenOption.CREATE_NEW,
                    StandardOpenOption.WRITE)) {
                n = exportAudit(w);
            }
            try (java.nio.channels.FileChannel ch = java.nio.channels.FileChannel.open(tmp, StandardOpenOption.WRITE)) {
                ch.force(true);
            }
            try {
                Files.move(tmp, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            } catch (AtomicMoveNotSupportedException e) {
                Files.move(tmp, target, StandardCopyOption.REPLACE_EXISTING);
            }
            return n;
        } catch (IOException e) {
            throw new ConsentStoreException("cannot write audit export " + target + ": " + e.getMessage(), e);
        } finally {
            try {
                Files.deleteIfExists(tmp);
            } catch (IOException ignored) {
                // best effort
            }
        }
    }

    @Override
    public ImportResult importLegacy(Path file) {
        try (Reader r = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
            return importLegacy(r, file.getFileName().toString());
        } catch (IOException e) {
            throw new ConsentStoreException("cannot read " + file + ": " + e.getMessage(), e);
        }
    }

    @Override
    public ImportResult importLegacy(Reader in) {
        return importLegacy(in, "import");
    }

    private ImportResult importLegacy(Reader in, String source) {
        List<ConsentRecord> parsed = parseAll(in, source);
        // Lock every stripe (in order) so the import is one step against concurrent writers.
        for (ReentrantLock l : stripes) {
            l.lock();
        }
        try {
            ensureOpen();
            List<ConsentRecord> fresh = new ArrayList<>();
            Map<String, ConsentRecord> pendingById = new java.util.HashMap<>();
            int skipped = 0;
            for (ConsentRecord r : parsed) {
                long owner = index.phoneOf(r.consentId());
                ConsentRecord existing = pendingById.get(r.consentId());
                if (owner >= 0 && owner != Index.key(r.phoneNumber().e164())
                        || existing != null && !existing.phoneNumber().equals(r.phoneNumber())) {
                    throw new JournalFormatException(source, 0, "consent_id",
                            "'" + r.consentId() + "' belongs to two different numbers; nothing was imported");
                }
                if (existing == null && owner >= 0) {
                    existing = index.get(owner).find(index.codec, r.consentId());
                }
                if (existing != null && existing.equals(r)) {
                    skipped++;
                    continue;
                }
                fresh.add(r);
                pendingById.put(r.consentId(), r);
            }
            if (!fresh.isEmpty()) {
                commit(fresh);
            }
            LOG.info("legacy import from {}: {} rows read, {} imported, {} already present", source, parsed.size(),
                    fresh.size(), skipped);
            return new ImportResult(parsed.size(), fresh.size(), skipped);
        } finally {
            for (int i = stripes.length - 1; i >= 0; i--) {
                stripes[i].unlock();
            }
        }
    }

    private List<ConsentRecord> parseAll(Reader in, String source) {
        try {
            return JournalCodec.readAll(in, source, phones);
        } catch (IOException e) {
            throw new ConsentStoreException("cannot read " + source + ": " + e.getMessage(), e);
        }
    }

    // ---- lifecycle -----------------------------------------------------------------------------

    @Override
    public void refresh() {
        if (!(store instanceof SharedConsentStore shared)) {
            return;
        }
        List<ConsentRecord> fresh = shared.poll();
        for (ConsentRecord r : fresh) {
            ReentrantLock lock = stripe(r.phoneNumber());
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

    private void maybeRefresh() {
        if (refreshMillis > 0 && clock.millis() - lastRefresh >= refreshMillis) {
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

    private ReentrantLock stripe(PhoneNumber phone) {
        return stripes[(phone.e164().hashCode() & 0x7fffffff) % STRIPES];
    }

    @Override
    public String toString() {
        return "DefaultConsentTracker[" + store.capabilities().name() + ", " + index.numbers() + " numbers]";
    }

}
