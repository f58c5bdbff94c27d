package io.consentkit.cli;

import io.consentkit.journal.ConsentRecord;
import io.consentkit.consent.ConsentTracker;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

import java.io.PrintWriter;
import java.util.concurrent.Callable;

@Command(name = "history", mixinStandardHelpOptions = true,
        description = "Every journal row of a number, oldest first.")
final class HistoryCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;
    @Mixin
    StoreOptions opts;
    @Parameters(paramLabel = "<phone>")
    String phone;

    @Override
    public Integer call() {
        PrintWriter out = spec.commandLine().getOut();
        try (ConsentTracker tracker = opts.openReadOnlyTracker()) {
            for (ConsentRecord r : tracker.history(phone)) {
                Output.record(out, opts.format, r);
            }
        }
        return 0;
    }
}
