package io.consentkit.cli;

import io.consentkit.consent.ConsentTracker;
import io.consentkit.inbound.Confirmations;
import io.consentkit.inbound.PendingConfirmation;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

import java.io.PrintWriter;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.Callable;

/**
 * {@code consent pending}: the Y/N confirmations asked and not yet answered, with their deadlines,
 * read-only (one past its deadline is shown as overdue; closing it is left to the app's
 * {@link Confirmations#expireDue()} or the next reply).
 */
@Command(name = "pending", mixinStandardHelpOptions = true,
        description = {"Lists the Y/N confirmations waiting for an answer, oldest first, with their deadlines "
                + "(overdue ones are marked; nothing is closed or changed).",
            "Exit codes: 0 ok (also when none), 2 bad input, 3 journal missing or unreadable."})
final class PendingCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;
    @Mixin
    StoreOptions opts;

    @Override
    public Integer call() {
        PrintWriter out = spec.commandLine().getOut();
        try (ConsentTracker tracker = opts.openReadOnlyTracker()) {
            Instant now = tracker.clock().instant();
            int n = 0;
            for (PendingConfirmation p : Confirmations.builder(tracker).build().pendingConfirmations()) {
                n++;
                boolean overdue = p.isOverdue(now);
                if (opts.format == OutputFormat.json) {
                    Map<String, Object> m = new LinkedHashMap<>();
                    m.put("id", p.id());
                    m.put("phoneNumber", p.phoneNumber().e164());
                    m.put("requestedAt", p.requestedAt().toString());
                    m.put("expiresAt", p.expiresAt().toString());
                    m.put("overdue", overdue);
                    m.put("question", p.question());
                    m.put("context", p.context());
                    out.println(Output.json(m));
                } else {
                    out.println("PENDING  " + p.phoneNumber().e164() + "  asked " + p.requestedAt() + "  "
                            + (overdue ? "OVERDUE since " : "answer by ") + p.expiresAt() + "  id=" + p.id());
                }
            }
            if (opts.format == OutputFormat.text) {
                out.println(n + " pending confirmation(s)");
            }
        }
        return 0;
    }
}
