package io.consentkit.cli;

import io.consentkit.InvalidInputException;
import io.consentkit.phone.PhoneNumber;
import io.consentkit.phone.PhoneNumbers;
import io.consentkit.send.CategoryPolicy;
import io.consentkit.send.CsvSendLog;
import io.consentkit.send.LimitPolicy;
import io.consentkit.send.LimitStore;
import io.consentkit.send.QuietHours;
import io.consentkit.send.QuietHoursDecision;
import io.consentkit.send.SendLogEntry;
import io.consentkit.send.SendLogException;
import io.consentkit.send.SendingRule;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

import java.io.PrintWriter;
import java.math.BigDecimal;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.Currency;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;

/**
 * {@code consent limits <phone>}: what the sending limits have used for one number and when each
 * resets, counted from the CSV send log as a new sender over it would (the same rows: sent or maybe
 * sent, of categories that are capped, from the history a restart rebuilds). The limits are the app's,
 * given as flags (the sender's configuration), plus the bundled rule pack's per-subject caps for the
 * number. The verdict for one more 1-segment message is the in-memory limit store's own check over
 * those rows. Read-only: the log is opened with {@link CsvSendLog#openReadOnly}.
 */
@Command(name = "limits", mixinStandardHelpOptions = true,
        description = {"Shows what the sending limits have used for one number and when each resets: cooldown, "
                + "per-recipient hourly and daily caps, the global daily cap, segments per minute/hour/day, the "
                + "daily budget and the rule pack's per-subject caps (FL, OK, MD), counted from the send log. "
                + "Give the limits your sender uses as flags. Read-only.",
            "Exit codes: 0 one more message may go now, 1 a limit refuses it (the limit and until when are printed), "
                    + "2 bad input, 3 send log missing or unreadable."})
final class LimitsCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;
    @Mixin
    StoreOptions opts;
    @Parameters(paramLabel = "<phone>", description = "Phone number, any common format.")
    String phone;
    @Option(names = "--send-log", paramLabel = "<csv file>", description = "The send log. Default: sends.csv next to the store.")
    Path sendLog;
    @Option(names = "--cooldown", defaultValue = "PT0S", paramLabel = "<duration>",
            description = "Minimum time between two messages to one recipient (ISO-8601, e.g. PT30M). Default: none.")
    Duration cooldown;
    @Option(names = "--recipient-hourly-cap", defaultValue = "0", paramLabel = "<n>",
            description = "Most messages to one recipient in any 60 minutes. Default: none.")
    int hourlyCap;
    @Option(names = "--recipient-daily-cap", defaultValue = "0", paramLabel = "<n>",
            description = "Most messages to one recipient per day. Default: none.")
    int dailyCap;
    @Option(names = "--global-daily-cap", defaultValue = "0", paramLabel = "<n>",
            description = "Most messages in all per day. Default: none.")
    long globalDailyCap;
    @Option(names = "--segments-per-minute", defaultValue = "0", paramLabel = "<n>", description = "Default: none.")
    long perMinute;
    @Option(names = "--segments-per-hour", defaultValue = "0", paramLabel = "<n>", description = "Default: none.")
    long perHour;
    @Option(names = "--segments-per-day", defaultValue = "0", paramLabel = "<n>", description = "Default: none.")
    long perDay;
    @Option(names = "--daily-budget", paramLabel = "<amount>",
            description = "Most estimated cost in all per day, in --currency. Default: none.")
    BigDecimal budget;
    @Option(names = "--currency", defaultValue = "USD", paramLabel = "<code>", description = "Default: ${DEFAULT-VALUE}")
    String currency;
    @Option(names = "--zone", defaultValue = "UTC", paramLabel = "<zone>",
            description = "Zone whose midnight starts a day. Default: ${DEFAULT-VALUE}")
    String zone;
    @Option(names = "--state", defaultValue = "", paramLabel = "<code>",
            description = "The recipient's US state, as the app knows it (decides the rule pack's caps).")
    String state;
    @Option(names = "--subject", paramLabel = "<subject>",
            description = "Check the verdict for a marketing message on this subject (its template id, or its parts' subject).")
    String subject;
    @Option(names = "--at", paramLabel = "<instant>", description = "Count as of this ISO-8601 instant. Default: now.")
    Instant at;

    @Override
    public Integer call() {
        PhoneNumber number = PhoneNumbers.defaults().parse(phone);
        LimitPolicy policy = policy();
        Instant now = at != null ? at : Clock.systemUTC().instant();
        QuietHoursDecision q = QuietHours.defaults().check(number, state.strip().toUpperCase(java.util.Locale.ROOT), now);
        Path file = sendLog != null ? sendLog : opts.defaultSendLog();
        List<LimitUsage.Row> rows = new ArrayList<>();
        String recipient;
        String subjectKey;
        LimitStore store = LimitStore.inMemory(policy);
        try (CsvSendLog log = CsvSendLog.openReadOnly(file)) {
            if (!Files.exists(log.keyFile())) {
                throw new SendLogException("send log " + file + " has no key file " + log.keyFile()
                        + ": its recipient keys cannot be matched");
            }
            recipient = log.recipientKey(number.e164());
            subjectKey = subject == null ? "" : log.subjectKey(number.e164(), subject);
            Duration longest = q.subjectCaps().stream().map(SendingRule::capPeriod).max(Duration::compareTo)
                    .orElse(Duration.ZERO);
            Instant from = policy.historyFrom(now);
            Instant limitsFrom = from;
            if (now.minus(longest).isBefore(from)) {
                from = now.minus(longest);
            }
            log.replay(from, e -> {
                if (!e.mayHaveSent() || e.time().isAfter(now) || e.category().policy().caps() != CategoryPolicy.Caps.APPLY) {
                    return;
                }
                boolean mine = recipient.equals(e.recipientKey());
                rows.add(new LimitUsage.Row(e.time(), mine, e.segments(), e.estimatedCost(), mine ? e.subjectKey() : "",
                        e.templateId()));
                if (!e.time().isBefore(limitsFrom)) {
                    store.seed(new LimitStore.Usage(e.recipientKey(), e.time(), true, e.segments(), e.estimatedCost(),
                            mine ? e.subjectKey() : "", List.of()));
                } else if (mine && !e.subjectKey().isEmpty()) {
                    store.seed(new LimitStore.Usage("", e.time(), true, e.segments(), e.estimatedCost(), e.subjectKey(),
                            List.of()));
                }
            });
        }
        List<SendingRule> caps = subject == null ? List.of() : q.subjectCaps();
        LimitStore.Decision verdict = store.check(new LimitStore.Usage(recipient, now, true, 1, null,
                caps.isEmpty() ? "" : subjectKey, caps));
        LimitUsage usage = new LimitUsage(policy, now, rows, q.subjectCaps());
        print(number, now, usage, verdict);
        return verdict instanceof LimitStore.Denial ? ConsentCli.EXIT_FAILURE : 0;
    }

    private LimitPolicy policy() {
        ZoneId z;
        try {
            z = ZoneId.of(zone.strip());
        } catch (java.time.DateTimeException e) {
            throw new InvalidInputException("zone", "'" + zone + "' is not a time zone id");
        }
        Currency cur = null;
        if (budget != null) {
            try {
                cur = Currency.getInstance(currency.strip().toUpperCase(java.util.Locale.ROOT));
            } catch (IllegalArgumentException e) {
                throw new InvalidInputException("currency", "'" + currency + "' is not an ISO 4217 code");
            }
        }
        return new LimitPolicy(z, cooldown, hourlyCap, dailyCap, globalDailyCap, 0, perMinute, perHour, perDay, budget, cur, 0.9);
    }

    private void print(PhoneNumber number, Instant now, LimitUsage usage, LimitStore.Decision verdict) {
        PrintWriter out = spec.commandLine().getOut();
        List<LimitUsage.Line> lines = usage.lines();
        Map<String, Object> next = new LinkedHashMap<>();
        if (verdict instanceof LimitStore.Denial d) {
            next.put("allowed", false);
            next.put("reason", d.reason().name());
            next.put("until", d.until().equals(Instant.MAX) ? null : d.until().toString());
            next.put("detail", d.detail());
        } else {
            next.put("allowed", true);
        }
        if (opts.format == OutputFormat.json) {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("phoneNumber", number.e164());
            m.put("at", now.toString());
            m.put("zone", usage.zone().getId());
            m.put("sentToday", usage.sentToday());
            m.put("lastSent", usage.lastSent() == null ? null : usage.lastSent().toString());
            List<Object> limits = new ArrayList<>();
            for (LimitUsage.Line l : lines) {
                limits.add(l.fields());
            }
            m.put("limits", limits);
            m.put("notConfigured", usage.notConfigured());
            m.put("next", next);
            out.println(Output.json(m));
            return;
        }
        out.println("Limits for " + number.e164() + " at " + now + " (days in " + usage.zone().getId() + "): "
                + usage.sentToday() + " sent to it today" + (usage.lastSent() == null ? "" : ", last at " + usage.lastSent()));
        int width = lines.stream().mapToInt(l -> l.name().length()).max().orElse(0);
        for (LimitUsage.Line l : lines) {
            out.println("  " + String.format("%-" + width + "s", l.name()) + "  " + l.text());
        }
        if (!usage.notConfigured().isEmpty()) {
            out.println("  not configured: " + String.join(", ", usage.notConfigured()));
        }
        out.println(verdict instanceof LimitStore.Denial d
                ? "Next message: refused by " + d.reason() + (d.until().equals(Instant.MAX) ? "" : " until " + d.until())
                        + ": " + d.detail()
                : "Next message: allowed now by every limit" + (subject == null ? "" : " (subject '" + subject + "')"));
    }
}
