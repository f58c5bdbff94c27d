package io.consentkit.checks;

import io.consentkit.send.QuietHours;
import io.consentkit.send.SendingRule;
import io.consentkit.send.SendingRules;
import org.junit.jupiter.api.Test;

import java.time.DayOfWeek;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Keeps docs/sending.md honest: its rules table must be the bundled rule pack
 * ({@link SendingRules#bundled()}); {@code -Dconsentkit.updateDocs=true} rewrites the table.
 */
class SendingDocsTest {
    private static final String[] DAY = {"Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"};

    static String rulesTable() {
        SendingRules pack = SendingRules.bundled();
        StringBuilder sb = new StringBuilder();
        sb.append("Pack `").append(pack.version()).append("`:\n\n");
        sb.append("| rule | jurisdiction | window (local time) | Sundays / holidays | per-subject cap | effective from | source |\n");
        sb.append("|---|---|---|---|---|---|---|\n");
        for (SendingRule r : pack.rules()) {
            sb.append("| `").append(r.id()).append("` | ").append(r.jurisdiction()).append(" | ").append(windows(r))
                    .append(" | ").append(closures(r)).append(" | ")
                    .append(r.hasSubjectCap() ? r.subjectCap() + " per " + r.capPeriod().toHours() + " h" : "")
                    .append(" | ").append(r.effectiveFrom() == null ? "before the pack" : r.effectiveFrom().toString())
                    .append(" | [").append(r.source().getHost()).append("](").append(r.source()).append(") ")
                    .append(r.note().replace("|", "/")).append(" |\n");
        }
        return sb.toString();
    }

    /** "09:00-21:00 Mon-Sat, 12:00-21:00 Sun": runs of days with the same window. */
    private static String windows(SendingRule r) {
        Map<String, List<Integer>> runs = new LinkedHashMap<>();
        for (DayOfWeek d : DayOfWeek.values()) {
            QuietHours.Window w = r.windows().get(d);
            if (w != null) {
                runs.computeIfAbsent(w.toString(), k -> new ArrayList<>()).add(d.ordinal());
            }
        }
        if (runs.size() == 1 && runs.values().iterator().next().size() == 7) {
            return runs.keySet().iterator().next() + " every day";
        }
        List<String> parts = new ArrayList<>();
        runs.forEach((w, days) -> parts.add(w + " " + DAY[days.get(0)]
                + (days.size() > 1 ? "-" + DAY[days.get(days.size() - 1)] : "")));
        return String.join(", ", parts);
    }

    private static String closures(SendingRule r) {
        List<String> out = new ArrayList<>();
        if (!r.windows().containsKey(DayOfWeek.SUNDAY)) {
            out.add("no Sundays");
        }
        if (r.holidays() != SendingRule.Holidays.NONE) {
            out.add("no " + r.holidays().label() + " holidays");
        }
        return String.join(", ", out);
    }

    @Test
    void rulesTableMatchesTheBundledPack() {
        Docs.checkGenerated(Docs.root().resolve("docs").resolve("sending.md"), "sending-rules", rulesTable());
        assertThat(rulesTable()).contains("us-tx-sb-140").contains("09:00-21:00 Mon-Sat, 12:00-21:00 Sun");
    }
}
