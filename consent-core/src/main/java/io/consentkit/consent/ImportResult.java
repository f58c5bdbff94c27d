package io.consentkit.consent;

/**
 * What {@link ConsentTracker#importLegacy} did. Every row read is counted once:
 * {@code rowsRead == rowsImported + rowsSkipped + rowsSuperseded}. Immutable and thread-safe.
 *
 * @param rowsRead       data rows in the file
 * @param rowsImported   rows appended to the journal
 * @param rowsSkipped    rows already present with identical content (re-importing a file, or importing a
 *                       journal or a backup into itself, is harmless)
 * @param rowsSuperseded rows older than the state the journal already holds for their consent (an old
 *                       export re-imported after a STOP): left out, so they never override a newer state
 */
public record ImportResult(int rowsRead, int rowsImported, int rowsSkipped, int rowsSuperseded) {
    /** A result with no superseded rows. */
    public ImportResult(int rowsRead, int rowsImported, int rowsSkipped) {
        this(rowsRead, rowsImported, rowsSkipped, 0);
    }
}
