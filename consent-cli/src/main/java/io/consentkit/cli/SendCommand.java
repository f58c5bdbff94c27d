package io.consentkit.cli;

import io.consentkit.InvalidInputException;
import io.consentkit.consent.ConsentTracker;
import io.consentkit.message.CostEstimate;
import io.consentkit.message.MessageFormatter;
import io.consentkit.message.PriceTable;
import io.consentkit.phone.PhoneNumbers;
import io.consentkit.send.CsvSendLog;
import io.consentkit.send.GatewayRequest;
import io.consentkit.send.GatewayResult;
import io.consentkit.send.GuardedSender;
import io.consentkit.send.MessageCategory;
import io.consentkit.send.OutboundMessage;
import io.consentkit.send.SendOutcome;
import io.consentkit.send.SmsGateway;
import io.consentkit.send.SmsGatewayProvider;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

import java.io.PrintWriter;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.ServiceLoader;
import java.util.concurrent.Callable;

/**
 * {@code consent send}: runs the {@link GuardedSender}'s guards against the CSV journal. Without
 * {@code --gateway} it is a dry run that prints what would be sent; with {@code --gateway <name>}
 * it sends through the {@link SmsGatewayProvider} of that name found on the class path
 * ({@link ServiceLoader}; the Twilio module registers {@code twilio}), configured from the
 * environment. {@code --dry-run} forces a dry run even with a gateway.
 */
@Command(name = "send", mixinStandardHelpOptions = true,
        description = {"Runs the sending guards (consent, quiet hours, caps) for one message and sends it, "
                + "or with no --gateway prints what would be sent (dry run, the default).",
            "The journal must exist (a mistyped --store creates nothing) unless --create is given.",
            "Exit codes: 0 sent or dry run passed, 1 blocked or deferred by a guard (the reason is printed), "
                    + "2 bad input, 3 journal or send log unavailable (missing, unreadable, locked), "
                    + "4 the gateway failed."})
final class SendCommand implements Callable<Integer> {
    /** Exit code when a guard blocked or deferred the message. */
    static final int EXIT_NOT_SENT = 1;
    /** Exit code when the gateway failed (refused, errored or timed out). */
    static final int EXIT_GATEWAY_FAILED = 4;

    @Spec
    CommandSpec spec;
    @Mixin
    StoreOptions opts;
    @Option(names = "--to", required = true, paramLabel = "<phone>", description = "Recipient, any common format.")
    String to;
    @Option(names = "--body", required = true, paramLabel = "<text>", description = "The message text.")
    String body;
    @Option(names = "--category", defaultValue = "marketing",
            paramLabel = "marketing|reminder|transactional|otp|emergency|internal",
            description = "Decides the guards (docs/sending.md, categories): marketing and reminder need an active "
                    + "consent to the program; transactional, otp, emergency and internal need none; otp, emergency "
                    + "and internal skip quiet hours; emergency is not capped. An opt-out always blocks. "
                    + "Default: ${DEFAULT-VALUE}")
    String category;
    @Option(names = "--program", paramLabel = "<program>",
            description = "The consent program the message belongs to (from --programs); its consent and opt-outs "
                    + "decide. Default: the default program.")
    String program;
    @Option(names = "--template-id", paramLabel = "<id>", description = "Template name kept in the send log.")
    String templateId;
    @Option(names = "--from", paramLabel = "<sender>", description = "Sender number or id (default: the gateway's).")
    String from;
    @Option(names = "--dry-run", description = "Evaluate and log the guards, never send (the default without --gateway).")
    boolean dryRun;
    @Option(names = "--gateway", paramLabel = "<name>",
            description = "Send for real through this gateway provider (e.g. twilio, from consent-twilio), "
                    + "configured from the environment.")
    String gatewayName;
    @Option(names = "--at", paramLabel = "<instant>",
            description = "Dry run only: evaluate as if it were this ISO-8601 instant (e.g. to check quiet hours).")
    Instant at;
    @Option(names = "--segment-budget", paramLabel = "<n>",
            description = "Block the message if it needs more than this many segments. Default: no budget.")
    Integer segmentBudget;
    @Option(names = "--example-prices",
            description = "Estimate the cost with the EXAMPLE price table (US/CA 0.0083, elsewhere 0.05 USD per "
                    + "segment; an illustration, not Twilio's prices).")
    boolean examplePrices;
    @Option(names = "--create", description = "Create the journal if it does not exist (without it a missing "
            + "journal is an error, exit 3).")
    boolean create;
    @Option(names = "--send-log", paramLabel = "<csv file>",
            description = "CSV send log the decision is appended to. Default: sends.csv next to the CSV store (consent-data/sends.csv for a JDBC store).")
    Path sendLog;

    @Override
    public Integer call() {
        PrintWriter out = spec.commandLine().getOut();
        MessageCategory cat = MessageCategory.parse(category);
        boolean dry = dryRun || gatewayName == null;
        if (at != null && !dry) {
            throw new InvalidInputException("at", "is only allowed for a dry run (add --dry-run)");
        }
        PhoneNumbers.defaults().parse(to); // an invalid number is bad input (exit 2), not a blocked send
        OutboundMessage.Builder mb = OutboundMessage.builder(to);
        if (program != null) {
            opts.programs().program(program); // an unknown program is bad input (exit 2), before anything opens
            mb.program(program);
        }
        OutboundMessage message = mb.category(cat).body(body).templateId(templateId)
                .from(from).build();
        SmsGateway gateway = dry ? NOT_CONFIGURED : gateway(gatewayName);
        Path logFile = sendLog != null ? sendLog : opts.defaultSendLog();
        ExistingJournal.require(opts, "send", create);
        try (ConsentTracker tracker = opts.openTracker(); CsvSendLog log = CsvSendLog.open(logFile)) {
            Clock clock = at != null ? Clock.fixed(at, ZoneOffset.UTC) : tracker.clock();
            GuardedSender.Builder b = GuardedSender.builder(tracker, gateway).clock(clock).sendLog(log).dryRun(dry);
            if (segmentBudget != null) {
                b.formatter(MessageFormatter.builder().segmentBudget(segmentBudget).build());
            }
            if (examplePrices) {
                b.prices(PriceTable.example());
            }
            GuardedSender sender = b.build();
            SendOutcome outcome = sender.send(message);
            print(out, message, outcome, gateway.name());
            if (outcome instanceof SendOutcome.Sent || outcome instanceof SendOutcome.DryRun) {
                return 0;
            }
            return outcome instanceof SendOutcome.Failed ? EXIT_GATEWAY_FAILED : EXIT_NOT_SENT;
        }
    }

    /** The gateway of the provider named {@code name}, from the class path. */
    static SmsGateway gateway(String name) {
        List<String> found = new ArrayList<>();
        for (SmsGatewayProvider p : ServiceLoader.load(SmsGatewayProvider.class)) {
            if (p.name().equalsIgnoreCase(name.strip())) {
                return p.create(System.getenv());
            }
            found.add(p.name());
        }
        throw new InvalidInputException("gateway", "'" + name + "' is not on the class path (found: "
                + (found.isEmpty() ? "none; add the consent-twilio module" : String.join(", ", found)) + ")");
    }

    private void print(PrintWriter out, OutboundMessage m, SendOutcome outcome, String gateway) {
        Map<String, Object> j = new LinkedHashMap<>();
        String text;
        if (outcome instanceof SendOutcome.Sent s) {
            j.put("outcome", "sent");
            j.put("providerId", s.providerId());
            j.put("status", s.providerStatus());
            j.put("segments", s.segments());
            cost(j, s.estimatedCost());
            j.put("gateway", s.gateway());
            text = "SENT  " + m.to() + "  id=" + s.providerId() + "  via " + s.gateway()
                    + (s.segments() > 0 ? "  segments=" + s.segments() : "")
                    + (s.estimatedCost() == null ? "" : "  cost=" + s.estimatedCost());
        } else if (outcome instanceof SendOutcome.DryRun d) {
            j.put("outcome", "dry_run");
            j.put("category", m.category().label());
            j.put("body", d.body());
            j.put("segments", d.segments());
            cost(j, d.estimatedCost());
            text = "DRY RUN  every guard passed; would send this " + m.category().label() + " message to " + m.to()
                    + (d.segments() > 0 ? " (" + d.segments() + " segment(s)" : "")
                    + (d.estimatedCost() == null ? "" : ", " + d.estimatedCost())
                    + (d.segments() > 0 ? ")" : "") + ":\n  " + d.body();
        } else if (outcome instanceof SendOutcome.Blocked b) {
            j.put("outcome", "blocked");
            j.put("reason", b.reason().name());
            j.put("rule", b.rule());
            j.put("detail", b.detail());
            text = "BLOCKED  " + b.reason() + ": " + b.detail() + "\n  rule: " + b.rule();
        } else if (outcome instanceof SendOutcome.Deferred d) {
            j.put("outcome", "deferred");
            j.put("reason", d.reason().name());
            j.put("until", d.until().toString());
            j.put("rule", d.rule());
            j.put("detail", d.detail());
            text = "DEFERRED  " + d.reason() + " until " + d.until() + ": " + d.detail() + "\n  rule: " + d.rule();
        } else {
            SendOutcome.Failed f = (SendOutcome.Failed) outcome;
            j.put("outcome", "failed");
            j.put("kind", f.kind().name());
            j.put("code", f.code());
            j.put("retryable", f.retryable());
            j.put("unknownOutcome", f.unknownOutcome());
            j.put("message", f.message());
            j.put("gateway", gateway);
            text = "FAILED  " + f.kind() + (f.code() == 0 ? "" : " code=" + f.code()) + " retryable=" + f.retryable()
                    + (f.unknownOutcome() ? " (outcome unknown: it may have been sent; not retried)" : "")
                    + (f.message().isEmpty() ? "" : ": " + f.message());
        }
        out.println(opts.format == OutputFormat.json ? Output.json(j) : text);
    }

    private static void cost(Map<String, Object> j, CostEstimate cost) {
        j.put("estimatedCost", cost == null ? null : cost.total().toPlainString());
        j.put("currency", cost == null ? null : cost.currency().getCurrencyCode());
    }

    /** Stands in for a gateway in dry runs, where the sender never calls it. */
    private static final SmsGateway NOT_CONFIGURED = new SmsGateway() {
        @Override
        public GatewayResult send(GatewayRequest request) {
            return new GatewayResult.Failed(GatewayResult.FailureKind.NOT_PERMITTED, 0,
                    "no gateway configured (use --gateway)", Duration.ZERO);
        }

        @Override
        public String name() {
            return "dry-run";
        }
    };
}
