package io.consentkit.s3.internal;

import io.consentkit.journal.ConsentRecord;
import io.consentkit.journal.ConsentStoreException;
import io.consentkit.phone.PhoneNumbers;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Clock;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;

/**
 * Reads the journal: manifest, snapshot, listings of journal keys, and journal objects fetched
 * in parallel on its own daemon threads. Keeps no journal state. Not public API. Thread-safe.
 */
public final class JournalLoader implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(JournalLoader.class);
    private static final int MAX_MANIFEST_REREADS = 5;
    private static final AtomicInteger POOL_IDS = new AtomicInteger();

    private final S3Calls calls;
    private final JournalKeys keys;
    private final Clock clock;
    private final Supplier<String> ownInFlight;
    private final PhoneNumbers phones;
    private final ExecutorService readers;
    private final Set<String> foreignWarned = ConcurrentHashMap.newKeySet();

    /**
     * Everything read at one point in time: manifest (null if none) with its ETag, snapshot (null
     * if none), the clock's time just before the listing request was sent, this instance's
     * smallest journal key still being written at that moment (null if none), the journal keys
     * after the snapshot and their bodies.
     */
    public record Loaded(Manifest manifest, String manifestEtag, byte[] snapshot, long listingMillis,
                         String ownInFlight, List<String> journalKeys, Map<String, byte[]> bodies) {
    }

    /**
     * @param ownInFlight this instance's smallest journal key still being written, or null
     *                    ({@link JournalState#earliestInFlight})
     */
    public JournalLoader(S3Calls calls, JournalKeys keys, Clock clock, Supplier<String> ownInFlight,
                         PhoneNumbers phones, int readParallelism) {
        this.calls = calls;
        this.keys = keys;
        this.clock = clock;
        this.ownInFlight = ownInFlight;
        this.phones = phones;
        int poolId = POOL_IDS.incrementAndGet();
        AtomicInteger threadIds = new AtomicInteger();
        ThreadFactory tf = r -> {
            Thread t = new Thread(r, "consentkit-s3-read-" + poolId + "-" + threadIds.incrementAndGet());
            t.setDaemon(true);
            return t;
        };
        this.readers = Executors.newFixedThreadPool(readParallelism, tf);
    }

    /**
     * Reads manifest, snapshot and every journal object after it; re-reads the manifest when a
     * compaction removed the snapshot it names in between.
     */
    public Loaded load() {
        return load(Map.of());
    }

    /**
     * As {@link #load()}, taking the bodies of journal objects already in {@code known} from there
     * instead of reading them again (journal objects are never overwritten).
     */
    public Loaded load(Map<String, byte[]> known) {
        for (int round = 1; ; round++) {
            S3Calls.Fetched mf = calls.getOrNull(keys.manifestKey());
            Manifest m = mf == null ? null : Manifest.parse(mf.bytes(), calls.uri(keys.manifestKey()));
            byte[] snapshot = null;
            if (m != null) {
                S3Calls.Fetched snap = calls.getOrNull(m.snapshotKey());
                if (snap == null) {
                    // a compaction replaced the manifest and removed this snapshot after we read it
                    if (round < MAX_MANIFEST_REREADS) {
                        continue;
                    }
                    throw new ConsentStoreException("snapshot " + calls.uri(m.snapshotKey())
                            + " named by the manifest does not exist (read " + round + " times)");
                }
                snapshot = snap.bytes();
            }
            // Time first, then our uploads in flight, then the request: a key minted after the
            // clock was read sorts at or after that time (JournalState.mint never goes behind the
            // clock), and one that landed before the request is in the listing.
            long listingMillis = clock.millis();
            String inFlight = ownInFlight.get();
            List<String> journal = list(m == null ? null : m.coveredThrough());
            List<String> missing = new ArrayList<>();
            Map<String, byte[]> bodies = new HashMap<>();
            for (String k : journal) {
                byte[] b = known.get(k);
                if (b == null) {
                    missing.add(k);
                } else {
                    bodies.put(k, b);
                }
            }
            if (!missing.isEmpty()) {
                bodies.putAll(fetchAll(missing));
            }
            return new Loaded(m, mf == null ? null : mf.etag(), snapshot, listingMillis, inFlight, journal, bodies);
        }
    }

    /** Our journal keys after {@code startAfter} (null: all), in key order; warns once per foreign key. */
    public List<String> list(String startAfter) {
        List<String> listed = calls.list(keys.journalPrefix(), startAfter);
        List<String> out = new ArrayList<>(listed.size());
        for (String k : listed) {
            if (keys.millisOf(k) >= 0) {
                out.add(k);
            } else if (foreignWarned.add(k)) {
                LOG.warn("ignoring s3://{}/{}: not a ConsentKit journal key", calls.bucket(), k);
            }
        }
        return out;
    }

    /** The bodies of {@code ks}, read in parallel (one alone on the calling thread). */
    public Map<String, byte[]> fetchAll(List<String> ks) {
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
        } catch (RejectedExecutionException e) {
            throw new ConsentStoreException("S3 consent store is closed", e);
        } finally {
            for (Future<byte[]> f : futures) {
                f.cancel(true);
            }
        }
    }

    /**
     * The rows of the object {@code key}.
     *
     * @throws io.consentkit.journal.JournalFormatException if it is not in the journal schema
     */
    public List<ConsentRecord> decode(String key, byte[] body) {
        return JournalObjects.decode(body, calls.uri(key), phones);
    }

    /** Stops the reader threads; later parallel reads fail. */
    @Override
    public void close() {
        readers.shutdownNow();
    }
}
