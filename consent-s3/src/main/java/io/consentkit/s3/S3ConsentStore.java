package io.consentkit.s3;

import io.consentkit.InvalidInputException;
import io.consentkit.journal.ConsentRecord;
import io.consentkit.phone.PhoneNumbers;
import io.consentkit.s3.internal.JournalKeys;
import io.consentkit.s3.internal.JournalObjects;
import io.consentkit.s3.internal.Manifest;
import io.consentkit.s3.internal.S3Calls;
import io.consentkit.journal.ConsentStoreException;
import io.consentkit.journal.SharedConsentStore;
import io.consentkit.journal.StoreCapabilities;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.PutObjectRequest;
import software.amazon.awssdk.services.s3.model.S3Exception;

import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Consumer;
import java.util.regex.Pattern;

/**
 * A consent journal in Amazon S3 that any number of processes and machines append to at once.
 *
 * <pre>{@code
 * S3ConsentStore store = S3ConsentStore.builder(s3Client)
 *         .bucket("acme-sms")
 *         .prefix("consentkit/prod")
 *         .visibilityBound(Duration.ofSeconds(5))
 *         .build();
 * try (ConsentTracker tracker = ConsentTracker.builder(store).brand("Acme").build()) { ... }
 * }</pre>
 *
 * <h2>Layout and protocol</h2>
 * <ul>
 *   <li><b>Append.</b> Each {@link #append} call writes one new immutable object
 *       {@code <prefix>/journal/<millis>-<writer>-<seq>.csv} (CSV in the journal schema) with
 *       {@code If-None-Match: *}, so no writer can overwrite another. Keys sort by time, then
 *       writer id, then the writer's sequence: key order is journal order. The time field is a
 *       hybrid logical clock: never behind this writer's previous key nor (within a quarter of
 *       the late-write window) behind any key it has read, so an opt-out written after seeing a
 *       consent sorts after that consent even when this machine's clock is slow. A 412 on our own
 *       key after a failed attempt means that attempt landed (the object is compared); a 412 with
 *       different content means another writer uses our writer id, and the batch is written
 *       under a new key. One request per append.</li>
 *   <li><b>Compaction</b> ({@link #compact()}, and automatically on open once
 *       {@link Builder#autoCompactAfter} journal objects follow the snapshot): writes a snapshot
 *       {@code <prefix>/snapshots/...csv}, the previous snapshot followed by every row of the journal
 *       objects old enough to be complete (older than the late-write window), nothing folded
 *       away, so history stays whole; then advances {@code <prefix>/manifest.json} with
 *       {@code If-Match} on the ETag it read (compare-and-swap). A compaction that loses the race
 *       deletes its unused snapshot, re-reads and tries again. Journal objects are never
 *       deleted by the store (they are the raw audit trail); superseded snapshots are.</li>
 *   <li><b>Open</b> ({@link #replay}): manifest, snapshot, then every journal key after the one
 *       the snapshot covers, read in parallel.</li>
 *   <li><b>Poll</b> ({@link #poll}, called by {@code ConsentTracker.refresh()} and, when the last
 *       refresh is older than the {@linkplain Builder#visibilityBound visibility bound}, before a
 *       lookup): one {@code ListObjectsV2} with {@code start-after} = (time of the previous
 *       listing &minus; late-write window), then a GET for each key not seen yet. Keys seen in that
 *       window are remembered, so a key that lands late (a slow writer, a writer whose clock is
 *       behind) is still picked up exactly once, however it sorts against keys already seen.
 *       With nothing new it costs one request, as long as fewer than 1000 objects landed within
 *       the window.</li>
 *   <li><b>Assumption.</b> A journal object becomes visible within the
 *       {@linkplain Builder#lateWriteWindow late-write window} (default 30 s) of the time in its
 *       key, measured on the reader's clock: writers' clocks must agree to well within it. The
 *       store keeps its own part: a retried PUT whose key has become older than half the window is
 *       re-sent under a fresh key (after checking the first attempt did not land), and each PUT
 *       attempt times out after a quarter of the window (at least one second).</li>
 *   <li><b>Retries.</b> HTTP 500/502/503 (SlowDown)/504 and I/O errors are retried with
 *       exponential backoff and jitter, {@linkplain Builder#retries bounded}; anything else, and
 *       exhausted retries, throw {@link ConsentStoreException} with the SDK exception as cause.
 *       These retries come on top of the S3Client's own retry strategy.</li>
 *   <li><b>Failing closed.</b> If S3 cannot be read when a refresh is due, the tracker's lookups
 *       throw {@link ConsentStoreException} rather than answer from an index older than the
 *       bound.</li>
 * </ul>
 *
 * <p>IAM: {@code s3:GetObject}, {@code s3:PutObject} and {@code s3:ListBucket} on the prefix;
 * {@code s3:DeleteObject} on {@code <prefix>/snapshots/*} for removing superseded snapshots
 * (without it compaction still works and logs a warning).
 *
 * <p>{@link #close()} does not close the {@code S3Client}: it belongs to the caller. Thread-safe.
 */
public final class S3ConsentStore implements SharedConsentStore {
    /** Default prefix under which the store keeps its objects: {@value}. */
    public static final String DEFAULT_PREFIX = "consentkit";
    /** Default visibility bound: 5 seconds. */
    public static final Duration DEFAULT_VISIBILITY_BOUND = Duration.ofSeconds(5);
    /** Default late-write window: 30 seconds. */
    public static final Duration DEFAULT_LATE_WRITE_WINDOW = Duration.ofSeconds(30);
    /** Default attempts per S3 call (1 = no retry): {@value}. */
    public static final int DEFAULT_MAX_ATTEMPTS = 6;
    /** Default first backoff: 100 ms (doubling, capped at {@link #DEFAULT_MAX_DELAY}). */
    public static final Duration DEFAULT_BASE_DELAY = Duration.ofMillis(100);
    /** Default longest backoff: 5 seconds. */
    public static final Duration DEFAULT_MAX_DELAY = Duration.ofSeconds(5);
    /** Default number of journal objects read at once: {@value}. */
    public static final int DEFAULT_READ_PARALLELISM = 8;
    /** Default journal objects after the snapshot that make an open compact: {@value}. */
    public static final int DEFAULT_AUTO_COMPACT_AFTER = 500;

    private static final Logger LOG = LoggerFactory.getLogger(S3ConsentStore.class);
    private static final Pattern BUCKET = Pattern.compile("[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]");
    private static final Pattern WRITER_ID = Pattern.compile("[A-Za-z0-9_.]{1,64}");
    private static final String CSV = "text/csv; charset=utf-8";
    private static final String JSON = "application/json";
    private static final int MAX_COLLISIONS = 16;
    private static final int MAX_CAS_ATTEMPTS = 16;
    private static final int MAX_MANIFEST_REREADS = 5;
    private static final AtomicInteger POOL_IDS = new AtomicInteger();
    private static final SecureRandom RANDOM = new SecureRandom();

    /**
     * Waits between retries. The default sleeps; tests inject one that records and returns.
     * Implementations must be thread-safe (appends on several threads back off at once).
     */
    @FunctionalInterface
    public interface Sleeper {
        /** Sleeps the current thread. */
        Sleeper SYSTEM = d -> Thread.sleep(d.toMillis());

        /** Waits {@code duration}. */
        void sleep(Duration duration) throws InterruptedException;
    }

    private final S3Calls calls;
    private final S3Client s3;
    private final String bucket;
    private final String prefix;
    private final JournalKeys keys;
    private final String writerId;
    private final Clock clock;
    private final long windowMillis;
    private final Duration putAttemptTimeout;
    private final PhoneNumbers phones;
    private final int autoCompactAfter;
    private final StoreCapabilities capabilities;
    private final ExecutorService readers;

    /** Serialises replay, poll and the seen-key bookkeeping they share. */
    private final ReentrantLock pollLock = new ReentrantLock();
    /** Guards the fields below. */
    private final Object state = new Object();
    private long lastOwnMillis = -1;
    private long seq;
    private long maxReadMillis = -1;
    private boolean replayed;
    private long lastListingMillis;
    private String floorKey;
    private final TreeSet<String> seen = new TreeSet<>();
    /** Keys this instance is writing: never handed out by poll. */
    private final Set<String> inFlight = ConcurrentHashMap.newKeySet();
    private final Set<String> foreignWarned = ConcurrentHashMap.newKeySet();
    private volatile boolean closed;

    private S3ConsentStore(Builder b) {
        this.s3 = b.s3;
        this.bucket = b.bucket;
        this.prefix = b.prefix;
        this.keys = new JournalKeys(b.prefix);
        this.writerId = b.writerId != null ? b.writerId : HexFormat.of().formatHex(randomBytes(6));
        this.clock = b.clock;
        this.windowMillis = b.lateWriteWindow.toMillis();
        this.putAttemptTimeout = Duration.ofMillis(Math.max(1000, windowMillis / 4));
        this.phones = b.phones;
        this.autoCompactAfter = b.autoCompactAfter;
        this.capabilities = new StoreCapabilities("s3", true, true, true, b.visibilityBound);
        this.calls = new S3Calls(b.s3, b.bucket, b.maxAttempts, b.baseDelay, b.maxDelay, b.sleeper);
        int poolId = POOL_IDS.incrementAndGet();
        AtomicInteger threadIds = new AtomicInteger();
        ThreadFactory tf = r -> {
            Thread t = new Thread(r, "consentkit-s3-read-" + poolId + "-" + threadIds.incrementAndGet());
            t.setDaemon(true);
            return t;
        };
        this.readers = Executors.newFixedThreadPool(b.readParallelism, tf);
    }

    /** Starts configuring a store over {@code s3}; {@link Builder#bucket} is required. */
    public static Builder builder(S3Client s3) {
        return new Builder(s3);
    }

    /** The bucket. */
    public String bucket() {
        return bucket;
    }

    /** The normalised prefix (no leading or trailing slash; may be empty). */
    public String prefix() {
        return prefix;
    }

    /** This instance's writer id, part of every journal key it writes. */
    public String writerId() {
        return writerId;
    }

    @Override
    public StoreCapabilities capabilities() {
        return capabilities;
    }

    // ---- replay -------------------------------------------------------------------------------

    /** Everything read at one point in time: manifest, snapshot and the journal after it. */
    private record Loaded(Manifest manifest, String manifestEtag, byte[] snapshot, long listingMillis,
                          List<String> journalKeys, Map<String, byte[]> bodies) {
    }

    /**
     * Reads manifest, snapshot and every newer journal object, and feeds every row to
     * {@code sink} in journal order. Every object is decoded before the first row is fed, so a
     * malformed object fails the call without a partial replay.
     *
     * @throws io.consentkit.journal.JournalFormatException if an object is not in the journal schema
     * @throws ConsentStoreException                      if S3 cannot be read
     */
    @Override
    public void replay(Consumer<ConsentRecord> sink) {
        Objects.requireNonNull(sink, "sink");
        ensureOpen();
        pollLock.lock();
        try {
            Loaded l = load();
            List<ConsentRecord> rows = new ArrayList<>();
            if (l.snapshot() != null) {
                rows.addAll(JournalObjects.decode(l.snapshot(), uri(l.manifest().snapshotKey()), phones));
            }
            for (String k : l.journalKeys()) {
                rows.addAll(JournalObjects.decode(l.bodies().get(k), uri(k), phones));
            }
            synchronized (state) {
                replayed = true;
                floorKey = l.manifest() == null ? null : l.manifest().coveredThrough();
                lastListingMillis = Math.max(lastListingMillis, l.listingMillis());
                seen.clear();
                for (String k : l.journalKeys()) {
                    seen.add(k);
                    maxReadMillis = Math.max(maxReadMillis, keys.millisOf(k));
                }
                trimSeen();
            }
            LOG.debug("opened s3://{}/{}: {} snapshot row(s), {} journal object(s)", bucket, prefix,
                    l.manifest() == null ? 0 : l.manifest().rows(), l.journalKeys().size());
            for (ConsentRecord r : rows) {
                sink.accept(r);
            }
            if (autoCompactAfter > 0 && l.journalKeys().size() >= autoCompactAfter) {
                try {
                    CompactionResult c = compact(l);
                    LOG.info("compacted s3://{}/{} on open: {} journal object(s) folded into the snapshot", bucket,
                            prefix, c.journalObjects());
                } catch (RuntimeException e) {
                    LOG.warn("compaction on open of s3://{}/{} failed; the store works without it: {}", bucket, prefix,
                            e.toString());
                }
            }
        } finally {
            pollLock.unlock();
        }
    }

    private Loaded load() {
        for (int round = 1; ; round++) {
            S3Calls.Fetched mf = calls.getOrNull(keys.manifestKey());
            Manifest m = mf == null ? null : Manifest.parse(mf.bytes(), uri(keys.manifestKey()));
            byte[] snapshot = null;
            if (m != null) {
                S3Calls.Fetched snap = calls.getOrNull(m.snapshotKey());
                if (snap == null) {
                    // a compaction replaced the manifest and removed this snapshot after we read it
                    if (round < MAX_MANIFEST_REREADS) {
                        continue;
                    }
                    throw new ConsentStoreException("snapshot " + uri(m.snapshotKey())
                            + " named by the manifest does not exist (read " + round + " times)");
                }
                snapshot = snap.bytes();
            }
            long listingMillis = clock.millis();
            List<String> listed = calls.list(keys.journalPrefix(), m == null ? null : m.coveredThrough());
            List<String> journal = ours(listed);
            return new Loaded(m, mf == null ? null : mf.etag(), snapshot, listingMillis, journal, fetchAll(journal));
        }
    }

    private List<String> ours(List<String> listed) {
        List<String> out = new ArrayList<>(listed.size());
        for (String k : listed) {
            if (keys.millisOf(k) >= 0) {
                out.add(k);
            } else if (foreignWarned.add(k)) {
                LOG.warn("ignoring s3://{}/{}: not a ConsentKit journal key", bucket, k);
            }
        }
        return out;
    }

    private Map<String, byte[]> fetchAll(List<String> ks) {
        Map<String, byte[]> out = new HashMap<>();
        if (ks.size() == 1) {
            out.put(ks.get(0), calls.get(ks.get(0)).bytes());
            return out;
        }
        List<Future<byte[]>> futures = new ArrayList<>(ks.size());
        try {
            for (String k : ks) {
                futures.add(readers.submit(() -> calls.get(k).bytes()));
            }
            for (int i = 0; i < ks.size(); i++) {
                out.put(ks.get(i), futures.get(i).get());
            }
            return out;
        } catch (ExecutionException e) {
            Throwable c = e.getCause();
            if (c instanceof RuntimeException re) {
                throw re;
            }
            throw new ConsentStoreException("reading journal objects failed: " + c, c);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new ConsentStoreException("interrupted while reading journal objects", e);
        } catch (java.util.concurrent.RejectedExecutionException e) {
            throw new ConsentStoreException("S3 consent store is closed", e);
        } finally {
            for (Future<byte[]> f : futures) {
                f.cancel(true);
            }
        }
    }

    // ---- poll ---------------------------------------------------------------------------------

    /**
     * Rows other writers appended since the last {@link #replay} or poll, in key order; never
     * rows this instance appended. One LIST request (per 1000 keys in the late-write window)
     * plus one GET per new object.
     *
     * @throws ConsentStoreException if called before {@link #replay}, or S3 cannot be read
     */
    @Override
    public List<ConsentRecord> poll() {
        ensureOpen();
        pollLock.lock();
        try {
            String startAfter;
            synchronized (state) {
                if (!replayed) {
                    throw new ConsentStoreException("poll() before replay(): open the store through a ConsentTracker");
                }
                startAfter = keys.startAfterMillis(lastListingMillis - windowMillis);
                if (floorKey != null && floorKey.compareTo(startAfter) > 0) {
                    startAfter = floorKey;
                }
            }
            long listingMillis = clock.millis();
            List<String> listed = ours(calls.list(keys.journalPrefix(), startAfter));
            List<String> fresh = new ArrayList<>();
            synchronized (state) {
                for (String k : listed) {
                    if (!seen.contains(k) && !inFlight.contains(k)) {
                        fresh.add(k);
                    }
                }
            }
            Map<String, byte[]> bodies = fetchAll(fresh);
            List<ConsentRecord> rows = new ArrayList<>();
            for (String k : fresh) {
                rows.addAll(JournalObjects.decode(bodies.get(k), uri(k), phones));
            }
            synchronized (state) {
                for (String k : fresh) {
                    seen.add(k);
                    maxReadMillis = Math.max(maxReadMillis, keys.millisOf(k));
                }
                lastListingMillis = Math.max(lastListingMillis, listingMillis);
                trimSeen();
            }
            if (!fresh.isEmpty()) {
                LOG.debug("poll of s3://{}/{}: {} new object(s), {} row(s)", bucket, prefix, fresh.size(), rows.size());
            }
            return rows;
        } finally {
            pollLock.unlock();
        }
    }

    /** Forgets seen keys that the next listing cannot return. Caller holds {@code state}. */
    private void trimSeen() {
        seen.headSet(keys.startAfterMillis(lastListingMillis - windowMillis)).clear();
    }

    // ---- append -------------------------------------------------------------------------------

    /**
     * Writes the rows as one new journal object; durable in S3 when this returns.
     *
     * @throws ConsentStoreException if the object could not be written (after retries); it may
     *                               or may not have landed, and was not acknowledged
     */
    @Override
    public void append(List<ConsentRecord> rows) {
        Objects.requireNonNull(rows, "rows");
        ensureOpen();
        if (rows.isEmpty()) {
            return;
        }
        byte[] body = JournalObjects.encode(rows);
        String[] key = {mintKey()};
        boolean landed = false;
        try {
            putJournalObject(key, body);
            landed = true;
        } finally {
            if (landed) {
                synchronized (state) {
                    seen.add(key[0]);
                }
            }
            inFlight.remove(key[0]);
        }
    }

    private String mintKey() {
        synchronized (state) {
            long now = clock.millis();
            long m = Math.max(now, lastOwnMillis);
            if (maxReadMillis >= 0) {
                m = Math.max(m, Math.min(maxReadMillis + 1, now + windowMillis / 4));
            }
            lastOwnMillis = m;
            String k = keys.journalKey(m, writerId, ++seq);
            inFlight.add(k);
            return k;
        }
    }

    private void remint(String[] key) {
        String fresh = mintKey();
        inFlight.remove(key[0]);
        key[0] = fresh;
    }

    private void putJournalObject(String[] key, byte[] body) {
        int collisions = 0;
        for (int attempt = 1; ; attempt++) {
            PutObjectRequest req = PutObjectRequest.builder().bucket(bucket).key(key[0]).ifNoneMatch("*")
                    .contentType(CSV).overrideConfiguration(o -> o.apiCallAttemptTimeout(putAttemptTimeout)).build();
            try {
                s3.putObject(req, RequestBody.fromBytes(body));
                return;
            } catch (S3Exception e) {
                if (e.statusCode() == 412) {
                    S3Calls.Fetched existing = calls.getOrNull(key[0]);
                    if (existing != null && Arrays.equals(existing.bytes(), body)) {
                        return; // an earlier attempt of ours landed
                    }
                    if (++collisions > MAX_COLLISIONS) {
                        throw calls.wrap("PUT (key taken " + collisions + " times)", key[0], e);
                    }
                    LOG.warn("journal key s3://{}/{} is taken by another writer (are two stores using writer id '{}'?);"
                            + " writing the batch under a new key", bucket, key[0], writerId);
                    remint(key);
                    attempt--;
                    continue;
                }
                if (e.statusCode() != 409 && !S3Calls.isRetryable(e)) {
                    throw calls.wrap("PUT", key[0], e);
                }
                retryPause(key, body, attempt, e);
            } catch (SdkException e) {
                if (!S3Calls.isRetryable(e)) {
                    throw calls.wrap("PUT", key[0], e);
                }
                retryPause(key, body, attempt, e);
            }
        }
    }

    private void retryPause(String[] key, byte[] body, int attempt, SdkException e) {
        if (attempt >= calls.maxAttempts()) {
            throw calls.wrap("PUT (append not acknowledged after " + attempt + " attempts)", key[0], e);
        }
        LOG.debug("PUT {} attempt {} failed ({}), retrying", key[0], attempt, e.toString());
        calls.pause(attempt);
        if (clock.millis() - keys.millisOf(key[0]) > windowMillis / 2) {
            // Too old to be listed in time by pollers: keep it only if an earlier attempt landed.
            S3Calls.Fetched existing = calls.getOrNull(key[0]);
            if (existing == null || !Arrays.equals(existing.bytes(), body)) {
                remint(key);
            }
        }
    }

    // ---- compaction ---------------------------------------------------------------------------

    /**
     * Folds every journal object older than the late-write window into a new snapshot and
     * advances the manifest to it by compare-and-swap; retries from a fresh read when another
     * compaction wins. Safe to run from any number of writers at once. Costs 1 GET (manifest),
     * 1 GET (snapshot), 1 LIST per 1000 newer journal keys, 1 GET per journal object, 1 PUT
     * (snapshot), 1 PUT (manifest) and 1 DELETE (the superseded snapshot).
     *
     * @throws ConsentStoreException if S3 fails, or the race was lost 16 times in a row
     */
    public CompactionResult compact() {
        ensureOpen();
        return compact(null);
    }

    private CompactionResult compact(Loaded first) {
        Loaded l = first;
        int conflicts = 0;
        for (int attempt = 1; attempt <= MAX_CAS_ATTEMPTS; attempt++) {
            if (l == null) {
                l = load();
            }
            long cutoff = clock.millis() - windowMillis;
            List<String> covered = new ArrayList<>();
            for (String k : l.journalKeys()) {
                if (keys.millisOf(k) <= cutoff) {
                    covered.add(k);
                }
            }
            Manifest prev = l.manifest();
            long prevRows = prev == null ? 0 : prev.rows();
            if (covered.isEmpty()) {
                return new CompactionResult(false, 0, prevRows, conflicts);
            }
            List<ConsentRecord> rows = new ArrayList<>();
            for (String k : covered) {
                rows.addAll(JournalObjects.decode(l.bodies().get(k), uri(k), phones));
            }
            byte[] snapshot = JournalObjects.concat(l.snapshot(), rows);
            String through = covered.get(covered.size() - 1);
            String snapshotKey = keys.snapshotKey(keys.millisOf(through), writerId,
                    HexFormat.of().formatHex(randomBytes(6)));
            if (!calls.putConditional(snapshotKey, snapshot, "*", null, CSV).written()) {
                l = null; // a random key taken: start over with a new one
                continue;
            }
            Manifest next = new Manifest(snapshotKey, through, prevRows + rows.size(),
                    (prev == null ? 0 : prev.journalObjects()) + covered.size(), clock.instant(), writerId);
            S3Calls.PutOutcome cas = l.manifestEtag() == null
                    ? calls.putConditional(keys.manifestKey(), next.toJson(), "*", null, JSON)
                    : calls.putConditional(keys.manifestKey(), next.toJson(), null, l.manifestEtag(), JSON);
            if (cas.written()) {
                if (prev != null) {
                    calls.deleteQuietly(prev.snapshotKey());
                }
                LOG.info("compacted s3://{}/{}: {} journal object(s), {} row(s) added; snapshot has {} row(s)", bucket,
                        prefix, covered.size(), rows.size(), next.rows());
                return new CompactionResult(true, covered.size(), next.rows(), conflicts);
            }
            conflicts++;
            LOG.debug("compaction of s3://{}/{} lost the manifest race (attempt {}), re-reading", bucket, prefix,
                    attempt);
            calls.deleteQuietly(snapshotKey);
            l = null;
        }
        throw new ConsentStoreException("compaction of s3://" + bucket + "/" + prefix + " lost the manifest race "
                + MAX_CAS_ATTEMPTS + " times in a row; try again later");
    }

    // ---- lifecycle ----------------------------------------------------------------------------

    /** Stops reader threads; appends and reads afterwards throw. Does not close the S3Client. */
    @Override
    public void close() {
        closed = true;
        readers.shutdownNow();
    }

    private void ensureOpen() {
        if (closed) {
            throw new ConsentStoreException("S3 consent store s3://" + bucket + "/" + prefix + " is closed");
        }
    }

    private String uri(String key) {
        return "s3://" + bucket + "/" + key;
    }

    private static byte[] randomBytes(int n) {
        byte[] b = new byte[n];
        RANDOM.nextBytes(b);
        return b;
    }

    @Override
    public String toString() {
        return "S3ConsentStore[s3://" + bucket + "/" + prefix + ", writer " + writerId + "]";
    }

    /**
     * Configures an {@link S3ConsentStore}. Setters validate at once and name the field. Not
     * thread-safe.
     */
    public static final class Builder {
        private final S3Client s3;
        private String bucket;
        private String prefix = DEFAULT_PREFIX;
        private String writerId;
        private Clock clock = Clock.systemUTC();
        private Duration visibilityBound = DEFAULT_VISIBILITY_BOUND;
        private Duration lateWriteWindow = DEFAULT_LATE_WRITE_WINDOW;
        private int maxAttempts = DEFAULT_MAX_ATTEMPTS;
        private Duration baseDelay = DEFAULT_BASE_DELAY;
        private Duration maxDelay = DEFAULT_MAX_DELAY;
        private Sleeper sleeper = Sleeper.SYSTEM;
        private PhoneNumbers phones = PhoneNumbers.defaults();
        private int readParallelism = DEFAULT_READ_PARALLELISM;
        private int autoCompactAfter = DEFAULT_AUTO_COMPACT_AFTER;

        private Builder(S3Client s3) {
            if (s3 == null) {
                throw new InvalidInputException("s3", "is null");
            }
            this.s3 = s3;
        }

        /** The bucket (required): an S3 bucket name, 3 to 63 lower-case letters, digits, dots, hyphens. */
        public Builder bucket(String bucket) {
            if (bucket == null || !BUCKET.matcher(bucket).matches()) {
                throw new InvalidInputException("bucket", "'" + bucket + "' is not an S3 bucket name");
            }
            this.bucket = bucket;
            return this;
        }

        /**
         * Where in the bucket the journal lives, e.g. {@code "consentkit/prod"}; leading and
         * trailing slashes are ignored; empty means the bucket root. Default
         * {@value S3ConsentStore#DEFAULT_PREFIX}.
         * Every writer of one journal uses the same bucket and prefix.
         */
        public Builder prefix(String prefix) {
            if (prefix == null) {
                throw new InvalidInputException("prefix", "is null");
            }
            String p = prefix.strip();
            while (p.startsWith("/")) {
                p = p.substring(1);
            }
            while (p.endsWith("/")) {
                p = p.substring(0, p.length() - 1);
            }
            if (p.contains("//") || p.length() > 512) {
                throw new InvalidInputException("prefix", "'" + prefix + "' has an empty path segment or is too long");
            }
            this.prefix = p;
            return this;
        }

        /**
         * This writer's id in journal keys: 1 to 64 letters, digits, '_' or '.'; must differ
         * between writers that run at once (a clash is detected and survived, at one extra
         * request). Default: 12 random hex digits per store instance.
         */
        public Builder writerId(String writerId) {
            if (writerId == null || !WRITER_ID.matcher(writerId).matches()) {
                throw new InvalidInputException("writerId", "'" + writerId
                        + "' must be 1 to 64 letters, digits, '_' or '.'");
            }
            this.writerId = writerId;
            return this;
        }

        /** Time source for journal keys, listings and compaction cut-offs. Default {@link Clock#systemUTC()}. */
        public Builder clock(Clock clock) {
            this.clock = Objects.requireNonNull(clock, "clock");
            return this;
        }

        /**
         * How stale a tracker over this store may be: it refreshes before a lookup when its last
         * refresh is older than this, so an opt-out recorded on another machine blocks sends here
         * within this bound (plus one refresh). Default 5 s; each refresh with nothing new is one
         * LIST request.
         */
        public Builder visibilityBound(Duration bound) {
            if (bound == null || bound.isNegative() || bound.isZero()) {
                throw new InvalidInputException("visibilityBound", "must be positive");
            }
            this.visibilityBound = bound;
            return this;
        }

        /**
         * How late a journal object may become visible relative to the time in its key (clock
         * differences between writers plus the longest PUT). Polls re-list this much history and
         * compaction leaves objects younger than this in the journal. Default 30 s.
         */
        public Builder lateWriteWindow(Duration window) {
            if (window == null || window.toMillis() < 1 || window.compareTo(Duration.ofHours(1)) > 0) {
                throw new InvalidInputException("lateWriteWindow", "must be between 1 ms and 1 hour");
            }
            this.lateWriteWindow = window;
            return this;
        }

        /**
         * Retry policy for throttling (503 SlowDown), server errors and I/O failures:
         * {@code maxAttempts} tries per call (1 = no retry, at most 20), sleeping
         * {@code baseDelay} doubled after each failure up to {@code maxDelay}, with jitter.
         * Default 6 attempts, 100 ms, 5 s.
         */
        public Builder retries(int maxAttempts, Duration baseDelay, Duration maxDelay) {
            if (maxAttempts < 1 || maxAttempts > 20) {
                throw new InvalidInputException("maxAttempts", "must be between 1 and 20, was " + maxAttempts);
            }
            if (baseDelay == null || baseDelay.isNegative()) {
                throw new InvalidInputException("baseDelay", "must be zero or positive");
            }
            if (maxDelay == null || maxDelay.compareTo(baseDelay) < 0) {
                throw new InvalidInputException("maxDelay", "must be at least baseDelay");
            }
            this.maxAttempts = maxAttempts;
            this.baseDelay = baseDelay;
            this.maxDelay = maxDelay;
            return this;
        }

        /** How the store waits between retries. Default {@link Sleeper#SYSTEM}. */
        public Builder sleeper(Sleeper sleeper) {
            this.sleeper = Objects.requireNonNull(sleeper, "sleeper");
            return this;
        }

        /** How phone numbers in objects are read (matters only for non-E.164 imported rows). */
        public Builder phoneNumbers(PhoneNumbers phones) {
            this.phones = Objects.requireNonNull(phones, "phones");
            return this;
        }

        /** Journal objects read at once on open and poll (1 to 64). Default 8. */
        public Builder readParallelism(int n) {
            if (n < 1 || n > 64) {
                throw new InvalidInputException("readParallelism", "must be between 1 and 64, was " + n);
            }
            this.readParallelism = n;
            return this;
        }

        /**
         * Compact on open when at least this many journal objects follow the snapshot; 0 turns
         * it off (call {@link S3ConsentStore#compact()} yourself). Default 500.
         */
        public Builder autoCompactAfter(int journalObjects) {
            if (journalObjects < 0) {
                throw new InvalidInputException("autoCompactAfter", "must be zero or positive");
            }
            this.autoCompactAfter = journalObjects;
            return this;
        }

        /**
         * Builds the store. Makes no request: the tracker's open ({@link S3ConsentStore#replay})
         * reads the journal.
         *
         * @throws InvalidInputException if the bucket was not set
         */
        public S3ConsentStore build() {
            if (bucket == null) {
                throw new InvalidInputException("bucket", "is required");
            }
            return new S3ConsentStore(this);
        }
    }
}
