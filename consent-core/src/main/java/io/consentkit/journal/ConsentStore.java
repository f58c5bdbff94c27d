package io.consentkit.journal;

import io.consentkit.journal.ConsentRecord;

import java.util.List;
import java.util.function.Consumer;

/**
 * The storage SPI: an ordered, append-only journal of {@link ConsentRecord} rows. Users hold a
 * {@code io.consentkit.consent.ConsentTracker}; stores only keep rows. Folding, indexing and
 * "change the index only after a durable write" live in the tracker, once.
 *
 * <p>Contract (checked by {@code io.consentkit.testkit.ConsentStoreContract}):
 * <ul>
 *   <li>{@link #append} is durable when it returns: a reopened store replays the rows;</li>
 *   <li>rows of one {@code append} call stay together and in order; concurrent calls never
 *       interleave or overwrite each other, and none is lost;</li>
 *   <li>nothing is ever rewritten in place;</li>
 *   <li>failures are thrown as {@link ConsentStoreException} (a failed append may or may not have
 *       reached storage; it was not acknowledged).</li>
 * </ul>
 *
 * <p>Implementations must be thread-safe.
 */
public interface ConsentStore extends AutoCloseable {

    /** Feeds every row, in journal order, to {@code sink}. The tracker calls it once, at open. */
    void replay(Consumer<ConsentRecord> sink);

    /**
     * Appends rows, durably, in order.
     *
     * @throws ConsentStoreException if the rows could not be made durable
     */
    void append(List<ConsentRecord> rows);

    /** What this store guarantees (durability, multi-process, multi-machine, visibility bound). */
    StoreCapabilities capabilities();

    /** Releases files, locks and clients. Appending after close throws. */
    @Override
    void close();
}
