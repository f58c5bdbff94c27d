package io.consentkit.cli;

import io.consentkit.consent.ConsentTracker;
import io.consentkit.journal.ConsentRecord;
import io.consentkit.journal.ConsentStore;
import io.consentkit.store.CsvConsentStore;
import io.consentkit.store.InMemoryConsentStore;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Predicate;
import java.util.concurrent.Callable;

@Command(name = "export", mixinStandardHelpOptions = true,
        description = {"Writes the audit trail (every consent, active and revoked) as CSV, safe to open in a spreadsheet.",
            "With --journal, writes every journal row as stored instead (all history, nothing neutralised): the "
                    + "lossless backup, restored with 'consent import'."})
final class ExportCommand implements Callable<Integer> {
    /** The file name that means standard output. */
    static final String STDOUT = "-";

    @Spec
    CommandSpec spec;
    @Mixin
    StoreOptions opts;
    @Parameters(paramLabel = "<file>", description = "Where to write; '-' for standard output.")
    String file;
    @Option(names = "--journal", description = "Write the lossless journal backup instead of the audit export.")
    boolean journal;
    @Option(names = "--program", paramLabel = "<program>",
            description = "Only the rows bearing on this program: its consents and the suppressions covering it.")
    String program;

    /**
     * A tracker over the rows of the store that {@code scoped} keeps, held in memory: the export of a
     * program is the export of a journal holding only its rows. The store is only read.
     */
    private ConsentTracker scopedTracker(Predicate<ConsentRecord> scoped) {
        List<ConsentRecord> rows = new ArrayList<>();
        try (ConsentStore store = opts.isJdbc() ? opts.jdbcStore(false) : CsvConsentStore.openReadOnly(opts.csvPath())) {
            store.replay(r -> {
                if (scoped.test(r)) {
                    rows.add(r);
                }
            });
        }
        InMemoryConsentStore memory = new InMemoryConsentStore();
        memory.append(rows);
        return ConsentTracker.builder(memory).brand(opts.brand).programs(opts.programs()).erasureKey(opts.erasureKey())
                .build();
    }

    @Override
    public Integer call() {
        Predicate<ConsentRecord> scoped = program == null ? null : JournalReads.inProgram(program, opts.programs());
        boolean toStdout = STDOUT.equals(file);
        // with '-' the CSV may be on the terminal itself: no activity line beside it
        try (Progress progress = Progress.start(spec.commandLine().getErr(), "export: reading " + opts.describe(),
                !toStdout && opts.format == OutputFormat.text);
             ConsentTracker tracker = scoped == null ? opts.openReadOnlyTracker() : scopedTracker(scoped)) {
            progress.step("export: writing " + file);
            int n;
            if (toStdout) {
                PrintWriter out = spec.commandLine().getOut();
                n = journal ? tracker.exportJournal(out) : tracker.exportAudit(out);
                out.flush();
            } else {
                Path target = Path.of(file);
                n = journal ? tracker.exportJournal(target, progress.listener())
                        : tracker.exportAudit(target, progress.listener());
            }
            String what = journal ? "rows" : "consents";
            // with '-' the CSV is the output: the summary goes to stderr, so a pipe gets the CSV alone
            PrintWriter summary = toStdout ? spec.commandLine().getErr() : spec.commandLine().getOut();
            if (opts.format == OutputFormat.json) {
                summary.println(Output.json(Map.of("file", file, what, n)));
            } else {
                summary.println("exported " + n + " " + what + " to " + (toStdout ? "standard output" : file));
            }
        }
        return 0;
    }
}
