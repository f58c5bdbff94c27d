package io.consentkit.cli;

import io.consentkit.InvalidInputException;
import io.consentkit.journal.ConsentRecord;
import io.consentkit.journal.ConsentStoreException;
import io.consentkit.consent.ConsentTexts;
import io.consentkit.consent.ConsentTracker;
import io.consentkit.store.CsvConsentStore;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.Callable;

@Command(name = "demo", mixinStandardHelpOptions = true,
        description = {"Runs the consent lifecycle on a CSV journal: three opt-ins, a status check, STOP, START, "
                + "the active list and an audit export, printing each step.",
            "The demo writes <dir>/consents.csv, the journal the other commands read by default, so "
                    + "'consent status +15125551234' answers from it afterwards. It starts from a fresh journal "
                    + "each run: a journal left by an earlier demo (only the demo's numbers) is replaced; a journal "
                    + "with any other number is never touched (the demo refuses; use --dir)."})
final class DemoCommand implements Callable<Integer> {
    /** The demo's journal in {@code --dir}: the same name as the other commands' default store. */
    static final String JOURNAL_NAME = Path.of(StoreOptions.DEFAULT_STORE).getFileName().toString();
    /** The folder of the other commands' default store. */
    static final String DEFAULT_DIR = "consent-data";
    /** The numbers the demo records; a journal with only these is an earlier demo's. */
    static final Set<String> DEMO_NUMBERS = Set.of("+15125551234", "+15125555678", "+15125559999");

    @Spec
    CommandSpec spec;

    @Option(names = "--dir", defaultValue = DEFAULT_DIR,
            description = "Folder for the demo journal and audit export. Default: ${DEFAULT-VALUE}")
    Path dir;

    @Option(names = "--brand", defaultValue = "Basin Climbing", description = "Brand in the consent texts.")
    String brand;

    @Override
    public Integer call() {
        PrintWriter out = spec.commandLine().getOut();
        Path journal = dir.resolve(JOURNAL_NAME);
        Path audit = dir.resolve("audit.csv");
        boolean replaced = clearEarlierDemo(journal);
        out.println("ConsentKit demo: " + (replaced ? "replaced the earlier demo journal " : "new journal ")
                + journal.toAbsolutePath());
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
            out.println();
            out.println("Next: consent status +15125555678" + (dir.equals(Path.of(DEFAULT_DIR)) ? ""
                    : " --store " + journal) + "   (the demo's journal is the default store)");
        }
        return 0;
    }

    /**
     * Deletes a journal an earlier demo left (every row one of the demo's numbers) so the demo starts
     * fresh; refuses a journal that holds any other number, and one a writer holds.
     *
     * @return true if an earlier demo journal was deleted
     */
    private static boolean clearEarlierDemo(Path journal) {
        if (!Files.exists(journal)) {
            return false;
        }
        Set<String> others = new HashSet<>();
        try (CsvConsentStore store = CsvConsentStore.openReadOnly(journal)) {
            store.replay(r -> {
                if (!DEMO_NUMBERS.contains(r.phoneNumber().e164())) {
                    others.add(r.phoneNumber().e164());
                }
            });
        }
        if (!others.isEmpty()) {
            throw new InvalidInputException("dir", journal + " is not a demo journal (it holds " + others.size()
                    + " other number(s)); the demo never changes it: run it with --dir <another folder>");
        }
        // take the writer's lock once, so a running 'consent serve' on this journal makes the demo fail instead
        CsvConsentStore.builder(journal).lockTimeout(Duration.ZERO).build().close();
        try {
            Files.delete(journal);
        } catch (IOException e) {
            throw new ConsentStoreException("cannot delete the earlier demo journal " + journal + ": " + e, e);
        }
        return true;
    }

    private static void show(PrintWriter out, ConsentRecord r) {
        out.println("   " + Output.text(r));
    }
}
