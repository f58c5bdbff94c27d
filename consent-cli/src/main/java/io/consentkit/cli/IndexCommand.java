package io.consentkit.cli;

import io.consentkit.store.JournalIndex;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

import java.io.PrintWriter;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.Callable;

/**
 * {@code consent index}: writes (or extends) a CSV journal's index snapshot ({@link JournalIndex#write}),
 * under the journal's writer lock, so that {@code status} and {@code batch status} read the numbers' rows
 * and the rows appended since instead of the whole journal. Not thread-safe: one run per instance.
 */
@Command(name = "index", mixinStandardHelpOptions = true,
        description = {"Writes the journal's index snapshot (<journal>.index beside it): where each number's rows "
                + "are, for the rows present now, so that status and batch status read only the numbers' rows and "
                + "the rows appended since. Extends an earlier snapshot that still matches the journal (reading only "
                + "the rows after it), else reads every row. Takes the writer lock: refused while a writer holds the "
                + "journal (consent serve writes the snapshot itself when it stops). Appends nothing; an optimisation "
                + "only: status checks the snapshot against the journal and reads the whole journal when it does not "
                + "match.",
            "Exit codes: 0 written, 2 bad input, 3 journal missing, unreadable or locked (nothing was created)."})
final class IndexCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;
    @Mixin
    StoreOptions opts;

    @Override
    public Integer call() {
        PrintWriter out = spec.commandLine().getOut();
        long t0 = System.nanoTime();
        JournalIndex.Written w = JournalIndex.write(opts.csvPath());
        long millis = (System.nanoTime() - t0) / 1_000_000;
        if (opts.format == OutputFormat.json) {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("file", opts.csvPath().toString());
            m.put("snapshot", w.snapshot().toString());
            m.put("numbers", w.numbers());
            m.put("rows", w.rows());
            m.put("coveredBytes", w.coveredBytes());
            m.put("scannedBytes", w.scannedBytes());
            m.put("incremental", w.incremental());
            m.put("snapshotBytes", w.snapshotBytes());
            m.put("millis", millis);
            out.println(Output.json(m));
        } else {
            out.println("indexed: " + opts.store + ": " + w.rows() + " rows of " + w.numbers() + " numbers ("
                    + w.coveredBytes() + " bytes of journal, " + (w.incremental() ? "extended from the last snapshot, "
                    + w.scannedBytes() + " bytes read" : "every row read") + "); " + w.snapshot() + ": "
                    + w.snapshotBytes() + " bytes, in " + millis + " ms");
        }
        return 0;
    }
}
