package io.consentkit.cli;

import io.consentkit.InvalidInputException;
import io.consentkit.consent.ConsentTracker;
import io.consentkit.phone.PhoneNumber;
import io.consentkit.phone.PhoneNumbers;
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
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.Callable;

/**
 * {@code consent batch status --input <file>}: the status of every number in a file (one a line),
 * over one read-only open of the journal: the journal is read once however many numbers there are (only
 * those numbers' rows, through a valid index snapshot).
 */
@Command(name = "status", mixinStandardHelpOptions = true,
        description = {"May I text these numbers? Reads one number a line from --input ('-' for standard input; "
                + "blank lines and lines starting with # are skipped) and prints one line each: active, opted_out, "
                + "no_consent or invalid. The input is read first, then the journal once (through its index snapshot, "
                + "consent index, where one matches the journal: the numbers' rows and the rows appended since).",
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
        List<Line> lines = new ArrayList<>();
        Set<PhoneNumber> numbers = new LinkedHashSet<>();
        try (BufferedReader in = file == null
                ? new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8))
                : Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
            for (String line; (line = in.readLine()) != null; ) {
                String raw = line.strip();
                if (raw.isEmpty() || raw.startsWith("#")) {
                    continue;
                }
                try {
                    PhoneNumber pn = PhoneNumbers.defaults().parse(raw, "phone_number"); // the tracker's parser
                    numbers.add(pn);
                    lines.add(new Line(raw, pn, null));
                } catch (InvalidInputException e) {
                    lines.add(new Line(raw, null, e.getMessage())); // printed as invalid below
                }
            }
        } catch (IOException e) {
            throw new InvalidInputException("input", "cannot be read: " + e.getMessage());
        }
        try (ConsentTracker tracker = opts.openReadOnlyTrackerFor(numbers)) {
            for (Line l : lines) {
                String raw = l.raw();
                Map<String, Object> m = new LinkedHashMap<>();
                m.put("input", raw);
                String status;
                if (l.number() != null) {
                    PhoneNumber pn = l.number();
                    boolean active = tracker.isActive(pn, name);
                    status = active ? "active" : tracker.isOptedOut(pn, name) ? "opted_out" : "no_consent";
                    m.put("phoneNumber", pn.e164());
                    m.put("status", status);
                    m.put("active", active);
                    allActive &= active;
                } else {
                    status = "invalid";
                    m.put("phoneNumber", null);
                    m.put("status", status);
                    m.put("active", false);
                    m.put("error", l.error());
                    anyInvalid = true;
                }
                m.put("program", name);
                out.println(opts.format == OutputFormat.json ? Output.json(m)
                        : m.get("input") + "\t" + (m.get("phoneNumber") == null ? "-" : m.get("phoneNumber")) + "\t"
                        + status + (m.containsKey("error") ? "\t" + m.get("error") : ""));
            }
        }
        return anyInvalid ? ConsentCli.EXIT_BAD_INPUT : allActive ? 0 : ConsentCli.EXIT_FAILURE;
    }

    /** One input line: the number it names, or why it names none. */
    private record Line(String raw, PhoneNumber number, String error) {
    }
}
