package io.consentkit.inbound;

import io.consentkit.consent.ConsentTracker;
import io.consentkit.internal.AppendOnlyFile;
import io.consentkit.journal.ConsentRecord;
import io.consentkit.journal.ConsentStoreException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.locks.ReentrantLock;

/**
 * At-least-once delivery of confirmation events to the app's {@link ConfirmationListener}: an outbox
 * whose messages are the confirmation rows of the journal. With a file ({@code confirmations-outbox.csv}
 * beside the journal, an {@link AppendOnlyFile}) it keeps two kinds of line, both forced to disk:
 * <ul>
 * <li>{@code intent,<event id>}, written <em>before</em> the journal row of the event (under the number's
 * lock), so that no durable row can lack its intent;</li>
 * <li>{@code ack,<event id>}, written after the listener returned normally.</li>
 * </ul>
 * At open, intents without an ack are resolved against the journal: the event is rebuilt from its row
 * ({@link ConfirmationRows#eventOf}) and queued again; an intent whose row is not in the journal (its append
 * failed) is acknowledged as void. Without a file the queue lives in memory only: retries within the process,
 * nothing after a restart.
 *
 * <p>Delivery ({@link #drain}) runs on the caller's thread, outside the number locks: after each event
 * (without waiting if another thread is delivering) and whenever the app calls
 * {@link Confirmations#deliver()}. Events of one confirmation are delivered in order; a failed one is retried
 * after a backoff (doubling from the first delay up to the maximum, by the tracker's clock) and holds back the
 * later events of the same confirmation only. The file grows by two short lines per event. Thread-safe.
 */
final class ConfirmationOutbox implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(ConfirmationOutbox.class);
    static final String HEADER = "kind,event_id";
    private static final String WHAT = "confirmation outbox";
    private static final AppendOnlyFile.Errors ERRORS = new AppendOnlyFile.Errors() {
        @Override
        public RuntimeException locked(String message) {
            return new ConsentStoreException(message);
        }

        @Override
        public RuntimeException io(String message, Throwable cause) {
            return new ConsentStoreException(message, cause);
        }
    };

    private final ConsentTracker tracker;
    private final ConfirmationListener listener;
    private final AppendOnlyFile file;
    private final Clock clock;
    private final Duration firstRetry;
    private final Duration maxRetry;
    private final ReentrantLock delivering = new ReentrantLock();
    /** Set when events are queued, so a deliverer that is finishing goes round once more. */
    private final AtomicBoolean kick = new AtomicBoolean();
    /** Undelivered events by id, in the order their rows were written. Guarded by itself. */
    private final Map<String, Entry> queue = new LinkedHashMap<>();

    private static final class Entry {
        final ConfirmationEvent event;
        int attempts;
        Instant nextAt = Instant.MIN;

        Entry(ConfirmationEvent event) {
            this.event = event;
        }
    }

    ConfirmationOutbox(ConsentTracker tracker, ConfirmationListener listener, Path path, Duration firstRetry,
                       Duration maxRetry) {
        this.tracker = tracker;
        this.listener = listener;
        this.clock = tracker.clock();
        this.firstRetry = firstRetry;
        this.maxRetry = maxRetry;
        this.file = path == null ? null : AppendOnlyFile.open(path, WHAT, HEADER, Duration.ofSeconds(5), clock,
                AppendOnlyFile.DEFAULT_OPENER, ERRORS);
        if (file != null) {
            try {
                recover();
            } catch (RuntimeException e) {
                file.close();
                throw e;
            }
        }
    }

    /** Durably notes that the row of {@code eventId} is about to be written (no-op without a file). */
    void intend(String eventId) {
        write("intent", eventId);
    }

    /** Queues events whose rows are durable, then delivers what is due unless another thread is at it. */
    void deliverLater(List<ConfirmationEvent> events) {
        if (events.isEmpty()) {
            return;
        }
        synchronized (queue) {
            for (ConfirmationEvent e : events) {
                queue.putIfAbsent(e.eventId(), new Entry(e));
            }
        }
        kick.set(true);
        drain(false);
    }

    /**
     * Delivers every due event (waiting for another deliverer to finish when {@code wait}).
     *
     * @return how many events the listener acknowledged
     */
    int drain(boolean wait) {
        int done = 0;
        boolean block = wait;
        while (true) {
            if (block) {
                delivering.lock();
            } else if (!delivering.tryLock()) {
                return done; // the holder sees the kick and delivers what was queued
            }
            block = false;
            try {
                do {
                    kick.set(false);
                    done += pass();
                } while (kick.get());
            } finally {
                delivering.unlock();
            }
            if (!kick.get()) { // queued between the last pass and the unlock: go round again
                return done;
            }
        }
    }

    /** One pass over the queue in order; returns how many were acknowledged. */
    private int pass() {
        List<Map.Entry<String, Entry>> due;
        synchronized (queue) {
            due = new ArrayList<>(queue.entrySet());
        }
        int done = 0;
        Set<String> held = new HashSet<>();
        for (Map.Entry<String, Entry> me : due) {
            Entry en = me.getValue();
            String cid = en.event.confirmationId();
            if (held.contains(cid)) {
                continue; // a confirmation's events go in order
            }
            Instant now = clock.instant();
            if (!now.isBefore(en.nextAt) && deliver(me.getKey(), en, now)) {
                done++;
            } else {
                held.add(cid);
            }
        }
        return done;
    }

    /** How many events the listener has not acknowledged yet. */
    int undelivered() {
        synchronized (queue) {
            return queue.size();
        }
    }

    @Override
    public void close() {
        if (file != null) {
            file.close();
        }
    }

    private boolean deliver(String id, Entry en, Instant now) {
        try {
            listener.onEvent(en.event);
        } catch (RuntimeException ex) {
            en.attempts++;
            Duration delay = backoff(en.attempts);
            en.nextAt = now.plus(delay);
            LOG.warn("confirmation listener failed on {} for {} (attempt {}); retried in {}", en.event.outcome(),
                    en.event.phoneNumber().masked(), en.attempts, delay, ex);
            return false;
        }
        try {
            write("ack", id);
        } catch (RuntimeException ex) {
            // the listener has it; without the ack it may hear it again after a restart (at least once)
            LOG.warn("confirmation event {} delivered but its ack was not written", id, ex);
        }
        synchronized (queue) {
            queue.remove(id);
        }
        return true;
    }

    Duration backoff(int attempts) {
        Duration d = firstRetry;
        for (int i = 1; i < attempts && d.compareTo(maxRetry) < 0; i++) {
            d = d.multipliedBy(2);
        }
        return d.compareTo(maxRetry) > 0 ? maxRetry : d;
    }

    private void write(String kind, String eventId) {
        if (file != null) {
            file.append((kind + "," + eventId + "\n").getBytes(StandardCharsets.UTF_8));
        }
    }

    /** Queues the events intended but not acknowledged, rebuilt from their journal rows. */
    private void recover() {
        Set<String> open = new LinkedHashSet<>();
        try (InputStream in = file.read();
             BufferedReader r = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8))) {
            String line = r.readLine(); // header
            while ((line = r.readLine()) != null) {
                int comma = line.indexOf(',');
                if (comma < 0) {
                    throw new ConsentStoreException(WHAT + " " + file.file() + " has a line without a comma");
                }
                String kind = line.substring(0, comma);
                String id = line.substring(comma + 1);
                switch (kind) {
                    case "intent" -> open.add(id);
                    case "ack" -> open.remove(id);
                    default -> throw new ConsentStoreException(WHAT + " " + file.file() + " has an unknown line kind '"
                            + kind + "'");
                }
            }
        } catch (IOException e) {
            throw new ConsentStoreException("cannot read " + WHAT + " " + file.file(), e);
        }
        Map<String, List<ConsentRecord>> rowsByConsent = new LinkedHashMap<>();
        int voided = 0;
        for (String id : open) {
            String consentId = id.substring(0, Math.max(0, id.indexOf('/')));
            List<ConsentRecord> rows = rowsByConsent.computeIfAbsent(consentId, this::rowsOf);
            ConsentRecord row = null;
            for (ConsentRecord c : rows) {
                if (id.equals(ConfirmationRows.eventIdOf(c))) {
                    row = c;
                }
            }
            if (row == null) {
                write("ack", id); // its journal row was never written: nothing happened
                voided++;
                continue;
            }
            ConfirmationEvent e = ConfirmationRows.eventOf(row, ConfirmationRows.outcomeOf(row));
            queue.put(id, new Entry(e));
        }
        if (!open.isEmpty()) {
            LOG.info("{} {}: {} unacknowledged event(s) to deliver again, {} void", WHAT, file.file(),
                    queue.size(), voided);
        }
    }

    private List<ConsentRecord> rowsOf(String consentId) {
        Optional<ConsentRecord> any = consentId.isEmpty() ? Optional.empty() : tracker.findById(consentId);
        if (any.isEmpty()) {
            return List.of();
        }
        return tracker.history(any.get().phoneNumber()).stream().filter(r -> r.consentId().equals(consentId))
                .toList();
    }
}
