package io.consentkit.send;

import io.consentkit.send.SendOutcome.Reason;

import java.math.BigDecimal;
import java.time.Instant;
import java.time.LocalDate;
import java.util.List;
import java.util.Objects;
import java.util.Set;

/**
 * Where the {@link GuardedSender} keeps what its limits have used: per-recipient send times
 * (cooldown, hourly and daily caps), the send times per number and subject of the sending rules'
 * per-subject caps ({@link Usage#subjectCaps}), the global windows (messages per day, segments per second,
 * minute, hour and day) and the day's spend. A send first {@link #reserve reserves} its place,
 * checking every limit and taking its share in one atomic step, then, after the gateway,
 * {@link #commit commits} it (sent, or may have been sent) or {@link #release releases} it (certainly
 * not sent), so a failed send gives its place back and concurrent senders never pass a cap.
 *
 * <p>Backends: {@link #inMemory} (one process; a new sender over a durable {@link SendLog} is
 * seeded from it, see {@link #startsEmpty}); a database store keeps its own state and is shared by
 * every process using it (each operation one short transaction, see docs/sending.md). Plug one in
 * with {@link GuardedSender.Builder#limitStore}.
 *
 * <p>Implementations must be thread-safe: {@link #reserve}, {@link #commit} and {@link #release} are
 * called from every sending thread at once, and should be fast.
 */
public interface LimitStore {

    /**
     * One send as the limits see it.
     *
     * @param recipient the recipient's key ({@link SendLog#recipientKey}; never a clear number)
     * @param at        the decision time
     * @param cooldown  whether the cooldown applies to this message (emergency messages are exempt by default)
     * @param segments  segments the message uses (at least 1 is counted)
     * @param cost      its estimated cost in the policy's currency, or null when there is no price table
     * @param subject     the number and subject the sending rules' per-subject caps count this send
     *                    under ({@link SendLog#subjectKey}; never clear text), or empty when no such cap
     *                    applies; a {@link #seed seeded} send names it without caps
     * @param subjectCaps the rules whose per-subject cap applies to this send (Florida's 3 per 24 hours),
     *                    empty when none does; a store checks each over the earlier sends under
     *                    {@code subject} ({@link LimitPolicy#subjectCapDenial}) and counts this one there
     */
    record Usage(String recipient, Instant at, boolean cooldown, int segments, BigDecimal cost, String subject,
                 List<SendingRule> subjectCaps) {
        public Usage {
            Objects.requireNonNull(recipient, "recipient");
            Objects.requireNonNull(at, "at");
            subject = subject == null ? "" : subject;
            subjectCaps = subjectCaps == null ? List.of() : List.copyOf(subjectCaps);
            if (subject.isEmpty() && !subjectCaps.isEmpty()) {
                throw new io.consentkit.InvalidInputException("subject", "is empty but per-subject caps are given");
            }
        }

        /** A send no per-subject cap applies to. */
        public Usage(String recipient, Instant at, boolean cooldown, int segments, BigDecimal cost) {
            this(recipient, at, cooldown, segments, cost, "", List.of());
        }

        /** True if this send counts under a number and subject ({@link #subject} is set). */
        public boolean subjectCounted() {
            return !subject.isEmpty();
        }
    }

    /** What {@link #reserve} or {@link #check} decided: a {@link Reservation} or a {@link Denial}. */
    sealed interface Decision permits Reservation, Denial {
    }

    /**
     * A limit refused: which one, and from when it would allow the send.
     *
     * @param reason which limit ({@code COOLDOWN}, {@code GLOBAL_DAILY_CAP}, {@code DAILY_BUDGET}...)
     * @param until  when it would allow the send
     * @param detail a sentence for people (no number)
     */
    record Denial(Reason reason, Instant until, String detail) implements Decision {
        public Denial {
            Objects.requireNonNull(reason, "reason");
            Objects.requireNonNull(until, "until");
            Objects.requireNonNull(detail, "detail");
        }
    }

    /** Alerts a reservation crossed; each fires at most once a day per store. */
    enum Alert {
        /** The messages today reached the policy's alert fraction of the global daily cap. */
        DAILY_CAP_THRESHOLD,
        /** The messages today reached the global daily cap. */
        DAILY_CAP_REACHED,
        /** The spend today reached the policy's alert fraction of the daily budget. */
        DAILY_BUDGET_THRESHOLD,
        /** The spend today reached the daily budget. */
        DAILY_BUDGET_REACHED
    }

    /**
     * A place taken by {@link #reserve}, to {@link #commit} or {@link #release} exactly once (a
     * second call does nothing). One returned by {@link #check} holds nothing.
     */
    non-sealed interface Reservation extends Decision {
        /** The day (in the policy's zone) the reservation counts on. */
        LocalDate day();

        /** Messages counted today, this one included. */
        long messagesToday();

        /** Estimated spend counted today, this one included (zero without a budget or prices). */
        BigDecimal spentToday();

        /** The alerts this reservation was the first to cross. */
        Set<Alert> alerts();
    }

    /**
     * What today has used.
     *
     * @param day      the day in the policy's zone
     * @param messages messages sent (or that may have been sent) today
     * @param segments their segments
     * @param spent    their estimated cost (zero without prices)
     */
    record Today(LocalDate day, long messages, long segments, BigDecimal spent) {
    }

    /** An in-memory store for {@code policy}: exact within one process, forgotten with it. */
    static LimitStore inMemory(LimitPolicy policy) {
        return new InMemoryLimitStore(policy);
    }

    /** The limits this store enforces. */
    LimitPolicy policy();

    /** Checks every limit for {@code usage} and, if all allow it, takes its place: one atomic step. */
    Decision reserve(Usage usage);

    /** Checks every limit for {@code usage} without taking anything (dry run). */
    Decision check(Usage usage);

    /** Keeps a reservation: the message was, or may have been, sent. */
    void commit(Reservation reservation);

    /** Gives a reservation back: the message was certainly not sent. */
    void release(Reservation reservation);

    /**
     * Counts a send that already happened (or may have), without checking any limit: history
     * replayed from the send log when a sender starts. Calls come oldest first, before any
     * {@link #reserve}.
     */
    void seed(Usage usage);

    /** What the day containing {@code now} has used. */
    Today today(Instant now);

    /**
     * True if this store starts with no history (it lives in memory) and the sender should
     * {@link #seed} it from its send log when built; false if it keeps its own durable state (a
     * shared database), which the send log must not be counted into again.
     */
    boolean startsEmpty();
}
