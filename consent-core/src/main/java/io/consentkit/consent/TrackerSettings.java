package io.consentkit.consent;

import io.consentkit.journal.ConsentStore;
import io.consentkit.journal.SchemaUpgradeRequiredException;
import io.consentkit.journal.StoreCapabilities;
import io.consentkit.phone.PhoneNumbers;

import java.time.Clock;
import java.time.Duration;
import java.util.Objects;

/**
 * What {@link ConsentTracker.Builder#build()} hands the default tracker: validated and immutable. A
 * tracker with more than one program needs a store whose appends take scoped rows
 * ({@link StoreCapabilities#scopedRows()}); otherwise building fails with
 * {@link SchemaUpgradeRequiredException} naming {@code consent upgrade-journal}, before any write.
 *
 * @param visibilityBound how stale a lookup may be before it refreshes from a shared store (the
 *                        builder's refresh interval, or the store's own bound when that was zero);
 *                        zero for never
 * @param programs        the consent scopes: programs, brands, senders, revocation policy
 * @param listener        told of opt-ins, opt-outs and append latency
 * @param erasureKey      the key of erased numbers' hashes, or null
 */
record TrackerSettings(ConsentStore store, ConsentTexts texts, Clock clock, PhoneNumbers phoneNumbers,
                       Duration visibilityBound, Programs programs,
                       ConsentListener listener, io.consentkit.journal.ErasureKey erasureKey) {
    TrackerSettings {
        Objects.requireNonNull(store, "store");
        Objects.requireNonNull(texts, "texts");
        Objects.requireNonNull(clock, "clock");
        Objects.requireNonNull(phoneNumbers, "phoneNumbers");
        Objects.requireNonNull(visibilityBound, "visibilityBound");
        Objects.requireNonNull(programs, "programs");
        Objects.requireNonNull(listener, "listener");
        StoreCapabilities caps = store.capabilities();
        if (programs.all().size() > 1 && !caps.scopedRows()) {
            // a STOP to one program is a scoped row the store cannot hold: refuse now, not at that STOP
            throw new SchemaUpgradeRequiredException("the " + caps.name() + " store cannot hold the rows of programs "
                    + "(its journal has the legacy 14-column schema, version 1), and this tracker has "
                    + programs.all().size() + " programs; nothing was written. Upgrade the journal first, with every "
                    + "writer stopped: `consent upgrade-journal --store PATH` (or CsvConsentStore.upgrade(path))");
        }
    }
}
