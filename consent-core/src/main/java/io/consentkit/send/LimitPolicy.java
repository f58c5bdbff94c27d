package io.consentkit.send;

import io.consentkit.InvalidInputException;

import java.math.BigDecimal;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.util.Currency;
import java.util.List;
import java.util.Objects;

/**
 * The limits a {@link LimitStore} enforces, as {@link GuardedSender.Builder} configured them. A
 * zero cap or a zero duration means no such limit. Immutable and thread-safe.
 *
 * @param zone               the zone whose midnight starts a day (daily caps, the day's budget)
 * @param cooldown           minimum time between two messages to one recipient
 * @param recipientHourlyCap most messages to one recipient in any 60 minutes (sliding)
 * @param recipientDailyCap  most messages to one recipient per calendar day
 * @param globalDailyCap     most messages in all per calendar day
 * @param segmentsPerSecond  most segments in all per second (a token bucket, refilled continuously)
 * @param segmentsPerMinute  most segments in all per clock minute (UTC; 12:00:00.000-12:00:59.999)
 * @param segmentsPerHour    most segments in all per clock hour (UTC)
 * @param segmentsPerDay     most segments in all per calendar day
 * @param dailyBudget        most estimated cost in all per calendar day, or null for no budget
 * @param currency           the budget's currency (the price table's), or null without a budget
 * @param alertAt            the fraction of the global daily cap and of the daily budget at which
 *                           the listener is alerted, once a day each
 */
public record LimitPolicy(ZoneId zone, Duration cooldown, int recipientHourlyCap, int recipientDailyCap,
                          long globalDailyCap, int segmentsPerSecond, long segmentsPerMinute, long segmentsPerHour,
                          long segmentsPerDay, BigDecimal dailyBudget, Currency currency, double alertAt) {
    private static final Duration DAY = Duration.ofHours(24);

    public LimitPolicy {
        Objects.requireNonNull(zone, "zone");
        Objects.requireNonNull(cooldown, "cooldown");
        if (cooldown.isNegative() || recipientHourlyCap < 0 || recipientDailyCap < 0 || globalDailyCap < 0
                || segmentsPerSecond < 0 || segmentsPerMinute < 0 || segmentsPerHour < 0 || segmentsPerDay < 0) {
            throw new InvalidInputException("limits", "caps and the cooldown must be zero or positive");
        }
        if (dailyBudget != null && (dailyBudget.signum() <= 0 || currency == null)) {
            throw new InvalidInputException("dailyBudget", "must be positive and have a currency (" + dailyBudget + ")");
        }
        if (!(alertAt > 0 && alertAt <= 1)) {
            throw new InvalidInputException("alertAt", "must be above 0 and at most 1 (" + alertAt + ")");
        }
    }

    /** True if any per-recipient limit is set. */
    public boolean recipientLimits() {
        return !cooldown.isZero() || recipientHourlyCap > 0 || recipientDailyCap > 0;
    }

    /**
     * Where a store that starts empty begins reading history ({@link SendLog#replay}) so that a
     * restart changes nothing: 26 hours and the cooldown before {@code now}, which covers the
     * calendar day (at most 25 hours, on a daylight-saving change), the sliding hour and the cooldown.
     */
    public Instant historyFrom(Instant now) {
        return now.minus(DAY.plusHours(2)).minus(cooldown);
    }

    /**
     * The detail of a per-recipient denial under this policy, worded the same by every
     * {@link LimitStore}, e.g. {@code "the recipient's daily cap is used up: 3 of 3 today"}.
     *
     * @param reason {@code COOLDOWN}, {@code RECIPIENT_HOURLY_CAP} or {@code RECIPIENT_DAILY_CAP}
     */
    public String recipientDenialDetail(SendOutcome.Reason reason) {
        return switch (reason) {
            case COOLDOWN -> "the recipient was texted within the cooldown of " + cooldown;
            case RECIPIENT_HOURLY_CAP -> "the recipient's hourly cap is used up: " + recipientHourlyCap
                    + " of " + recipientHourlyCap + " in the last 60 minutes";
            case RECIPIENT_DAILY_CAP -> "the recipient's daily cap is used up: " + recipientDailyCap
                    + " of " + recipientDailyCap + " today";
            default -> reason.name();
        };
    }

    /**
     * The decision of the sending rules' per-subject caps for one more send at {@code now}, worded
     * the same by every {@link LimitStore}: null to allow, else the most restrictive {@code SUBJECT_CAP}
     * denial, deferred until the oldest counted send leaves the cap's period, e.g.
     * {@code "3 messages on this subject within 24 hours, the cap of rule us-fl-... is 3"}.
     *
     * @param caps    the rules whose cap applies ({@link LimitStore.Usage#subjectCaps})
     * @param earlier the times (epoch ms, ascending) of earlier sends under the number and subject;
     *                only the first {@code size} are read
     */
    public static LimitStore.Denial subjectCapDenial(List<SendingRule> caps, long[] earlier, int size, long now) {
        LimitStore.Denial worst = null;
        for (SendingRule rule : caps) {
            long period = rule.capPeriod().toMillis();
            int first = 0;
            while (first < size && earlier[first] <= now - period) {
                first++;
            }
            int inPeriod = size - first;
            if (inPeriod < rule.subjectCap()) {
                continue;
            }
            // the send that has to leave the period before one more fits
            Instant until = Instant.ofEpochMilli(earlier[first + inPeriod - rule.subjectCap()] + period);
            if (worst == null || until.isAfter(worst.until())) {
                worst = new LimitStore.Denial(SendOutcome.Reason.SUBJECT_CAP, until, inPeriod
                        + " messages on this subject within " + rule.capPeriod().toHours() + " hours, the cap of rule "
                        + rule.describe() + " is " + rule.subjectCap());
            }
        }
        return worst;
    }
}
