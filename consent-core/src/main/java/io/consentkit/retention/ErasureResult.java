package io.consentkit.retention;

import java.nio.file.Path;
import java.util.List;

/**
 * What an {@link Erasure} did. Immutable and thread-safe.
 *
 * @param numbers         the numbers erased
 * @param journalRows     journal rows redacted (0 when every number had been erased before)
 * @param revoked         consents still active or pending that the erasure revoked first
 * @param sendLogRows     send log rows redacted
 * @param quarantineFiles quarantine files ({@code .torn-*}) that held a trace of them and were redacted
 * @param completed       numbers found already erased (an erasure cut short, finished now, or a repeat)
 */
public record ErasureResult(int numbers, int journalRows, int revoked, int sendLogRows, List<Path> quarantineFiles,
                            int completed) {
    public ErasureResult {
        quarantineFiles = List.copyOf(quarantineFiles);
    }
}
