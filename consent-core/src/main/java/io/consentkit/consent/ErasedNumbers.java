package io.consentkit.consent;

import io.consentkit.InvalidInputException;
import io.consentkit.consent.internal.Index;
import io.consentkit.journal.ConsentRecord;
import io.consentkit.journal.ConsentStatus;
import io.consentkit.journal.ErasureKey;
import io.consentkit.journal.Redaction;
import io.consentkit.phone.PhoneNumber;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The numbers erased from the journal, known only by their keyed hashes ({@link ErasureKey}): what
 * keeps an erased number opted out though no row names it any more. Asked only for a number with no
 * row of its own (a number that opted in again after its erasure is answered by its new rows).
 * Without a key, a tracker that sees an erasure row treats every such number as opted out (it cannot
 * tell which one was erased). Thread-safe.
 */
final class ErasedNumbers {
    private final ErasureKey key;
    private final Set<String> hashes = ConcurrentHashMap.newKeySet();
    private volatile boolean any;

    ErasedNumbers(ErasureKey key) {
        this.key = key;
    }

    /** Notes an erasure row. */
    void accept(ConsentRecord row) {
        if (Redaction.isErasure(row)) {
            hashes.add(row.metadata().get(Redaction.NUMBER_HASH));
            any = true;
        }
    }

    /**
     * Checks, after the open-time replay, that erased numbers can be recognised.
     *
     * @throws InvalidInputException (field {@code erasureKey}) if the journal holds erasures and there is no key
     */
    void checkKey() {
        if (any && key == null) {
            throw new InvalidInputException("erasureKey", "the journal holds " + hashes.size()
                    + " erased number(s), kept only as keyed hashes; without the erasure key they could be texted "
                    + "(ConsentTracker.Builder.erasureKey, consentkit.erasure.key-file)");
        }
    }

    /**
     * What to index after {@code row} when an erasure reaches a tracker that still holds the erased
     * person's rows (read before another writer redacted them in place in a shared store): the
     * erasure's revocations and its erasure row carry the redacted number, so the rows held under the
     * real number would stay active. For a revocation of a consent the index holds under a real number,
     * a copy under that number; for an erasure row, a copy under each real number holding a consent it
     * lists (with the key: only a number that hashes to the erasure row's hash; without one: fail
     * closed). Personal fields stay empty. So the number is opted out here at once, as it is after the
     * next replay, which no longer sees it. Usually empty (after a replay the index holds only redacted
     * rows of erased consents).
     */
    java.util.function.Function<ConsentRecord, List<ConsentRecord>> held(Index index) {
        return r -> heldNumbers(r, index);
    }

    private List<ConsentRecord> heldNumbers(ConsentRecord row, Index index) {
        long redacted = Index.key(Redaction.NUMBER);
        if (!Redaction.isRedacted(row) || row.status() != ConsentStatus.REVOKED) {
            return List.of();
        }
        boolean erasure = Redaction.isErasure(row);
        Set<Long> numbers = new java.util.LinkedHashSet<>();
        for (String id : erasure ? row.metadata().getOrDefault(Redaction.CONSENT_IDS, "").split(" ")
                : new String[] {row.consentId()}) {
            long k = id.isEmpty() ? -1 : index.phoneOf(id);
            if (k > 0 && k != redacted) {
                numbers.add(k);
            }
        }
        List<ConsentRecord> out = new ArrayList<>();
        String hash = row.metadata().get(Redaction.NUMBER_HASH);
        for (long k : numbers) {
            PhoneNumber phone = new PhoneNumber("+" + k);
            if (!erasure || key == null || key.hash(phone).equals(hash)) {
                out.add(new ConsentRecord(row.consentId(), row.timestamp(), phone, row.optInMethod(),
                        row.consentMessage(), "", "", "", "", "", erasure ? row.metadata() : Map.of(), row.status(),
                        row.revokedAt(), row.revokedMethod(), row.program(), row.brand(), row.channel()));
            }
        }
        return out;
    }

    /** True if {@code phone} (a number with no row of its own) was erased. */
    boolean suppresses(PhoneNumber phone) {
        if (!any) {
            return false;
        }
        return key == null || hashes.contains(key.hash(phone));
    }
}
