package io.consentkit.send;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReferenceArray;

/**
 * A send log in memory, keeping the most recent {@link #capacity()} decisions (default
 * {@value #DEFAULT_CAPACITY}); older ones are overwritten. For tests, and the {@link GuardedSender}'s
 * default when no log is configured. Nothing survives the JVM: use {@link CsvSendLog} for an
 * audit trail.
 *
 * <p>Thread-safe and lock-free: recording takes one slot of a ring with a single atomic increment
 * and, for sent messages, a map put. {@link #entries()} is a snapshot; taken while other threads
 * record, it may miss the very newest entries.
 */
public final class InMemorySendLog implements SendLog {
    /** Decisions kept by default: {@value}. */
    public static final int DEFAULT_CAPACITY = 10_000;

    private final int capacity;
    private final AtomicReferenceArray<SendLogEntry> ring;
    private final AtomicLong next = new AtomicLong();
    private final ConcurrentHashMap<String, SendLogEntry> byProvider = new ConcurrentHashMap<>();
    private final ConcurrentHashMap<String, DeliveryUpdate> statuses = new ConcurrentHashMap<>();

    /** A log keeping the last {@value #DEFAULT_CAPACITY} decisions. */
    public InMemorySendLog() {
        this(DEFAULT_CAPACITY);
    }

    /** A log keeping the last {@code capacity} decisions. */
    public InMemorySendLog(int capacity) {
        if (capacity <= 0) {
            throw new io.consentkit.InvalidInputException("capacity", "must be positive (" + capacity + ")");
        }
        this.capacity = capacity;
        this.ring = new AtomicReferenceArray<>(capacity);
    }

    /** How many decisions are kept. */
    public int capacity() {
        return capacity;
    }

    @Override
    public void record(SendLogEntry entry) {
        java.util.Objects.requireNonNull(entry, "entry");
        if (!entry.providerId().isEmpty()) {
            byProvider.put(entry.providerId(), entry);
        }
        long i = next.getAndIncrement();
        SendLogEntry old = ring.getAndSet((int) (i % capacity), entry);
        if (old != null && !old.providerId().isEmpty() && byProvider.remove(old.providerId(), old)) {
            statuses.remove(old.providerId());
        }
    }

    @Override
    public void recordStatus(DeliveryUpdate update) {
        statuses.merge(update.providerId(), update,
                (old, nu) -> nu.status().rank() >= old.status().rank() ? nu : old);
        if (statuses.size() > 2 * capacity) {
            // updates for ids never recorded here: keep the map bounded
            for (String id : statuses.keySet()) {
                if (!byProvider.containsKey(id)) {
                    statuses.remove(id);
                }
                if (statuses.size() <= capacity) {
                    break;
                }
            }
        }
    }

    @Override
    public List<SendLogEntry> entries() {
        long end = next.get();
        List<SendLogEntry> out = new ArrayList<>((int) Math.min(end, capacity));
        for (long i = Math.max(0, end - capacity); i < end; i++) {
            SendLogEntry e = ring.get((int) (i % capacity));
            if (e != null) {
                out.add(fold(e));
            }
        }
        return out;
    }

    @Override
    public Optional<SendLogEntry> find(String providerId) {
        SendLogEntry e = byProvider.get(providerId);
        return e == null ? Optional.empty() : Optional.of(fold(e));
    }

    private SendLogEntry fold(SendLogEntry e) {
        if (e.providerId().isEmpty()) {
            return e;
        }
        DeliveryUpdate u = statuses.get(e.providerId());
        return u == null ? e : e.withStatus(u);
    }

    @Override
    public String toString() {
        return "InMemorySendLog[" + Math.min(next.get(), capacity) + "/" + capacity + "]";
    }
}
