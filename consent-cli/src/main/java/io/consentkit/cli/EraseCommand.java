package io.consentkit.cli;

import io.consentkit.retention.ErasureResult;
import io.consentkit.support.Masking;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.Callable;

/**
 * {@code consent erase}: erases a person from the CSV journal (or a PostgreSQL store), its send log and quarantine files,
 * keeping the number suppressed under the erasure key ({@link Erasure}).
 */
@Command(name = "erase", mixinStandardHelpOptions = true,
        description = {"Erases a person: their rows keep the consent text, method, times and status but lose the number, "
                + "name, email, IP, customer id, screenshot URL and metadata values; the send log's rows to them and any "
                + "quarantine file are redacted; the number stays opted out under the erasure key (--erasure-key-file). "
                + "Stop a CSV journal's writer first; a PostgreSQL store (--store jdbc:...) is erased in one transaction "
                + "while its writers run. Crash-safe; run it again to finish one cut short.",
            "Exit codes: 0 erased, 2 bad input (unknown number, no key, no reason; nothing changed), 3 journal "
                    + "missing, unreadable or locked."})
final class EraseCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;
    @Mixin
    StoreOptions opts;
    @Parameters(paramLabel = "<phone>", description = "The number to erase.")
    String phone;
    @Option(names = "--reason", required = true, paramLabel = "<text>",
            description = "Why (a request reference; no personal data): recorded in the erasure row.")
    String reason;
    @Option(names = "--send-log", paramLabel = "<csv>", description = "The send log. Default: sends.csv beside the journal.")
    Path sendLog;

    @Override
    public Integer call() {
        ErasureResult r = RetentionCommand.erasure(opts, sendLog).erase(phone, reason);
        print(spec, opts, Masking.phone(phone), r);
        return 0;
    }

    static void print(CommandSpec spec, StoreOptions opts, String what, ErasureResult r) {
        if (opts.format == OutputFormat.json) {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("erased", what);
            m.put("numbers", r.numbers());
            m.put("journalRows", r.journalRows());
            m.put("revoked", r.revoked());
            m.put("sendLogRows", r.sendLogRows());
            m.put("quarantineFiles", r.quarantineFiles().size());
            m.put("completed", r.completed());
            spec.commandLine().getOut().println(Output.json(m));
        } else {
            spec.commandLine().getOut().println("erased " + what + ": " + r.journalRows() + " journal rows redacted, "
                    + r.revoked() + " consents revoked, " + r.sendLogRows() + " send log rows redacted, "
                    + r.quarantineFiles().size() + " quarantine files redacted"
                    + (r.completed() > 0 ? ", " + r.completed() + " found erased already (finished)" : ""));
        }
    }
}
