package io.consentkit.jdbc.internal;

import io.consentkit.send.LimitPolicy;
import io.consentkit.send.LimitStore.Denial;
import io.consentkit.send.SendOutcome.Reason;

import java.time.Instant;

/**
 * The per-recipient limits over one recipient's send times, as the in-memory store decides them:
 * the cooldown after the latest send, the hourly cap over a sliding 60 minutes (deferred until the
 * oldest send in it leaves), the daily cap until the day's end. Stateless and thread-safe.
 */
public final class RecipientRule {
    private static final long HOUR = 3_600_000L;

    private RecipientRule() {
    }

    /**
     * @param times    the recipient's send times (epoch ms) that any limit looks at, oldest first
     * @param cooldown whether the cooldown applies to this message
     * @param policy   the caps and cooldown, and the wording of a denial
     * @return the denial, or null if every limit allows a send at {@code now}
     */
    public static Denial evaluate(long[] times, long now, boolean cooldown, LimitPolicy policy, long dayStart,
                                  long dayEnd) {
        long cooldownMillis = policy.cooldown().toMillis();
        int hourlyCap = policy.recipientHourlyCap();
        int dailyCap = policy.recipientDailyCap();
        Reason reason = null;
        long until = Long.MIN_VALUE;
        int size = times.length;
        if (cooldown && cooldownMillis > 0 && size > 0) {
            long last = times[size - 1];
            if (last > now - cooldownMillis) {
                reason = Reason.COOLDOWN;
                until = last + cooldownMillis;
            }
        }
        if (hourlyCap > 0) {
            int first = 0;
            while (first < size && times[first] <= now - HOUR) {
                first++;
            }
            int inHour = size - first;
            if (inHour >= hourlyCap) {
                long u = times[first + inHour - hourlyCap] + HOUR;
                if (u > until) {
                    reason = Reason.RECIPIENT_HOURLY_CAP;
                    until = u;
                }
            }
        }
        if (dailyCap > 0) {
            int first = 0;
            while (first < size && times[first] < dayStart) {
                first++;
            }
            if (size - first >= dailyCap && dayEnd > until) {
                reason = Reason.RECIPIENT_DAILY_CAP;
                until = dayEnd;
            }
        }
        if (reason == null) {
            return null;
        }
        return new Denial(reason, Instant.ofEpochMilli(until), policy.recipientDenialDetail(reason));
    }
}
