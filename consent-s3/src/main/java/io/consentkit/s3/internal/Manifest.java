package io.consentkit.s3.internal;

import io.consentkit.support.Json;
import io.consentkit.journal.ConsentStoreException;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;

/**
 * The manifest ({@code <prefix>/manifest.json}): which snapshot holds the compacted journal and
 * the last journal key it contains. Advanced only by compare-and-swap ({@code If-Match} on its
 * ETag). Not public API.
 *
 * @param snapshotKey    key of the snapshot object
 * @param coveredThrough the greatest journal key whose rows the snapshot holds; the snapshot holds
 *                       every journal object whose key sorts at or before it
 * @param rows           rows in the snapshot
 * @param journalObjects journal objects folded into the snapshot over all compactions
 * @param writtenAt      when the compaction ran (writer's clock)
 * @param writer         writer id of the compacting store
 * @param chainHead      the snapshot's chain head (the link after its last row, hex), or null in a
 *                       manifest written before the chain (then nothing is checked against it)
 * @param erasure        the staging prefix of a committed erasure whose removal of old copies is not
 *                       finished ({@link JournalEraser}), or null; a compaction carries it over
 */
public record Manifest(String snapshotKey, String coveredThrough, long rows, long journalObjects, Instant writtenAt,
                       String writer, String chainHead, String erasure) {
    /** The format marker written in every manifest. */
    public static final String FORMAT = "consentkit-s3-manifest/1";

    public Manifest {
        Objects.requireNonNull(snapshotKey, "snapshotKey");
        Objects.requireNonNull(coveredThrough, "coveredThrough");
        Objects.requireNonNull(writtenAt, "writtenAt");
        Objects.requireNonNull(writer, "writer");
    }

    /** A manifest with no erasure to finish. */
    public Manifest(String snapshotKey, String coveredThrough, long rows, long journalObjects, Instant writtenAt,
                    String writer, String chainHead) {
        this(snapshotKey, coveredThrough, rows, journalObjects, writtenAt, writer, chainHead, null);
    }

    /** This manifest with {@code staging} as the erasure to finish (null: none). */
    public Manifest withErasure(String staging) {
        return new Manifest(snapshotKey, coveredThrough, rows, journalObjects, writtenAt, writer, chainHead, staging);
    }

    /** A manifest without a chain head. */
    public Manifest(String snapshotKey, String coveredThrough, long rows, long journalObjects, Instant writtenAt,
                    String writer) {
        this(snapshotKey, coveredThrough, rows, journalObjects, writtenAt, writer, null);
    }

    public byte[] toJson() {
        Map<String, String> m = new LinkedHashMap<>();
        m.put("format", FORMAT);
        m.put("snapshot", snapshotKey);
        m.put("covered_through", coveredThrough);
        m.put("rows", Long.toString(rows));
        m.put("journal_objects", Long.toString(journalObjects));
        m.put("written_at", writtenAt.toString());
        m.put("writer", writer);
        if (chainHead != null) {
            m.put("chain_head", chainHead);
        }
        if (erasure != null) {
            m.put("erasure", erasure);
        }
        return (Json.object(m) + "\n").getBytes(StandardCharsets.UTF_8);
    }

    /** @throws ConsentStoreException if the manifest is not one this version understands */
    public static Manifest parse(byte[] json, String source) {
        Map<String, String> m;
        try {
            m = Json.parseObject(new String(json, StandardCharsets.UTF_8).strip());
        } catch (IllegalArgumentException e) {
            throw new ConsentStoreException(source + " is not a JSON object: " + e.getMessage(), e);
        }
        if (!FORMAT.equals(m.get("format"))) {
            throw new ConsentStoreException(source + " has format '" + m.get("format") + "', expected '" + FORMAT
                    + "' (written by a newer ConsentKit?)");
        }
        try {
            return new Manifest(require(m, "snapshot", source), require(m, "covered_through", source),
                    Long.parseLong(require(m, "rows", source)), Long.parseLong(require(m, "journal_objects", source)),
                    Instant.parse(require(m, "written_at", source)), require(m, "writer", source), m.get("chain_head"),
                    m.get("erasure"));
        } catch (RuntimeException e) {
            if (e instanceof ConsentStoreException cse) {
                throw cse;
            }
            throw new ConsentStoreException(source + " is not a valid manifest: " + e.getMessage(), e);
        }
    }

    private static String require(Map<String, String> m, String field, String source) {
        String v = m.get(field);
        if (v == null || v.isEmpty()) {
            throw new ConsentStoreException(source + " lacks '" + field + "'");
        }
        return v;
    }
}
