package io.consentkit.web.console;

import io.consentkit.send.DeliveryUpdate;
import io.consentkit.send.SendLog;
import io.consentkit.send.SendLogEntry;

import java.math.BigDecimal;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneId;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.TreeMap;
import java.util.function.Consumer;

/**
 * A {@link SendLog} that writes through to another one (a {@link io.consentkit.send.CsvSendLog}) and
 * keeps what the console shows in memory: per day the decisions, segments and estimated cost of what was
 * sent and the blocks by reason; per recipient (by the log's {@link SendLog#recipientKey}) the newest
 * {@link #PER_RECIPIENT} entries; the newest {@link #RECENT} entries overall. Give it to the
 * {@code GuardedSender} in place of the log it wraps; it reads the wrapped log once when built.
 * A console lookup or dashboard then reads these tables, never the file. Thread-safe.
 */
public final class ConsoleSendLog implements SendLog {
    /** Entries kept per recipient for the number's timeline (the newest). */
    public static final int PER_RECIPIENT = 50;
    /** Entries kept for the send-log page (the newest). */
    public static final int RECENT = 500;

    /** One day's totals. Mutable, guarded by the log's lock; read through {@link #days}. */
    private static final class Day {
        final Map<SendLogEntry.Decision, Long> decisions = new java.util.EnumMap<>(SendLogEntry.Decision.class);
        final Map<String, Long> blocked = new TreeMap<>();
        final Map<String, BigDecimal> cost = new TreeMap<>();
        long segments;
    }

    /**
     * One day of the send log.
     *
     * @param date      the day, in the log's zone
     * @param decisions count of each decision that day
     * @param sent      messages sent
     * @param segments  segments sent
     * @param cost      estimated cost of what was sent, per currency
     * @param blocked   blocked decisions by reason
     */
    public record DayTotals(LocalDate date, Map<SendLogEntry.Decision, Long> decisions, long sent, long segments,
                            Map<String, BigDecimal> cost, Map<String, Long> blocked) {
        public DayTotals {
            Objects.requireNonNull(date, "date");
            decisions = Map.copyOf(decisions);
            cost = java.util.Collections.unmodifiableMap(new TreeMap<>(cost));
            blocked = java.util.Collections.unmodifiableMap(new TreeMap<>(blocked));
        }
    }

    private final SendLog delegate;
    private final ZoneId zone;
    private final TreeMap<Long, Day> days = new TreeMap<>();
    private final Map<String, ArrayDeque<SendLogEntry>> byRecipient = new HashMap<>();
    private final ArrayDeque<SendLogEntry> recent = new ArrayDeque<>();
    private final Map<String, DeliveryUpdate> statuses = new HashMap<>();

    private ConsoleSendLog(SendLog delegate, ZoneId zone) {
        this.delegate = delegate;
        this.zone = zone;
    }

    /**
     * Wraps {@code delegate}, reading its entries once, with days counted in {@code zone}.
     *
     * @throws io.consentkit.send.SendLogException if the wrapped log cannot be read
     */
    public static ConsoleSendLog wrap(SendLog delegate, ZoneId zone) {
        ConsoleSendLog log = new ConsoleSendLog(Objects.requireNonNull(delegate, "delegate"),
                Objects.requireNonNull(zone, "zone"));
        synchronized (log) {
            for (SendLogEntry e : delegate.entries()) {
                log.index(e);
            }
        }
        return log;
    }

    private void index(SendLogEntry e) {
        Day d = days.computeIfAbsent(e.time().atZone(zone).toLocalDate().toEpochDay(), k -> new Day());
        d.decisions.merge(e.decision(), 1L, Long::sum);
        if (e.decision() == SendLogEntry.Decision.SENT) {
            d.segments += e.segments();
            if (e.estimatedCost() != null) {
                d.cost.merge(e.currency(), e.estimatedCost(), BigDecimal::add);
            }
        } else if (e.decision() == SendLogEntry.Decision.BLOCKED) {
            d.blocked.merge(e.reason().isEmpty() ? "(none)" : e.reason(), 1L, Long::sum);
        }
        if (!e.recipientKey().isEmpty()) {
            ArrayDeque<SendLogEntry> q = byRecipient.computeIfAbsent(e.recipientKey(), k -> new ArrayDeque<>(2));
            q.addLast(e);
            if (q.size() > PER_RECIPIENT) {
                q.removeFirst();
            }
        }
        recent.addLast(e);
        if (recent.size() > RECENT) {
            recent.removeFirst();
        }
    }

    /** The log it writes through to. */
    public SendLog delegate() {
        return delegate;
    }

    @Override
    public String bodyDigest(String body) {
        return delegate.bodyDigest(body);
    }

    @Override
    public String recipientKey(String e164) {
        return delegate.recipientKey(e164);
    }

    @Override
    public void replay(Instant from, Consumer<SendLogEntry> sink) {
        delegate.replay(from, sink);
    }

    @Override
    public void record(SendLogEntry entry) {
        delegate.record(entry);
        synchronized (this) {
            index(entry);
        }
    }

    @Override
    public void recordStatus(DeliveryUpdate update) {
        delegate.recordStatus(update);
        synchronized (this) {
            statuses.merge(update.providerId(), update,
                    (old, nu) -> nu.status().rank() >= old.status().rank() ? nu : old);
        }
    }

    @Override
    public List<SendLogEntry> entries() {
        return delegate.entries();
    }

    @Override
    public Optional<SendLogEntry> find(String providerId) {
        return delegate.find(providerId);
    }

    /** The newest entries (at most {@link #PER_RECIPIENT}) for the number {@code e164}, oldest first. */
    public synchronized List<SendLogEntry> forRecipient(String e164) {
        ArrayDeque<SendLogEntry> q = byRecipient.get(delegate.recipientKey(e164));
        return q == null ? List.of() : withStatuses(q);
    }

    /** The newest {@code max} entries (at most {@link #RECENT}), oldest first. */
    public synchronized List<SendLogEntry> recent(int max) {
        List<SendLogEntry> all = withStatuses(recent);
        return all.subList(Math.max(0, all.size() - max), all.size());
    }

    private List<SendLogEntry> withStatuses(Iterable<SendLogEntry> entries) {
        List<SendLogEntry> out = new ArrayList<>();
        for (SendLogEntry e : entries) {
            DeliveryUpdate u = e.providerId().isEmpty() ? null : statuses.get(e.providerId());
            out.add(u == null ? e : e.withStatus(u));
        }
        return out;
    }

    /** One {@link DayTotals} per day from {@code first} to {@code last} (inclusive), empty days included. */
    public synchronized List<DayTotals> days(LocalDate first, LocalDate last) {
        if (last.isBefore(first)) {
            throw new io.consentkit.InvalidInputException("last", "must not be before first (" + first + ")");
        }
        List<DayTotals> out = new ArrayList<>();
        Day none = new Day();
        for (LocalDate date = first; !date.isAfter(last); date = date.plusDays(1)) {
            Day d = days.getOrDefault(date.toEpochDay(), none);
            out.add(new DayTotals(date, d.decisions, d.decisions.getOrDefault(SendLogEntry.Decision.SENT, 0L),
                    d.segments, d.cost, d.blocked));
        }
        return out;
    }

    /** The zone days are counted in. */
    public ZoneId zone() {
        return zone;
    }

    @Override
    public void close() {
        delegate.close();
    }

    @Override
    public String toString() {
        return "ConsoleSendLog[" + delegate + "]";
    }
}
