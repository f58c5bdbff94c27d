package io.consentkit.benchmarks;

import io.consentkit.journal.CsvRecordReader;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.Path;

/**
 * The structure-only whole-file pass of {@link CsvRecordReader#scanRecords}, for
 * {@link JournalOpenTiming} (kept apart so that the timing also builds against a reader without it).
 * Stateless; thread-safe.
 */
public final class StructureScanPass {
    private StructureScanPass() {
    }

    /** Scans {@code journal}; returns its cell count. */
    public static long run(Path journal) throws IOException {
        long[] n = {0};
        try (FileChannel ch = FileChannel.open(journal)) {
            new CsvRecordReader("timing").scanRecords(ch, 0, ch.size(), (line, end, cells) -> n[0] += cells);
        }
        return n[0];
    }
}
