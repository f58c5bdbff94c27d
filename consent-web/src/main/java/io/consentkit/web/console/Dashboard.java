package io.consentkit.web.console;

import java.time.LocalDate;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;

/**
 * The dashboard's series, one value per day from {@code first} to {@code last}. Each map goes from a
 * method or program name to its per-day counts (index 0 is {@code first}). Immutable and thread-safe
 * (the arrays are copied in and out).
 *
 * @param first            the first day
 * @param last             the last day
 * @param optInsByMethod   opt-ins per day by opt-in method
 * @param optInsByProgram  opt-ins per day by program
 * @param optOutsByMethod  opt-outs per day by revocation method
 * @param optOutsByProgram opt-outs per day by program
 * @param sends            the send log per day (empty without a send log)
 */
public record Dashboard(LocalDate first, LocalDate last, Map<String, long[]> optInsByMethod,
                        Map<String, long[]> optInsByProgram, Map<String, long[]> optOutsByMethod,
                        Map<String, long[]> optOutsByProgram, List<ConsoleSendLog.DayTotals> sends) {
    public Dashboard {
        Objects.requireNonNull(first, "first");
        Objects.requireNonNull(last, "last");
        optInsByMethod = copy(optInsByMethod);
        optInsByProgram = copy(optInsByProgram);
        optOutsByMethod = copy(optOutsByMethod);
        optOutsByProgram = copy(optOutsByProgram);
        sends = List.copyOf(sends);
    }

    /** The number of days. */
    public int days() {
        return Math.toIntExact(last.toEpochDay() - first.toEpochDay() + 1);
    }

    /** The sum of a series over all its days and names. */
    public static long total(Map<String, long[]> series) {
        long t = 0;
        for (long[] v : series.values()) {
            for (long x : v) {
                t += x;
            }
        }
        return t;
    }

    private static Map<String, long[]> copy(Map<String, long[]> m) {
        Map<String, long[]> out = new TreeMap<>();
        m.forEach((k, v) -> out.put(k, v.clone()));
        return java.util.Collections.unmodifiableMap(out);
    }
}
