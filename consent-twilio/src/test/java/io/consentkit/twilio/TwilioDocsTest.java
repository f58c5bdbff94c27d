package io.consentkit.twilio;

import io.consentkit.send.GatewayResult.FailureKind;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Keeps the README's Twilio section honest. Its Java blocks marked {@code <!-- snippet: twilio-... -->} must be the
 * regions run by {@link TwilioReadmeTest}, and its error table must be {@link TwilioErrors#table()}.
 * {@code -Dconsentkit.updateDocs=true} rewrites the table.
 */
class TwilioDocsTest {
    static final Path ROOT = Path.of("").toAbsolutePath().getParent();
    static final String BEGIN = "<!-- generated:twilio-errors -->";
    static final String END = "<!-- /generated:twilio-errors -->";

    static Path doc() throws IOException {
        return ROOT.resolve("README.md");
    }

    static String errorTable() {
        StringBuilder sb = new StringBuilder();
        sb.append("| Twilio code | meaning | outcome (`FailureKind`) | retry safe |\n|---|---|---|---|\n");
        for (TwilioErrors.Entry e : TwilioErrors.table()) {
            sb.append("| ").append(e.code()).append(" | ").append(e.meaning()).append(" | `").append(e.kind())
                    .append("` | ").append(e.kind().retryable() ? "yes" : "no").append(" |\n");
        }
        sb.append("| HTTP 429 (any code) | throttled, not processed | `").append(TwilioErrors.forRestError(0, 429))
                .append("` | yes |\n");
        sb.append("| HTTP 503 | service unavailable, not processed | `").append(TwilioErrors.forRestError(0, 503))
                .append("` | yes |\n");
        sb.append("| HTTP 500, 502, 504, other 5xx | may have been created | `").append(TwilioErrors.forRestError(0, 500))
                .append("` | no |\n");
        sb.append("| other 4xx | | `").append(TwilioErrors.forRestError(0, 401)).append("` (401, 403) / `")
                .append(TwilioErrors.forRestError(0, 400)).append("` | no |\n");
        return sb.toString();
    }

    @Test
    void errorTableMatchesTheCode() throws IOException {
        Path doc = doc();
        String text = Files.readString(doc, StandardCharsets.UTF_8);
        int b = text.indexOf(BEGIN);
        int e = text.indexOf(END);
        assertThat(b).as("%s has %s", doc, BEGIN).isNotNegative();
        assertThat(e).isGreaterThan(b);
        String expected = errorTable();
        if (Boolean.getBoolean("consentkit.updateDocs")) {
            text = text.substring(0, b + BEGIN.length()) + "\n" + expected + text.substring(e);
            Files.writeString(doc, text, StandardCharsets.UTF_8);
        }
        assertThat(text.substring(b + BEGIN.length(), e).strip()).isEqualTo(expected.strip());
        assertThat(TwilioErrors.forRestError(21610, 400)).isEqualTo(FailureKind.OPTED_OUT);
    }

    @Test
    void javaBlocksAreTheTestedCode() throws IOException {
        Map<String, List<String>> docs = docSnippets(Files.readString(doc(), StandardCharsets.UTF_8));
        assertThat(docs).containsKeys("twilio-wiring", "twilio-framework");
        Map<String, List<String>> code = new LinkedHashMap<>();
        try (Stream<Path> files = Files.walk(ROOT.resolve("consent-twilio/src/test"))) {
            for (Path p : files.filter(f -> f.toString().endsWith(".java")).toList()) {
                code.putAll(codeSnippets(Files.readAllLines(p, StandardCharsets.UTF_8)));
            }
        }
        for (Map.Entry<String, List<String>> d : docs.entrySet()) {
            assertThat(code).as("a test holds snippet '%s'", d.getKey()).containsKey(d.getKey());
            assertThat(code.get(d.getKey())).as("snippet '%s' matches the tested code", d.getKey())
                    .containsExactlyElementsOf(d.getValue());
        }
        assertThat(code.get("twilio-wiring")).as("the wiring example stays under 30 lines").hasSizeLessThan(30);
    }

    static Map<String, List<String>> docSnippets(String md) {
        Map<String, List<String>> out = new LinkedHashMap<>();
        String[] lines = md.split("\n", -1);
        for (int i = 0; i < lines.length; i++) {
            String l = lines[i].strip();
            if (l.startsWith("<!-- snippet: twilio-") && l.endsWith("-->")) {
                String name = l.substring("<!-- snippet:".length(), l.length() - 3).strip();
                int j = i + 1;
                while (!lines[j].strip().startsWith("```")) {
                    j++;
                }
                List<String> body = new ArrayList<>();
                for (j = j + 1; !lines[j].strip().startsWith("```"); j++) {
                    if (!lines[j].isBlank()) {
                        body.add(lines[j].strip());
                    }
                }
                out.put(name, body);
            }
        }
        return out;
    }

    static Map<String, List<String>> codeSnippets(List<String> lines) {
        Map<String, List<String>> out = new LinkedHashMap<>();
        for (int i = 0; i < lines.size(); i++) {
            String l = lines.get(i).strip();
            if (l.startsWith("// snippet: twilio-")) {
                String name = l.substring("// snippet:".length()).strip();
                List<String> body = new ArrayList<>();
                for (int j = i + 1; !lines.get(j).strip().equals("// end snippet"); j++) {
                    if (!lines.get(j).isBlank()) {
                        body.add(lines.get(j).strip());
                    }
                }
                out.put(name, body);
            }
        }
        return out;
    }
}
