package io.consentkit.store;

import io.consentkit.journal.ConsentStoreException;

/**
 * A write to a store opened read-only (for example {@link CsvConsentStore#openReadOnly}). Nothing was
 * written. Immutable and thread-safe.
 */
public final class ReadOnlyStoreException extends ConsentStoreException {
    private static final long serialVersionUID = 1L;

    public ReadOnlyStoreException(String message) {
        super(message);
    }
}
