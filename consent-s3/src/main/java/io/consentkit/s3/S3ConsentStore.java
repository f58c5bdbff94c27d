package io.consentkit.s3;

import io.consentkit.InvalidInputException;
import io.consentkit.journal.ConsentRecord;
import io.consentkit.journal.JournalVerifier;
import io.consentkit.journal.JournalLimits;
import io.consentkit.journal.ConsentStoreException;
import io.consentkit.journal.SharedConsentStore;
import io.consentkit.journal.StoreCapabilities;
import io.consentkit.phone.PhoneNumbers;
import io.consentkit.store.JournalRewrite;
import io.consentkit.store.RewritableStore;
import io.consentkit.s3.internal.ChainCheck;
import io.consentkit.s3.internal.Compactor;
import io.consentkit.s3.internal.ConditionalWriteProbe;
import io.consentkit.s3.internal.JournalAppender;
import io.consentkit.s3.internal.JournalEraser;
import io.consentkit.s3.internal.JournalKeys;
import io.consentkit.s3.internal.JournalLoader;
import io.consentkit.s3.internal.JournalReader;
import io.consentkit.s3.internal.JournalState;
import io.consentkit.s3.internal.S3Calls;
import io.consentkit.s3.internal.S3StoreSettings;
import software.amazon.awssdk.services.s3.S3Client;

import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.function.Consumer;

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
 *       objects old enough to be complete, nothing folded away, so history stays whole; then
 *       advances {@code <prefix>/manifest.json} with {@code If-Match} on the ETag it read
 *       (compare-and-swap). A compaction that loses the race deletes its unused snapshot,
 *       re-reads and tries again. Journal objects are never deleted by the store (they are the
 *       raw audit trail; an {@linkplain #rewrite erasure} overwrites the ones holding the erased
 *       person with redacted copies); superseded snapshots are.</li>
 *   <li><b>What a snapshot covers.</b> The manifest names the last journal key in the snapshot,
 *       and opens list only the keys after it, so a compaction covers exactly the keys it read
 *       and stops before any key that could still be in flight: the keys strictly older than
 *       the late-write window <em>at the moment the listing request was sent</em> (keys sort by
 *       their time first, so every younger key sorts after them), never one at or after this
 *       instance's own earliest upload then in flight, and never one after a key that a second
 *       listing, just before the snapshot is written, shows but the compaction did not read.</li>
 *   <li><b>Conditional writes are checked</b> on the first open or compaction of each
 *       instance: a throwaway object under {@code <prefix>/probe/} (never listed) is created with
 *       {@code If-None-Match: *}, created again (must fail 412), written with {@code If-Match} on
 *       a wrong ETag (must fail 412) and deleted. A server that ignores or rejects either header
 *       is refused with {@link ConditionalWritesUnsupportedException}
 *       ({@link Builder#conditionalWriteProbe} turns the check off).</li>
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
 *       store keeps its own part: each PUT attempt times out after a quarter of the window (at
 *       least one second) and a retry whose key is older than three quarters of the window minus
 *       that timeout (half the window by default) is re-sent under a fresh key (after checking the
 *       first attempt did not land), so an acknowledged object landed at most three quarters of a
 *       window (or one attempt timeout, if longer) after its key's time on its writer's clock;
 *       writers' clocks must agree to within the rest.</li>
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
 * {@code s3:DeleteObject} on {@code <prefix>/snapshots/*} and {@code <prefix>/probe/*} for
 * removing superseded snapshots and probe objects (without it the store still works and logs a
 * warning); an {@linkplain #rewrite erasure} also deletes under {@code <prefix>/erasure/*} and, on a
 * versioned bucket, needs {@code s3:ListBucketVersions} and {@code s3:DeleteObjectVersion}.
 *
 * <p>{@link #close()} does not close the {@code S3Client}: it belongs to the caller. Thread-safe.
 */
public final class S3ConsentStore implements SharedConsentStore, RewritableStore {
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

    private final S3StoreSettings settings;
    private final StoreCapabilities capabilities;
    private final JournalLoader loader;
    private final S3Calls chainCalls;
    private final JournalReader reader;
    private final JournalAppender appender;
    private final Compactor compactor;
    private final JournalEraser eraser;
    /** Null when the builder turned the probe off. */
    private final ConditionalWriteProbe probe;
    private final Object probeLock = new Object();
    private volatile boolean probed;
    private volatile boolean closed;

    private S3ConsentStore(S3StoreSettings s) {
        this.settings = s;
        this.capabilities = new StoreCapabilities("s3", true, true, true, s.visibilityBound());
        S3Calls calls = s.calls();
        this.chainCalls = calls;
        JournalKeys keys = new JournalKeys(s.prefix());
        JournalState state = new JournalState(keys, s.writerId(), s.clock(), s.windowMillis());
        this.loader = new JournalLoader(calls, keys, s.clock(), state::earliestInFlight, s.phones(),
                s.readParallelism());
        this.compactor = new Compactor(calls, keys, loader, s.clock(), s.windowMillis(), s.writerId(),
                s.autoCompactAfter(), s.location());
        this.eraser = new JournalEraser(calls, keys, loader, compactor, s.clock(), s.windowMillis(), s.writerId(),
                s.phones(), s.location());
        this.reader = new JournalReader(loader, state, compactor, s.clock(), s.location());
        this.appender = new JournalAppender(calls, keys, state, s.clock(), s.windowMillis(), s.putAttemptTimeout(),
                s.writerId());
        this.probe = s.probeConditionalWrites() ? new ConditionalWriteProbe(calls, keys, s.writerId()) : null;
    }

    /** Starts configuring a store over {@code s3}; {@link Builder#bucket} is required. */
    public static Builder builder(S3Client s3) {
        return new Builder(s3);
    }

    /** The bucket. */
    public String bucket() {
        return settings.bucket();
    }

    /** The normalised prefix (no leading or trailing slash; may be empty). */
    public String prefix() {
        return settings.prefix();
    }

    /** This instance's writer id, part of every journal key it writes. */
    public String writerId() {
        return settings.writerId();
    }

    @Override
    public StoreCapabilities capabilities() {
        return capabilities;
    }

    /**
     * Reads manifest, snapshot and every newer journal object, and feeds every row to
     * {@code sink} in journal order. Every object is decoded before the first row is fed, so a
     * malformed object fails the call without a partial replay.
     *
     * The first call (or the first {@link #compact()}) of this instance first checks that the
     * server enforces conditional writes (see {@link Builder#conditionalWriteProbe}).
     *
     * @throws ConditionalWritesUnsupportedException if the server ignores or rejects
     *                                               {@code If-None-Match} or {@code If-Match}
     * @throws io.consentkit.journal.JournalFormatException if an object is not in the journal schema
     * @throws ConsentStoreException                      if S3 cannot be read
     */
    @Override
    public void replay(Consumer<ConsentRecord> sink) {
        Objects.requireNonNull(sink, "sink");
        ensureOpen();
        ensureConditionalWrites();
        reader.replay(sink);
    }

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
        return reader.poll();
    }

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
        rows.forEach(JournalLimits::check); // before any request: an over-limit batch writes nothing
        appender.append(rows);
    }

    /**
     * Folds the journal objects older than the late-write window at the moment the journal is
     * listed into a new snapshot (stopping before any append of this instance still in flight,
     * and before any key that turns up unread below the cut-off) and advances the manifest to
     * it by compare-and-swap; retries from a fresh read when another
     * compaction wins. Safe to run from any number of writers at once. Costs 1 GET (manifest),
     * 1 GET (snapshot), 2 LIST per 1000 newer journal keys (before reading, and again before
     * writing the snapshot), 1 GET per journal object, 1 PUT (snapshot), 1 PUT (manifest) and 1
     * DELETE (the superseded snapshot); on the instance's first call, also the conditional-write
     * probe (3 PUT, 1 DELETE).
     *
     * @throws ConditionalWritesUnsupportedException if this instance has not probed the server
     *                                               yet and the probe finds conditional writes
     *                                               not enforced
     * @throws ConsentStoreException if S3 fails, or the race was lost 16 times in a row
     */
    public CompactionResult compact() {
        ensureOpen();
        ensureConditionalWrites();
        eraser.finishPendingQuietly();
        Compactor.Outcome o = compactor.compact();
        return new CompactionResult(o.compacted(), o.journalObjects(), o.snapshotRows(), o.conflicts());
    }

    /**
     * Rewrites the journal through the compaction path (the erasure of
     * {@link io.consentkit.retention.Erasure#builder(RewritableStore)}) while other instances keep
     * appending: waits until the journal objects listed at the start are older than the late-write window,
     * stages a new snapshot (replaced rows keep their recorded chain digests and links) and redacted copies
     * of the journal objects holding replaced rows, swaps the manifest with {@code If-Match}, then
     * overwrites those objects, deletes the superseded snapshots and their old versions. Before the swap a
     * failure changes nothing; after it the manifest records what is left and the next rewrite or
     * {@link #compact()} finishes it. What cannot be removed (Object Lock, missing version permissions,
     * copies outside the bucket) and how running trackers see it: {@code docs/retention.md}, "Erasure on S3".
     *
     * @return the rows in the store afterwards
     * @throws io.consentkit.ConsentKitException the rewrite's own refusal (nothing was changed)
     * @throws ConsentStoreException if S3 fails or the manifest race is lost before the swap (nothing was
     *                               changed), or after it (the rewrite is committed; run it again to finish)
     */
    @Override
    public long rewrite(JournalRewrite rewrite) {
        Objects.requireNonNull(rewrite, "rewrite");
        ensureOpen();
        ensureConditionalWrites();
        return eraser.rewrite(rewrite);
    }

    /**
     * Checks the store's tamper-evidence chain (chain per object, with the manifest; see
     * {@code docs/architecture.md}): the snapshot as one chain that must end at the manifest's recorded
     * head and row count, and each journal object after it on its own. Reads only.
     *
     * @return one result per object, the snapshot's first; all {@link JournalVerifier.Result#ok()} if
     *         nothing was changed, deleted from or reordered within an object (objects written before
     *         the chain are reported as unchained)
     * @throws ConsentStoreException if S3 cannot be read
     */
    public List<JournalVerifier.Result> verifyChain() {
        ensureOpen();
        return ChainCheck.run(loader, chainCalls);
    }

    /** Stops reader threads; appends and reads afterwards throw. Does not close the S3Client. */
    @Override
    public void close() {
        closed = true;
        loader.close();
    }

    /** Runs the conditional-write probe once per instance; a failed probe is run again next time. */
    private void ensureConditionalWrites() {
        if (probed || probe == null) {
            return;
        }
        synchronized (probeLock) {
            if (!probed) {
                String wrong = probe.run();
                if (wrong != null) {
                    throw new ConditionalWritesUnsupportedException(settings.location(), wrong);
                }
                probed = true;
            }
        }
    }

    private void ensureOpen() {
        if (closed) {
            throw new ConsentStoreException("S3 consent store " + settings.location() + " is closed");
        }
    }

    @Override
    public String toString() {
        return "S3ConsentStore[" + settings.location() + ", writer " + settings.writerId() + "]";
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
        private boolean conditionalWriteProbe = true;

        private Builder(S3Client s3) {
            this.s3 = S3StoreSettings.checkS3(s3);
        }

        /** The bucket (required): an S3 bucket name, 3 to 63 lower-case letters, digits, dots, hyphens. */
        public Builder bucket(String bucket) {
            this.bucket = S3StoreSettings.checkBucket(bucket);
            return this;
        }

        /**
         * Where in the bucket the journal lives, e.g. {@code "consentkit/prod"}; leading and
         * trailing slashes are ignored; empty means the bucket root. Default
         * {@value S3ConsentStore#DEFAULT_PREFIX}.
         * Every writer of one journal uses the same bucket and prefix.
         */
        public Builder prefix(String prefix) {
            this.prefix = S3StoreSettings.normalisePrefix(prefix);
            return this;
        }

        /**
         * This writer's id in journal keys: 1 to 64 letters, digits, '_' or '.'; must differ
         * between writers that run at once (a clash is detected and survived, at one extra
         * request). Default: 12 random hex digits per store instance.
         */
        public Builder writerId(String writerId) {
            this.writerId = S3StoreSettings.checkWriterId(writerId);
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
            this.visibilityBound = S3StoreSettings.checkVisibilityBound(bound);
            return this;
        }

        /**
         * How late a journal object may become visible relative to the time in its key (clock
         * differences between writers plus the longest PUT). Polls re-list this much history and
         * compaction leaves objects younger than this in the journal. Default 30 s.
         */
        public Builder lateWriteWindow(Duration window) {
            this.lateWriteWindow = S3StoreSettings.checkLateWriteWindow(window);
            return this;
        }

        /**
         * Retry policy for throttling (503 SlowDown), server errors and I/O failures:
         * {@code maxAttempts} tries per call (1 = no retry, at most 20), sleeping
         * {@code baseDelay} doubled after each failure up to {@code maxDelay}, with jitter.
         * Default 6 attempts, 100 ms, 5 s.
         */
        public Builder retries(int maxAttempts, Duration baseDelay, Duration maxDelay) {
            S3StoreSettings.checkRetries(maxAttempts, baseDelay, maxDelay);
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
            this.readParallelism = S3StoreSettings.checkReadParallelism(n);
            return this;
        }

        /**
         * Compact on open when at least this many journal objects follow the snapshot; 0 turns
         * it off (call {@link S3ConsentStore#compact()} yourself). Default 500.
         */
        public Builder autoCompactAfter(int journalObjects) {
            this.autoCompactAfter = S3StoreSettings.checkAutoCompactAfter(journalObjects);
            return this;
        }

        /**
         * Whether this store checks, on its first open ({@link S3ConsentStore#replay}) or
         * compaction, that the server enforces {@code If-None-Match: *} and {@code If-Match} on
         * PUT, and refuses to work with {@link ConditionalWritesUnsupportedException} if it does
         * not. The check writes one object under {@code <prefix>/probe/}, which no listing reads,
         * and deletes it: 3 PUT and 1 DELETE per store instance. Default true. Turn it off only
         * for a server you have verified yourself: over one that ignores either header, writers
         * can overwrite each other's journal objects and concurrent compactions can drop rows.
         */
        public Builder conditionalWriteProbe(boolean probe) {
            this.conditionalWriteProbe = probe;
            return this;
        }

        /**
         * Validates the settings as a whole and builds the store; the builder can be changed
         * and used again afterwards without affecting it. Makes no request: the tracker's open
         * ({@link S3ConsentStore#replay}) reads the journal.
         *
         * @throws InvalidInputException if the bucket was not set
         */
        public S3ConsentStore build() {
            return new S3ConsentStore(new S3StoreSettings(s3, bucket, prefix,
                    writerId != null ? writerId : S3StoreSettings.randomWriterId(), clock, visibilityBound,
                    lateWriteWindow, maxAttempts, baseDelay, maxDelay, sleeper::sleep, phones, readParallelism,
                    autoCompactAfter, conditionalWriteProbe));
        }
    }
}
