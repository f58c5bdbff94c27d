package io.consentkit.cli;

import io.consentkit.InvalidInputException;
import io.consentkit.jdbc.JdbcConsentStore;
import io.consentkit.journal.ConsentRecord;
import io.consentkit.journal.ConsentStoreException;
import io.consentkit.journal.JournalFormatException;
import io.consentkit.journal.JournalVerifier;
import io.consentkit.journal.Redaction;
import io.consentkit.journal.SignedChainHead;
import io.consentkit.store.CsvConsentStore;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.PublicKey;
import java.time.Clock;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.Callable;

/**
 * {@code consent verify}: checks the journal (or an export) read-only: it exists and can be read, its
 * header is the journal schema, its tamper-evidence chain holds (the first broken row is named), every
 * row parses, no torn tail; for a JDBC store, its tables and every row. With {@code --public-key} it
 * also checks a signed chain head ({@code --head}, default {@code <journal>.head}); with {@code --sign}
 * and {@code --private-key} it writes one after a passing check. Changes, creates and locks nothing
 * else.
 */
@Command(name = "verify", mixinStandardHelpOptions = true,
        description = {"Checks the journal or an export without changing it: readable, header, the tamper-evidence "
                + "chain (the first broken row is named), every row parses, no torn last row. Works while a writer "
                + "holds the journal. --public-key checks a signed chain head; --sign writes one.",
            "Exit codes: 0 ok, 1 problem found (printed), 2 bad input (a bad option, key or head file), 3 journal "
                + "missing or unreadable."})
final class VerifyCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;
    @Mixin
    StoreOptions opts;

    @Option(names = "--public-key", paramLabel = "<pem>",
            description = "Ed25519 public key (PEM, X.509): check the signed chain head with it")
    Path publicKey;

    @Option(names = "--head", paramLabel = "<file>",
            description = "the signed chain head to check or write (default: <journal>.head)")
    Path headFile;

    @Option(names = "--sign", description = "after a passing check, sign the chain head into --head "
            + "(needs --private-key and --public-key)")
    boolean sign;

    @Option(names = "--private-key", paramLabel = "<pem>", description = "Ed25519 private key (PEM, PKCS #8) for --sign")
    Path privateKey;

    @Override
    public Integer call() {
        PrintWriter out = spec.commandLine().getOut();
        if ((sign || publicKey != null || headFile != null) && opts.isJdbc()) {
            throw new InvalidInputException("--public-key", "signed chain heads are checked on CSV journals and exports");
        }
        if (sign && (privateKey == null || publicKey == null)) {
            throw new InvalidInputException("--sign", "needs --private-key and --public-key");
        }
        if (privateKey != null && !sign) {
            throw new InvalidInputException("--private-key", "is only used with --sign");
        }
        Path head = headFile != null ? headFile : opts.isJdbc() ? null
                : opts.csvPath().resolveSibling(opts.csvPath().getFileName() + ".head");
        PublicKey key = publicKey == null ? null : SignedChainHead.publicKeyFromPem(readInput(publicKey, "--public-key"));
        SignedChainHead expected = null;
        String problem = null;
        if (key != null && !sign) {
            expected = SignedChainHead.parse(readInput(head, "--head"), head.toString());
            if (!expected.verifies(key)) {
                problem = "the signed chain head " + head + " does not verify with public key "
                        + SignedChainHead.keyId(key) + " (head signed by key " + expected.keyId()
                        + "): a wrong key, or the head was edited";
            }
        }
        Counts counts = new Counts();
        long torn = 0;
        JournalVerifier.Result chain = null;
        long jdbcChained = 0;
        boolean jdbcChecked = false;
        try {
            if (opts.isJdbc()) {
                try (JdbcConsentStore store = opts.jdbcStore(false)) { // checks the tables, reads every row
                    store.replay(counts::count);
                    for (JournalVerifier.Result w : store.verifyChain()) { // one chain per writer
                        jdbcChained += w.chainedRows();
                        if (problem == null && !w.ok()) {
                            problem = "tamper-evidence chain broken in " + w.source() + " at "
                                    + w.firstBreak().describe().replace("(line ", "(id ");
                        }
                    }
                    jdbcChecked = true;
                }
            } else {
                try (CsvConsentStore store = CsvConsentStore.openReadOnly(opts.csvPath());
                     Progress progress = Progress.start(spec.commandLine().getErr(), "verify: reading " + opts.describe(),
                             opts.format == OutputFormat.text)) {
                    torn = store.tornTailBytes();
                    JournalFormatException[] unparsable = {null};
                    JournalVerifier.Options checks = expected == null || problem != null
                            ? JournalVerifier.Options.DEFAULTS : JournalVerifier.Options.DEFAULTS.withExpectedHead(expected);
                    chain = verifyAndCount(store, opts.csvPath(), progress, checks, counts, unparsable);
                    boolean tornOnly = torn > 0 && !chain.ok()
                            && chain.firstBreak().problem() == JournalVerifier.Problem.TRUNCATED;
                    if (problem == null && !chain.ok() && !tornOnly) {
                        problem = "tamper-evidence chain broken at " + chain.firstBreak().describe();
                    }
                    if (unparsable[0] != null) {
                        throw unparsable[0];
                    }
                    if (problem == null && torn > 0) {
                        problem = torn + " bytes after the last complete row are not a complete row (a write in "
                                + "progress, or cut short by a crash); the next writable open moves them to a "
                                + opts.csvPath().getFileName() + ".torn-<millis> file";
                    }
                }
            }
        } catch (JournalFormatException e) {
            if (problem == null) {
                problem = e.getMessage(); // a bad header or a row that does not parse: a problem found, not bad input
            }
        }
        String signed = null;
        if (sign && problem == null && chain != null) {
            SignedChainHead h = SignedChainHead.sign(chain, SignedChainHead.privateKeyFromPem(
                    readInput(privateKey, "--private-key")), key, Clock.systemUTC());
            writeAtomically(head, h.toText());
            signed = head.toString();
        }
        print(out, problem, counts.rows, counts.consents.size(), counts.numbers.size(), torn, chain, expected, signed);
        if (jdbcChecked && problem == null && opts.format != OutputFormat.json) {
            out.println("chain: ok: " + jdbcChained + " rows chained (one chain per writer)");
        }
        return problem == null ? 0 : ConsentCli.EXIT_FAILURE;
    }

    private void print(PrintWriter out, String problem, long rows, int consents, int numbers, long torn,
                       JournalVerifier.Result chain, SignedChainHead expected, String signed) {
        if (opts.format == OutputFormat.json) {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put(opts.isJdbc() ? "store" : "file", opts.describe());
            m.put("ok", problem == null);
            m.put("rows", rows);
            m.put("consents", consents);
            m.put("numbers", numbers);
            m.put("tornTailBytes", torn);
            m.put("problem", problem);
            if (chain != null) {
                Map<String, Object> c = new LinkedHashMap<>();
                c.put("schemaVersion", chain.schemaVersion());
                c.put("chainedRows", chain.chainedRows());
                c.put("legacyRows", chain.legacyRows());
                c.put("head", chain.head());
                JournalVerifier.Break b = chain.firstBreak();
                c.put("brokenRow", b == null ? null : brokenRow(b));
                c.put("signedHeadRows", expected == null ? null : expected.rows());
                c.put("signedHeadWritten", signed);
                m.put("chain", c);
            }
            out.println(Output.json(m));
            return;
        }
        if (problem != null) {
            out.println("PROBLEM: " + opts.describe() + ": " + problem);
            return;
        }
        out.println("ok: " + opts.describe() + (opts.isJdbc() ? ": schema and all " : ": header and all ") + rows
                + " rows parse (" + consents + " consents, " + numbers + " numbers)");
        if (chain != null) {
            out.println(chain.unchained()
                    ? "chain: none (" + (chain.schemaVersion() < 3 ? "schema version " + chain.schemaVersion()
                    + "; `consent upgrade-journal` chains the rows appended after it" : "no chained row yet") + ")"
                    : "chain: ok: " + chain.chainedRows() + " rows chained" + (chain.legacyRows() == 0 ? ""
                    : " after " + chain.legacyRows() + " legacy (unchained) rows") + "; head " + chain.head());
        }
        if (expected != null) {
            out.println("signed head: ok: the first " + expected.rows() + " rows match the head signed by key "
                    + expected.keyId() + " at " + expected.signedAt()
                    + (rows > expected.rows() ? "; " + (rows - expected.rows()) + " later rows are not covered yet" : ""));
        }
        if (signed != null) {
            out.println("signed head written: " + signed);
        }
    }

    /**
     * One pass over the rows of {@code store}: the counts and the rows the erasure rows vouch for,
     * while the chain is checked beside it ({@link ChainCheck}); a row that does not parse is left in
     * {@code unparsable} (the chain check names it if it breaks the chain). A chain check that cannot
     * read the file counts nothing, as when the rows were counted after it.
     */
    private static JournalVerifier.Result verifyAndCount(CsvConsentStore store, Path file, Progress progress,
            JournalVerifier.Options options, Counts counts, JournalFormatException[] unparsable) {
        try (ChainCheck check = new ChainCheck(file, options)) {
            Redaction.Vouched vouched = new Redaction.Vouched();
            try {
                store.replay(JournalReads.meter(r -> {
                    vouched.accept(r);
                    counts.count(r);
                }, progress, file));
            } catch (JournalFormatException e) {
                unparsable[0] = e;
            }
            try {
                return check.result(vouched);
            } catch (JournalFormatException e) {
                counts.clear();
                throw e;
            }
        }
    }

    private static Map<String, Object> brokenRow(JournalVerifier.Break b) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("row", b.row());
        m.put("line", b.line());
        m.put("consentId", b.consentId());
        m.put("problem", b.problem().name().toLowerCase(java.util.Locale.ROOT));
        m.put("detail", b.detail());
        return m;
    }

    private static String readInput(Path file, String option) {
        try {
            return Files.readString(file, StandardCharsets.UTF_8);
        } catch (NoSuchFileException e) {
            throw new InvalidInputException(option, file + " does not exist");
        } catch (IOException e) {
            throw new InvalidInputException(option, "cannot read " + file + ": " + e.getMessage());
        }
    }

    private static void writeAtomically(Path file, String text) {
        Path target = file.toAbsolutePath();
        Path tmp = target.resolveSibling(target.getFileName() + ".tmp");
        try {
            Files.writeString(tmp, text, StandardCharsets.UTF_8);
            try (java.nio.channels.FileChannel ch = java.nio.channels.FileChannel.open(tmp,
                    java.nio.file.StandardOpenOption.WRITE)) {
                ch.force(true);
            }
            try {
                Files.move(tmp, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            } catch (AtomicMoveNotSupportedException e) {
                Files.move(tmp, target, StandardCopyOption.REPLACE_EXISTING);
            }
        } catch (IOException e) {
            throw new ConsentStoreException("cannot write the signed chain head " + target + ": " + e.getMessage(), e);
        }
    }

    /** Rows, distinct consent ids and distinct numbers read. */
    private static final class Counts {
        long rows;
        IdIndex consents = new IdIndex();
        NumberSet numbers = new NumberSet();

        void count(ConsentRecord r) {
            rows++;
            consents.add(r.consentId());
            numbers.add(r.phoneNumber());
        }

        /** Back to none counted. */
        void clear() {
            rows = 0;
            consents = new IdIndex();
            numbers = new NumberSet();
        }
    }

    /**
     * The chain check of a CSV journal, started on a helper thread with no redacted rows while the
     * caller reads the rows: when no erasure row vouches for a row (the usual journal) that is the
     * check with the vouched rows, and the file was read by two threads at once; otherwise it is
     * stopped and the check runs again with them. Used by one thread.
     */
    private static final class ChainCheck implements AutoCloseable {
        private final Path file;
        private final JournalVerifier.Options options;
        private final java.util.concurrent.FutureTask<JournalVerifier.Result> speculative;
        private final Thread thread;

        ChainCheck(Path file, JournalVerifier.Options options) {
            this.file = file;
            this.options = options;
            this.speculative = new java.util.concurrent.FutureTask<>(() -> JournalVerifier.verify(file, options));
            this.thread = new Thread(speculative, "consent-verify-chain");
            thread.setDaemon(true);
            thread.start();
        }

        /** The check with the rows {@code vouched} collected (the whole journal read). */
        JournalVerifier.Result result(Redaction.Vouched vouched) {
            if (vouched.consents() > 0) {
                speculative.cancel(true);
                join();
                return JournalVerifier.verify(file, options.withRedactedRows(vouched.redactedRows()));
            }
            try {
                return speculative.get();
            } catch (java.util.concurrent.ExecutionException e) {
                if (e.getCause() instanceof RuntimeException re) {
                    throw re;
                }
                if (e.getCause() instanceof Error err) {
                    throw err;
                }
                throw new ConsentStoreException("cannot verify " + file + ": " + e.getCause(), e.getCause());
            } catch (InterruptedException e) {
                speculative.cancel(true);
                Thread.currentThread().interrupt();
                throw new ConsentStoreException("interrupted while verifying " + file, e);
            }
        }

        /** Stops the check on the helper thread if it still runs (the rows could not be read). */
        @Override
        public void close() {
            speculative.cancel(true);
            join();
        }

        private void join() {
            try {
                thread.join();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new ConsentStoreException("interrupted while verifying " + file, e);
            }
        }
    }
}
