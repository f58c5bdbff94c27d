package io.consentkit.consent.internal;

import io.consentkit.consent.ConsentRecord;
import io.consentkit.consent.ConsentStatus;

import java.time.Instant;
import java.util.Arrays;
import java.util.List;

/**
 * Everything the tracker knows about one number: its journal rows and the folded current state of
 * each of its consents. Immutable: the tracker swaps in a new instance on every change, so readers
 * never lock.
 */
final class NumberState {
    private static final ConsentRecord[] NONE = new ConsentRecord[0];
    static final NumberState EMPTY = new NumberState(NONE, NONE, null);

    /** Every journal row of the number, in journal order. */
    final ConsentRecord[] rows;
    /** The folded (last row wins) record of each consent id, in order of first appearance. */
    final ConsentRecord[] current;
    /** Latest revocation time of any consent or suppression, or null. */
    final Instant lastRevocation;

    private NumberState(ConsentRecord[] rows, ConsentRecord[] current, Instant lastRevocation) {
        this.rows = rows;
        this.current = current;
        this.lastRevocation = lastRevocation;
    }

    NumberState with(ConsentRecord row) {
        ConsentRecord[] newRows = Arrays.copyOf(rows, rows.length + 1);
        newRows[rows.length] = row;
        ConsentRecord[] newCurrent = null;
        for (int i = 0; i < current.length; i++) {
            if (current[i].consentId().equals(row.consentId())) {
                newCurrent = current.clone();
                newCurrent[i] = row;
                break;
            }
        }
        if (newCurrent == null) {
            if (current == rows) {
                newCurrent = newRows; // no id repeated yet: history and current state are the same array
            } else {
                newCurrent = Arrays.copyOf(current, current.length + 1);
                newCurrent[current.length] = row;
            }
        }
        Instant rev = lastRevocation;
        if (row.status() == ConsentStatus.REVOKED) {
            Instant t = row.revokedAt() != null ? row.revokedAt() : row.timestamp();
            if (rev == null || t.isAfter(rev)) {
                rev = t;
            }
        }
        return new NumberState(newRows, newCurrent, rev);
    }

    /** True if the consent counts as active: status active and given at or after the last opt-out. */
    boolean counts(ConsentRecord r) {
        return r.status() == ConsentStatus.ACTIVE && (lastRevocation == null || !r.timestamp().isBefore(lastRevocation));
    }

    boolean isActive() {
        for (ConsentRecord r : current) {
            if (counts(r)) {
                return true;
            }
        }
        return false;
    }

    boolean isOptedOut() {
        return lastRevocation != null && !isActive();
    }

    ConsentRecord latestActive() {
        ConsentRecord best = null;
        for (ConsentRecord r : current) {
            if (counts(r) && (best == null || !r.timestamp().isBefore(best.timestamp()))) {
                best = r;
            }
        }
        return best;
    }

    ConsentRecord mostRecent() {
        ConsentRecord best = null;
        Instant bestTime = null;
        for (ConsentRecord r : current) {
            Instant t = r.revokedAt() != null && r.revokedAt().isAfter(r.timestamp()) ? r.revokedAt() : r.timestamp();
            if (best == null || !t.isBefore(bestTime)) {
                best = r;
                bestTime = t;
            }
        }
        return best;
    }

    List<ConsentRecord> activeList() {
        java.util.ArrayList<ConsentRecord> out = new java.util.ArrayList<>(current.length);
        for (ConsentRecord r : current) {
            if (counts(r)) {
                out.add(r);
            }
        }
        return out;
    }
}
