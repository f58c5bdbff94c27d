package io.consentkit.journal;

import java.time.Duration;
import java.util.Objects;

/**
 * What a store guarantees; shown in the README's capability table.
 *
 * @param name            short name, e.g. "csv"
 * @param durable         appends survive a process crash when they return
 * @param multiProcess    several processes on one machine may use the store at once
 *                        (concurrently writing, or safely excluded with a clear error)
 * @param multiMachine    several machines may write at once
 * @param visibilityBound how soon another writer's rows are seen here; zero if there are none
 * @param scopedRows      appends may hold rows with a program, brand or channel; false when the store's
 *                        journal schema cannot (a writable legacy 14-column CSV journal, which needs
 *                        {@code consent upgrade-journal} first). A tracker with programs refuses to build
 *                        over a store without it ({@link SchemaUpgradeRequiredException}).
 */
public record StoreCapabilities(String name, boolean durable, boolean multiProcess, boolean multiMachine,
                                Duration visibilityBound, boolean scopedRows) {
    public StoreCapabilities {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(visibilityBound, "visibilityBound");
    }

    /** A store whose appends take every row ({@code scopedRows} true). */
    public StoreCapabilities(String name, boolean durable, boolean multiProcess, boolean multiMachine,
                             Duration visibilityBound) {
        this(name, durable, multiProcess, multiMachine, visibilityBound, true);
    }
}
