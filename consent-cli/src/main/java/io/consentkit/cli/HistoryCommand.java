package io.consentkit.cli;

import io.consentkit.journal.ConsentRecord;
import io.consentkit.consent.ConsentTracker;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
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
    @Option(names = "--program", paramLabel = "<program>",
            description = "Only the rows bearing on this program: its consents and the suppressions covering it.")
    String program;

    @Override
    public Integer call() {
        PrintWriter out = spec.commandLine().getOut();
        java.util.function.Predicate<ConsentRecord> scoped = JournalReads.inProgram(program, opts.programs());
        try (ConsentTracker tracker = opts.openReadOnlyTracker()) {
            for (ConsentRecord r : tracker.history(phone)) {
                if (!scoped.test(r)) {
                    continue;
                }
                Output.record(out, opts.format, r, tracker.programs());
            }
        }
        return 0;
    }
}
