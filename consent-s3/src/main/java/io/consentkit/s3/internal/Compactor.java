package io.consentkit.s3.internal;

import io.consentkit.journal.ConsentRecord;
import io.consentkit.journal.ConsentStoreException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Clock;
import java.util.ArrayList;
import java.util.List;

/**
 * Compaction: folds the journal objects older than the late-write window into a new snapshot
 * (the previous snapshot followed by their rows) and advances the manifest to it by
 * compare-and-swap on its ETag; the loser of a race deletes its unused snapshot, re-reads and
 * tries again. Not public API. Thread-safe (any number of compactions may run at once).
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
        for (int attempt = 1; attempt <= MAX_CAS_ATTEMPTS; attempt++) {
            if (l == null) {
                l = loader.load();
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
                return new Outcome(false, 0, prevRows, conflicts);
            }
            List<ConsentRecord> rows = new ArrayList<>();
            for (String k : covered) {
                rows.addAll(loader.decode(k, l.bodies().get(k)));
            }
            byte[] snapshot = JournalObjects.concat(l.snapshot(), rows);
            String through = covered.get(covered.size() - 1);
            String snapshotKey = keys.snapshotKey(keys.millisOf(through), writerId, S3StoreSettings.randomHex(6));
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
}
