package io.consentkit.consent.internal;

import io.consentkit.journal.ConsentRecord;
import io.consentkit.journal.ConsentStatus;

import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;

/**
 * The record-level twin of the index's per-program flags, for the reads that return records
 * ({@code status(phone, program)}, {@code activeConsents(program)}): folds the rows of one number that
 * count for one program ({@link ScopeTable#covers}) with the same rules as {@link NumberState}: last
 * row per id wins; a consent counts as active if it is active and given at or after the latest
 * revocation among those rows. Stateless and thread-safe.
 */
public final class ScopedFold {
    private final List<ConsentRecord> folded;
    private final Instant revokedAt;

    private ScopedFold(List<ConsentRecord> folded, Instant revokedAt) {
        this.folded = folded;
        this.revokedAt = revokedAt;
    }

    /** Folds the rows of {@code history} (one number's, in journal order) that count for {@code ordinal}. */
    public static ScopedFold of(List<ConsentRecord> history, ScopeTable scopes, int ordinal) {
        LinkedHashMap<String, ConsentRecord> last = new LinkedHashMap<>();
        Instant rev = null;
        for (ConsentRecord r : history) {
            if (!scopes.covers(r.isSuppression(), r.program(), r.brand(), ordinal)) {
                continue;
            }
            if (r.status() == ConsentStatus.REVOKED) {
                Instant at = r.revokedAt() == null ? r.timestamp() : r.revokedAt();
                if (rev == null || at.isAfter(rev)) {
                    rev = at;
                }
            }
            last.put(r.consentId(), r); // keeps the id's place of first appearance, as NumberState's fold
        }
        return new ScopedFold(new ArrayList<>(last.values()), rev);
    }

    private boolean counts(ConsentRecord r) {
        return r.status() == ConsentStatus.ACTIVE && (revokedAt == null || !r.timestamp().isBefore(revokedAt));
    }

    /** The consents that count as active, in fold order. */
    public List<ConsentRecord> active() {
        List<ConsentRecord> out = new ArrayList<>(2);
        for (ConsentRecord r : folded) {
            if (counts(r)) {
                out.add(r);
            }
        }
        return out;
    }

    /**
     * The latest counting active consent if any, else the most recent folded record (by the later of
     * its timestamp and revocation time; ties to the later in fold order); null if no row counts.
     */
    public ConsentRecord status() {
        ConsentRecord best = null;
        for (ConsentRecord r : active()) {
            if (best == null || !r.timestamp().isBefore(best.timestamp())) {
                best = r;
            }
        }
        if (best != null) {
            return best;
        }
        Instant bestAt = null;
        for (ConsentRecord r : folded) {
            Instant at = r.revokedAt() != null && r.revokedAt().isAfter(r.timestamp()) ? r.revokedAt() : r.timestamp();
            if (best == null || !at.isBefore(bestAt)) {
                best = r;
                bestAt = at;
            }
        }
        return best;
    }
}
