package io.consentkit.consent;

import io.consentkit.journal.ConsentRecord;
import io.consentkit.journal.ConsentStore;
import io.consentkit.journal.ConsentStoreException;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Consumer;

/**
 * The open-time replay pipeline: every journal row of a store, in journal order, into a sink (the
 * tracker's index). With more than one processor, reading and decoding the store (the calling thread)
 * and indexing (a helper thread) overlap; nobody else can see the tracker yet, so no locks are needed.
 * Used by one thread, once per tracker.
 */
final class JournalReplay {
    private static final int BATCH = 4096;
    private static final List<ConsentRecord> END = List.of();

    private JournalReplay() {
    }

    /**
     * Replays {@code store} into {@code sink}; a failure of either is thrown here, after the helper
     * thread has stopped.
     */
    static void run(ConsentStore store, Consumer<ConsentRecord> sink) {
        if (Runtime.getRuntime().availableProcessors() < 2) {
            store.replay(sink);
            return;
        }
        BlockingQueue<List<ConsentRecord>> handoff = new ArrayBlockingQueue<>(8);
        AtomicReference<Throwable> failed = new AtomicReference<>();
        Thread indexer = new Thread(() -> {
            try {
                for (List<ConsentRecord> batch; (batch = handoff.take()) != END; ) {
                    for (ConsentRecord r : batch) {
                        sink.accept(r);
                    }
                }
            } catch (Throwable t) {
                failed.set(t);
                handoff.clear(); // unblock the reader; it checks failed
            }
        }, "consentkit-replay-indexer");
        indexer.setDaemon(true);
        indexer.start();
        AtomicReference<List<ConsentRecord>> batch = new AtomicReference<>(new ArrayList<>(BATCH));
        try {
            store.replay(r -> {
                List<ConsentRecord> b = batch.get();
                b.add(r);
                if (b.size() == BATCH) {
                    handOff(handoff, b, failed);
                    batch.set(new ArrayList<>(BATCH));
                }
            });
            handOff(handoff, batch.get(), failed);
        } finally {
            try {
                while (indexer.isAlive() && !handoff.offer(END, 10, TimeUnit.MILLISECONDS)) {
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

    private static void handOff(BlockingQueue<List<ConsentRecord>> q, List<ConsentRecord> batch,
                                AtomicReference<Throwable> failed) {
        try {
            while (!q.offer(batch, 10, TimeUnit.MILLISECONDS)) {
                if (failed.get() != null) {
                    return; // the indexer died: stop feeding it; the failure is thrown after replay
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new ConsentStoreException("interrupted while loading the consent journal", e);
        }
    }
}
