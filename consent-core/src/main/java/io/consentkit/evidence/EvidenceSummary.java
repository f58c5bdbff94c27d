package io.consentkit.evidence;

import java.nio.file.Path;
import java.util.List;

/**
 * What an {@link EvidencePack} wrote. Immutable and thread-safe.
 *
 * @param file        the zip file
 * @param program     the program
 * @param texts       distinct consent texts
 * @param consents    consents (and suppressions) bearing on the program
 * @param references  opt-in evidence references (screenshots, snapshots, page digests)
 * @param snapshots   snapshot files copied into the pack
 * @param sends       send log entries of the program that were or may have been sent
 * @param samples     sample texts found among the sends
 * @param entries     the names of the zip's entries, in order
 */
public record EvidenceSummary(Path file, String program, int texts, int consents, int references, int snapshots,
                              long sends, int samples, List<String> entries) {
    public EvidenceSummary {
        entries = List.copyOf(entries);
    }
}
