package io.consentkit.cli;

import io.consentkit.InvalidInputException;
import io.consentkit.support.Json;
import io.consentkit.message.NonGsmChar;
import io.consentkit.message.Replacement;
import io.consentkit.message.SegmentCalculator;
import io.consentkit.message.SegmentInfo;
import io.consentkit.message.SmartEncoding;
import io.consentkit.message.SmartEncodingResult;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
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

/**
 * {@code consent segments}: what Twilio will bill for a message. With a message argument it
 * prints a summary; without one it reads JSON string literals, one per line, from stdin (or
 * {@code --input}) and prints one JSON object per line:
 * {@code {"encoding":"GSM7"|"UCS2","segments":N,"units":N,"unitsLeft":N,"nonGsm":[...]}}.
 */
@Command(name = "segments", mixinStandardHelpOptions = true,
        description = {"Counts SMS segments as Twilio bills them (GSM-7 160/153 septets, UCS-2 70/67 units).",
            "With <message>: prints a summary. Without: reads one JSON string literal per line from stdin "
                    + "(e.g. \"Hi\\nthere \\ud83d\\ude00\") and prints one JSON object per line."})
final class SegmentsCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Parameters(arity = "0..1", paramLabel = "<message>", description = "The message text, as plain text.")
    String message;

    @Option(names = "--smart", description = "Apply Twilio's Smart Encoding before counting.")
    boolean smart;

    @Option(names = "--smart-policy", paramLabel = "skip|replace", defaultValue = "skip",
            description = "With --smart, when a character remains that cannot be converted: skip all "
                    + "replacements (Twilio's documented behaviour) or replace anyway (Twilio's calculator). "
                    + "Default: ${DEFAULT-VALUE}")
    String smartPolicy;

    @Option(names = "--format", paramLabel = "text|json",
            description = "Output: text or json. Default: text for <message>, json for stdin.")
    OutputFormat format;

    @Option(names = "--input", paramLabel = "<file>",
            description = "Read the JSON lines from this file instead of stdin.")
    Path input;

    @Override
    public Integer call() throws IOException {
        PrintWriter out = spec.commandLine().getOut();
        SmartEncoding encoding = smartEncoding();
        if (message != null) {
            if (input != null) {
                throw new InvalidInputException("--input", "cannot be combined with a <message> argument");
            }
            print(out, message, encoding, format == null ? OutputFormat.text : format);
            return 0;
        }
        OutputFormat f = format == null ? OutputFormat.json : format;
        if (input != null && !Files.isReadable(input)) {
            throw new InvalidInputException("--input", "cannot be read: " + input);
        }
        try (BufferedReader in = input == null
                ? new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8))
                : Files.newBufferedReader(input, StandardCharsets.UTF_8)) {
            String line;
            int lineNo = 0;
            while ((line = in.readLine()) != null) {
                lineNo++;
                print(out, parseLine(lineNo, line), encoding, f);
            }
        }
        return 0;
    }

    private SmartEncoding smartEncoding() {
        if (!smart) {
            return SmartEncoding.DISABLED;
        }
        switch (smartPolicy) {
            case "skip":
                return SmartEncoding.ENABLED;
            case "replace":
                return SmartEncoding.enabled(SmartEncoding.UnconvertiblePolicy.REPLACE_ANYWAY);
            default:
                throw new InvalidInputException("--smart-policy", "must be skip or replace, got '" + smartPolicy + "'");
        }
    }

    static String parseLine(int lineNo, String line) {
        if (line.isBlank()) {
            throw new InvalidInputException("line " + lineNo,
                    "is empty: expected a JSON string literal such as \"Hello\"");
        }
        try {
            return Json.parseString(line);
        } catch (IllegalArgumentException e) {
            throw new InvalidInputException("line " + lineNo,
                    "is not a JSON string literal such as \"Hello\" (" + e.getMessage() + ")");
        }
    }

    private static void print(PrintWriter out, String text, SmartEncoding encoding, OutputFormat format) {
        SmartEncodingResult se = encoding.apply(text);
        SegmentInfo info = SegmentCalculator.analyze(se.text());
        if (format == OutputFormat.json) {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("encoding", info.encoding().name());
            m.put("segments", info.segments());
            m.put("units", info.units());
            m.put("unitsLeft", info.unitsLeft());
            List<Map<String, Object>> nonGsm = new ArrayList<>();
            for (NonGsmChar c : info.nonGsm()) {
                Map<String, Object> o = new LinkedHashMap<>();
                o.put("index", c.index());
                o.put("char", c.text());
                o.put("codePoint", c.unicode());
                nonGsm.add(o);
            }
            m.put("nonGsm", nonGsm);
            if (encoding.isEnabled()) {
                m.put("text", se.text());
                List<Map<String, Object>> replaced = new ArrayList<>();
                for (Replacement r : se.replacements()) {
                    Map<String, Object> o = new LinkedHashMap<>();
                    o.put("index", r.index());
                    o.put("char", r.original());
                    o.put("codePoint", String.format("U+%04X", r.codePoint()));
                    o.put("replacement", r.replacement());
                    replaced.add(o);
                }
                m.put("replacements", replaced);
            }
            out.println(asciiOnly(Output.json(m)));
            return;
        }
        out.println(info.summary());
        if (!info.nonGsm().isEmpty()) {
            StringBuilder sb = new StringBuilder("Forces UCS-2:");
            for (NonGsmChar c : info.nonGsm()) {
                sb.append(' ').append(visible(c.text())).append(" (").append(c.unicode()).append(" at ")
                        .append(c.index()).append(')');
            }
            out.println(sb);
        }
        if (encoding.isEnabled()) {
            if (se.changed()) {
                out.println("Smart Encoding replaced " + se.replacements().size() + " character(s); text sent: "
                        + Json.quote(se.text()));
            } else if (!se.unconvertible().isEmpty() && encoding.policy()
                    == SmartEncoding.UnconvertiblePolicy.SKIP_REPLACEMENTS) {
                out.println("Smart Encoding left the text unchanged: it has characters that cannot be converted.");
            } else {
                out.println("Smart Encoding changed nothing.");
            }
        }
    }

    /** The character itself, or an escaped JSON literal if it is invisible (spaces, controls, format marks). */
    private static String visible(String s) {
        int cp = s.codePointAt(0);
        int type = Character.getType(cp);
        boolean invisible = Character.isWhitespace(cp) || Character.isSpaceChar(cp) || type == Character.CONTROL
                || type == Character.FORMAT || type == Character.NON_SPACING_MARK || type == Character.SURROGATE;
        return invisible ? asciiOnly(Json.quote(s)) : s;
    }

    /** Escapes every non-ASCII character as a JSON {@code \\u} escape (four hex digits), so output survives any console charset. */
    static String asciiOnly(String json) {
        StringBuilder sb = null;
        for (int i = 0; i < json.length(); i++) {
            char c = json.charAt(i);
            if (c > 0x7E) {
                if (sb == null) {
                    sb = new StringBuilder(json.length() + 16).append(json, 0, i);
                }
                sb.append(String.format("\\u%04x", (int) c));
            } else if (sb != null) {
                sb.append(c);
            }
        }
        return sb == null ? json : sb.toString();
    }
}
