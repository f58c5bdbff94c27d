package io.consentkit.cli;

import io.consentkit.consent.ConsentTracker;
import io.consentkit.journal.ConsentRecord;
import io.consentkit.revocation.CsvRevocationStore;
import io.consentkit.revocation.RevocationChannel;
import io.consentkit.revocation.RevocationQueue;
import io.consentkit.revocation.RevocationRequest;
import io.consentkit.support.Masking;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneId;
import java.time.format.DateTimeParseException;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;

@Command(name = "revocations", mixinStandardHelpOptions = true,
        subcommands = {RevocationsCommand.Submit.class, RevocationsCommand.Apply.class, RevocationsCommand.Dismiss.class},
        description = {"Lists revocation requests that are pending (received by email, phone, web or a text to review, "
                + "not applied yet) with their 10-business-day deadline; --overdue lists only the late ones.",
            "Reads the queue without locking or changing it; a queue file that does not exist is an empty list.",
            "Exit codes: 0 listed (with --overdue: none overdue), 1 with --overdue: some are overdue, 2 bad input, "
                    + "3 queue file unreadable or not a revocation queue."})
final class RevocationsCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;
    @Mixin
    QueueOptions queue;
    @Option(names = "--overdue", description = "Only the pending requests past their deadline now.")
    boolean overdue;
    @Option(names = "--at", paramLabel = "<instant>",
            description = "Tell overdue requests as of this instant (ISO-8601). Default: now.")
    String at;

    @Override
    public Integer call() {
        PrintWriter out = spec.commandLine().getOut();
        Instant now = at == null ? Clock.systemUTC().instant() : parseInstant("at", at);
        Path file = queue.queueFile();
        List<RevocationRequest> list = List.of();
        if (Files.exists(file)) {
            try (RevocationQueue q = RevocationQueue.builder(CsvRevocationStore.openReadOnly(file))
                    .clock(Clock.fixed(now, java.time.ZoneOffset.UTC)).build()) {
                list = overdue ? q.overdue() : q.pending();
            }
        }
        long late = list.stream().filter(r -> r.isOverdue(now)).count();
        for (RevocationRequest r : list) {
            print(out, queue.opts.format, r, now);
        }
        if (queue.opts.format != OutputFormat.json) {
            out.println(list.size() + (overdue ? " overdue" : " pending (" + late + " overdue)") + " in " + file);
        }
        return overdue && late > 0 ? ConsentCli.EXIT_FAILURE : 0;
    }

    static void print(PrintWriter out, OutputFormat format, RevocationRequest r, Instant now) {
        if (format == OutputFormat.json) {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("id", r.id());
            m.put("phoneNumber", r.phone().e164());
            m.put("program", r.program());
            m.put("brand", r.brand());
            m.put("channel", r.channel().label());
            m.put("receivedAt", r.receivedAt().toString());
            m.put("evidenceText", r.evidenceText());
            m.put("evidenceBy", r.evidenceBy());
            m.put("deadline", r.deadline().toString());
            m.put("overdueAt", r.overdueAt().toString());
            m.put("overdue", r.isOverdue(now));
            m.put("state", r.state().label());
            m.put("closedAt", r.closedAt() == null ? null : r.closedAt().toString());
            m.put("closedBy", r.closedBy());
            m.put("closeReason", r.closeReason());
            out.println(Output.json(m));
            return;
        }
        StringBuilder sb = new StringBuilder();
        sb.append(r.isOverdue(now) ? "OVERDUE" : r.state().label().toUpperCase(java.util.Locale.ROOT)).append("  ")
                .append(r.id()).append("  ").append(r.phone().e164()).append("  ").append(r.scope()).append("  via ")
                .append(r.channel().label()).append("  received ").append(r.receivedAt()).append("  deadline ")
                .append(r.deadline());
        if (!r.evidenceText().isEmpty()) {
            sb.append("  said ").append(Masking.printable(r.evidenceText()));
        }
        if (!r.evidenceBy().isEmpty()) {
            sb.append("  taken by ").append(Masking.printable(r.evidenceBy()));
        }
        if (!r.pending()) {
            sb.append("  ").append(r.state().label()).append(' ').append(r.closedAt());
            if (!r.closeReason().isEmpty()) {
                sb.append(": ").append(Masking.printable(r.closeReason()));
            }
        }
        out.println(sb);
    }

    /** {@code --store}, {@code --queue}, {@code --zone} and the store options. */
    static final class QueueOptions {
        @Mixin
        StoreOptions opts;
        @Option(names = "--queue", paramLabel = "<csv file>",
                description = "Revocation queue file. Default: " + CsvRevocationStore.DEFAULT_FILE_NAME
                        + " next to the store.")
        Path queue;
        @Option(names = "--zone", paramLabel = "<zone id>",
                description = "The business's time zone: receipt days and deadlines are counted in it. Default: the "
                        + "system's zone.")
        ZoneId zone;

        Path queueFile() {
            return queue != null ? queue
                    : (opts.isJdbc() ? Path.of(StoreOptions.DEFAULT_STORE) : opts.csvPath()).toAbsolutePath()
                            .resolveSibling(CsvRevocationStore.DEFAULT_FILE_NAME);
        }

        RevocationQueue.Builder writable() {
            return RevocationQueue.builder(CsvRevocationStore.open(queueFile()))
                    .zone(zone != null ? zone : ZoneId.systemDefault());
        }
    }

    @Command(name = "submit", mixinStandardHelpOptions = true,
            description = "Records a revocation request received outside the keyword path; prints it with its deadline.")
    static final class Submit implements Callable<Integer> {
        @Spec
        CommandSpec spec;
        @Mixin
        QueueOptions queue;
        @Parameters(paramLabel = "<phone>")
        String phone;
        @Option(names = "--channel", required = true, paramLabel = "sms|web|email|voice|agent|api",
                description = "How it arrived.")
        String channel;
        @Option(names = "--evidence", description = "What the person said or wrote.")
        String evidence;
        @Option(names = "--by", description = "Who took or forwarded it.")
        String by;
        @Option(names = "--received-at", paramLabel = "<instant>",
                description = "When it was received (ISO-8601). Default: now.")
        String receivedAt;
        @Option(names = "--program", defaultValue = "", description = "The program it names. Default: every program.")
        String program;
        @Option(names = "--scope-brand", defaultValue = "", description = "The brand it names. Default: every brand.")
        String scopeBrand;

        @Override
        public Integer call() {
            RevocationChannel ch = RevocationChannel.parse(channel);
            // with --programs, a scope naming no configured program or brand is bad input now, not at apply
            boolean configured = queue.opts.programsOption.file != null;
            if (configured && !program.isBlank()) {
                queue.opts.programs().program(program.strip());
            }
            if (configured && !scopeBrand.isBlank()) {
                queue.opts.programs().programsOf(scopeBrand.strip());
            }
            Instant received = receivedAt == null ? null : parseInstant("received_at", receivedAt);
            try (RevocationQueue q = queue.writable().build()) {
                RevocationRequest r = q.submit(phone, program, scopeBrand, ch, received, evidence, by);
                print(spec.commandLine().getOut(), queue.opts.format, r, Instant.now());
            }
            return 0;
        }
    }

    @Command(name = "apply", mixinStandardHelpOptions = true,
            description = "Applies a pending request: revokes the number in the journal and closes the request. Give the "
                    + "same --programs as the request's scope names.")
    static final class Apply implements Callable<Integer> {
        @Spec
        CommandSpec spec;
        @Mixin
        QueueOptions queue;
        @Parameters(paramLabel = "<request id>")
        String id;
        @Option(names = "--by", description = "Who applied it.")
        String by;

        @Override
        public Integer call() {
            PrintWriter out = spec.commandLine().getOut();
            try (ConsentTracker tracker = queue.opts.openTracker();
                 RevocationQueue q = queue.writable().tracker(tracker).build()) {
                RevocationQueue.Applied applied = q.apply(id, by);
                for (ConsentRecord row : applied.journalRows()) {
                    Output.record(out, queue.opts.format, row, tracker.programs());
                }
                print(out, queue.opts.format, applied.request(), Instant.now());
            }
            return 0;
        }
    }

    @Command(name = "dismiss", mixinStandardHelpOptions = true,
            description = "Dismisses a pending request after review (e.g. not an opt-out); it is kept with the reason.")
    static final class Dismiss implements Callable<Integer> {
        @Spec
        CommandSpec spec;
        @Mixin
        QueueOptions queue;
        @Parameters(paramLabel = "<request id>")
        String id;
        @Option(names = "--reason", required = true, description = "Why, e.g. \"not an opt-out\".")
        String reason;
        @Option(names = "--by", description = "Who dismissed it.")
        String by;

        @Override
        public Integer call() {
            try (RevocationQueue q = queue.writable().build()) {
                print(spec.commandLine().getOut(), queue.opts.format, q.dismiss(id, by, reason), Instant.now());
            }
            return 0;
        }
    }

    static Instant parseInstant(String field, String s) {
        try {
            return Instant.parse(s.strip());
        } catch (DateTimeParseException e) {
            throw new io.consentkit.InvalidInputException(field, "'" + Masking.printable(s)
                    + "' is not an ISO-8601 instant (e.g. 2026-11-25T15:00:00Z)");
        }
    }
}
