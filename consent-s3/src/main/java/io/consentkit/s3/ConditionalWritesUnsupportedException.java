package io.consentkit.s3;

import io.consentkit.journal.ConsentStoreException;

/**
 * The S3 server (or a proxy in front of it) does not enforce the conditional writes the store
 * relies on: {@code If-None-Match: *} on PUT (no writer overwrites another's journal object) and
 * {@code If-Match} on PUT (two compactions cannot both advance the manifest). Thrown by the
 * store's open ({@link S3ConsentStore#replay}) and {@link S3ConsentStore#compact()} after a probe
 * saw the server ignore or reject one of them; {@link #behaviour()} says what it did. Immutable
 * and thread-safe.
 */
public final class ConditionalWritesUnsupportedException extends ConsentStoreException {
    private static final long serialVersionUID = 1L;

    /** What the server did, completing "the S3 server ...". */
    private final String behaviour;

    /**
     * @param location  {@code s3://bucket/prefix} of the store
     * @param behaviour what the server did, completing "the S3 server ..."
     */
    public ConditionalWritesUnsupportedException(String location, String behaviour) {
        super("refusing to use " + location + ": the S3 server " + behaviour + ". The store needs conditional"
                + " writes (If-None-Match: * and If-Match on PUT, as Amazon S3 enforces them) so that no writer"
                + " overwrites another's journal object and no compaction overwrites another's; use a server,"
                + " or a proxy configuration, that enforces both");
        this.behaviour = behaviour;
    }

    /** What the server did, completing "the S3 server ...". */
    public String behaviour() {
        return behaviour;
    }
}
