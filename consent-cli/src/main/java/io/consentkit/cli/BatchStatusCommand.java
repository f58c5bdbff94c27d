package io.consentkit.cli;

import io.consentkit.InvalidInputException;
import io.consentkit.consent.ConsentTracker;
import io.consentkit.phone.PhoneNumber;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.Callable;

/**
 * {@code consent batch status --input <file>}: the status of every number in a file (one a line),
 * over one read-only open of the journal: the journal is read once however many numbers there are.
 */
@Command(name = "status", mixinStandardHelpOptions = true,
        description = {"May I text these numbers? Reads one number a line from --input ('-' for standard input; "
                + "blank lines and lines starting with # are skipped) and prints one line each: active, opted_out, "
                + "no_consent or invalid. The journal is read once.",
            "Exit codes: 0 every number is active (may be texted), 1 at least one may not be texted, 2 bad input "
                    + "(a line is not a valid number, or the input cannot be read; every line is still printed), "
                    + "3 journal missing or unreadable."})
final class BatchStatusCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;
    @Mixin
    StoreOptions opts;
    @Option(names = "--input", required = true, paramLabel = "<file>|-", description = "Numbers, one a line.")
    String input;
    @Option(names = "--program", paramLabel = "<program>",
            description = "The program asked about (--programs lists them). Default: the default program.")
    String program;

    @Override
    public Integer call() {
        Path file = "-".equals(input) ? null : Path.of(input);
        if (file != null && !Files.isRegularFile(file)) { // bad input, found before the journal is read
            throw new InvalidInputException("input", file + (Files.exists(file) ? " is not a regular file"
                    : " does not exist"));
        }
        String name = program == null ? opts.programs().defaultProgram().name()
                : opts.programs().program(program.strip()).name(); // unknown: bad input, before the journal is read
        PrintWriter out = spec.commandLine().getOut();
        boolean allActive = true;
        boolean anyInvalid = false;
        try (ConsentTracker tracker = opts.openReadOnlyTracker();
             BufferedReader in = file == null
                     ? new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8))
                     : Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
            for (String line; (line = in.readLine()) != null; ) {
                String raw = line.strip();
                if (raw.isEmpty() || raw.startsWith("#")) {
                    continue;
                }
                Map<String, Object> m = new LinkedHashMap<>();
                m.put("input", raw);
                String status;
                try {
                    PhoneNumber pn = tracker.phoneNumbers().parse(raw, "phone_number");
                    boolean active = tracker.isActive(pn, name);
                    status = active ? "active" : tracker.isOptedOut(pn, name) ? "opted_out" : "no_consent";
                    m.put("phoneNumber", pn.e164());
                    m.put("status", status);
                    m.put("active", active);
                    allActive &= active;
                } catch (InvalidInputException e) {
                    status = "invalid";
                    m.put("phoneNumber", null);
                    m.put("status", status);
                    m.put("active", false);
                    m.put("error", e.getMessage());
                    anyInvalid = true;
                }
                m.put("program", name);
                out.println(opts.format == OutputFormat.json ? Output.json(m)
                        : m.get("input") + "\t" + (m.get("phoneNumber") == null ? "-" : m.get("phoneNumber")) + "\t"
                        + status + (m.containsKey("error") ? "\t" + m.get("error") : ""));
            }
        } catch (IOException e) {
            throw new InvalidInputException("input", "cannot be read: " + e.getMessage());
        }
        return anyInvalid ? ConsentCli.EXIT_BAD_INPUT : allActive ? 0 : ConsentCli.EXIT_FAILURE;
    }
}
