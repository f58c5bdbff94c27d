package io.consentkit.cli;

import io.consentkit.jdbc.JdbcConsentStore;
import io.consentkit.journal.ConsentRecord;
import io.consentkit.journal.JournalFormatException;
import io.consentkit.store.CsvConsentStore;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

import java.io.PrintWriter;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.Callable;

/**
 * {@code consent verify}: checks the journal read-only (it exists and can be read, its header is the
 * journal schema, every row parses, no torn tail; for a JDBC store, its tables and every row) and
 * changes, creates and locks nothing.
 */
@Command(name = "verify", mixinStandardHelpOptions = true,
        description = {"Checks the journal without changing it: readable, header, every row parses, no torn "
                + "last row. Works while a writer holds the journal.",
            "Exit codes: 0 ok, 1 problem found (printed), 2 bad input, 3 journal missing or unreadable."})
final class VerifyCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;
    @Mixin
    StoreOptions opts;

    @Override
    public Integer call() {
        PrintWriter out = spec.commandLine().getOut();
        long[] rows = {0};
        Set<String> consents = new HashSet<>();
        Set<String> numbers = new HashSet<>();
        String problem = null;
        long torn = 0;
        try {
            if (opts.isJdbc()) {
                try (JdbcConsentStore store = opts.jdbcStore(false)) { // checks the tables, reads every row
                    store.replay(r -> count(r, rows, consents, numbers));
                }
            } else {
                try (CsvConsentStore store = CsvConsentStore.openReadOnly(opts.csvPath());
                     Progress progress = Progress.start(spec.commandLine().getErr(), "verify: reading " + opts.describe(),
                             opts.format == OutputFormat.text)) {
                    store.replay(JournalReads.meter(r -> count(r, rows, consents, numbers), progress, opts.csvPath()));
                    torn = store.tornTailBytes();
                    if (torn > 0) {
                        problem = torn + " bytes after the last complete row are not a complete row (a write in "
                                + "progress, or cut short by a crash); the next writable open moves them to a "
                                + opts.csvPath().getFileName() + ".torn-<millis> file";
                    }
                }
            }
        } catch (JournalFormatException e) {
            problem = e.getMessage(); // a bad header or a row that does not parse: a problem found, not bad input
        }
        if (opts.format == OutputFormat.json) {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put(opts.isJdbc() ? "store" : "file", opts.describe());
            m.put("ok", problem == null);
            m.put("rows", rows[0]);
            m.put("consents", consents.size());
            m.put("numbers", numbers.size());
            m.put("tornTailBytes", torn);
            m.put("problem", problem);
            out.println(Output.json(m));
        } else if (problem == null) {
            out.println("ok: " + opts.describe() + (opts.isJdbc() ? ": schema and all " : ": header and all ") + rows[0]
                    + " rows parse (" + consents.size()
                    + " consents, " + numbers.size() + " numbers)");
        } else {
            out.println("PROBLEM: " + opts.describe() + ": " + problem);
        }
        return problem == null ? 0 : ConsentCli.EXIT_FAILURE;
    }

    private static void count(ConsentRecord r, long[] rows, Set<String> consents, Set<String> numbers) {
        rows[0]++;
        consents.add(r.consentId());
        numbers.add(r.phoneNumber().e164());
    }
}
