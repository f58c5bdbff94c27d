package io.consentkit.consent;

import io.consentkit.InvalidInputException;
import io.consentkit.journal.ConsentRecord;
import io.consentkit.journal.ErasureKey;
import io.consentkit.journal.Redaction;
import io.consentkit.phone.PhoneNumber;

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

    /** True if {@code phone} (a number with no row of its own) was erased. */
    boolean suppresses(PhoneNumber phone) {
        if (!any) {
            return false;
        }
        return key == null || hashes.contains(key.hash(phone));
    }
}
