package io.consentkit.s3;

/**
 * What one {@link S3ConsentStore#compact()} call did. Immutable.
 *
 * @param compacted      true if a new snapshot was written and the manifest advanced to it;
 *                       false if no journal object was old enough to fold in
 * @param journalObjects journal objects folded into the new snapshot by this call
 * @param snapshotRows   rows in the current snapshot after the call (0 if there is none)
 * @param conflicts      times another compaction won the manifest compare-and-swap first
 *                       (this call then re-read the manifest and tried again)
 */
public record CompactionResult(boolean compacted, int journalObjects, long snapshotRows, int conflicts) {
}
