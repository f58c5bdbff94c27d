package io.consentkit.cli;

import io.consentkit.journal.ConsentStore;
import io.consentkit.phone.PhoneNumber;
import io.consentkit.retention.Erasure;
import io.consentkit.retention.ErasureResult;
import io.consentkit.retention.RetentionCandidate;
import io.consentkit.retention.RetentionPolicy;
import io.consentkit.send.CsvSendLog;
import io.consentkit.store.CsvConsentStore;
import io.consentkit.support.Masking;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;

/**
 * {@code consent retention}: lists the people whose proof has outlived the retention policy
 * ({@link RetentionPolicy#due}) and, without {@code --dry-run}, erases them ({@link Erasure}).
 */
@Command(name = "retention", mixinStandardHelpOptions = true,
        description = {"Lists the people whose whole proof has outlived the retention policy (default: 5 years after each "
                + "consent ended or was last relied on for a send, the send log's last send counting) and, without "
                + "--dry-run, erases them (see 'consent erase'; the erasure key is required).",
            "Exit codes: 0 ok, 2 bad input, 3 journal missing, unreadable or locked (or the database unavailable)."})
final class RetentionCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;
    @Mixin
    StoreOptions opts;
    @Option(names = "--dry-run", description = "Only list; change nothing.")
    boolean dryRun;
    @Option(names = "--keep", paramLabel = "<period>",
            description = "Default period kept (ISO-8601: P5Y, P18M). Default: consentkit.retention.keep, else P5Y")
    String keep;
    @Option(names = "--program-keep", paramLabel = "<program=period,..>",
            description = "Programs with their own period. Default: consentkit.retention.programs")
    String programKeep;
    @Option(names = "--send-log", paramLabel = "<csv>", description = "The send log. Default: sends.csv beside the journal.")
    Path sendLog;
    @Option(names = "--unmasked", description = "Show the numbers in full (default: masked).")
    boolean unmasked;

    /** The erasure of {@code opts}' journal and send log (the key from --erasure-key-file). */
    static Erasure erasure(StoreOptions opts, Path sendLog) {
        if (opts.isJdbc()) {
            return jdbcErasure(opts, sendLog);
        }
        return Erasure.builder(opts.csvPath()).sendLog(sendLogOf(opts, sendLog)).key(opts.erasureKey()).build();
    }

    /**
     * A PostgreSQL store's erasure: one transaction while its writers keep running
     * ({@link io.consentkit.jdbc.JdbcConsentStore#rewrite}). The store holds no resource to close (a
     * connection per call, from a DataSource without a pool).
     */
    private static Erasure jdbcErasure(StoreOptions opts, Path sendLog) {
        return Erasure.builder(opts.jdbcStore(false)).sendLog(sendLogOf(opts, sendLog)).key(opts.erasureKey()).build();
    }

    static Path sendLogOf(StoreOptions opts, Path sendLog) {
        return sendLog != null ? sendLog : opts.defaultSendLog();
    }

    @Override
    public Integer call() {
        RetentionPolicy policy = RetentionPolicy.parse(keep, "keep", programKeep, "program-keep");
        Erasure erasure = dryRun ? null : erasure(opts, sendLog); // no key: refused before anything is read
        Path logFile = sendLogOf(opts, sendLog);
        List<RetentionCandidate> due;
        try (ConsentStore store = opts.isJdbc() ? opts.jdbcStore(false) : CsvConsentStore.openReadOnly(opts.csvPath());
             CsvSendLog log = Files.isRegularFile(logFile) ? CsvSendLog.openReadOnly(logFile) : null) {
            due = policy.due(store, log, opts.programs(), Clock.systemUTC());
        }
        PrintWriter out = spec.commandLine().getOut();
        for (RetentionCandidate c : due) {
            String number = unmasked ? c.phoneNumber().e164() : Masking.phone(c.phoneNumber().e164());
            if (opts.format == OutputFormat.json) {
                Map<String, Object> m = new LinkedHashMap<>();
                m.put("phoneNumber", number);
                m.put("consents", c.consentIds().size());
                m.put("lastReliedOn", c.lastReliedOn().toString());
                m.put("keptUntil", c.keepUntil().toString());
                out.println(Output.json(m));
            } else {
                out.println(number + "  " + c.consentIds().size() + " consent(s), last relied on " + c.lastReliedOn()
                        + ", kept until " + c.keepUntil());
            }
        }
        if (dryRun || due.isEmpty()) {
            if (opts.format != OutputFormat.json) {
                out.println(due.size() + " due for erasure under " + policy + (dryRun ? " (dry run: nothing changed)" : ""));
            }
            return 0;
        }
        List<PhoneNumber> numbers = due.stream().map(RetentionCandidate::phoneNumber).toList();
        ErasureResult r = erasure.erase(numbers, "retention: " + policy);
        EraseCommand.print(spec, opts, numbers.size() + " numbers", r);
        return 0;
    }
}
