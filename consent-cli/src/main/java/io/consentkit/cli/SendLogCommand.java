package io.consentkit.cli;

import io.consentkit.send.CsvSendLog;
import io.consentkit.send.SendLogEntry;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

import java.io.PrintWriter;
import java.math.BigDecimal;
import java.nio.file.Path;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.Callable;

/**
 * {@code consent send-log [--cost]}: the send log's decisions (numbers masked, no bodies, as the log
 * keeps them) with totals, or with {@code --cost} the sent messages, segments and estimated cost per
 * day. Opens the log read-only ({@link CsvSendLog#openReadOnly}): no lock, nothing created.
 */
@Command(name = "send-log", mixinStandardHelpOptions = true,
        description = {"Prints the send log (decisions, masked numbers, segments, estimated cost, delivery status) "
                + "and its totals; with --cost, sent messages, segments and cost per day (UTC). Read-only.",
            "Exit codes: 0 ok, 2 bad input, 3 send log missing or unreadable."})
final class SendLogCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;
    @Mixin
    StoreOptions opts;
    @Option(names = "--send-log", paramLabel = "<csv file>",
            description = "The send log. Default: sends.csv next to the store.")
    Path sendLog;
    @Option(names = "--cost", description = "Per day: messages sent, segments and estimated cost.")
    boolean cost;
    @Option(names = "--limit", defaultValue = "0", paramLabel = "<n>",
            description = "Print only the last n decisions (0: all); totals count every one.")
    int limit;

    @Override
    public Integer call() {
        int max = JournalReads.limit(limit);
        Path file = sendLog != null ? sendLog : opts.defaultSendLog();
        List<SendLogEntry> entries;
        try (CsvSendLog log = CsvSendLog.openReadOnly(file)) {
            entries = log.entries();
        }
        PrintWriter out = spec.commandLine().getOut();
        boolean json = opts.format == OutputFormat.json;
        if (cost) {
            TreeMap<LocalDate, Totals> days = new TreeMap<>();
            for (SendLogEntry e : entries) {
                if (e.decision() == SendLogEntry.Decision.SENT) {
                    days.computeIfAbsent(e.time().atOffset(ZoneOffset.UTC).toLocalDate(), d -> new Totals()).add(e);
                }
            }
            Totals all = new Totals();
            entries.stream().filter(e -> e.decision() == SendLogEntry.Decision.SENT).forEach(all::add);
            days.forEach((d, t) -> out.println(json ? Output.json(t.fields("date", d.toString()))
                    : d + "  sent=" + t.messages + "  segments=" + t.segments + "  cost=" + t.costText()));
            out.println(json ? Output.json(all.fields("total", "sent")) : "total  sent=" + all.messages
                    + "  segments=" + all.segments + "  cost=" + all.costText());
            return 0;
        }
        Map<SendLogEntry.Decision, Integer> byDecision = new EnumMap<>(SendLogEntry.Decision.class);
        Totals sent = new Totals();
        for (int i = 0; i < entries.size(); i++) {
            SendLogEntry e = entries.get(i);
            byDecision.merge(e.decision(), 1, Integer::sum);
            if (e.decision() == SendLogEntry.Decision.SENT) {
                sent.add(e);
            }
            if (max == 0 || i >= entries.size() - max) {
                out.println(json ? Output.json(fields(e)) : text(e));
            }
        }
        Map<String, Object> totals = new LinkedHashMap<>();
        for (SendLogEntry.Decision d : SendLogEntry.Decision.values()) {
            totals.put(d.name().toLowerCase(Locale.ROOT), byDecision.getOrDefault(d, 0));
        }
        totals.put("segmentsSent", sent.segments);
        totals.put("estimatedCost", sent.costs());
        if (json) {
            out.println(Output.json(Map.of("totals", totals)));
        } else {
            StringBuilder sb = new StringBuilder("total " + entries.size() + " decisions:");
            totals.forEach((k, v) -> sb.append(' ').append(k).append('=').append(v instanceof Map ? sent.costText() : v));
            out.println(sb);
        }
        return 0;
    }

    private static Map<String, Object> fields(SendLogEntry e) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("time", e.time().toString());
        m.put("decision", e.decision().name().toLowerCase(Locale.ROOT));
        m.put("reason", e.reason());
        m.put("to", e.to());
        m.put("category", e.category().label());
        m.put("templateId", e.templateId());
        m.put("segments", e.segments());
        m.put("estimatedCost", e.estimatedCost() == null ? null : e.estimatedCost().toPlainString());
        m.put("currency", e.currency());
        m.put("providerId", e.providerId());
        m.put("gateway", e.gateway());
        m.put("status", e.status() == null ? null : e.status().providerName());
        m.put("detail", e.detail());
        return m;
    }

    private static String text(SendLogEntry e) {
        return e.time() + "  " + e.decision().name() + (e.reason().isEmpty() ? "" : " " + e.reason()) + "  " + e.to()
                + "  " + e.category().label() + "  segments=" + e.segments()
                + (e.estimatedCost() == null ? "" : "  cost=" + e.estimatedCost().toPlainString() + " " + e.currency())
                + (e.providerId().isEmpty() ? "" : "  id=" + e.providerId())
                + (e.status() == null ? "" : "  status=" + e.status().providerName());
    }

    /** Messages, segments and cost per currency of some sent entries. */
    private static final class Totals {
        int messages;
        long segments;
        final Map<String, BigDecimal> cost = new TreeMap<>();

        void add(SendLogEntry e) {
            messages++;
            segments += e.segments();
            if (e.estimatedCost() != null) {
                cost.merge(e.currency(), e.estimatedCost(), BigDecimal::add);
            }
        }

        Map<String, Object> costs() {
            Map<String, Object> m = new LinkedHashMap<>();
            cost.forEach((k, v) -> m.put(k, v.toPlainString()));
            return m;
        }

        String costText() {
            if (cost.isEmpty()) {
                return "n/a";
            }
            List<String> parts = new ArrayList<>();
            cost.forEach((k, v) -> parts.add(v.toPlainString() + " " + k));
            return String.join(" + ", parts);
        }

        Map<String, Object> fields(String key, String value) {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put(key, value);
            m.put("sent", messages);
            m.put("segments", segments);
            m.put("estimatedCost", costs());
            return m;
        }
    }
}
