package io.consentkit.cli;

import io.consentkit.InvalidInputException;
import io.consentkit.consent.ConsentTracker;
import io.consentkit.consent.ImportResult;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.Callable;

@Command(name = "import", mixinStandardHelpOptions = true,
        description = {"Imports a consent CSV in the journal schema: a file written by the existing tool, a journal, "
                + "a backup ('consent export --journal') or an audit export. Every row is validated first; one bad "
                + "row rejects the import with its line number and changes nothing.",
            "Rows already present are skipped, and a row older than its consent's present state (an old export "
                    + "after a STOP) is left out, so importing again adds nothing."})
final class ImportCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;
    @Mixin
    StoreOptions opts;
    @Parameters(paramLabel = "<file>")
    Path file;

    @Override
    public Integer call() {
        // a missing or unreadable input is bad input, found before the journal is opened (or created)
        if (!Files.isRegularFile(file)) {
            throw new InvalidInputException("file", file + (Files.exists(file) ? " is not a regular file"
                    : " does not exist"));
        }
        if (!Files.isReadable(file)) {
            throw new InvalidInputException("file", file + " cannot be read (permission denied)");
        }
        ImportResult r;
        try (Progress progress = Progress.start(spec.commandLine().getErr(), "import: opening " + opts.describe(),
                opts.format == OutputFormat.text);
             ConsentTracker tracker = opts.openTracker()) {
            progress.step("import: reading and appending " + file);
            r = tracker.importLegacy(file, progress.listener());
        }
        if (opts.format == OutputFormat.json) {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("rowsRead", r.rowsRead());
            m.put("rowsImported", r.rowsImported());
            m.put("rowsSkipped", r.rowsSkipped());
            if (r.rowsSuperseded() > 0) {
                m.put("rowsSuperseded", r.rowsSuperseded());
            }
            spec.commandLine().getOut().println(Output.json(m));
        } else {
            spec.commandLine().getOut().println("read " + r.rowsRead() + " rows: imported " + r.rowsImported()
                    + ", already present " + r.rowsSkipped() + (r.rowsSuperseded() == 0 ? ""
                    : ", older than the journal's state " + r.rowsSuperseded()));
        }
        return 0;
    }
}
