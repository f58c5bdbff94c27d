package io.consentkit.jdbc.internal;

import io.consentkit.journal.ConsentRecord;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * What a store instance has seen of the journal, by writing transaction id: every transaction below
 * {@link #low()} is done and was delivered; of those at or above it, the ones delivered or written
 * by this instance are remembered so each row is delivered exactly once. Reads are serialised by the
 * caller ({@link #accept} and {@link #advance} under one lock); {@link #own} and {@link #disown} may
 * be called from any thread at any time. Thread-safe under that rule.
 */
public final class Watermark {
    private long low;
    private final Set<Long> delivered = new HashSet<>();
    private final Set<Long> own = ConcurrentHashMap.newKeySet();
    private final List<ConsentRecord> batch = new ArrayList<>();

    /** The smallest transaction id a read must still look at. */
    public long low() {
        return low;
    }

    /** Forgets everything (before a replay from the start). Own transactions stay own. */
    public void reset() {
        low = 0;
        delivered.clear();
        batch.clear();
    }

    /** Marks {@code tx} as this instance's, before its rows are written: they are never delivered. */
    public void own(long tx) {
        own.add(tx);
    }

    /** Undoes {@link #own} for an append whose outcome is unknown, so a read picks its rows up if they landed. */
    public void disown(long tx) {
        own.remove(tx);
    }

    /**
     * Takes one row of a read: kept for delivery unless its transaction was delivered, or is our own
     * and {@code withOwn} is false (a poll; a replay returns every row).
     */
    public void accept(long tx, ConsentRecord r, boolean withOwn) {
        if (!delivered.contains(tx) && (withOwn || !own.contains(tx))) {
            batch.add(r);
        }
    }

    /** Drops the rows of a read that failed part way; the watermark stays where it was. */
    public void discard() {
        batch.clear();
    }

    /**
     * Ends a read whose snapshot had {@code xmin} as its oldest running transaction: returns the rows
     * to deliver and moves the watermark to {@code xmin}.
     *
     * @param readTxs the transactions whose rows the read returned
     */
    public List<ConsentRecord> advance(long xmin, Set<Long> readTxs) {
        List<ConsentRecord> out = new ArrayList<>(batch);
        batch.clear();
        delivered.addAll(readTxs);
        if (xmin > low) {
            low = xmin;
        }
        long floor = low;
        delivered.removeIf(t -> t < floor);
        own.removeIf(t -> t < floor);
        return out;
    }
}
