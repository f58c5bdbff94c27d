package io.consentkit.cli;

import io.consentkit.InvalidInputException;
import io.consentkit.evidence.EvidencePack;
import io.consentkit.evidence.EvidenceSummary;
import io.consentkit.journal.ConsentStore;
import io.consentkit.send.CsvSendLog;
import io.consentkit.store.CsvConsentStore;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

import java.io.IOException;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Properties;
import java.util.TreeMap;
import java.util.concurrent.Callable;

/**
 * {@code consent evidence}: writes a program's evidence pack ({@link EvidencePack}), a zip with an
 * HTML summary, for a carrier registration, a toll-free verification or an audit. Only reads the
 * journal and the send log.
 */
@Command(name = "evidence", mixinStandardHelpOptions = true,
        description = {"Writes the evidence pack of a program: a zip with index.html (open it in a browser) and CSV "
                + "files: every consent text with first and last use, opt-in evidence (screenshots, page snapshots), "
                + "messages sent with segments, sample texts found in the send log, STOP/HELP replies, opt-ins and "
                + "opt-outs by method and month. Numbers masked unless --unmasked. Read-only.",
            "Exit codes: 0 ok, 2 bad input, 3 journal missing or unreadable."})
final class EvidenceCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;
    @Mixin
    StoreOptions opts;
    @Option(names = "--program", paramLabel = "<program>", description = "The program. Default: the default program.")
    String program;
    @Option(names = "--out", required = true, paramLabel = "<zip>", description = "Where to write the pack.")
    Path out;
    @Option(names = "--send-log", paramLabel = "<csv>",
            description = "The send log. Default: sends.csv beside the journal, when it exists.")
    Path sendLog;
    @Option(names = "--samples", paramLabel = "<file>",
            description = "Sample texts as properties (name=text), each confirmed against the send log's digests.")
    Path samples;
    @Option(names = "--reply", paramLabel = "<KEYWORD=text>",
            description = "A keyword reply the business sends (STOP=..., HELP=...); repeatable.")
    Map<String, String> replies = new LinkedHashMap<>();
    @Option(names = "--snapshots", paramLabel = "<dir>",
            description = "Folder of stored opt-in page snapshots; referenced files inside it are copied into the pack.")
    Path snapshots;
    @Option(names = "--unmasked", description = "Show phone numbers in full (default: masked).")
    boolean unmasked;

    @Override
    public Integer call() {
        String name = program == null ? opts.programs().defaultProgram().name() : program.strip();
        EvidencePack.Builder b = EvidencePack.builder(name).programs(opts.programs()).unmasked(unmasked)
                .snapshotRoot(snapshots);
        readSamples().forEach(b::sample);
        replies.forEach(b::reply);
        Path logFile = sendLog != null ? sendLog : opts.isJdbc() ? null : opts.defaultSendLog();
        if (sendLog != null && !Files.isRegularFile(sendLog)) {
            throw new InvalidInputException("send-log", "no such file: " + sendLog);
        }
        b.build(); // an unknown program is reported before any file is opened
        EvidenceSummary s;
        try (ConsentStore store = opts.isJdbc() ? opts.jdbcStore(false) : CsvConsentStore.openReadOnly(opts.csvPath());
             CsvSendLog log = logFile != null && Files.isRegularFile(logFile) ? CsvSendLog.openReadOnly(logFile) : null) {
            s = b.sendLog(log).build().write(store, out);
        }
        if (opts.format == OutputFormat.json) {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("file", out.toString());
            m.put("program", s.program());
            m.put("texts", s.texts());
            m.put("consents", s.consents());
            m.put("references", s.references());
            m.put("snapshots", s.snapshots());
            m.put("sends", s.sends());
            m.put("samples", s.samples());
            spec.commandLine().getOut().println(Output.json(m));
        } else {
            spec.commandLine().getOut().println("evidence pack of " + s.program() + " written to " + out + ": "
                    + s.texts() + " consent texts, " + s.consents() + " consents, " + s.references()
                    + " evidence references (" + s.snapshots() + " snapshots included), " + s.sends()
                    + " sends, " + s.samples() + " samples found in the send log");
        }
        return 0;
    }

    private Map<String, String> readSamples() {
        Map<String, String> m = new TreeMap<>();
        if (samples == null) {
            return m;
        }
        Properties p = new Properties();
        try (Reader in = Files.newBufferedReader(samples, StandardCharsets.UTF_8)) {
            p.load(in);
        } catch (IOException e) {
            throw new InvalidInputException("samples", "cannot read " + samples + ": " + e.getMessage());
        }
        p.stringPropertyNames().forEach(k -> m.put(k, p.getProperty(k)));
        return m;
    }
}
