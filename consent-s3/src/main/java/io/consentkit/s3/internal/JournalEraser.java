package io.consentkit.s3.internal;

import io.consentkit.journal.ConsentRecord;
import io.consentkit.journal.ConsentStoreException;
import io.consentkit.journal.JournalChain;
import io.consentkit.phone.PhoneNumbers;
import io.consentkit.store.JournalRewrite;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.locks.ReentrantLock;

/**
 * An erasure ({@link io.consentkit.store.RewritableStore#rewrite}) of the S3 store, through the
 * compaction path. In order:
 * <ol>
 *   <li><b>Wait</b> until every journal object listed when the erasure starts can be covered as a
 *       compaction covers it (older than the late-write window, none of this instance's uploads in
 *       flight before it, no late arrival), at most a few windows; then read the manifest, the
 *       snapshot, the covered objects, every journal object the snapshot already covers, and the list
 *       of snapshot objects.</li>
 *   <li><b>Rewrite in memory</b>: the rewrite inspects the snapshot's rows then the covered objects'
 *       rows, may refuse (nothing has been written), and replaces rows; the new snapshot is the old one
 *       with its replaced rows' cells changed (recorded digests and links kept), then the covered rows,
 *       then the rewrite's appended rows, chained on. Each journal object holding a replaced row gets a
 *       redacted body the same way (its own chain's digests and links kept).</li>
 *   <li><b>Stage</b> (nothing is read as current yet): the redacted bodies under
 *       {@code <prefix>/erasure/<id>/objects/}, a plan naming what to overwrite and which snapshot
 *       objects to delete, and the new snapshot, all create-only.</li>
 *   <li><b>Commit</b>: the manifest swapped to the new snapshot with {@code If-Match} on the ETag read in
 *       step 1, recording the staging prefix. A lost race (a compaction or another erasure moved the
 *       manifest) deletes the staged objects and refuses the erasure: nothing was changed.</li>
 *   <li><b>Finish</b>: each journal object holding a replaced row is overwritten with its redacted body,
 *       every snapshot listed in step 1 is deleted, on a versioned bucket the old versions of all of them
 *       too ({@link ObjectVersions}), then the manifest's record of the erasure is cleared and the staged
 *       objects deleted. A failure here leaves the erasure committed (opens read only the redacted
 *       snapshot); the next erasure or compaction finishes it first.</li>
 * </ol>
 * Journal objects appended after the covered ones are left as they are: their rows are after the
 * erasure (it neither inspects nor changes them), and appends never touch the manifest, so no append
 * racing an erasure is lost. Not public API. Thread-safe; rewrites of one instance run one at a time.
 */
public final class JournalEraser {
    private static final Logger LOG = LoggerFactory.getLogger(JournalEraser.class);
    private static final String CSV = "text/csv; charset=utf-8";
    private static final String JSON = "application/json";
    private static final String PLAN = "plan.txt";
    private static final String PLAN_FORMAT = "consentkit-s3-erasure/1";
    private static final int MAX_WAITS = 8;
    private static final int MAX_CLEAR_ATTEMPTS = 16;

    private final S3Calls calls;
    private final JournalKeys keys;
    private final JournalLoader loader;
    private final Compactor compactor;
    private final Clock clock;
    private final long windowMillis;
    private final String writerId;
    private final PhoneNumbers phones;
    private final String location;
    private final ReentrantLock lock = new ReentrantLock();

    public JournalEraser(S3Calls calls, JournalKeys keys, JournalLoader loader, Compactor compactor, Clock clock,
                         long windowMillis, String writerId, PhoneNumbers phones, String location) {
        this.calls = calls;
        this.keys = keys;
        this.loader = loader;
        this.compactor = compactor;
        this.clock = clock;
        this.windowMillis = windowMillis;
        this.writerId = writerId;
        this.phones = phones;
        this.location = location;
    }

    /**
     * Finishes an erasure a crash or a failure left committed but unfinished, then runs {@code rewrite}.
     *
     * @return rows in the store afterwards (the rows read when nothing changed)
     */
    public long rewrite(JournalRewrite rewrite) {
        lock.lock();
        try {
            finishPending();
            return run(rewrite);
        } finally {
            lock.unlock();
        }
    }

    /**
     * Finishes the erasure the manifest records as unfinished, if any.
     *
     * @throws ConsentStoreException if an object cannot be overwritten or deleted (it stays recorded)
     */
    public void finishPending() {
        S3Calls.Fetched mf = calls.getOrNull(keys.manifestKey());
        if (mf != null) {
            Manifest m = Manifest.parse(mf.bytes(), calls.uri(keys.manifestKey()));
            if (m.erasure() != null) {
                LOG.info("finishing the erasure {} in {}", m.erasure(), location);
                finish(m.erasure());
            }
        }
    }

    /** {@link #finishPending()}, logging a failure instead of throwing (before a compaction). */
    public void finishPendingQuietly() {
        lock.lock();
        try {
            finishPending();
        } catch (ConsentStoreException e) {
            LOG.warn("{}: an unfinished erasure could not be finished: {}", location, e.getMessage());
        } finally {
            lock.unlock();
        }
    }

    private long run(JournalRewrite rewrite) {
        JournalLoader.Loaded l = loader.load();
        String target = l.journalKeys().isEmpty() ? null : l.journalKeys().get(l.journalKeys().size() - 1);
        List<String> covered = compactor.cover(l);
        for (int wait = 1; !coversThrough(l, covered, target); wait++) {
            if (wait > MAX_WAITS) {
                throw new ConsentStoreException("cannot erase from " + location + ": journal object " + calls.uri(target)
                        + " still cannot be compacted (younger than the late-write window, or behind an upload of "
                        + "this store still in flight); nothing was changed; try again");
            }
            long until = keys.millisOf(target) + windowMillis + 1 - clock.millis();
            calls.sleep(Duration.ofMillis(Math.max(until, calls.backoff(wait).toMillis())));
            l = loader.load();
            covered = compactor.cover(l);
        }
        Manifest prev = l.manifest();
        String through = !covered.isEmpty() ? covered.get(covered.size() - 1) : prev == null ? null
                : prev.coveredThrough();
        List<String> older = new ArrayList<>();
        if (prev != null) {
            for (String k : loader.list(null)) {
                if (k.compareTo(prev.coveredThrough()) <= 0) {
                    older.add(k);
                }
            }
        }
        Map<String, byte[]> olderBodies = older.isEmpty() ? Map.of() : loader.fetchAll(older);
        List<String> snapshots = calls.list(keys.snapshotPrefix(), null);

        List<ConsentRecord> snapshotRows = l.snapshot() == null ? List.of()
                : loader.decode(prev.snapshotKey(), l.snapshot());
        List<ConsentRecord> folded = new ArrayList<>();
        for (String k : covered) {
            folded.addAll(loader.decode(k, l.bodies().get(k)));
        }
        long after = 0;
        for (String k : l.journalKeys().subList(covered.size(), l.journalKeys().size())) {
            after += loader.decode(k, l.bodies().get(k)).size();
        }
        snapshotRows.forEach(rewrite::inspect);
        folded.forEach(rewrite::inspect);
        if (!rewrite.check() || through == null) {
            return snapshotRows.size() + folded.size() + after;
        }

        Map<ConsentRecord, ConsentRecord> replaced = new HashMap<>();
        RedactedObjects.Body base = l.snapshot() == null ? null : RedactedObjects.rewrite(l.snapshot(),
                calls.uri(prev.snapshotKey()), phones, r -> remember(replaced, r, rewrite.replace(r)));
        List<ConsentRecord> foldedInstead = new ArrayList<>(folded.size());
        for (ConsentRecord r : folded) {
            foldedInstead.add(remember(replaced, r, rewrite.replace(r)));
        }
        List<ConsentRecord> appended = List.copyOf(rewrite.appended());
        JournalObjects.Snapshot snapshot = RedactedObjects.snapshot(base == null ? null : base.bytes(), folded,
                foldedInstead, appended);
        long rows = snapshotRows.size() + folded.size() + appended.size();

        Map<String, Scrub> scrub = new LinkedHashMap<>();
        for (String k : older) {
            scrubbed(scrub, k, olderBodies.get(k), replaced);
        }
        for (String k : covered) {
            scrubbed(scrub, k, l.bodies().get(k), replaced);
        }
        String staging = keys.erasureStaging(clock.millis(), writerId, S3StoreSettings.randomHex(6));
        String snapshotKey = keys.snapshotKey(keys.millisOf(through), writerId, S3StoreSettings.randomHex(6));
        Manifest next = new Manifest(snapshotKey, through, rows, (prev == null ? 0 : prev.journalObjects())
                + covered.size(), clock.instant(), writerId, JournalChain.hex(snapshot.head()), staging);
        commit(l, staging, scrub, snapshots, snapshotKey, snapshot.bytes(), next);
        LOG.info("erased in {}: {} row(s) replaced, {} added, {} journal object(s) to redact, {} snapshot(s) to "
                + "delete", location, replaced.size(), appended.size(), scrub.size(), snapshots.size());
        try {
            finish(staging);
        } catch (RuntimeException e) {
            throw new ConsentStoreException("the erasure in " + location + " is committed (opens read only the "
                    + "redacted snapshot) but removing the old copies failed: " + e.getMessage() + "; run it again (or "
                    + "compact the store) to finish", e);
        }
        return rows + after;
    }

    /** True if the snapshot (a compaction may have run meanwhile) or {@code covered} reaches {@code target}. */
    private static boolean coversThrough(JournalLoader.Loaded l, List<String> covered, String target) {
        return target == null || (l.manifest() != null && l.manifest().coveredThrough().compareTo(target) >= 0)
                || (!covered.isEmpty() && covered.get(covered.size() - 1).compareTo(target) >= 0);
    }

    private static ConsentRecord remember(Map<ConsentRecord, ConsentRecord> replaced, ConsentRecord row,
                                          ConsentRecord instead) {
        if (instead != null) {
            replaced.put(row, instead);
        }
        return instead;
    }

    /** A journal object to overwrite: the body the erasure read and its redacted body. */
    private record Scrub(byte[] original, byte[] redacted) {
    }

    private void scrubbed(Map<String, Scrub> scrub, String key, byte[] body, Map<ConsentRecord, ConsentRecord> replaced) {
        RedactedObjects.Body b = RedactedObjects.rewrite(body, calls.uri(key), phones, replaced::get);
        if (b.changed()) {
            scrub.put(key, new Scrub(body, b.bytes()));
        }
    }

    /** Stages the objects and swaps the manifest; on any failure deletes what it staged and throws. */
    private void commit(JournalLoader.Loaded l, String staging, Map<String, Scrub> scrub, List<String> snapshots,
                        String snapshotKey, byte[] snapshot, Manifest next) {
        List<String> written = new ArrayList<>();
        try {
            StringBuilder plan = new StringBuilder(PLAN_FORMAT).append('\n');
            for (Map.Entry<String, Scrub> e : scrub.entrySet()) {
                // its ETag: the finish overwrites only this version (never one a later erasure redacted further)
                S3Calls.Fetched now = calls.get(e.getKey());
                if (!java.util.Arrays.equals(now.bytes(), e.getValue().original())) {
                    throw new ConsentStoreException(calls.uri(e.getKey()) + " changed while the erasure read it");
                }
                String staged = staging + "objects/" + e.getKey().substring(keys.root().length());
                create(staged, e.getValue().redacted(), CSV, written);
                plan.append("put\t").append(e.getKey()).append('\t').append(staged).append('\t').append(now.etag())
                        .append('\n');
            }
            for (String s : snapshots) {
                plan.append("delete\t").append(s).append('\n');
            }
            create(staging + PLAN, plan.toString().getBytes(StandardCharsets.UTF_8), "text/plain; charset=utf-8",
                    written);
            create(snapshotKey, snapshot, CSV, written);
            S3Calls.PutOutcome cas = l.manifestEtag() == null
                    ? calls.putConditional(keys.manifestKey(), next.toJson(), "*", null, JSON)
                    : calls.putConditional(keys.manifestKey(), next.toJson(), null, l.manifestEtag(), JSON);
            if (!cas.written() && !namesOurSnapshot(snapshotKey)) {
                throw new ConsentStoreException("the erasure in " + location + " lost the manifest race to a compaction "
                        + "or another erasure; nothing was changed; run it again");
            }
        } catch (RuntimeException e) {
            for (String w : written) {
                calls.deleteQuietly(w, "unused erasure object");
            }
            if (e instanceof ConsentStoreException cse && cse.getMessage().contains("nothing was changed")) {
                throw cse;
            }
            throw new ConsentStoreException("cannot erase from " + location + ": " + e.getMessage()
                    + "; nothing was changed", e);
        }
    }

    /** A swap whose response was lost and whose retry then failed its precondition may still have landed. */
    private boolean namesOurSnapshot(String snapshotKey) {
        return Compactor.manifestNames(calls, keys, snapshotKey);
    }

    private void create(String key, byte[] body, String type, List<String> written) {
        if (!calls.putConditional(key, body, "*", null, type).written()) {
            throw new ConsentStoreException(calls.uri(key) + " exists already");
        }
        written.add(key);
    }

    /** Carries out the plan under {@code staging}, clears the manifest's record of it, deletes the staged objects. */
    private void finish(String staging) {
        S3Calls.Fetched plan = calls.getOrNull(staging + PLAN);
        List<String> staged = new ArrayList<>();
        if (plan != null) {
            String[] lines = new String(plan.bytes(), StandardCharsets.UTF_8).split("\n");
            if (!PLAN_FORMAT.equals(lines[0])) {
                throw new ConsentStoreException(calls.uri(staging + PLAN) + " has format '" + lines[0] + "', expected '"
                        + PLAN_FORMAT + "'");
            }
            for (int i = 1; i < lines.length; i++) {
                String[] f = lines[i].split("\t");
                if (f.length == 4 && f[0].equals("put")) {
                    S3Calls.Fetched body = calls.getOrNull(f[2]);
                    if (body != null) {
                        // a failed precondition: done before (by this erasure, or one after it)
                        calls.putConditional(f[1], body.bytes(), null, f[3], CSV);
                    }
                    ObjectVersions.deleteOld(calls, f[1], true);
                    staged.add(f[2]);
                } else if (f.length == 2 && f[0].equals("delete")) {
                    calls.delete(f[1]);
                    ObjectVersions.deleteOld(calls, f[1], false);
                }
            }
        }
        // snapshots superseded by compactions before this erasure: their old versions (a versioned bucket)
        ObjectVersions.purge(calls, keys.snapshotPrefix(), true, true);
        clearRecord(staging);
        staged.add(staging + PLAN);
        for (String s : staged) {
            calls.deleteQuietly(s, "staged erasure object");
        }
        ObjectVersions.purge(calls, staging, true, false);
    }

    private void clearRecord(String staging) {
        for (int attempt = 1; attempt <= MAX_CLEAR_ATTEMPTS; attempt++) {
            S3Calls.Fetched mf = calls.getOrNull(keys.manifestKey());
            if (mf == null) {
                return;
            }
            Manifest m = Manifest.parse(mf.bytes(), calls.uri(keys.manifestKey()));
            if (!staging.equals(m.erasure())) {
                return;
            }
            if (calls.putConditional(keys.manifestKey(), m.withErasure(null).toJson(), null, mf.etag(), JSON).written()) {
                return;
            }
        }
        throw new ConsentStoreException("cannot clear the finished erasure from " + calls.uri(keys.manifestKey())
                + ": the manifest kept changing; the next erasure or compaction clears it");
    }
}
