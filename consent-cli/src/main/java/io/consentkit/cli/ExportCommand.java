package io.consentkit.cli;

import io.consentkit.consent.ConsentTracker;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.Callable;

@Command(name = "export", mixinStandardHelpOptions = true,
        description = "Writes the audit trail (every consent, active and revoked) as CSV, safe to open in a spreadsheet.")
final class ExportCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;
    @Mixin
    StoreOptions opts;
    @Parameters(paramLabel = "<file>")
    Path file;

    @Override
    public Integer call() {
        try (ConsentTracker tracker = opts.openReadOnlyTracker()) {
            int n = tracker.exportAudit(file);
            if (opts.format == OutputFormat.json) {
                spec.commandLine().getOut().println(Output.json(Map.of("file", file.toString(), "consents", n)));
            } else {
                spec.commandLine().getOut().println("exported " + n + " consents to " + file);
            }
        }
        return 0;
    }
}
