package io.consentkit.web.console;

import io.consentkit.consent.ConsentListener;
import io.consentkit.journal.ConsentRecord;
import io.consentkit.journal.ConsentStatus;

import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.Consumer;

/**
 * The consent side of the console's dashboard: opt-ins and opt-outs per day, by method and by program,
 * kept incrementally so a dashboard request reads a few hundred counters instead of scanning the
 * journal. An opt-in is a journal row granting consent (status {@code active}, counted on the day of its
 * timestamp, by its {@code opt_in_method}); an opt-out is a revocation row (status {@code revoked},
 * counted on the day of its {@code revoked_at}, by its {@code revoked_method}): the rows a
 * {@link ConsentListener} hears.
 *
 * <p>Wire it as the tracker's listener, then {@link #load} the journal once:
 * <pre>{@code
 * ConsoleStats stats = ConsoleStats.create(ZoneOffset.UTC, "default");
 * ConsentTracker tracker = ConsentTracker.builder(store).listener(stats).build();
 * stats.load(store::replay);
 * }</pre>
 * Rows heard before {@code load} has finished are held back and counted once, whether the replay saw
 * them or not. Thread-safe.
 */
public final class ConsoleStats implements ConsentListener {
    /** What a row counted as. */
    public enum Kind {
        OPT_IN, OPT_OUT
    }

    /** One counter's key: a day, a kind, a method and a program. */
    record Key(long epochDay, Kind kind, String method, String program) {
    }

    private final ZoneId zone;
    private final String defaultProgram;
    private final Map<Key, LongAdder> counts = new ConcurrentHashMap<>();
    private final Object loadLock = new Object();
    private List<ConsentRecord> heardBeforeLoad = new ArrayList<>();
    private volatile boolean loaded;

    private ConsoleStats(ZoneId zone, String defaultProgram) {
        this.zone = Objects.requireNonNull(zone, "zone");
        this.defaultProgram = Objects.requireNonNull(defaultProgram, "defaultProgram");
    }

    /**
     * Empty statistics counting days in {@code zone}, naming rows with an empty program
     * {@code defaultProgram} (the tracker's {@code programs().defaultProgram().name()}).
     */
    public static ConsoleStats create(ZoneId zone, String defaultProgram) {
        return new ConsoleStats(zone, defaultProgram);
    }

    /**
     * Counts every row {@code replay} feeds (e.g. {@code store::replay}), then the rows heard meanwhile
     * that the replay did not contain. Call it once.
     *
     * @throws IllegalStateException if already loaded
     */
    public void load(Consumer<Consumer<ConsentRecord>> replay) {
        synchronized (loadLock) {
            if (loaded) {
                throw new IllegalStateException("ConsoleStats already loaded");
            }
        }
        // A row may be replayed and then heard (written while the replay ran): remember what the replay
        // counted, as 64-bit digests, so that a heard row is counted once either way.
        LongSet replayed = new LongSet();
        replay.accept(row -> {
            if (count(row)) {
                replayed.add(digest(row));
            }
        });
        synchronized (loadLock) {
            for (ConsentRecord row : heardBeforeLoad) {
                if (!replayed.contains(digest(row))) {
                    count(row);
                }
            }
            heardBeforeLoad = List.of();
            loaded = true;
        }
    }

    private static long digest(ConsentRecord row) {
        long h = row.consentId().hashCode() * 0x9E3779B97F4A7C15L;
        h = (h ^ row.status().ordinal()) * 0xBF58476D1CE4E5B9L;
        h ^= row.timestamp().getEpochSecond() * 1_000_000_007L + row.timestamp().getNano();
        Instant r = row.revokedAt();
        h = (h ^ (r == null ? 0 : r.toEpochMilli())) * 0x94D049BB133111EBL;
        return h ^ (h >>> 31) ^ ((long) row.phoneNumber().e164().hashCode() << 32);
    }

    /** An open-addressing set of longs (0 is kept aside), for the replay's digests. Not thread-safe. */
    private static final class LongSet {
        private long[] slots = new long[1 << 12];
        private int size;
        private boolean hasZero;

        void add(long v) {
            if (v == 0) {
                hasZero = true;
                return;
            }
            if (size * 2 >= slots.length) {
                long[] old = slots;
                slots = new long[old.length * 2];
                size = 0;
                for (long o : old) {
                    if (o != 0) {
                        put(o);
                    }
                }
            }
            put(v);
        }

        private void put(long v) {
            int mask = slots.length - 1;
            int i = (int) (v ^ (v >>> 29)) & mask;
            while (slots[i] != 0) {
                if (slots[i] == v) {
                    return;
                }
                i = (i + 1) & mask;
            }
            slots[i] = v;
            size++;
        }

        boolean contains(long v) {
            if (v == 0) {
                return hasZero;
            }
            int mask = slots.length - 1;
            int i = (int) (v ^ (v >>> 29)) & mask;
            while (slots[i] != 0) {
                if (slots[i] == v) {
                    return true;
                }
                i = (i + 1) & mask;
            }
            return false;
        }
    }

    /** True once {@link #load} has finished. */
    public boolean isLoaded() {
        return loaded;
    }

    @Override
    public void onOptIn(ConsentRecord row) {
        heard(row);
    }

    @Override
    public void onOptOut(ConsentRecord row) {
        heard(row);
    }

    private void heard(ConsentRecord row) {
        if (!loaded) {
            synchronized (loadLock) {
                if (!loaded) {
                    heardBeforeLoad.add(row);
                    return;
                }
            }
        }
        count(row);
    }

    /** Counts one row if it is an opt-in or an opt-out; returns whether it was. */
    private boolean count(ConsentRecord row) {
        Kind kind;
        String method;
        Instant at;
        if (row.status() == ConsentStatus.ACTIVE) {
            kind = Kind.OPT_IN;
            method = row.optInMethod();
            at = row.timestamp();
        } else if (row.status() == ConsentStatus.REVOKED) {
            kind = Kind.OPT_OUT;
            method = row.revokedMethod();
            at = row.revokedAt() != null ? row.revokedAt() : row.timestamp();
        } else {
            return false;
        }
        String program = row.program().isEmpty() ? defaultProgram : row.program();
        long day = at.atZone(zone).toLocalDate().toEpochDay();
        counts.computeIfAbsent(new Key(day, kind, method.isEmpty() ? "(none)" : method, program),
                k -> new LongAdder()).increment();
        return true;
    }

    /** The zone days are counted in. */
    public ZoneId zone() {
        return zone;
    }

    /**
     * The counts of {@code kind} from {@code first} to {@code last} (inclusive), by method: for each method,
     * one count per day. Reads the counters only (days x methods x programs of them), no journal row.
     */
    public Map<String, long[]> byMethod(Kind kind, LocalDate first, LocalDate last) {
        return series(kind, first, last, true);
    }

    /** The counts of {@code kind} from {@code first} to {@code last} (inclusive), by program, one per day. */
    public Map<String, long[]> byProgram(Kind kind, LocalDate first, LocalDate last) {
        return series(kind, first, last, false);
    }

    private Map<String, long[]> series(Kind kind, LocalDate first, LocalDate last, boolean byMethod) {
        long from = first.toEpochDay();
        int days = Math.toIntExact(last.toEpochDay() - from + 1);
        if (days < 1) {
            throw new io.consentkit.InvalidInputException("last", "must not be before first (" + first + ")");
        }
        Map<String, long[]> out = new TreeMap<>();
        counts.forEach((k, v) -> {
            if (k.kind() == kind && k.epochDay() >= from && k.epochDay() < from + days) {
                out.computeIfAbsent(byMethod ? k.method() : k.program(), x -> new long[days])
                        [(int) (k.epochDay() - from)] += v.sum();
            }
        });
        return out;
    }
}
