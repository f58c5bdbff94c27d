package io.consentkit.cli;

import io.consentkit.journal.ConsentRecord;
import io.consentkit.consent.ConsentTracker;
import io.consentkit.inbound.ConfirmationEvent;
import io.consentkit.inbound.InboundHandler;
import io.consentkit.inbound.InboundMessage;
import io.consentkit.inbound.InboundResult;
import io.consentkit.inbound.KeywordParser;
import io.consentkit.inbound.ReplyPolicy;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.Callable;

@Command(name = "inbound", mixinStandardHelpOptions = true,
        description = "Handles one inbound text as the webhook would (STOP, START, HELP, a Y/N answer) on the CSV "
                + "journal and prints the intent, the change made and the reply. The journal must exist (a mistyped "
                + "--store creates nothing) unless --create is given.")
final class InboundCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;
    @Mixin
    StoreOptions opts;

    @Option(names = "--from", required = true, paramLabel = "<phone>", description = "The sender's number.")
    String from;

    @Option(names = "--body", required = true, paramLabel = "<text>", description = "The message text.")
    String body;

    @Option(names = "--sid", defaultValue = "", paramLabel = "<message sid>",
            description = "The provider's message SID; a SID already in the journal is reported as a duplicate.")
    String sid;

    @Option(names = "--to", defaultValue = "", paramLabel = "<phone>", description = "The business number (or short code, Messaging Service SID) texted: the sender whose "
                    + "program(s) the text is about (--programs maps senders to programs).")
    String to;

    @Option(names = "--support", paramLabel = "<contact>",
            description = "Support contact (phone, email or site) for the HELP reply; without it HELP is not answered.")
    String support;

    @Option(names = "--strict", description = "Match whole-message keywords only (as Twilio does).")
    boolean strict;

    @Option(names = "--provider-answers", defaultValue = "true", arity = "1", paramLabel = "true|false",
            description = "Whether the provider answers its own keywords (Twilio long code / toll-free: true; "
                    + "short code: false). Our opt-out reply is sent only when it does not. Default: ${DEFAULT-VALUE}")
    boolean providerAnswers;

    @Option(names = "--create", description = "Create the journal if it does not exist (without it a missing "
            + "journal is an error, exit 3).")
    boolean create;

    @Override
    public Integer call() {
        PrintWriter out = spec.commandLine().getOut();
        ExistingJournal.require(opts, "inbound", create);
        try (ConsentTracker tracker = opts.openTracker()) {
            InboundHandler.Builder b = InboundHandler.builder(tracker)
                    .parser(strict ? KeywordParser.builder().mode(KeywordParser.Mode.STRICT).build()
                            : KeywordParser.defaults());
            if (support != null && !support.isBlank()) {
                b.supportContact(support);
            } else {
                b.helpReplyPolicy(ReplyPolicy.NEVER);
            }
            if (!providerAnswers) {
                b.providerKeywords(Set.of());
            }
            InboundResult r = b.build().handle(new InboundMessage(from, to, body, sid, tracker.clock().instant()));
            if (opts.format == OutputFormat.json) {
                out.println(Output.json(fields(r, tracker.programs())));
            } else {
                print(out, r, tracker.programs());
            }
        }
        return 0;
    }

    static Map<String, Object> fields(InboundResult r, io.consentkit.consent.Programs programs) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("intent", r.intent().name());
        m.put("keyword", r.keyword().isEmpty() ? null : r.keyword());
        m.put("wholeMessage", r.match().wholeMessage());
        m.put("change", r.change().name());
        List<Object> rows = new ArrayList<>();
        for (ConsentRecord row : r.records()) {
            rows.add(Output.fields(row, programs));
        }
        m.put("records", rows);
        m.put("reply", r.hasReply() ? r.reply() : null);
        ConfirmationEvent c = r.confirmation();
        if (c == null) {
            m.put("confirmation", null);
        } else {
            Map<String, Object> cm = new LinkedHashMap<>();
            cm.put("id", c.confirmationId());
            cm.put("outcome", c.outcome().name());
            cm.put("at", c.at().toString());
            cm.put("context", c.context());
            m.put("confirmation", cm);
        }
        return m;
    }

    private static void print(PrintWriter out, InboundResult r, io.consentkit.consent.Programs programs) {
        out.println("intent: " + r.intent() + (r.keyword().isEmpty() ? ""
                : " (" + r.keyword() + (r.match().wholeMessage() ? ", whole message)" : ", in the reply)")));
        out.println("change: " + r.change());
        for (ConsentRecord row : r.records()) {
            out.println("  " + Output.text(row, programs));
        }
        if (r.confirmation() != null) {
            out.println("confirmation: " + r.confirmation().outcome() + " id=" + r.confirmation().confirmationId());
        }
        out.println("reply: " + (r.hasReply() ? r.reply() : "(none)"));
    }
}
