package io.consentkit.cli;

import io.consentkit.send.LimitPolicy;
import io.consentkit.send.LimitStore;
import io.consentkit.send.SendingRule;

import java.math.BigDecimal;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The counts {@code consent limits} prints: for one recipient and the whole log, what each configured
 * limit of a {@link LimitPolicy} has used at an instant and when it resets (the windows as the
 * limit stores define them: the sliding hour, the calendar day in the policy's zone, clock minutes
 * and hours in UTC), and each per-subject cap of the rule pack over the recipient's sends on each
 * subject ({@link LimitPolicy#subjectCapDenial} says when a full one frees). Immutable.
 */
final class LimitUsage {
    private static final long HOUR = 3_600_000L;
    private static final long MINUTE = 60_000L;

    /** One counted send: when, whether to this recipient, its weight and cost, its subject key and template. */
    record Row(Instant at, boolean mine, int segments, BigDecimal cost, String subjectKey, String templateId) {
    }

    /** One limit: its name, cap, use and reset, for people and as JSON. */
    record Line(String name, String cap, Object used, Instant resetsAt, boolean full, String text) {
        Map<String, Object> fields() {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("limit", name);
            m.put("cap", cap);
            m.put("used", used);
            m.put("resetsAt", resetsAt == null ? null : resetsAt.toString());
            m.put("full", full);
            return m;
        }
    }

    private final LimitPolicy policy;
    private final List<Line> lines = new ArrayList<>();
    private final List<String> notConfigured = new ArrayList<>();
    private long sentToday;
    private Instant lastSent;

    LimitUsage(LimitPolicy policy, Instant now, List<Row> rows, List<SendingRule> subjectCaps) {
        this.policy = policy;
        long t = now.toEpochMilli();
        ZoneId zone = policy.zone();
        LocalDate today = now.atZone(zone).toLocalDate();
        long dayStart = today.atStartOfDay(zone).toInstant().toEpochMilli();
        Instant dayEnd = today.plusDays(1).atStartOfDay(zone).toInstant();
        long minuteStart = t - Math.floorMod(t, MINUTE);
        long hourStart = t - Math.floorMod(t, HOUR);
        List<Long> mine = new ArrayList<>();
        long messagesToday = 0;
        long segMinute = 0;
        long segHour = 0;
        long segDay = 0;
        BigDecimal spent = BigDecimal.ZERO;
        for (Row r : rows) {
            long at = r.at().toEpochMilli();
            long w = Math.max(1, r.segments());
            if (r.mine()) {
                mine.add(at);
                lastSent = r.at();
            }
            if (at >= dayStart) {
                messagesToday++;
                segDay += w;
                spent = r.cost() == null ? spent : spent.add(r.cost());
                sentToday += r.mine() ? 1 : 0;
            }
            segHour += at >= hourStart ? w : 0;
            segMinute += at >= minuteStart ? w : 0;
        }
        if (!policy.cooldown().isZero()) {
            Instant until = lastSent == null ? null : lastSent.plus(policy.cooldown());
            boolean active = until != null && until.isAfter(now);
            add("cooldown", policy.cooldown().toString(), active ? 1 : 0, active ? until : null, active,
                    lastSent == null ? "no send to this number in it" : "last send " + lastSent
                            + (active ? "; over at " + until : "; over"));
        } else {
            notConfigured.add("cooldown");
        }
        if (policy.recipientHourlyCap() > 0) {
            List<Long> inHour = mine.stream().filter(x -> x > t - HOUR).toList();
            Instant frees = inHour.isEmpty() ? null : Instant.ofEpochMilli(inHour.get(0) + HOUR);
            cap("recipient hourly cap", policy.recipientHourlyCap(), inHour.size(), frees,
                    "in the last 60 minutes" + (frees == null ? "" : "; the oldest leaves at " + frees));
        } else {
            notConfigured.add("recipient hourly cap");
        }
        if (policy.recipientDailyCap() > 0) {
            cap("recipient daily cap", policy.recipientDailyCap(), sentToday, dayEnd, "today; resets at " + dayEnd);
        } else {
            notConfigured.add("recipient daily cap");
        }
        if (policy.globalDailyCap() > 0) {
            cap("global daily cap", policy.globalDailyCap(), messagesToday, dayEnd, "messages in all today; resets at " + dayEnd);
        } else {
            notConfigured.add("global daily cap");
        }
        window("segments per minute", policy.segmentsPerMinute(), segMinute, Instant.ofEpochMilli(minuteStart + MINUTE));
        window("segments per hour", policy.segmentsPerHour(), segHour, Instant.ofEpochMilli(hourStart + HOUR));
        window("segments per day", policy.segmentsPerDay(), segDay, dayEnd);
        if (policy.dailyBudget() != null) {
            boolean full = spent.compareTo(policy.dailyBudget()) >= 0;
            add("daily budget", policy.dailyBudget().toPlainString() + " " + policy.currency(),
                    spent.stripTrailingZeros().toPlainString(), dayEnd, full,
                    spent.stripTrailingZeros().toPlainString() + " of " + policy.dailyBudget().toPlainString() + " "
                            + policy.currency() + " estimated today; resets at " + dayEnd);
        } else {
            notConfigured.add("daily budget");
        }
        subjects(rows, subjectCaps, t);
    }

    private void subjects(List<Row> rows, List<SendingRule> caps, long t) {
        if (caps.isEmpty()) {
            notConfigured.add("per-subject caps (no rule of the pack caps this number)");
            return;
        }
        Map<String, List<Long>> bySubject = new LinkedHashMap<>();
        Map<String, String> label = new LinkedHashMap<>();
        for (Row r : rows) {
            if (r.mine() && !r.subjectKey().isEmpty()) {
                bySubject.computeIfAbsent(r.subjectKey(), k -> new ArrayList<>()).add(r.at().toEpochMilli());
                label.put(r.subjectKey(), r.templateId().isEmpty() ? "(no template)" : r.templateId());
            }
        }
        for (SendingRule rule : caps) {
            long period = rule.capPeriod().toMillis();
            String name = "subject cap " + rule.id();
            if (bySubject.isEmpty()) {
                add(name, rule.subjectCap() + " per " + hours(rule.capPeriod()), 0, null, false,
                        "0 of " + rule.subjectCap() + " on any subject in " + hours(rule.capPeriod()));
            }
            for (Map.Entry<String, List<Long>> e : bySubject.entrySet()) {
                long[] times = e.getValue().stream().mapToLong(Long::longValue).toArray();
                long used = e.getValue().stream().filter(x -> x > t - period).count();
                LimitStore.Denial d = LimitPolicy.subjectCapDenial(List.of(rule), times, times.length, t);
                Instant frees = d != null ? d.until() : e.getValue().stream().filter(x -> x > t - period).findFirst()
                        .map(x -> Instant.ofEpochMilli(x + period)).orElse(null);
                add(name + " [" + label.get(e.getKey()) + "]", rule.subjectCap() + " per " + hours(rule.capPeriod()),
                        used, frees, d != null, used + " of " + rule.subjectCap() + " in " + hours(rule.capPeriod())
                                + (frees == null ? "" : (d != null ? "; full until " : "; the oldest leaves at ") + frees));
            }
        }
    }

    private static String hours(Duration d) {
        return d.toHours() + " h";
    }

    private void cap(String name, long cap, long used, Instant resets, String text) {
        add(name, Long.toString(cap), used, resets, used >= cap, used + " of " + cap + " " + text);
    }

    private void window(String name, long cap, long used, Instant end) {
        if (cap <= 0) {
            notConfigured.add(name);
            return;
        }
        cap(name, cap, used, end, "(window ends " + end + ")");
    }

    private void add(String name, String cap, Object used, Instant resets, boolean full, String text) {
        lines.add(new Line(name, cap, used, resets, full, (full ? "FULL  " : "") + text));
    }

    List<Line> lines() {
        return List.copyOf(lines);
    }

    List<String> notConfigured() {
        return List.copyOf(notConfigured);
    }

    long sentToday() {
        return sentToday;
    }

    Instant lastSent() {
        return lastSent;
    }

    ZoneId zone() {
        return policy.zone();
    }
}
