package io.consentkit.s3.internal;

import io.consentkit.journal.ConsentRecord;
import io.consentkit.journal.ConsentStoreException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Clock;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Compaction: folds journal objects into a new snapshot (the previous snapshot followed by their
 * rows) and advances the manifest to it by compare-and-swap on its ETag; the loser of a race
 * deletes its unused snapshot, re-reads and tries again.
 *
 * <p><b>Invariant</b>: the manifest's {@code covered_through} key K promises that every journal
 * key sorting at or before K has its rows in the snapshot, because opens list only after K. A
 * compaction therefore covers exactly the keys it read, and no key that could still be in
 * flight sorts before the last of them:
 * <ul>
 *   <li>the cut-off is taken from the clock just before the listing request, not after the
 *       objects were fetched (which can take longer than the window), and only keys strictly
 *       older than the late-write window at that moment are covered. Keys sort by their time
 *       field first, so every younger key, in flight or not, sorts after the covered ones. An
 *       older key is visible by then under the store's assumption (a writer's clock within the
 *       margin of the reader's, a PUT landing within the window of its key's time; the appender
 *       times attempts out at a quarter window and re-keys retries so that an acknowledged object
 *       landed within three quarters of a window of its key's time);</li>
 *   <li>this instance's own uploads in flight when the listing was sent are known exactly: the
 *       covered keys stop before the earliest of them even if it is older than the window;</li>
 *   <li>once the objects are read, just before the snapshot is written and the manifest
 *       advanced, the journal is listed again, and the covered keys stop before the first key
 *       there that sorts before their end but was not read (an upload that broke the assumption
 *       and landed during the compaction): the next compaction reads it.</li>
 * </ul>
 * Not public API. Thread-safe (any number of compactions may run at once).
 */
public final class Compactor {
    private static final Logger LOG = LoggerFactory.getLogger(Compactor.class);
    private static final String CSV = "text/csv; charset=utf-8";
    private static final String JSON = "application/json";
    private static final int MAX_CAS_ATTEMPTS = 16;

    private final S3Calls calls;
    private final JournalKeys keys;
    private final JournalLoader loader;
    private final Clock clock;
    private final long windowMillis;
    private final String writerId;
    private final int autoCompactAfter;
    private final String location;

    /**
     * What one compaction did.
     *
     * @param compacted      a new snapshot was written and the manifest advanced to it
     * @param journalObjects journal objects folded in by this compaction
     * @param snapshotRows   rows in the current snapshot afterwards
     * @param conflicts      manifest races lost before the end
     */
    public record Outcome(boolean compacted, int journalObjects, long snapshotRows, int conflicts) {
    }

    /**
     * @param autoCompactAfter journal objects after the snapshot that make an open compact (0: never)
     * @param location         {@code s3://bucket/prefix}, for messages
     */
    public Compactor(S3Calls calls, JournalKeys keys, JournalLoader loader, Clock clock, long windowMillis,
                     String writerId, int autoCompactAfter, String location) {
        this.calls = calls;
        this.keys = keys;
        this.loader = loader;
        this.clock = clock;
        this.windowMillis = windowMillis;
        this.writerId = writerId;
        this.autoCompactAfter = autoCompactAfter;
        this.location = location;
    }

    /**
     * Compacts from a fresh read.
     *
     * @throws ConsentStoreException if S3 fails, or the race was lost 16 times in a row
     */
    public Outcome compact() {
        return compact(null);
    }

    /**
     * Compacts from what an open just read, if it found at least {@code autoCompactAfter}
     * journal objects after the snapshot; a failure is logged, never thrown.
     */
    public void compactOnOpen(JournalLoader.Loaded opened) {
        if (autoCompactAfter > 0 && opened.journalKeys().size() >= autoCompactAfter) {
            try {
                Outcome c = compact(opened);
                LOG.info("compacted {} on open: {} journal object(s) folded into the snapshot", location,
                        c.journalObjects());
            } catch (RuntimeException e) {
                LOG.warn("compaction on open of {} failed; the store works without it: {}", location, e.toString());
            }
        }
    }

    private Outcome compact(JournalLoader.Loaded first) {
        JournalLoader.Loaded l = first;
        int conflicts = 0;
        // bodies read by earlier attempts: a retry reads only the new objects, so the loser of a
        // race is not always a full read behind the winner's next compaction
        Map<String, byte[]> read = new HashMap<>();
        for (int attempt = 1; attempt <= MAX_CAS_ATTEMPTS; attempt++) {
            if (l == null) {
                l = loader.load(read);
            }
            read.putAll(l.bodies());
            Manifest prev = l.manifest();
            long prevRows = prev == null ? 0 : prev.rows();
            List<String> covered = cover(l);
            if (covered.isEmpty()) {
                return new Outcome(false, 0, prevRows, conflicts);
            }
            List<ConsentRecord> rows = new ArrayList<>();
            for (String k : covered) {
                rows.addAll(loader.decode(k, l.bodies().get(k)));
            }
            JournalObjects.Snapshot chained = JournalObjects.concat(l.snapshot(), rows);
            byte[] snapshot = chained.bytes();
            String through = covered.get(covered.size() - 1);
            String snapshotKey = keys.snapshotKey(keys.millisOf(through), writerId, S3StoreSettings.randomHex(6));
            if (!calls.putConditional(snapshotKey, snapshot, "*", null, CSV).written()) {
                l = null; // a random key taken: start over with a new one
                continue;
            }
            Manifest next = new Manifest(snapshotKey, through, prevRows + rows.size(),
                    (prev == null ? 0 : prev.journalObjects()) + covered.size(), clock.instant(), writerId,
                    io.consentkit.journal.JournalChain.hex(chained.head()), prev == null ? null : prev.erasure());
            S3Calls.PutOutcome cas = l.manifestEtag() == null
                    ? calls.putConditional(keys.manifestKey(), next.toJson(), "*", null, JSON)
                    : calls.putConditional(keys.manifestKey(), next.toJson(), null, l.manifestEtag(), JSON);
            // a swap whose response was lost (the retry then fails its precondition) may have landed
            if (cas.written() || manifestNames(calls, keys, snapshotKey)) {
                if (prev != null) {
                    calls.deleteQuietly(prev.snapshotKey());
                }
                LOG.info("compacted {}: {} journal object(s), {} row(s) added; snapshot has {} row(s)", location,
                        covered.size(), rows.size(), next.rows());
                return new Outcome(true, covered.size(), next.rows(), conflicts);
            }
            conflicts++;
            LOG.debug("compaction of {} lost the manifest race (attempt {}), re-reading", location, attempt);
            calls.deleteQuietly(snapshotKey);
            l = null;
        }
        throw new ConsentStoreException("compaction of " + location + " lost the manifest race "
                + MAX_CAS_ATTEMPTS + " times in a row; try again later");
    }

    /**
     * True if the manifest now names {@code snapshotKey}: a conditional swap answered "precondition
     * failed" may be the retry of one that landed with its response lost, and then the snapshot it
     * wrote is the store's; deleting it would leave a manifest naming a missing snapshot.
     */
    static boolean manifestNames(S3Calls calls, JournalKeys keys, String snapshotKey) {
        S3Calls.Fetched mf = calls.getOrNull(keys.manifestKey());
        return mf != null && snapshotKey.equals(Manifest.parse(mf.bytes(), calls.uri(keys.manifestKey())).snapshotKey());
    }

    /**
     * The journal keys of {@code l} a new snapshot may cover: {@link #coverable} cut before any late
     * arrival ({@link #beforeLateArrivals}). An erasure covers the same keys.
     */
    List<String> cover(JournalLoader.Loaded l) {
        List<String> covered = coverable(l);
        return covered.isEmpty() ? covered : beforeLateArrivals(l.manifest(), covered);
    }

    /**
     * The journal keys this compaction may cover: the listed keys, in key order, up to (not
     * including) the first that is either not older than the late-write window at the time the
     * listing was sent, or not before this instance's own earliest upload in flight at that time.
     * Keys sort by their time field first, so every key that could still have been in flight
     * when the listing was sent (one younger than the window, or one of our own uploads) sorts
     * after the last key returned here: the snapshot covers exactly the keys it read.
     */
    private List<String> coverable(JournalLoader.Loaded l) {
        long cutoff = l.listingMillis() - windowMillis;
        String ownInFlight = l.ownInFlight();
        List<String> out = new ArrayList<>();
        for (String k : l.journalKeys()) {
            if (keys.millisOf(k) >= cutoff || (ownInFlight != null && k.compareTo(ownInFlight) >= 0)) {
                break;
            }
            out.add(k);
        }
        return out;
    }

    /**
     * Lists again once the objects are read, just before the snapshot is written and the
     * manifest advanced: {@code covered} cut before the first listed key that sorts before its
     * end but was not read. Finding one means an object landed later than the late-write window
     * allows; covering keys after it would hide it from every later open, so this compaction
     * stops before it and the next one reads it.
     */
    private List<String> beforeLateArrivals(Manifest prev, List<String> covered) {
        String through = covered.get(covered.size() - 1);
        Set<String> read = new HashSet<>(covered);
        for (String k : loader.list(prev == null ? null : prev.coveredThrough())) {
            if (k.compareTo(through) > 0) {
                break;
            }
            if (!read.contains(k)) {
                LOG.warn("compaction of {}: journal object {} appeared after the listing although it sorts before the"
                        + " cut-off (it became visible more than the late-write window after the time in its key:"
                        + " are the writers' clocks in step, are PUTs slow?); this compaction stops before it",
                        location, calls.uri(k));
                List<String> cut = new ArrayList<>();
                for (String c : covered) {
                    if (c.compareTo(k) < 0) {
                        cut.add(c);
                    }
                }
                return cut;
            }
        }
        return covered;
    }
}
