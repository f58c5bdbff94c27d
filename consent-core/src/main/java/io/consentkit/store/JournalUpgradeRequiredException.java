package io.consentkit.store;

import io.consentkit.journal.SchemaUpgradeRequiredException;

import java.nio.file.Path;

/**
 * An append to a journal in the legacy 14-column schema (version 1) held a row that schema cannot
 * hold: one with a {@code program}, {@code brand} or {@code channel}. Nothing was written (the file's
 * bytes are unchanged). The remedy is an explicit upgrade (to schema version 3), with every writer
 * stopped: {@link CsvConsentStore#upgrade(Path)} or {@code consent upgrade-journal --store PATH}.
 * Immutable and thread-safe.
 */
public final class JournalUpgradeRequiredException extends SchemaUpgradeRequiredException {
    private static final long serialVersionUID = 1L;

    private final transient Path file;

    public JournalUpgradeRequiredException(Path file, String message) {
        super(message);
        this.file = file;
    }

    /** The journal that needs the upgrade. */
    public Path file() {
        return file;
    }
}
