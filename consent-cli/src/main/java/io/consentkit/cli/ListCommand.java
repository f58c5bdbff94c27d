package io.consentkit.cli;

import io.consentkit.InvalidInputException;
import io.consentkit.journal.ConsentRecord;
import io.consentkit.journal.ConsentStatus;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

import java.time.Instant;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.function.Predicate;

/**
 * {@code consent list}: the current state of the journal's consents, filtered, read-only (one pass
 * over {@link io.consentkit.store.CsvConsentStore#openReadOnly}; nothing created or locked).
 */
@Command(name = "list", mixinStandardHelpOptions = true,
        description = {"Lists consents in their current state (last row of each consent), oldest first, read-only.",
            "Exit codes: 0 listed (also when none matched), 2 bad input, 3 journal missing or unreadable."})
final class ListCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;
    @Mixin
    StoreOptions opts;
    @Option(names = "--status", split = ",", paramLabel = "active|revoked|pending|declined|expired",
            description = "Only consents in these states (comma-separated or repeated). Default: all.")
    List<String> statuses = List.of();
    @Option(names = "--method", paramLabel = "<method>", description = "Only this opt-in method (e.g. web_form).")
    String method;
    @Option(names = "--since", paramLabel = "<instant|date>",
            description = "Only consents whose current state began at or after this (revocation time if revoked, "
                    + "else the consent's timestamp): 2026-01-15 or 2026-01-15T18:00:00Z.")
    String since;
    @Option(names = "--program", paramLabel = "<program>",
            description = "Only consents of this program, and suppressions covering it (of it, its brand or all).")
    String program;
    @Option(names = "--limit", defaultValue = "0", paramLabel = "<n>", description = "Print at most n (0: all).")
    int limit;

    @Override
    public Integer call() {
        int max = JournalReads.limit(limit);
        Set<ConsentStatus> wanted = statuses(statuses);
        Instant from = since == null ? null : JournalReads.instant("since", since);
        Predicate<ConsentRecord> scoped = JournalReads.inProgram(program, opts.programs());
        Predicate<ConsentRecord> filter = r -> scoped.test(r) && (wanted.isEmpty() || wanted.contains(r.status()))
                && (method == null || method.equals(r.optInMethod()))
                && (from == null || !JournalReads.changedAt(r).isBefore(from));
        JournalReads.print(spec.commandLine().getOut(), opts.format,
                JournalReads.fold(opts.csvPath(), filter).values(), max, opts.programs());
        return 0;
    }

    static Set<ConsentStatus> statuses(List<String> names) {
        Set<ConsentStatus> out = EnumSet.noneOf(ConsentStatus.class);
        for (String n : names) {
            try {
                out.add(ConsentStatus.fromJournal(n));
            } catch (IllegalArgumentException e) {
                throw new InvalidInputException("status", e.getMessage());
            }
        }
        return out;
    }
}
