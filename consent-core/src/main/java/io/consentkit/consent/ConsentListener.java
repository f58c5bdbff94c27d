package io.consentkit.consent;

import io.consentkit.journal.ConsentRecord;

import java.time.Duration;

/**
 * Hears the consent changes a {@link ConsentTracker} writes, e.g. to count opt-ins and opt-outs in the
 * app's own metrics registry (the Spring Boot starter's Micrometer metrics are one user). Every method
 * has a no-op default.
 *
 * <p>Called on the writing thread right after the store acknowledged the write and the index took it,
 * while the tracker still holds the number's write lock: a listener must be quick, must not block and
 * must not write to the tracker. Rows written through this tracker are reported (records, revocations,
 * confirmations, imports); rows other writers of a shared store appended are not. An exception thrown
 * by a listener is logged and never undoes or breaks the write. Implementations must be thread-safe.
 */
public interface ConsentListener {
    /** A listener that does nothing. */
    ConsentListener NO_OP = new ConsentListener() {
    };

    /**
     * A row granting consent (status {@code active}) was written; its {@link ConsentRecord#optInMethod()}
     * says how ({@code web_form}, {@code keyword}, {@code in_person}...).
     */
    default void onOptIn(ConsentRecord row) {
    }

    /**
     * A revocation (status {@code revoked}) was written; its {@link ConsentRecord#revokedMethod()} says
     * how ({@code stop_keyword}, {@code provider_opt_out}...). A revocation of a number with several
     * consents is one call per row.
     */
    default void onOptOut(ConsentRecord row) {
    }

    /**
     * The store acknowledged an append of {@code rows} rows durably, {@code latency} after it was asked
     * (the time of {@link io.consentkit.journal.ConsentStore#append}, group commit and fsync included).
     */
    default void onAppend(int rows, Duration latency) {
    }
}
