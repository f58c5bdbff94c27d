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

@Command(name = "revoke", mixinStandardHelpOptions = true,
        description = "Records an opt-out: revokes every active consent of the number (or suppresses it).")
final class RevokeCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;
    @Mixin
    StoreOptions opts;
    @Parameters(paramLabel = "<phone>")
    String phone;
    @Option(names = "--method", defaultValue = "customer_request", description = "How it was revoked. Default: ${DEFAULT-VALUE}")
    String method;
    @Option(names = "--notes", description = "Free-text notes kept with the revocation.")
    String notes;

    @Override
    public Integer call() {
        PrintWriter out = spec.commandLine().getOut();
        try (ConsentTracker tracker = opts.openTracker()) {
            for (ConsentRecord r : tracker.revoke(phone, method, notes)) {
                Output.record(out, opts.format, r);
            }
        }
        return 0;
    }
}
