package io.consentkit.journal;

/**
 * A store's journal schema cannot hold what is asked of it, and an explicit upgrade is the remedy: a
 * legacy 14-column journal (schema version 1) cannot hold the rows of programs, brands or channels.
 * Thrown before anything is written (by the tracker's builder when its programs need such rows, or by an
 * append). For a CSV journal the upgrade is {@code CsvConsentStore.upgrade(path)} or
 * {@code consent upgrade-journal --store PATH}, with every writer stopped. Immutable and thread-safe.
 */
public class SchemaUpgradeRequiredException extends ConsentStoreException {
    private static final long serialVersionUID = 1L;

    public SchemaUpgradeRequiredException(String message) {
        super(message);
    }
}
