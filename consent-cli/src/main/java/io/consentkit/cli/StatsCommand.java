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
import java.time.YearMonth;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.Callable;

/**
 * {@code consent stats}: rows, consents, numbers, consents by current status and by opt-in method,
 * and opt-ins and opt-outs per day (UTC) for the last days; with {@code --by program}, consents by
 * current status per brand, program and method; with {@code --by month}, opt-ins and opt-outs per UTC
 * month. Text, JSON or CSV; one read-only pass over the journal.
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
    @Option(names = "--by", defaultValue = "day", paramLabel = "day|program|month",
            description = "day: the summary and opt-ins/opt-outs per day (the default); program: consents by current "
                    + "status per program and opt-in method; month: opt-ins and opt-outs per UTC month over the whole "
                    + "journal. Default: ${DEFAULT-VALUE}")
    String by;

    /** Consents in their current state by program and method: status counts. */
    private final Map<List<String>, int[]> byProgram = new TreeMap<>(StatsCommand::compareKeys);
    /** Opt-ins and opt-outs per UTC month. */
    private final TreeMap<YearMonth, int[]> perMonth = new TreeMap<>();

    @Override
    public Integer call() {
        if (days < 1 || days > 3660) {
            throw new InvalidInputException("days", "must be 1 to 3660, was " + days);
        }
        String view = by.strip().toLowerCase(java.util.Locale.ROOT);
        if (!List.of("day", "program", "month").contains(view)) {
            throw new InvalidInputException("by", "'" + io.consentkit.support.Masking.printable(by)
                    + "' is not day, program or month");
        }
        LocalDate last = until != null ? until : LocalDate.now(ZoneOffset.UTC);
        LocalDate first = last.minusDays(days - 1L);
        long[] rows = {0};
        IdIndex ids = new IdIndex(); // consent id -> its index in state and scopeOf
        int[][] state = {new int[1024]}; // by consent: status ordinal | method index << 3
        List<String> methods = new ArrayList<>();
        Map<String, Integer> methodIndex = new HashMap<>();
        int[][] scopeOf = {new int[1024]}; // by consent: scope index (--by program)
        List<List<String>> scopes = new ArrayList<>();
        Map<List<String>, Integer> scopeIndex = new HashMap<>();
        NumberSet numbers = new NumberSet();
        TreeMap<LocalDate, int[]> perDay = new TreeMap<>(); // [opt-ins, opt-outs]
        for (LocalDate d = first; !d.isAfter(last); d = d.plusDays(1)) {
            perDay.put(d, new int[2]);
        }
        int[][] dayCounts = perDay.values().toArray(new int[0][]); // by day, from first: no map lookup per row
        long firstDay = first.toEpochDay();
        boolean byMonth = "month".equals(view);
        boolean byProgramView = "program".equals(view);
        io.consentkit.consent.Programs programs = opts.programs();
        try (Progress progress = Progress.start(spec.commandLine().getErr(), "stats: reading " + opts.describe(),
                opts.format == OutputFormat.text)) {
            JournalReads.replayHandedOff(opts.csvPath(), r -> { // the counting beside the reading
                rows[0]++;
                numbers.add(r.phoneNumber());
                int m = methodIndex.computeIfAbsent(r.optInMethod(), k -> {
                    methods.add(k);
                    return methods.size() - 1;
                });
                int c = ids.add(r.consentId());
                if (c == state[0].length) {
                    state[0] = java.util.Arrays.copyOf(state[0], c * 2);
                    scopeOf[0] = java.util.Arrays.copyOf(scopeOf[0], c * 2);
                }
                ConsentStatus previous = ids.added() ? null : STATUSES[state[0][c] & 7];
                state[0][c] = r.status().ordinal() | m << 3;
                int which = r.status() == ConsentStatus.ACTIVE && previous != ConsentStatus.ACTIVE ? 0
                        : r.status() == ConsentStatus.REVOKED && previous != ConsentStatus.REVOKED ? 1 : -1;
                if (which >= 0) {
                    long day = Math.floorDiv((which == 0 ? r.timestamp() : JournalReads.changedAt(r)).getEpochSecond(),
                            86_400L); // the UTC date, without a date-time object per row
                    long at = day - firstDay;
                    if (at >= 0 && at < dayCounts.length) {
                        dayCounts[(int) at][which]++;
                    }
                    if (byMonth) { // only that view prints them
                        perMonth.computeIfAbsent(YearMonth.from(LocalDate.ofEpochDay(day)), k -> new int[2])[which]++;
                    }
                }
                if (byProgramView) {
                    String program = ProgramsOption.programOf(r, programs);
                    String brand = ProgramsOption.brandOf(r, programs);
                    List<String> key = List.of(brand == null ? "(all brands)" : brand,
                            program == null ? "(all programs)" : program);
                    scopeOf[0][c] = scopeIndex.computeIfAbsent(key, k -> {
                        scopes.add(k);
                        return scopes.size() - 1;
                    });
                }
            }, progress);
        }
        Map<String, Integer> byStatus = new LinkedHashMap<>();
        for (ConsentStatus s : STATUSES) {
            byStatus.put(s.journalName(), 0);
        }
        Map<String, Map<String, Integer>> byMethod = new TreeMap<>();
        for (int i = 0; i < ids.size(); i++) {
            int v = state[0][i];
            String status = STATUSES[v & 7].journalName();
            byStatus.merge(status, 1, Integer::sum);
            String method = methods.get(v >>> 3);
            byMethod.computeIfAbsent(method.isEmpty() ? "(suppression)" : method, k -> new TreeMap<>())
                    .merge(status, 1, Integer::sum);
        }
        if ("program".equals(view)) {
            for (int i = 0; i < ids.size(); i++) {
                int v = state[0][i];
                List<String> scope = scopes.get(scopeOf[0][i]);
                String method = methods.get(v >>> 3);
                byProgram.computeIfAbsent(List.of(scope.get(0), scope.get(1), method.isEmpty() ? "(suppression)" : method),
                        k -> new int[STATUSES.length])[v & 7]++;
            }
            printPrograms(spec.commandLine().getOut());
            return 0;
        }
        if ("month".equals(view)) {
            printMonths(spec.commandLine().getOut());
            return 0;
        }
        print(spec.commandLine().getOut(), rows[0], ids.size(), numbers.size(), byStatus, byMethod, perDay);
        return 0;
    }

    private static int compareKeys(List<String> a, List<String> b) {
        for (int i = 0; i < a.size(); i++) {
            int c = a.get(i).compareTo(b.get(i));
            if (c != 0) {
                return c;
            }
        }
        return 0;
    }

    /** {@code --by program}: one line (row, object) per brand, program and method. */
    private void printPrograms(PrintWriter out) {
        List<String> names = new ArrayList<>();
        for (ConsentStatus st : STATUSES) {
            names.add(st.journalName());
        }
        if (opts.format == OutputFormat.csv) {
            out.print(csvLine(concat(List.of("brand", "program", "method", "consents"), names)));
        } else if (opts.format == OutputFormat.text) {
            out.println("brand / program / opt-in method: consents by current status");
        }
        byProgram.forEach((key, counts) -> {
            int total = java.util.Arrays.stream(counts).sum();
            if (opts.format == OutputFormat.csv) {
                List<String> cells = new ArrayList<>(key);
                cells.add(Integer.toString(total));
                for (int c : counts) {
                    cells.add(Integer.toString(c));
                }
                out.print(csvLine(cells));
                return;
            }
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("brand", key.get(0));
            m.put("program", key.get(1));
            m.put("method", key.get(2));
            m.put("consents", total);
            for (int i = 0; i < counts.length; i++) {
                m.put(names.get(i), counts[i]);
            }
            if (opts.format == OutputFormat.json) {
                out.println(Output.json(m));
            } else {
                StringBuilder sb = new StringBuilder("  ").append(key.get(0)).append(" / ").append(key.get(1))
                        .append(" / ").append(key.get(2)).append(": ").append(total);
                for (int i = 0; i < counts.length; i++) {
                    sb.append(' ').append(names.get(i)).append('=').append(counts[i]);
                }
                out.println(sb);
            }
        });
        out.flush();
    }

    /** {@code --by month}: opt-ins and opt-outs per UTC month, oldest first. */
    private void printMonths(PrintWriter out) {
        if (opts.format == OutputFormat.csv) {
            out.print(csvLine(List.of("month", "opt_ins", "opt_outs")));
        } else if (opts.format == OutputFormat.text) {
            out.println("month (UTC)  opt-ins  opt-outs");
        }
        perMonth.forEach((month, c) -> {
            if (opts.format == OutputFormat.csv) {
                out.print(csvLine(List.of(month.toString(), Integer.toString(c[0]), Integer.toString(c[1]))));
            } else if (opts.format == OutputFormat.json) {
                Map<String, Object> m = new LinkedHashMap<>();
                m.put("month", month.toString());
                m.put("optIns", c[0]);
                m.put("optOuts", c[1]);
                out.println(Output.json(m));
            } else {
                out.println(String.format(java.util.Locale.ROOT, "%-11s  %7d  %8d", month, c[0], c[1]));
            }
        });
        out.flush();
    }

    private static List<String> concat(List<String> a, List<String> b) {
        List<String> out = new ArrayList<>(a);
        out.addAll(b);
        return out;
    }

    /** One RFC 4180 line, formula-safe, as the audit export writes cells. */
    static String csvLine(List<String> cells) {
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < cells.size(); i++) {
            if (i > 0) {
                sb.append(',');
            }
            io.consentkit.journal.JournalCodec.appendCell(sb, io.consentkit.journal.JournalCodec.formulaSafe(cells.get(i)));
        }
        return sb.append('\n').toString();
    }

    private void print(PrintWriter out, long rows, int consents, int numbers, Map<String, Integer> byStatus,
                       Map<String, Map<String, Integer>> byMethod, TreeMap<LocalDate, int[]> perDay) {
        if (opts.format == OutputFormat.csv) {
            out.print(csvLine(List.of("date", "opt_ins", "opt_outs")));
            perDay.forEach((d, c) -> out.print(csvLine(List.of(d.toString(), Integer.toString(c[0]),
                    Integer.toString(c[1])))));
            out.flush();
            return;
        }
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
