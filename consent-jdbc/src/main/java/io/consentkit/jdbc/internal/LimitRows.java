package io.consentkit.jdbc.internal;

import io.consentkit.send.LimitPolicy;
import io.consentkit.send.LimitStore.Alert;
import io.consentkit.send.LimitStore.Decision;
import io.consentkit.send.LimitStore.Denial;
import io.consentkit.send.LimitStore.Reservation;
import io.consentkit.send.LimitStore.Today;
import io.consentkit.send.LimitStore.Usage;
import io.consentkit.send.SendOutcome.Reason;
import io.consentkit.send.SendingRule;

import java.math.BigDecimal;
import java.math.RoundingMode;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneId;
import java.util.Arrays;
import java.util.EnumSet;
import java.util.Set;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * The SQL work of each limit-store operation for one {@link LimitPolicy}, inside a transaction the
 * caller opens: rows are locked in one order (the recipient, the number and subject of the
 * per-subject caps, the day, the minute, hour and day windows, the rate), every cap is a guarded upsert, and a denial leaves the transaction to be
 * rolled back. Money is counted in millionths of the currency unit, rounded up (as in memory).
 * Thread-safe (the day cache is a volatile immutable value).
 */
public final class LimitRows {
    private static final long HOUR = 3_600_000L;
    private static final long MINUTE = 60_000L;
    private static final int MICRO_DIGITS = 6;
    private static final int MESSAGE_THRESHOLD = 1;
    private static final int MESSAGE_CAP = 2;
    private static final int BUDGET_THRESHOLD = 4;
    private static final int BUDGET_CAP = 8;

    private final LimitTables tables;
    private final LimitPolicy policy;
    private final ZoneId zone;
    private final long cooldown;
    private final long keep;
    private final long messageCap;
    private final long messageAlert;
    private final boolean budget;
    private final long budgetMicros;
    private final long spendAlert;
    private final long interval;
    private volatile Day lastDay = new Day(LocalDate.MIN, 0, 0);
    private volatile long longestSubjectPeriod;

    public LimitRows(LimitTables tables, LimitPolicy policy) {
        this.tables = tables;
        this.policy = policy;
        this.zone = policy.zone();
        this.cooldown = policy.cooldown().toMillis();
        this.keep = Math.max(cooldown, policy.recipientHourlyCap() > 0 ? HOUR : 0);
        long cap = policy.globalDailyCap();
        this.messageCap = cap > 0 ? cap : Long.MAX_VALUE;
        this.messageAlert = cap > 0 ? Math.max(1, (long) Math.ceil(policy.alertAt() * cap)) : Long.MAX_VALUE;
        this.budget = policy.dailyBudget() != null;
        this.budgetMicros = budget ? micros(policy.dailyBudget()) : Long.MAX_VALUE;
        this.spendAlert = budget ? Math.max(1, (long) Math.ceil(policy.alertAt() * budgetMicros)) : Long.MAX_VALUE;
        this.interval = policy.segmentsPerSecond() > 0 ? 1_000_000_000L / policy.segmentsPerSecond() : 0;
    }

    record Day(LocalDate date, long start, long end) {
    }

    /** What one reservation took; settled once. */
    public static final class Held implements Reservation {
        /** Set once the reservation is committed or released. */
        public final AtomicBoolean settled = new AtomicBoolean();
        long sendId = -1;
        long subjectSendId = -1;
        long dayStart;
        LocalDate date;
        long weight;
        long micros;
        long messagesToday;
        long spentMicros;
        long[] windowStarts = {-1, -1, -1};
        int alertsSeen;
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
    }

    /** Checks every limit for {@code u} and, with {@code reserve}, takes its place (the caller commits, or rolls a denial back). */
    public Decision decide(Connection c, Usage u, boolean reserve) throws SQLException {
        long now = u.at().toEpochMilli();
        Held h = new Held();
        h.weight = Math.max(1, u.segments());
        h.micros = u.cost() == null ? 0 : micros(u.cost());
        Day day = dayOf(now);
        h.dayStart = day.start;
        h.date = day.date;
        if (policy.recipientLimits() && !u.recipient().isEmpty()) {
            if (reserve) {
                update(c, tables.lockRecipient, u.recipient(), now);
            }
            long from = policy.recipientDailyCap() > 0 ? Math.min(now - keep, day.start) : now - keep;
            Denial d = RecipientRule.evaluate(times(c, u.recipient(), from), now, u.cooldown(), policy, day.start,
                    day.end);
            if (d != null) {
                return d;
            }
            if (reserve) {
                h.sendId = query(c, tables.insertSend, u.recipient(), now)[0];
            }
        }
        if (u.subjectCounted() && !u.subjectCaps().isEmpty()) {
            Denial d = subject(c, h, u, now, reserve);
            if (d != null) {
                return d;
            }
        }
        Denial d = day(c, h, day, reserve);
        for (int i = 0; d == null && i < 3; i++) {
            d = window(c, h, i, now, reserve);
        }
        if (d == null && interval > 0) {
            d = rate(c, h, u.at(), reserve);
        }
        if (d != null) {
            return d;
        }
        if (reserve) {
            h.alerts = alerts(c, day.start, h.messagesToday, h.spentMicros, h.alertsSeen);
        } else {
            h.settled.set(true);
        }
        return h;
    }

    /**
     * The per-subject caps: the number and subject's row in the recipient table is locked, its send
     * times (in the send table under {@link #subjectKey}) decided as in memory, the new one inserted.
     */
    private Denial subject(Connection c, Held h, Usage u, long now, boolean reserve) throws SQLException {
        long longest = 0;
        for (SendingRule r : u.subjectCaps()) {
            longest = Math.max(longest, r.capPeriod().toMillis());
        }
        if (longest > longestSubjectPeriod) {
            longestSubjectPeriod = longest;
        }
        String key = subjectKey(u.subject());
        if (reserve) {
            update(c, tables.lockRecipient, key, now);
        }
        long[] earlier = times(c, key, now - longest);
        Denial d = LimitPolicy.subjectCapDenial(u.subjectCaps(), earlier, earlier.length, now);
        if (d == null && reserve) {
            h.subjectSendId = query(c, tables.insertSend, key, now)[0];
        }
        return d;
    }

    /** The key of a number and subject in the tables: apart from every recipient key. */
    private static String subjectKey(String subject) {
        return "s:" + subject;
    }

    /** The longest per-subject cap period reserved under so far (pruning keeps those send times). */
    public long longestSubjectPeriod() {
        return longestSubjectPeriod;
    }

    /** The day's messages, segments and spend: one guarded upsert. */
    private Denial day(Connection c, Held h, Day day, boolean reserve) throws SQLException {
        long[] row;
        if (reserve && !(budget && h.micros > budgetMicros)) {
            row = query(c, tables.addToDay, day.start, day.end, h.weight, h.micros, messageCap, budgetMicros);
            if (row != null) {
                h.messagesToday = row[0];
                h.spentMicros = row[1];
                h.alertsSeen = (int) row[2];
                return null;
            }
        }
        long[] now = query(c, tables.readDay, day.start);
        long messages = now == null ? 0 : now[0];
        long spent = now == null ? 0 : now[2];
        if (messages + 1 > messageCap) {
            return new Denial(Reason.GLOBAL_DAILY_CAP, Instant.ofEpochMilli(day.end),
                    "the daily cap of " + messageCap + " messages is used up for " + day.date);
        }
        if (budget && h.micros > budgetMicros) {
            return new Denial(Reason.DAILY_BUDGET, Instant.MAX, "the message's estimated cost "
                    + BigDecimal.valueOf(h.micros, MICRO_DIGITS).stripTrailingZeros().toPlainString()
                    + " is more than the daily budget of " + policy.dailyBudget().toPlainString());
        }
        if (spent + h.micros > budgetMicros) {
            return new Denial(Reason.DAILY_BUDGET, Instant.ofEpochMilli(day.end), "the daily budget of "
                    + policy.dailyBudget().toPlainString() + " " + policy.currency() + " is used up for " + day.date);
        }
        if (reserve) {
            throw new SQLException("the day row refused a reservation it has room for", "XX000");
        }
        h.messagesToday = messages + 1;
        h.spentMicros = spent + h.micros;
        return null;
    }

    /** Segments per minute (0), hour (1) or day (2): one guarded upsert, if that window is configured. */
    private Denial window(Connection c, Held h, int i, long now, boolean reserve) throws SQLException {
        long cap = windowCap(i);
        if (cap <= 0) {
            return null;
        }
        long start = windowStart(i, now);
        long end = windowEnd(i, start);
        long weight = Math.min(h.weight, cap); // a message heavier than the window takes all of it
        boolean ok;
        if (reserve) {
            ok = query(c, tables.addToWindow, windowName(i), start, end, weight, cap) != null;
        } else {
            long[] row = query(c, tables.readWindow, windowName(i), start);
            ok = (row == null ? 0 : row[0]) + weight <= cap;
        }
        if (!ok) {
            return new Denial(Reason.SEGMENT_LIMIT, Instant.ofEpochMilli(end),
                    "over " + cap + " segments per " + (i == 0 ? "minute" : i == 1 ? "hour" : "day"));
        }
        if (reserve) {
            h.windowStarts[i] = start;
        }
        return null;
    }

    /** The per-second token bucket (the generic cell rate algorithm on one row). */
    private Denial rate(Connection c, Held h, Instant at, boolean reserve) throws SQLException {
        int perSecond = policy.segmentsPerSecond();
        long now = at.getEpochSecond() * 1_000_000_000L + at.getNano();
        long cost = Math.max(1, Math.min(h.weight, perSecond)) * interval;
        long burst = interval * perSecond;
        if (reserve && query(c, tables.takeRate, now + cost, now, cost, now, cost, now, burst) != null) {
            return null;
        }
        long[] row = query(c, tables.readWindow, "rate", 0L);
        long next = Math.max(row == null ? Long.MIN_VALUE / 2 : row[0], now) + cost;
        if (!reserve && next - now <= burst) {
            return null;
        }
        return new Denial(Reason.RATE_LIMIT, Instant.ofEpochSecond(0, next - burst),
                "over " + perSecond + " segments per second");
    }

    /** The alerts this count is the first to cross today, marked on the day row (locked by this transaction). */
    private Set<Alert> alerts(Connection c, long dayStart, long messages, long spent, int seen) throws SQLException {
        int want = (messages >= messageAlert ? MESSAGE_THRESHOLD : 0) | (messages >= messageCap ? MESSAGE_CAP : 0)
                | (budget && spent >= spendAlert ? BUDGET_THRESHOLD : 0) | (budget && spent >= budgetMicros ? BUDGET_CAP : 0);
        int fresh = want & ~seen;
        if (fresh == 0) {
            return Set.of();
        }
        update(c, tables.markAlerts, fresh, dayStart);
        EnumSet<Alert> a = EnumSet.noneOf(Alert.class);
        Alert[] bits = {Alert.DAILY_CAP_THRESHOLD, Alert.DAILY_CAP_REACHED, Alert.DAILY_BUDGET_THRESHOLD,
                Alert.DAILY_BUDGET_REACHED};
        for (int i = 0; i < bits.length; i++) {
            if ((fresh & (1 << i)) != 0) {
                a.add(bits[i]);
            }
        }
        return a;
    }

    private long windowCap(int i) {
        return i == 0 ? policy.segmentsPerMinute() : i == 1 ? policy.segmentsPerHour() : policy.segmentsPerDay();
    }

    private static String windowName(int i) {
        return i == 0 ? "minute" : i == 1 ? "hour" : "day";
    }

    private long windowStart(int i, long at) {
        return i == 2 ? dayOf(at).start : at - Math.floorMod(at, i == 0 ? MINUTE : HOUR);
    }

    private long windowEnd(int i, long start) {
        return i == 2 ? dayOf(start).end : start + (i == 0 ? MINUTE : HOUR);
    }

    private Day dayOf(long millis) {
        Day d = lastDay;
        if (millis >= d.start && millis < d.end) {
            return d;
        }
        LocalDate date = Instant.ofEpochMilli(millis).atZone(zone).toLocalDate();
        d = new Day(date, date.atStartOfDay(zone).toInstant().toEpochMilli(),
                date.plusDays(1).atStartOfDay(zone).toInstant().toEpochMilli());
        lastDay = d;
        return d;
    }

    private long[] times(Connection c, String key, long from) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(tables.sendTimes)) {
            ps.setString(1, key);
            ps.setLong(2, from);
            try (ResultSet rs = ps.executeQuery()) {
                long[] out = new long[8];
                int n = 0;
                while (rs.next()) {
                    if (n == out.length) {
                        out = Arrays.copyOf(out, n * 2);
                    }
                    out[n++] = rs.getLong(1);
                }
                return Arrays.copyOf(out, n);
            }
        }
    }

    /** Runs {@code sql} and returns its first row's numbers, or null for no row. */
    private static long[] query(Connection c, String sql, Object... args) throws SQLException {
        try (PreparedStatement ps = prepare(c, sql, args); ResultSet rs = ps.executeQuery()) {
            if (!rs.next()) {
                return null;
            }
            long[] row = new long[rs.getMetaData().getColumnCount()];
            for (int i = 0; i < row.length; i++) {
                row[i] = rs.getLong(i + 1);
            }
            return row;
        }
    }

    private static void update(Connection c, String sql, Object... args) throws SQLException {
        try (PreparedStatement ps = prepare(c, sql, args)) {
            ps.executeUpdate();
        }
    }

    private static PreparedStatement prepare(Connection c, String sql, Object... args) throws SQLException {
        PreparedStatement ps = c.prepareStatement(sql);
        for (int i = 0; i < args.length; i++) {
            if (args[i] instanceof String text) {
                ps.setString(i + 1, text);
            } else {
                ps.setLong(i + 1, ((Number) args[i]).longValue());
            }
        }
        return ps;
    }

    static long micros(BigDecimal amount) {
        return amount.movePointRight(MICRO_DIGITS).setScale(0, RoundingMode.CEILING).longValueExact();
    }

    /** Gives a reservation back: its send time and its weights. */
    public void release(Connection c, Held h) throws SQLException {
        if (h.sendId >= 0) {
            update(c, tables.deleteSend, h.sendId);
        }
        if (h.subjectSendId >= 0) {
            update(c, tables.deleteSend, h.subjectSendId);
        }
        update(c, tables.subtractFromDay, h.weight, h.micros, h.dayStart);
        for (int i = 0; i < 3; i++) {
            if (h.windowStarts[i] >= 0) {
                update(c, tables.subtractFromWindow, Math.min(h.weight, windowCap(i)), windowName(i), h.windowStarts[i]);
            }
        }
    }

    /** Counts a past send without checking any limit; alerts it crosses count as given. */
    public void seed(Connection c, Usage u) throws SQLException {
        long at = u.at().toEpochMilli();
        long weight = Math.max(1, u.segments());
        if (policy.recipientLimits() && !u.recipient().isEmpty()) {
            update(c, tables.lockRecipient, u.recipient(), at);
            query(c, tables.insertSend, u.recipient(), at);
        }
        if (u.subjectCounted()) {
            update(c, tables.lockRecipient, subjectKey(u.subject()), at);
            query(c, tables.insertSend, subjectKey(u.subject()), at);
        }
        Day day = dayOf(at);
        long[] row = query(c, tables.addToDay, day.start, day.end, weight, u.cost() == null ? 0 : micros(u.cost()),
                Long.MAX_VALUE, Long.MAX_VALUE);
        alerts(c, day.start, row[0], row[1], (int) row[2]);
        for (int i = 0; i < 3; i++) {
            if (windowCap(i) > 0) {
                long start = windowStart(i, at);
                query(c, tables.addToWindow, windowName(i), start, windowEnd(i, start), Math.min(weight, windowCap(i)),
                        Long.MAX_VALUE);
            }
        }
    }

    /** What the day containing {@code now} has used. */
    public Today today(Connection c, Instant now) throws SQLException {
        Day day = dayOf(now.toEpochMilli());
        long[] row = query(c, tables.readDay, day.start);
        return row == null ? new Today(day.date, 0, 0, BigDecimal.valueOf(0, MICRO_DIGITS))
                : new Today(day.date, row[0], row[1], BigDecimal.valueOf(row[2], MICRO_DIGITS));
    }
}
