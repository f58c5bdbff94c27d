package io.consentkit.send;

import io.consentkit.phone.PhoneNumber;

import java.math.BigDecimal;
import java.time.LocalDate;
import java.util.Currency;

/**
 * Hears what the {@link GuardedSender} decides, e.g. to alert an operator before the daily cap is
 * hit. Every method has a no-op default; an exception thrown by a listener is logged and never
 * changes or breaks the send. Listeners are called on the sending thread, so they must be quick
 * and thread-safe.
 */
public interface SendListener {
    /** A listener that does nothing. */
    SendListener NO_OP = new SendListener() {
    };

    /** Every decision, after it is logged. */
    default void onOutcome(OutboundMessage message, SendOutcome outcome) {
    }

    /**
     * The global daily cap reached the alert fraction (default 90%); called at most once per day.
     *
     * @param day  the day, in the sender's zone
     * @param used messages counted so far today
     * @param cap  the cap
     */
    default void onDailyCapThreshold(LocalDate day, long used, long cap) {
    }

    /** The global daily cap was reached; called at most once per day. */
    default void onDailyCapReached(LocalDate day, long cap) {
    }

    /**
     * The day's estimated spend reached the alert fraction (default 90%) of the daily budget
     * ({@link GuardedSender.Builder#dailyBudget}); called at most once per day.
     */
    default void onDailyBudgetThreshold(LocalDate day, BigDecimal spent, BigDecimal budget, Currency currency) {
    }

    /** The day's estimated spend reached the daily budget; later sends that day are deferred to midnight. */
    default void onDailyBudgetReached(LocalDate day, BigDecimal budget, Currency currency) {
    }

    /**
     * The provider said the recipient opted out (e.g. Twilio 21610); consent was revoked (or, if the
     * store failed, the number is suppressed in memory and revocation is retried).
     */
    default void onProviderOptOut(PhoneNumber number, int code) {
    }

    /** The send log could not record a decision or status; the send itself went ahead. */
    default void onSendLogFailure(RuntimeException failure) {
    }
}
