package io.consentkit.cli;

import io.consentkit.store.CsvConsentStore;
import io.consentkit.store.UpgradeResult;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

import java.io.PrintWriter;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.Callable;

/**
 * {@code consent upgrade-journal}: the explicit upgrade of a legacy 14-column or a version 2 journal to
 * schema version 3 ({@link CsvConsentStore#upgrade}): every row kept (unchained), crash-safe, refused while
 * a writer holds the journal; rows appended afterwards are chained.
 */
@Command(name = "upgrade-journal", mixinStandardHelpOptions = true,
        description = {"Upgrades a legacy 14-column or a version 2 journal to schema version 3 (program, brand and "
                + "channel after the 14 legacy columns, then the tamper-evidence chain cells row_digest and "
                + "chain_link), keeping every row as it is (unchained: `consent verify` reports them as legacy); rows "
                + "appended afterwards are chained. A journal already at version 3 is left as it is. Stop every "
                + "writer first: a journal held by a writer is refused and left unchanged.",
            "Exit codes: 0 upgraded or already version 3, 2 bad input, 3 journal missing, unreadable or locked."})
final class UpgradeJournalCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;
    @Mixin
    StoreOptions opts;

    @Override
    public Integer call() {
        PrintWriter out = spec.commandLine().getOut();
        UpgradeResult r = CsvConsentStore.upgrade(opts.csvPath());
        if (opts.format == OutputFormat.json) {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("file", opts.csvPath().toString());
            m.put("upgraded", r.upgraded());
            m.put("fromVersion", r.fromVersion());
            m.put("toVersion", r.toVersion());
            m.put("rows", r.rows());
            out.println(Output.json(m));
        } else if (r.upgraded()) {
            out.println("upgraded: " + opts.store + ": schema version " + r.fromVersion() + " -> " + r.toVersion()
                    + ", all " + r.rows() + " rows kept");
        } else {
            out.println("ok: " + opts.store + ": already schema version " + r.toVersion() + " (" + r.rows()
                    + " rows); nothing changed");
        }
        return 0;
    }
}
