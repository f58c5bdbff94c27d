package io.consentkit.send;

import java.time.Instant;
import java.time.ZoneId;
import java.util.List;
import java.util.Objects;

/**
 * What {@link QuietHours#check} found for one number at one instant: when it may be texted and
 * which rules decided. Immutable and thread-safe.
 *
 * @param asOf          the instant asked about
 * @param nextAllowed   the earliest instant at or after the one asked about at which the number may be
 *                      texted (that instant itself when it is allowed)
 * @param window        the number's base window (the default or a prefix override)
 * @param zones         the zones the windows were checked in
 * @param jurisdictions the jurisdictions whose rules applied ({@code "US"}, {@code "US-FL"})
 * @param basis         how the state was found: {@code "area code 305 in FL"}, {@code "recipient state TX"},
 *                      {@code "non-geographic number"}, or {@code "no state"}
 * @param closedBy      for a deferral, the rules in force that did not allow it, the most specific first;
 *                      empty when only the window decided (or nothing did)
 * @param subjectCaps   the per-subject caps of the rules in force (Florida's 3 per 24 hours)
 * @param packVersion   the {@link SendingRules#version()} used
 */
public record QuietHoursDecision(Instant asOf, Instant nextAllowed, QuietHours.Window window, List<ZoneId> zones,
                                 List<String> jurisdictions, String basis, List<SendingRule> closedBy,
                                 List<SendingRule> subjectCaps, String packVersion) {
    public QuietHoursDecision {
        Objects.requireNonNull(asOf, "asOf");
        Objects.requireNonNull(nextAllowed, "nextAllowed");
        Objects.requireNonNull(window, "window");
        zones = List.copyOf(zones);
        jurisdictions = List.copyOf(jurisdictions);
        closedBy = List.copyOf(closedBy);
        subjectCaps = List.copyOf(subjectCaps);
        basis = basis == null ? "" : basis;
        packVersion = packVersion == null ? "" : packVersion;
    }

    /** True if {@link #asOf} is allowed. */
    public boolean allowed() {
        return nextAllowed.equals(asOf);
    }

    /**
     * The rule that decided, as a short name: the id of the most specific rule that closed the time
     * ({@code us-fl-501-616}), else {@code window} and the window ({@code window 08:00-21:00}).
     */
    public String rule() {
        return closedBy.isEmpty() ? "window " + window : closedBy.get(0).id();
    }

    /**
     * A sentence naming what decided, for people and the send log: {@code closed by rule us-fl-501-616
     * (US-FL, 08:00-20:00 on FRIDAY, https://...) of pack us-states-2026-12 in [America/New_York] (US,
     * US-FL; area code 305 in FL)}, or {@code outside 08:00-21:00 in [...]} when the window alone decided.
     */
    public String explain() {
        StringBuilder sb = new StringBuilder();
        if (closedBy.isEmpty()) {
            sb.append("outside ").append(window);
        } else {
            java.time.LocalDate day = asOf.atZone(zones.isEmpty() ? java.time.ZoneOffset.UTC : zones.get(0)).toLocalDate();
            sb.append("closed by rule ");
            for (int i = 0; i < closedBy.size(); i++) {
                SendingRule r = closedBy.get(i);
                QuietHours.Window w = r.windowOn(day);
                sb.append(i == 0 ? "" : ", rule ").append(r.id()).append(" (").append(r.jurisdiction()).append(", ")
                        .append(w != null ? w + " on " + day.getDayOfWeek()
                                : r.holidays().contains(day) ? "closed on " + r.holidays().label() + " holiday " + day
                                : "closed on " + day.getDayOfWeek())
                        .append(r.effectiveFrom() != null ? ", from " + r.effectiveFrom() : "")
                        .append(", ").append(r.source()).append(')');
            }
            sb.append(" of pack ").append(packVersion);
        }
        sb.append(" in ").append(zones).append(" (");
        if (!jurisdictions.isEmpty()) {
            sb.append(String.join(", ", jurisdictions)).append("; ");
        }
        return sb.append(basis).append(")").toString();
    }
}
