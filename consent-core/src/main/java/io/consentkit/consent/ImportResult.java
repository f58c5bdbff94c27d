package io.consentkit.consent;

/**
 * What {@link ConsentTracker#importLegacy} did.
 *
 * @param rowsRead     data rows in the file
 * @param rowsImported rows appended to the journal
 * @param rowsSkipped  rows already present with identical content (re-importing a file is harmless)
 */
public record ImportResult(int rowsRead, int rowsImported, int rowsSkipped) {
}
