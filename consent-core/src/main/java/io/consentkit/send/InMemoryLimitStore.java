package io.consentkit.send;

import io.consentkit.send.SendOutcome.Reason;
import io.consentkit.send.internal.Days;
import io.consentkit.send.internal.RateLimiter;
import io.consentkit.send.internal.WindowCounter;

import java.math.BigDecimal;
import java.math.RoundingMode;
import java.time.Instant;
import java.time.LocalDate;
import java.util.EnumSet;
import java.util.Set;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * {@link LimitStore#inMemory}: per-recipient send times in {@link RecipientLimits} (locked per
 * recipient), per-subject send times in a {@link SubjectLedger} (locked per number and subject), every global window a {@link WindowCounter} (compare-and-set), the per-second rate a
 * {@link RateLimiter}. A reservation takes its share of each limit in turn and gives back what it
 * took if a later one refuses, so no cap is ever passed; a send that loses such a race may be
 * deferred by a place another send is about to give back. Money is counted in millionths of the
 * currency unit, rounded up. Thread-safe.
 */
final class InMemoryLimitStore implements LimitStore {
    private static final int MICRO_DIGITS = 6;

    private final LimitPolicy policy;
    private final Days days;
    private final RecipientLimits recipients;
    private final SubjectLedger subjects = new SubjectLedger();
    private final WindowCounter messages;
    private final long messageAlert;
    private final WindowCounter segmentsToday;
    private final WindowCounter spend;
    private final long spendAlert;
    private final boolean budget;
    private final WindowCounter perMinute;
    private final WindowCounter perHour;
    private final WindowCounter perDay;
    private final RateLimiter rate;

    /** What one reservation took; settled once. */
    private final class Held implements Reservation {
        final AtomicBoolean settled = new AtomicBoolean();
        RecipientLimits.Reservation recipient;
        SubjectLedger.Hold subject;
        WindowCounter.Count message;
        WindowCounter.Count segments;
        WindowCounter.Count money;
        WindowCounter.Count minute;
        WindowCounter.Count hour;
        WindowCounter.Count day;
        long weight;
        long micros;
        long messagesToday;
        long spentMicros;
        LocalDate date;
        Set<Alert> alerts = Set.of();

        @Override
        public LocalDate day() {
            return date;
        }

        @Override
        public long messagesToday() {
            return messagesToday;
        }

        @Override
        public BigDecimal spentToday() {
            return BigDecimal.valueOf(spentMicros, MICRO_DIGITS);
        }

        @Override
        public Set<Alert> alerts() {
            return alerts;
        }

        /** Gives back every global share taken so far. */
        void undo() {
            if (message != null) {
                messages.release(message, 1);
            }
            if (segments != null) {
                segmentsToday.release(segments, weight);
            }
            if (money != null) {
                spend.release(money, micros);
            }
            release(perMinute, minute, weight);
            release(perHour, hour, weight);
            release(perDay, day, weight);
        }
    }

    InMemoryLimitStore(LimitPolicy policy) {
        this.policy = policy;
        this.days = new Days(policy.zone());
        RecipientLimits rl = new RecipientLimits(policy.cooldown().toMillis(), policy.recipientHourlyCap(),
                policy.recipientDailyCap(), days);
        this.recipients = rl.enabled() ? rl : null;
        long cap = policy.globalDailyCap();
        this.messages = WindowCounter.daily(days, cap > 0 ? cap : Long.MAX_VALUE);
        this.messageAlert = cap > 0 ? Math.max(1, (long) Math.ceil(policy.alertAt() * cap)) : Long.MAX_VALUE;
        this.segmentsToday = WindowCounter.daily(days, Long.MAX_VALUE);
        this.budget = policy.dailyBudget() != null;
        long budgetMicros = budget ? micros(policy.dailyBudget()) : Long.MAX_VALUE;
        this.spend = WindowCounter.daily(days, budgetMicros);
        this.spendAlert = budget ? Math.max(1, (long) Math.ceil(policy.alertAt() * budgetMicros)) : Long.MAX_VALUE;
        this.perMinute = policy.segmentsPerMinute() > 0 ? WindowCounter.fixed(1, policy.segmentsPerMinute()) : null;
        this.perHour = policy.segmentsPerHour() > 0 ? WindowCounter.fixed(60, policy.segmentsPerHour()) : null;
        this.perDay = policy.segmentsPerDay() > 0 ? WindowCounter.daily(days, policy.segmentsPerDay()) : null;
        this.rate = policy.segmentsPerSecond() > 0 ? new RateLimiter(policy.segmentsPerSecond()) : null;
    }

    @Override
    public LimitPolicy policy() {
        return policy;
    }

    @Override
    public Decision reserve(Usage u) {
        return decide(u, true);
    }

    @Override
    public Decision check(Usage u) {
        return decide(u, false);
    }

    private Decision decide(Usage u, boolean reserve) {
        long now = u.at().toEpochMilli();
        Held h = new Held();
        h.weight = Math.max(1, u.segments());
        h.micros = u.cost() == null ? 0 : micros(u.cost());
        if (recipients != null) {
            Object r = recipients.check(u.recipient(), now, u.cooldown(), reserve);
            if (r instanceof RecipientLimits.Denial d) {
                return new Denial(d.reason(), Instant.ofEpochMilli(d.untilMillis()), policy.recipientDenialDetail(d.reason()));
            }
            h.recipient = (RecipientLimits.Reservation) r;
        }
        if (u.subjectCounted() && !u.subjectCaps().isEmpty()) {
            Object r = subjects.check(u.subject(), u.subjectCaps(), now, reserve);
            if (r instanceof Denial d) {
                releaseKeyed(h);
                return d;
            }
            h.subject = (SubjectLedger.Hold) r;
        }
        Denial d = globals(h, now, reserve);
        if (d != null) {
            releaseKeyed(h);
            return d;
        }
        if (rate != null) {
            long nanos = u.at().getEpochSecond() * 1_000_000_000L + u.at().getNano();
            int w = (int) Math.min(Integer.MAX_VALUE, h.weight);
            long r = reserve ? rate.tryAcquire(nanos, w) : rate.peek(nanos, w);
            if (r != RateLimiter.ACQUIRED) {
                h.undo();
                releaseKeyed(h);
                return new Denial(Reason.RATE_LIMIT, Instant.ofEpochSecond(0, r),
                        "over " + rate.perSecond() + " segments per second");
            }
        }
        if (reserve) {
            alerts(h);
        } else {
            h.settled.set(true);
        }
        return h;
    }

    /** Gives back what {@code h} took per recipient and per subject. */
    private void releaseKeyed(Held h) {
        if (h.recipient != null) {
            recipients.release(h.recipient);
        }
        if (h.subject != null) {
            subjects.release(h.subject);
        }
    }

    /** The global windows in order; on a refusal, what was taken is given back. */
    private Denial globals(Held h, long now, boolean reserve) {
        WindowCounter.Count c = messages.count(now);
        h.date = days.of(c.startMillis()).date();
        long used = reserve ? messages.tryReserve(c, 1) : messages.fits(c, 1) ? c.used() + 1 : -1;
        if (used < 0) {
            return new Denial(Reason.GLOBAL_DAILY_CAP, Instant.ofEpochMilli(c.endMillis()),
                    "the daily cap of " + messages.cap() + " messages is used up for " + h.date);
        }
        h.messagesToday = used;
        if (reserve) {
            h.message = c;
            h.segments = segmentsToday.count(now);
            segmentsToday.add(h.segments, h.weight);
        }
        WindowCounter.Count m = spend.count(now);
        if (budget && h.micros > spend.cap()) {
            h.undo();
            return new Denial(Reason.DAILY_BUDGET, Instant.MAX, "the message's estimated cost "
                    + BigDecimal.valueOf(h.micros, MICRO_DIGITS).stripTrailingZeros().toPlainString()
                    + " is more than the daily budget of " + policy.dailyBudget().toPlainString());
        }
        long spent = reserve ? spend.tryReserve(m, h.micros) : spend.fits(m, h.micros) ? m.used() + h.micros : -1;
        if (spent < 0) {
            h.undo();
            return new Denial(Reason.DAILY_BUDGET, Instant.ofEpochMilli(m.endMillis()), "the daily budget of "
                    + policy.dailyBudget().toPlainString() + " " + policy.currency() + " is used up for " + h.date);
        }
        h.spentMicros = spent;
        if (reserve) {
            h.money = m;
        }
        Denial d = window(h, perMinute, now, reserve, "minute");
        if (d == null) {
            d = window(h, perHour, now, reserve, "hour");
        }
        if (d == null) {
            d = window(h, perDay, now, reserve, "day");
        }
        if (d != null) {
            h.undo();
        }
        return d;
    }

    private Denial window(Held h, WindowCounter w, long now, boolean reserve, String per) {
        if (w == null) {
            return null;
        }
        WindowCounter.Count c = w.count(now);
        long weight = Math.min(h.weight, w.cap()); // a message heavier than the window takes all of it
        boolean ok = reserve ? w.tryReserve(c, weight) >= 0 : w.fits(c, weight);
        if (!ok) {
            return new Denial(Reason.SEGMENT_LIMIT, Instant.ofEpochMilli(c.endMillis()),
                    "over " + w.cap() + " segments per " + per);
        }
        if (reserve) {
            if (w == perMinute) {
                h.minute = c;
            } else if (w == perHour) {
                h.hour = c;
            } else {
                h.day = c;
            }
        }
        return null;
    }

    private static void release(WindowCounter w, WindowCounter.Count c, long weight) {
        if (c != null) {
            w.release(c, Math.min(weight, w.cap()));
        }
    }

    private void alerts(Held h) {
        EnumSet<Alert> a = null;
        if (h.messagesToday >= messageAlert && h.message.firstThresholdAlert()) {
            a = EnumSet.of(Alert.DAILY_CAP_THRESHOLD);
        }
        if (h.messagesToday >= messages.cap() && h.message.firstCapAlert()) {
            a = add(a, Alert.DAILY_CAP_REACHED);
        }
        if (budget && h.spentMicros >= spendAlert && h.money.firstThresholdAlert()) {
            a = add(a, Alert.DAILY_BUDGET_THRESHOLD);
        }
        if (budget && h.spentMicros >= spend.cap() && h.money.firstCapAlert()) {
            a = add(a, Alert.DAILY_BUDGET_REACHED);
        }
        if (a != null) {
            h.alerts = a;
        }
    }

    private static EnumSet<Alert> add(EnumSet<Alert> a, Alert alert) {
        if (a == null) {
            return EnumSet.of(alert);
        }
        a.add(alert);
        return a;
    }

    @Override
    public void commit(Reservation reservation) {
        Held h = (Held) reservation;
        if (h.settled.compareAndSet(false, true) && h.recipient != null) {
            recipients.commit(h.recipient);
        }
    }

    @Override
    public void release(Reservation reservation) {
        Held h = (Held) reservation;
        if (h.settled.compareAndSet(false, true)) {
            h.undo();
            releaseKeyed(h);
        }
    }

    @Override
    public void seed(Usage u) {
        long at = u.at().toEpochMilli();
        long weight = Math.max(1, u.segments());
        if (recipients != null && !u.recipient().isEmpty()) {
            recipients.seed(u.recipient(), at);
        }
        if (u.subjectCounted()) {
            subjects.seed(u.subject(), at);
        }
        WindowCounter.Count c = messages.count(at);
        if (messages.add(c, 1) >= messageAlert) {
            c.firstThresholdAlert(); // the process before this one was told already
        }
        if (c.used() >= messages.cap()) {
            c.firstCapAlert();
        }
        segmentsToday.add(segmentsToday.count(at), weight);
        if (u.cost() != null) {
            WindowCounter.Count m = spend.count(at);
            long spent = spend.add(m, micros(u.cost()));
            if (budget && spent >= spendAlert) {
                m.firstThresholdAlert();
            }
            if (budget && spent >= spend.cap()) {
                m.firstCapAlert();
            }
        }
        for (WindowCounter w : new WindowCounter[] {perMinute, perHour, perDay}) {
            if (w != null) {
                w.add(w.count(at), Math.min(weight, w.cap()));
            }
        }
    }

    @Override
    public Today today(Instant now) {
        long at = now.toEpochMilli();
        WindowCounter.Count c = messages.count(at);
        return new Today(days.of(c.startMillis()).date(), c.used(), segmentsToday.count(at).used(),
                BigDecimal.valueOf(spend.count(at).used(), MICRO_DIGITS));
    }

    @Override
    public boolean startsEmpty() {
        return true;
    }

    /** Number of recipients with state (tests). */
    int trackedRecipients() {
        return recipients == null ? 0 : recipients.trackedRecipients();
    }

    private static long micros(BigDecimal amount) {
        return amount.movePointRight(MICRO_DIGITS).setScale(0, RoundingMode.CEILING).longValueExact();
    }


    @Override
    public String toString() {
        return "LimitStore[in memory]";
    }
}
