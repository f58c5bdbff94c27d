package io.consentkit.cli;

import io.consentkit.consent.ConsentTracker;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.Callable;

@Command(name = "export", mixinStandardHelpOptions = true,
        description = {"Writes the audit trail (every consent, active and revoked) as CSV, safe to open in a spreadsheet.",
            "With --journal, writes every journal row as stored instead (all history, nothing neutralised): the "
                    + "lossless backup, restored with 'consent import'."})
final class ExportCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;
    @Mixin
    StoreOptions opts;
    @Parameters(paramLabel = "<file>")
    Path file;
    @Option(names = "--journal", description = "Write the lossless journal backup instead of the audit export.")
    boolean journal;

    @Override
    public Integer call() {
        try (ConsentTracker tracker = opts.openReadOnlyTracker()) {
            int n = journal ? tracker.exportJournal(file) : tracker.exportAudit(file);
            String what = journal ? "rows" : "consents";
            if (opts.format == OutputFormat.json) {
                spec.commandLine().getOut().println(Output.json(Map.of("file", file.toString(), what, n)));
            } else {
                spec.commandLine().getOut().println("exported " + n + " " + what + " to " + file);
            }
        }
        return 0;
    }
}
