package io.consentkit.store;

import java.nio.file.Path;

/**
 * What {@link CsvConsentStore#upgrade(Path)} did. Immutable and thread-safe.
 *
 * @param file        the journal
 * @param fromVersion its schema version before (1: legacy 14 columns; 2: with program, brand, channel)
 * @param toVersion   its schema version after (always 2)
 * @param rows        the rows it holds (every one kept)
 */
public record UpgradeResult(Path file, int fromVersion, int toVersion, long rows) {
    /** True if the file was rewritten; false if it already had schema version 2 and was left as it is. */
    public boolean upgraded() {
        return fromVersion != toVersion;
    }
}
