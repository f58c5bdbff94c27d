package io.consentkit.s3.internal;

import io.consentkit.journal.ConsentStoreException;

import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;

/**
 * What one store instance knows about its journal, shared by its writer and its reader: the
 * hybrid logical clock of its keys (never behind its own previous key, nor, within a quarter of
 * the late-write window, behind any key it has read), the keys it has seen within the late-write
 * window, the keys it is writing, and where the next poll lists from. Not public API. Thread-safe.
 */
public final class JournalState {
    private final JournalKeys keys;
    private final String writerId;
    private final Clock clock;
    private final long windowMillis;

    /** Guards the fields below. */
    private final Object lock = new Object();
    private long lastOwnMillis = -1;
    private long seq;
    private long maxReadMillis = -1;
    private boolean replayed;
    private long lastListingMillis;
    private String floorKey;
    private final TreeSet<String> seen = new TreeSet<>();
    /** Keys this instance is writing: never handed out by poll. */
    private final Set<String> inFlight = ConcurrentHashMap.newKeySet();

    public JournalState(JournalKeys keys, String writerId, Clock clock, long windowMillis) {
        this.keys = keys;
        this.writerId = writerId;
        this.clock = clock;
        this.windowMillis = windowMillis;
    }

    // ---- writer side --------------------------------------------------------------------------

    /** A new key for one of our journal objects, registered as in flight. */
    public String mint() {
        synchronized (lock) {
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

    /** Our object under {@code key} is in S3: polls must not hand it out. */
    public void landed(String key) {
        synchronized (lock) {
            seen.add(key);
        }
    }

    /** We stopped writing under {@code key} (it landed, failed, or was replaced by a fresh key). */
    public void released(String key) {
        inFlight.remove(key);
    }

    /**
     * The smallest key this instance is writing right now, or null. A key minted after this call
     * sorts at or after the clock's time of the call, since {@link #mint} never goes behind the
     * clock.
     */
    public String earliestInFlight() {
        String min = null;
        for (String k : inFlight) {
            if (min == null || k.compareTo(min) < 0) {
                min = k;
            }
        }
        return min;
    }

    // ---- reader side --------------------------------------------------------------------------

    /**
     * A replay read everything up to {@code journalKeys}, listed at {@code listingMillis}, after the
     * snapshot that covers {@code floorKey} (null without a manifest).
     */
    public void replayed(String floorKey, long listingMillis, List<String> journalKeys) {
        synchronized (lock) {
            replayed = true;
            this.floorKey = floorKey;
            lastListingMillis = Math.max(lastListingMillis, listingMillis);
            seen.clear();
            for (String k : journalKeys) {
                seen.add(k);
                maxReadMillis = Math.max(maxReadMillis, keys.millisOf(k));
            }
            trimSeen();
        }
    }

    /**
     * The {@code start-after} of the next poll's listing: the late-write window before the
     * previous listing, never before the snapshot's last key.
     *
     * @throws ConsentStoreException before the first replay
     */
    public String pollStartAfter() {
        synchronized (lock) {
            if (!replayed) {
                throw new ConsentStoreException("poll() before replay(): open the store through a ConsentTracker");
            }
            String startAfter = keys.startAfterMillis(lastListingMillis - windowMillis);
            if (floorKey != null && floorKey.compareTo(startAfter) > 0) {
                startAfter = floorKey;
            }
            return startAfter;
        }
    }

    /** The listed keys neither seen yet nor being written by us, in listing order. */
    public List<String> unseen(List<String> listed) {
        List<String> fresh = new ArrayList<>();
        synchronized (lock) {
            for (String k : listed) {
                if (!seen.contains(k) && !inFlight.contains(k)) {
                    fresh.add(k);
                }
            }
        }
        return fresh;
    }

    /** A poll read {@code fresh} from a listing made at {@code listingMillis}. */
    public void polled(List<String> fresh, long listingMillis) {
        synchronized (lock) {
            for (String k : fresh) {
                seen.add(k);
                maxReadMillis = Math.max(maxReadMillis, keys.millisOf(k));
            }
            lastListingMillis = Math.max(lastListingMillis, listingMillis);
            trimSeen();
        }
    }

    /** Forgets seen keys that the next listing cannot return. Caller holds {@code lock}. */
    private void trimSeen() {
        seen.headSet(keys.startAfterMillis(lastListingMillis - windowMillis)).clear();
    }
}
