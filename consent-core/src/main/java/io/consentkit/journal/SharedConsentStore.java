package io.consentkit.journal;

import io.consentkit.journal.ConsentRecord;

import java.util.List;

/**
 * A store that other processes or machines append to as well (an optional capability). The
 * tracker polls it so an opt-out recorded elsewhere becomes visible here within
 * {@link StoreCapabilities#visibilityBound()}.
 */
public interface SharedConsentStore extends ConsentStore {

    /**
     * Rows appended by other writers since the last {@link #replay} or {@code poll}, in journal
     * order. Rows this instance appended itself are not returned again.
     *
     * @throws ConsentStoreException if the store cannot be read
     */
    List<ConsentRecord> poll();
}
