package io.consentkit.cli;

import io.consentkit.journal.ConsentRecord;
import io.consentkit.consent.ConsentTexts;
import io.consentkit.consent.ConsentTracker;
import io.consentkit.store.CsvConsentStore;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;

@Command(name = "demo", mixinStandardHelpOptions = true,
        description = "Runs the consent lifecycle on a CSV journal: three opt-ins, a status check, STOP, START, "
                + "the active list and an audit export, printing each step.")
final class DemoCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Option(names = "--dir", defaultValue = "consent-data",
            description = "Folder for the demo journal and audit export. Default: ${DEFAULT-VALUE}")
    Path dir;

    @Option(names = "--brand", defaultValue = "Basin Climbing", description = "Brand in the consent texts.")
    String brand;

    @Override
    public Integer call() {
        PrintWriter out = spec.commandLine().getOut();
        Path journal = dir.resolve("demo-consents.csv");
        Path audit = dir.resolve("audit.csv");
        out.println("ConsentKit demo: journal " + journal.toAbsolutePath());
        try (ConsentTracker tracker = ConsentTracker.builder(CsvConsentStore.open(journal))
                .texts(ConsentTexts.of(brand)).build()) {
            out.println();
            out.println("1. Web-form opt-in from \"5125551234\"");
            ConsentRecord web = tracker.recordWebFormConsent("5125551234", "1234567", "John Smith",
                    "john@example.com", "192.168.1.1", "https://example.com/sms-signup");
            show(out, web);
            out.println("   text agreed to: " + web.consentMessage());

            out.println("2. Keyword opt-in: \"+1 512 555 5678\" texted START");
            show(out, tracker.recordKeywordConsent("+1 512 555 5678", "START", "7654321", "SM" + "0".repeat(32), "START"));

            out.println("3. In-person opt-in at the front desk for \"512-555-9999\"");
            show(out, tracker.recordInPersonConsent("512-555-9999", "9876543", "Jane Doe", "Sarah (Front Desk)",
                    brand + " front desk"));

            out.println("4. May we text +15125551234? " + (tracker.isActive("+15125551234") ? "yes (active consent)" : "no"));

            out.println("5. +15125551234 texts STOP");
            for (ConsentRecord r : tracker.revoke("+15125551234", ConsentTracker.REVOKED_BY_KEYWORD,
                    "Customer texted STOP")) {
                show(out, r);
            }
            out.println("   May we text +15125551234 now? " + (tracker.isActive("+15125551234") ? "yes" : "no: opted out"));

            out.println("6. +15125551234 texts START again: the old consent stays revoked, a new one is added");
            show(out, tracker.recordKeywordConsent("+15125551234", "START", "1234567", null, "START"));
            out.println("   history of +15125551234:");
            for (ConsentRecord r : tracker.history("+15125551234")) {
                out.println("     " + Output.text(r));
            }

            List<ConsentRecord> active = tracker.activeConsents();
            out.println("7. Active consents: " + active.size());
            for (ConsentRecord r : active) {
                out.println("     " + Output.text(r));
            }

            int n = tracker.exportAudit(audit);
            out.println("8. Audit trail: " + n + " consents (active and revoked) written to " + audit.toAbsolutePath());
        }
        return 0;
    }

    private static void show(PrintWriter out, ConsentRecord r) {
        out.println("   " + Output.text(r));
    }
}
