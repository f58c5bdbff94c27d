package io.consentkit.cli;

import io.consentkit.consent.ConsentTracker;
import io.consentkit.consent.ImportResult;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.Callable;

@Command(name = "import", mixinStandardHelpOptions = true,
        description = "Imports a consent CSV written by the existing tool (same schema). Every row is validated "
                + "first; one bad row rejects the import with its line number and changes nothing.")
final class ImportCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;
    @Mixin
    StoreOptions opts;
    @Parameters(paramLabel = "<file>")
    Path file;

    @Override
    public Integer call() {
        try (ConsentTracker tracker = opts.openTracker()) {
            ImportResult r = tracker.importLegacy(file);
            if (opts.format == OutputFormat.json) {
                Map<String, Object> m = new LinkedHashMap<>();
                m.put("rowsRead", r.rowsRead());
                m.put("rowsImported", r.rowsImported());
                m.put("rowsSkipped", r.rowsSkipped());
                spec.commandLine().getOut().println(Output.json(m));
            } else {
                spec.commandLine().getOut().println("read " + r.rowsRead() + " rows: imported " + r.rowsImported()
                        + ", already present " + r.rowsSkipped());
            }
        }
        return 0;
    }
}
