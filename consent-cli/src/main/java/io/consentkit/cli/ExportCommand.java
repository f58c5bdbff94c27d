package io.consentkit.cli;

import io.consentkit.consent.ConsentTracker;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.Map;
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

    @Override
    public Integer call() {
        boolean toStdout = STDOUT.equals(file);
        // with '-' the CSV may be on the terminal itself: no activity line beside it
        try (Progress progress = Progress.start(spec.commandLine().getErr(), "export: reading " + opts.describe(), !toStdout);
             ConsentTracker tracker = opts.openReadOnlyTracker()) {
            progress.step("export: writing " + file);
            int n;
            if (toStdout) {
                PrintWriter out = spec.commandLine().getOut();
                n = journal ? tracker.exportJournal(out) : tracker.exportAudit(out);
                out.flush();
            } else {
                Path target = Path.of(file);
                n = journal ? tracker.exportJournal(target) : tracker.exportAudit(target);
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
