package io.consentkit.cli;

import io.consentkit.journal.ConsentRecord;
import io.consentkit.consent.ConsentTracker;
import io.consentkit.consent.Program;
import io.consentkit.consent.Programs;
import io.consentkit.phone.PhoneNumbers;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

import java.io.PrintWriter;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Callable;

@Command(name = "status", mixinStandardHelpOptions = true,
        description = {"May I text this number? Prints the number's current consent in one program (--program; "
                + "default: the default program).",
            "A CSV journal's index snapshot (consent index) is used where it matches the journal: the number's "
                    + "rows and the rows appended since are read, not the whole file; the answer is the same.",
            "Exit codes: 0 active consent (may text), 1 opted out or no consent (may not text), 2 bad input, "
                    + "3 journal missing or unreadable."})
final class StatusCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;
    @Mixin
    StoreOptions opts;
    @Parameters(paramLabel = "<phone>", description = "Phone number, any common format.")
    String phone;
    @Option(names = "--program", paramLabel = "<program>",
            description = "The program asked about (--programs lists them). Default: the default program.")
    String program;

    @Override
    public Integer call() {
        PrintWriter out = spec.commandLine().getOut();
        io.consentkit.phone.PhoneNumber number = PhoneNumbers.defaults().parse(phone); // bad input: before the journal is read
        String e164 = number.e164();
        Programs programs = opts.programs();
        String name = program == null ? programs.defaultProgram().name() : program.strip();
        Program asked = programs.program(name); // an unknown program is bad input (exit 2), before the journal is read
        try (ConsentTracker tracker = opts.openReadOnlyTrackerFor(java.util.List.of(number))) {
            boolean active = tracker.isActive(e164, name);
            boolean optedOut = tracker.isOptedOut(e164, name);
            Optional<ConsentRecord> st = tracker.status(e164, name);
            if (opts.format == OutputFormat.json) {
                Map<String, Object> m = new LinkedHashMap<>();
                m.put("phoneNumber", e164);
                m.put("active", active);
                m.put("optedOut", optedOut);
                m.put("consent", st.map(r -> Output.fields(r, programs)).orElse(null));
                m.put("program", asked.name());
                m.put("brand", asked.brand());
                out.println(Output.json(m));
            } else {
                String scope = programs == Programs.defaults() ? "" : " (" + asked.brand() + "/" + asked.name() + ")";
                out.println(e164 + scope + ": " + (active ? "ACTIVE consent: may receive marketing texts"
                        : optedOut ? "OPTED OUT: never text this number" : "no active consent: do not send marketing"));
                st.ifPresent(r -> out.println("  " + Output.text(r, programs)));
            }
            return active ? 0 : ConsentCli.EXIT_FAILURE;
        }
    }
}
