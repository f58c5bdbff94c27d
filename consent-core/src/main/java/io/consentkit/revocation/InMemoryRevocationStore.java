package io.consentkit.revocation;

import java.util.List;
import java.util.Objects;
import java.util.concurrent.CopyOnWriteArrayList;

/** {@link RevocationStore#inMemory()}: rows in a list, lost with the process. Thread-safe. */
final class InMemoryRevocationStore implements RevocationStore {
    private final CopyOnWriteArrayList<RevocationEvent> rows = new CopyOnWriteArrayList<>();

    @Override
    public List<RevocationEvent> events() {
        return List.copyOf(rows);
    }

    @Override
    public void append(RevocationEvent event) {
        rows.add(Objects.requireNonNull(event, "event"));
    }

    @Override
    public void close() {
        // nothing held
    }

    @Override
    public String toString() {
        return "InMemoryRevocationStore[" + rows.size() + " rows]";
    }
}
