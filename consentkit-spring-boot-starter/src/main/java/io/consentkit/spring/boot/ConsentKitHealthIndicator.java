package io.consentkit.spring.boot;

import io.consentkit.config.ConsentKitConfig;
import io.consentkit.config.StoreType;
import io.consentkit.consent.ConsentTracker;
import io.consentkit.journal.ConsentStore;
import io.consentkit.journal.SharedConsentStore;
import io.consentkit.send.SmsGateway;
import org.springframework.boot.health.contributor.AbstractHealthIndicator;
import org.springframework.boot.health.contributor.Health;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Objects;

/**
 * Actuator health of ConsentKit (shown as {@code consentKit}): whether the consent store can be read,
 * and, for a store shared between processes or machines, when the last successful refresh was and how
 * long ago (the visibility lag of this instance); whether a gateway is configured. DOWN when the CSV
 * journal is not readable and writable or a shared store's refresh fails; a missing gateway is
 * reported, not DOWN (an app may only receive). Details never hold a phone number or a secret.
 * Thread-safe.
 */
public final class ConsentKitHealthIndicator extends AbstractHealthIndicator {
    private final ConsentTracker tracker;
    private final ConsentStore store;
    private final ConsentKitConfig config;
    private final SmsGateway gateway;
    private final Clock clock;
    private volatile Instant lastRefresh;

    /**
     * @param store   the store the tracker runs over, or null if the app built its own tracker
     * @param gateway the gateway the guarded sender uses, or null if none
     */
    public ConsentKitHealthIndicator(ConsentTracker tracker, ConsentStore store, ConsentKitConfig config,
                                     SmsGateway gateway) {
        super("ConsentKit health check failed");
        this.tracker = Objects.requireNonNull(tracker, "tracker");
        this.store = store;
        this.config = Objects.requireNonNull(config, "config");
        this.gateway = gateway;
        this.clock = tracker.clock();
    }

    @Override
    protected void doHealthCheck(Health.Builder builder) {
        builder.withDetail("gatewayConfigured", gateway != null);
        if (gateway != null) {
            builder.withDetail("gateway", gateway.name());
        }
        if (store == null) {
            builder.up().withDetail("store", "provided by the application");
            return;
        }
        builder.withDetail("store", store.capabilities().name());
        if (store instanceof SharedConsentStore) {
            builder.withDetail("visibilityBound", store.capabilities().visibilityBound().toString());
            Instant before = lastRefresh;
            try {
                tracker.refresh();
                lastRefresh = clock.instant();
                builder.up();
            } catch (RuntimeException e) {
                builder.down().withDetail("refreshError", e.getClass().getSimpleName());
            }
            Instant last = lastRefresh != null ? lastRefresh : before;
            if (last != null) {
                builder.withDetail("lastSuccessfulRefresh", last.toString())
                        .withDetail("sinceLastRefresh", Duration.between(last, clock.instant()).toString());
            }
            return;
        }
        if (config.storeType() == StoreType.CSV) {
            Path journal = config.csvPath();
            boolean ok = Files.isReadable(journal) && Files.isWritable(journal);
            builder.withDetail("journal", journal.toString()).status(ok ? "UP" : "DOWN");
            if (!ok) {
                builder.withDetail("problem", "the journal is not readable and writable");
            }
            return;
        }
        builder.up();
    }
}
