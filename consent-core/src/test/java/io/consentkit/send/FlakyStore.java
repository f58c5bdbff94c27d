package io.consentkit.send;

import io.consentkit.journal.ConsentRecord;
import io.consentkit.journal.ConsentStoreException;
import io.consentkit.store.InMemoryConsentStore;
import io.consentkit.journal.SharedConsentStore;
import io.consentkit.journal.StoreCapabilities;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Consumer;

/**
 * A real in-memory store shared "with other writers", whose reads (polls) or writes can be made to
 * fail like an unreachable disk or bucket.
 */
final class FlakyStore implements SharedConsentStore {
    final AtomicBoolean readsFail = new AtomicBoolean();
    final AtomicBoolean writesFail = new AtomicBoolean();
    private final InMemoryConsentStore delegate = new InMemoryConsentStore();

    @Override
    public List<ConsentRecord> poll() {
        if (readsFail.get()) {
            throw new ConsentStoreException("consent store unreachable (simulated)");
        }
        return List.of();
    }

    @Override
    public void replay(Consumer<ConsentRecord> sink) {
        delegate.replay(sink);
    }

    @Override
    public void append(List<ConsentRecord> rows) {
        if (writesFail.get()) {
            throw new ConsentStoreException("consent store not writable (simulated)");
        }
        delegate.append(rows);
    }

    @Override
    public StoreCapabilities capabilities() {
        return new StoreCapabilities("flaky", false, true, true, Duration.ofMillis(1));
    }

    @Override
    public void close() {
        delegate.close();
    }
}
