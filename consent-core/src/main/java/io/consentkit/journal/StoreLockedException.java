package io.consentkit.journal;

/** Another process (or another store instance in this JVM) holds the store's lock. */
public final class StoreLockedException extends ConsentStoreException {
    private static final long serialVersionUID = 1L;

    public StoreLockedException(String message) {
        super(message);
    }
}
