package io.consentkit.cli;

import io.consentkit.InvalidInputException;
import io.consentkit.journal.ConsentRecord;
import io.consentkit.journal.ConsentStatus;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

import java.io.PrintWriter;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.Callable;

/**
 * {@code consent stats}: rows, consents, numbers, consents by current status and by opt-in method,
 * and opt-ins and opt-outs per day (UTC) for the last days; one read-only pass over the journal.
 */
@Command(name = "stats", mixinStandardHelpOptions = true,
        description = {"Counts: rows, consents, numbers, consents by current status and opt-in method, and "
                + "opt-ins and opt-outs per day (UTC) for the last --days days. Read-only.",
            "Exit codes: 0 ok, 2 bad input, 3 journal missing or unreadable."})
final class StatsCommand implements Callable<Integer> {
    private static final ConsentStatus[] STATUSES = ConsentStatus.values();

    @Spec
    CommandSpec spec;
    @Mixin
    StoreOptions opts;
    @Option(names = "--days", defaultValue = "30", paramLabel = "<n>",
            description = "Days of opt-ins and opt-outs to show (1-3660). Default: ${DEFAULT-VALUE}")
    int days;
    @Option(names = "--until", paramLabel = "<date>",
            description = "Last day shown (UTC, e.g. 2026-01-31). Default: today.")
    LocalDate until;

    @Override
    public Integer call() {
        if (days < 1 || days > 3660) {
            throw new InvalidInputException("days", "must be 1 to 3660, was " + days);
        }
        LocalDate last = until != null ? until : LocalDate.now(ZoneOffset.UTC);
        LocalDate first = last.minusDays(days - 1L);
        long[] rows = {0};
        Map<String, Integer> state = new HashMap<>(); // consent id -> status ordinal | method index << 3
        List<String> methods = new ArrayList<>();
        Map<String, Integer> methodIndex = new HashMap<>();
        Set<String> numbers = new HashSet<>();
        TreeMap<LocalDate, int[]> perDay = new TreeMap<>(); // [opt-ins, opt-outs]
        for (LocalDate d = first; !d.isAfter(last); d = d.plusDays(1)) {
            perDay.put(d, new int[2]);
        }
        JournalReads.replay(opts.csvPath(), r -> {
            rows[0]++;
            numbers.add(r.phoneNumber().e164());
            int m = methodIndex.computeIfAbsent(r.optInMethod(), k -> {
                methods.add(k);
                return methods.size() - 1;
            });
            Integer before = state.put(r.consentId(), r.status().ordinal() | m << 3);
            ConsentStatus previous = before == null ? null : STATUSES[before & 7];
            if (r.status() == ConsentStatus.ACTIVE && previous != ConsentStatus.ACTIVE) {
                count(perDay, r.timestamp().atOffset(ZoneOffset.UTC).toLocalDate(), 0);
            } else if (r.status() == ConsentStatus.REVOKED && previous != ConsentStatus.REVOKED) {
                count(perDay, JournalReads.changedAt(r).atOffset(ZoneOffset.UTC).toLocalDate(), 1);
            }
        });
        Map<String, Integer> byStatus = new LinkedHashMap<>();
        for (ConsentStatus s : STATUSES) {
            byStatus.put(s.journalName(), 0);
        }
        Map<String, Map<String, Integer>> byMethod = new TreeMap<>();
        for (int v : state.values()) {
            String status = STATUSES[v & 7].journalName();
            byStatus.merge(status, 1, Integer::sum);
            String method = methods.get(v >>> 3);
            byMethod.computeIfAbsent(method.isEmpty() ? "(suppression)" : method, k -> new TreeMap<>())
                    .merge(status, 1, Integer::sum);
        }
        print(spec.commandLine().getOut(), rows[0], state.size(), numbers.size(), byStatus, byMethod, perDay);
        return 0;
    }

    private static void count(TreeMap<LocalDate, int[]> perDay, LocalDate day, int which) {
        int[] c = perDay.get(day);
        if (c != null) {
            c[which]++;
        }
    }

    private void print(PrintWriter out, long rows, int consents, int numbers, Map<String, Integer> byStatus,
                       Map<String, Map<String, Integer>> byMethod, TreeMap<LocalDate, int[]> perDay) {
        if (opts.format == OutputFormat.json) {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("rows", rows);
            m.put("consents", consents);
            m.put("numbers", numbers);
            m.put("byStatus", byStatus);
            m.put("byMethod", byMethod);
            List<Object> dayList = new ArrayList<>();
            perDay.forEach((d, c) -> {
                Map<String, Object> day = new LinkedHashMap<>();
                day.put("date", d.toString());
                day.put("optIns", c[0]);
                day.put("optOuts", c[1]);
                dayList.add(day);
            });
            m.put("days", dayList);
            out.println(Output.json(m));
            return;
        }
        out.println(opts.store + ": " + rows + " rows, " + consents + " consents, " + numbers + " numbers");
        StringBuilder sb = new StringBuilder("by status:");
        byStatus.forEach((k, v) -> sb.append(' ').append(k).append('=').append(v));
        out.println(sb);
        out.println("by opt-in method:");
        byMethod.forEach((method, counts) -> {
            StringBuilder line = new StringBuilder("  ").append(method).append(':');
            counts.forEach((k, v) -> line.append(' ').append(k).append('=').append(v));
            out.println(line);
        });
        out.println("per day (UTC)  opt-ins  opt-outs");
        perDay.forEach((d, c) -> out.println(String.format(java.util.Locale.ROOT, "%s  %7d  %8d", d, c[0], c[1])));
    }
}
