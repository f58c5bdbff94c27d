package io.consentkit.cli;

import io.consentkit.ConsentKitException;
import io.consentkit.journal.ConsentStoreException;
import io.consentkit.send.SendLogException;
import picocli.CommandLine;
import picocli.CommandLine.Command;

import java.io.PrintWriter;
import java.util.Map;

/**
 * The {@code consent} command. The journal commands (status, record, revoke, history, export, import,
 * inbound, send, serve, verify) work on a CSV journal ({@code --store}, default
 * {@code ./consent-data/consents.csv}) or a PostgreSQL database ({@code --store jdbc:postgresql://...},
 * credentials from the environment, never printed); {@code demo} takes {@code --dir}; {@code parse} and
 * {@code segments} need no journal. Errors print one line on stderr and exit non-zero: 2 for bad input,
 * 3 when the journal cannot be opened (missing, unreadable, locked), 1 for other failures; {@code status}
 * exits 0 only when the number may be texted (docs/cli.md). Not thread-safe: one run per instance.
 */
@Command(name = "consent", mixinStandardHelpOptions = true, version = "ConsentKit 0.1.0-SNAPSHOT",
        description = "SMS consent records on the embedded CSV journal or a PostgreSQL database.",
        footer = {"", "Exit codes (every command; docs/cli.md has the table per command):",
            "  0  ok: done; status/batch status: may text; verify: journal ok; send: sent or dry run passed",
            "  1  no: status/batch status: may not text; verify: problem found; search: nothing found;",
            "     send: blocked or deferred by a guard (the reason is printed); other failures",
            "  2  bad input: unknown option, invalid number, bad row, missing input file",
            "  3  unavailable: the journal (or send log) is missing, unreadable or locked; nothing was created",
            "  4  send: the gateway failed"},
        subcommands = {
            DemoCommand.class,
            StatusCommand.class,
            RecordCommand.class,
            RevokeCommand.class,
            HistoryCommand.class,
            ExportCommand.class,
            ImportCommand.class,
            InboundCommand.class,
            ParseCommand.class,
            SegmentsCommand.class,
            SendCommand.class,
            ServeCommand.class,
            ConsolePasswordCommand.class,
            VerifyCommand.class,
            RevocationsCommand.class,
            UpgradeJournalCommand.class,
            IndexCommand.class,
            // operator commands (read-only): docs/cli.md
            ListCommand.class,
            SearchCommand.class,
            StatsCommand.class,
            EvidenceCommand.class,
            RetentionCommand.class,
            EraseCommand.class,
            TailCommand.class,
            PendingCommand.class,
            SendLogCommand.class,
            LimitsCommand.class,
            BatchCommand.class,
        })
public final class ConsentCli implements Runnable {
    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    private final Map<String, String> env;

    private ConsentCli(Map<String, String> env) {
        this.env = env;
    }

    /** The environment the run reads (credentials of a JDBC store): the process's, or the one a test gave. */
    Map<String, String> environment() {
        return env;
    }

    /** Exit code for bad input (unknown option, invalid phone number, bad row). */
    public static final int EXIT_BAD_INPUT = 2;
    /** Exit code for another failure (and, for {@code status}, "may not text"). */
    public static final int EXIT_FAILURE = 1;
    /** Exit code when the journal (or the send log) cannot be opened: missing, unreadable or locked. */
    public static final int EXIT_STORE_UNAVAILABLE = 3;

    @Override
    public void run() {
        spec.commandLine().usage(spec.commandLine().getOut());
    }

    public static void main(String[] args) {
        Progress.terminal = System.console() != null; // the activity line of long operations: terminals only
        System.exit(run(args, new PrintWriter(System.out, true), new PrintWriter(System.err, true)));
    }

    private static void shareVersion(CommandLine parent, String[] version) {
        for (CommandLine sub : parent.getSubcommands().values()) {
            sub.getCommandSpec().version(version);
            shareVersion(sub, version);
        }
    }

    /** Runs the command line with the given streams and returns the exit code (used by tests). */
    public static int run(String[] args, PrintWriter out, PrintWriter err) {
        return run(args, out, err, System.getenv());
    }

    /**
     * Runs the command line with the given streams and environment (the variables a JDBC store's
     * credentials come from) and returns the exit code (used by tests).
     */
    public static int run(String[] args, PrintWriter out, PrintWriter err, Map<String, String> env) {
        CommandLine cl = CommandTree.forRun(args, new ConsentCli(Map.copyOf(env))); // only the command run
        shareVersion(cl, cl.getCommandSpec().version()); // -V on a subcommand prints the version
        cl.setDefaultValueProvider(new CliConfig(args, env, java.nio.file.Path.of(""))); // --store, --brand
        cl.setOut(out);
        cl.setErr(err);
        cl.setExecutionExceptionHandler((ex, commandLine, parseResult) -> {
            Throwable t = ex;
            if (t instanceof io.consentkit.InvalidInputException) {
                err.println("consent: error: " + t.getMessage());
                return EXIT_BAD_INPUT;
            }
            if (t instanceof ConsentStoreException || t instanceof SendLogException
                    || t instanceof io.consentkit.revocation.RevocationQueueException) {
                err.println("consent: error: " + t.getMessage());
                return EXIT_STORE_UNAVAILABLE;
            }
            if (t instanceof ConsentKitException) {
                err.println("consent: error: " + t.getMessage());
                return EXIT_FAILURE;
            }
            err.println("consent: unexpected error: " + t);
            return EXIT_FAILURE;
        });
        cl.setParameterExceptionHandler((ex, args1) -> {
            if (ex.getCause() instanceof io.consentkit.InvalidInputException bad) { // from the configuration
                err.println("consent: error: " + bad.getMessage());
                return EXIT_BAD_INPUT;
            }
            err.println("consent: error: " + ex.getMessage() + " (see '"
                    + ex.getCommandLine().getCommandSpec().qualifiedName() + " --help')");
            return EXIT_BAD_INPUT;
        });
        int code = cl.execute(args);
        out.flush();
        err.flush();
        return code;
    }
}
