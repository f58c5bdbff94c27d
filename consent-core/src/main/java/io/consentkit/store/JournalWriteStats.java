package io.consentkit.store;

import java.time.Duration;

/**
 * What a {@link CsvConsentStore}'s write path did since it was opened, for tuning and benchmarks:
 * how many forces ({@code fdatasync}) its group commit made, how many appended calls' rows they
 * carried, and how long the flusher spent between one force and the next group's write while
 * appends were waiting. All zero for a read-only store. Immutable and thread-safe.
 *
 * @param forces       groups written and forced
 * @param appends      {@code append} calls those groups carried (one call is one or more rows)
 * @param forcing      time spent writing and forcing the groups
 * @param busyGaps     gaps counted: a force followed by another group without the flusher idling
 * @param busyGapTotal total time of those gaps (waking the appenders, gathering their next rows)
 */
public record JournalWriteStats(long forces, long appends, Duration forcing, long busyGaps, Duration busyGapTotal) {

    /** Appends per force on average, or 0 before the first force. */
    public double appendsPerForce() {
        return forces == 0 ? 0 : (double) appends / forces;
    }

    /** The mean gap between forces while appends were waiting, or zero if none was counted. */
    public Duration meanBusyGap() {
        return busyGaps == 0 ? Duration.ZERO : busyGapTotal.dividedBy(busyGaps);
    }
}
