package io.consentkit.consent;

import io.consentkit.phone.PhoneNumber;

import java.util.concurrent.locks.ReentrantLock;

/**
 * The tracker's write locks: 64 reentrant stripes by number, so writes to one number are serialised
 * and writes to different numbers mostly run in parallel (letting the store group-commit them).
 * {@link #lockAll()} takes every stripe in index order, for one step against every writer (legacy
 * import); anyone holding one stripe must not wait for another. Thread-safe.
 */
final class NumberLocks {
    private static final int STRIPES = 64;

    private final ReentrantLock[] stripes = new ReentrantLock[STRIPES];

    NumberLocks() {
        for (int i = 0; i < STRIPES; i++) {
            stripes[i] = new ReentrantLock();
        }
    }

    /** The stripe of {@code phone}. */
    ReentrantLock of(PhoneNumber phone) {
        return stripes[(phone.e164().hashCode() & 0x7fffffff) % STRIPES];
    }

    /** True if the calling thread holds any stripe (so it must not wait for another one). */
    boolean heldByCurrentThread() {
        for (ReentrantLock l : stripes) {
            if (l.isHeldByCurrentThread()) {
                return true;
            }
        }
        return false;
    }

    /** Takes every stripe, in order. */
    void lockAll() {
        for (ReentrantLock l : stripes) {
            l.lock();
        }
    }

    /** Releases what {@link #lockAll()} took, in reverse order. */
    void unlockAll() {
        for (int i = stripes.length - 1; i >= 0; i--) {
            stripes[i].unlock();
        }
    }
}
