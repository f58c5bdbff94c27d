package io.consentkit.send;

import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalTime;
import java.time.ZoneId;
import java.time.ZonedDateTime;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * The search behind {@link QuietHours}: the earliest instant at or after a given one at which every
 * zone of a number is inside the base window and inside the window of every rule in force for the
 * number's jurisdictions (most restrictive wins), and, for a deferral, which rules closed it.
 * Stateless; thread-safe.
 */
final class LocalHours {
    private static final Duration HORIZON = Duration.ofDays(8);
    private static final int MAX_STEPS = 64;
    private static final int MAX_DAYS = 9;

    private LocalHours() {
    }

    /**
     * The earliest instant at or after {@code now} allowed in every zone, or null if none within the
     * horizon.
     *
     * @param rules the rules of each jurisdiction that applies, newest first (may be empty)
     */
    static Instant search(List<ZoneId> zones, QuietHours.Window window, SendingRule[][] rules, Instant now) {
        Instant t = now;
        Instant limit = now.plus(HORIZON);
        for (int step = 0; step < MAX_STEPS; step++) {
            Instant latest = t;
            boolean allOk = true;
            for (int i = 0, n = zones.size(); i < n; i++) {
                ZoneId z = zones.get(i);
                ZonedDateTime local = t.atZone(z);
                LocalTime time = local.toLocalTime();
                if (!window.allows(time)) {
                    allOk = false;
                    latest = later(latest, nextStart(local, window, z, t));
                }
                if (rules.length > 0) {
                    LocalDate date = local.toLocalDate();
                    for (SendingRule[] candidates : rules) {
                        SendingRule r = SendingRules.inForce(candidates, date);
                        if (r != null && !r.allows(date, time)) {
                            allOk = false;
                            latest = later(latest, nextOpen(r, date, z, t));
                        }
                    }
                }
            }
            if (allOk) {
                return t;
            }
            if (latest.isAfter(limit)) {
                return null;
            }
            t = latest;
        }
        return null;
    }

    /** The rules in force that do not allow {@code now} in at least one of the zones. */
    static List<SendingRule> closedBy(List<ZoneId> zones, SendingRule[][] rules, Instant now) {
        Set<SendingRule> out = new LinkedHashSet<>();
        for (SendingRule[] candidates : rules) {
            for (ZoneId z : zones) {
                ZonedDateTime local = now.atZone(z);
                SendingRule r = SendingRules.inForce(candidates, local.toLocalDate());
                if (r != null && !r.allows(local.toLocalDate(), local.toLocalTime())) {
                    out.add(r);
                }
            }
        }
        List<SendingRule> list = new ArrayList<>(out);
        // the most specific first: a state's rule before the federal one
        list.sort((a, b) -> Integer.compare(b.jurisdiction().length(), a.jurisdiction().length()));
        return list;
    }

    /** The subject caps of the rules in force at {@code now} (dated in the first zone). */
    static List<SendingRule> subjectCaps(List<ZoneId> zones, SendingRule[][] rules, Instant now) {
        List<SendingRule> caps = null;
        LocalDate date = null;
        for (SendingRule[] candidates : rules) {
            if (date == null) {
                date = now.atZone(zones.get(0)).toLocalDate();
            }
            SendingRule r = SendingRules.inForce(candidates, date);
            if (r != null && r.hasSubjectCap()) {
                if (caps == null) {
                    caps = new ArrayList<>(2);
                }
                caps.add(r);
            }
        }
        return caps == null ? List.of() : List.copyOf(caps);
    }

    private static Instant later(Instant a, Instant b) {
        return b.isAfter(a) ? b : a;
    }

    /** The next start of {@code window} after {@code t} (which is outside it) in zone {@code z}. */
    static Instant nextStart(ZonedDateTime local, QuietHours.Window window, ZoneId z, Instant t) {
        LocalDate d = local.toLocalDate();
        Instant c = ZonedDateTime.of(d, window.start(), z).toInstant();
        if (!c.isAfter(t)) {
            c = ZonedDateTime.of(d.plusDays(1), window.start(), z).toInstant();
        }
        return c;
    }

    /** The next opening of {@code rule} after {@code t} in zone {@code z}: a later day if today is closed or over. */
    private static Instant nextOpen(SendingRule rule, LocalDate today, ZoneId z, Instant t) {
        for (int k = 0; k < MAX_DAYS; k++) {
            LocalDate d = today.plusDays(k);
            QuietHours.Window w = rule.windowOn(d);
            if (w != null) {
                Instant c = ZonedDateTime.of(d, w.start(), z).toInstant();
                if (c.isAfter(t)) {
                    return c;
                }
            }
        }
        return t.plus(HORIZON).plusSeconds(1);
    }
}
