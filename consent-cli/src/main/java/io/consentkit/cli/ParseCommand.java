package io.consentkit.cli;

import io.consentkit.ConsentKitException;
import io.consentkit.inbound.KeywordMatch;
import io.consentkit.inbound.KeywordParser;
import io.consentkit.inbound.KeywordSet;
import picocli.CommandLine.Command;
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
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;

@Command(name = "parse", mixinStandardHelpOptions = true,
        description = "Reads messages, one per line, and prints one JSON object per line: "
                + "{\"text\":...,\"intent\":...,\"keyword\":...}. Changes nothing.")
final class ParseCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Option(names = "--strict", description = "Whole-message keywords only (as Twilio matches).")
    boolean strict;

    @Option(names = "--pending", description = "Parse as if a Y/N confirmation were pending for the sender.")
    boolean pending;

    @Option(names = "--lang", split = ",", paramLabel = "es|fr",
            description = "Add Spanish (es) and/or French (fr) keywords to the English defaults.")
    List<String> languages = new ArrayList<>();

    @Option(names = "--input", defaultValue = "-", paramLabel = "<file>",
            description = "Read from this file instead of standard input ('-'). Default: ${DEFAULT-VALUE}")
    String input;

    @Override
    public Integer call() {
        KeywordParser.Builder b = KeywordParser.builder()
                .mode(strict ? KeywordParser.Mode.STRICT : KeywordParser.Mode.FCC_CONSERVATIVE);
        for (String lang : languages) {
            switch (lang.strip().toLowerCase(java.util.Locale.ROOT)) {
                case "es" -> b.add(KeywordSet.SPANISH);
                case "fr" -> b.add(KeywordSet.FRENCH);
                default -> throw new io.consentkit.InvalidInputException("lang", "must be es or fr, got '" + lang + "'");
            }
        }
        KeywordParser parser = b.build();
        PrintWriter out = spec.commandLine().getOut();
        try (BufferedReader in = "-".equals(input)
                ? new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8))
                : Files.newBufferedReader(Path.of(input), StandardCharsets.UTF_8)) {
            String line;
            while ((line = in.readLine()) != null) {
                KeywordMatch m = parser.parse(line, pending);
                Map<String, Object> o = new LinkedHashMap<>();
                o.put("text", line);
                o.put("intent", m.intent().name());
                o.put("keyword", m.keyword().isEmpty() ? null : m.keyword());
                out.println(Output.json(o));
            }
        } catch (IOException e) {
            throw new ConsentKitException("cannot read " + input + ": " + e.getMessage(), e);
        }
        out.flush();
        return 0;
    }
}
