package io.consentkit.jdbc.internal;

import io.consentkit.journal.ConsentStoreException;

import java.security.SecureRandom;
import java.util.HexFormat;
import java.util.concurrent.BlockingDeque;
import java.util.concurrent.LinkedBlockingDeque;

/**
 * The writers (chains) one store instance appends through: a transaction takes a free one and gives
 * it back after its commit, the last given back taken first (so appends one after another keep one
 * chain, concurrent appends take more). A transaction whose outcome may be unknown gives back a fresh
 * writer in its place, so a chain never has a gap. Not public API. Thread-safe.
 */
public final class WriterLanes {
    private static final SecureRandom RANDOM = new SecureRandom();

    private final BlockingDeque<JournalTable.Chain> free;

    public WriterLanes(int lanes) {
        free = new LinkedBlockingDeque<>(lanes);
        for (int i = 0; i < lanes; i++) {
            free.add(fresh());
        }
    }

    /** Waits for a free writer; an interrupted wait writes nothing. */
    public JournalTable.Chain take(String what, String location) {
        try {
            return free.takeFirst();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new ConsentStoreException(what + " in " + location + " interrupted while waiting for a writer; "
                    + "nothing was written", e);
        }
    }

    /** Gives {@code chain} back, or a fresh writer in its place if its last transaction {@code failed}. */
    public void giveBack(JournalTable.Chain chain, boolean failed) {
        free.addFirst(failed ? fresh() : chain);
    }

    private static JournalTable.Chain fresh() {
        byte[] id = new byte[8];
        RANDOM.nextBytes(id);
        return new JournalTable.Chain(HexFormat.of().formatHex(id));
    }
}
