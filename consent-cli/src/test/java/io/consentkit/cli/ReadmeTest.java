package io.consentkit.cli;

import io.consentkit.consent.ConsentTracker;
import io.consentkit.store.CsvConsentStore;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Keeps README.md honest: every Java block marked {@code <!-- snippet: name -->} must match, line
 * for line (ignoring indentation), the region between {@code // snippet: name} and
 * {@code // end snippet} in this file, and those regions run here. Also checks that the README's
 * test command is what CI runs.
 */
class ReadmeTest {
    static final Path ROOT = Path.of("").toAbsolutePath().getParent();
    static final Path README = ROOT.resolve("README.md");

    @AfterEach
    void cleanUp() throws IOException {
        Path dir = Path.of("consent-data");
        if (Files.exists(dir)) {
            try (Stream<Path> files = Files.walk(dir)) {
                for (Path p : files.sorted(Comparator.reverseOrder()).toList()) {
                    Files.delete(p);
                }
            }
        }
    }

    @Test
    void quickStartRuns() throws Exception {
        // snippet: quick-start
        Path dir = Path.of("consent-data");
        try (ConsentTracker tracker = ConsentTracker.builder(CsvConsentStore.open(dir.resolve("consents.csv")))
                .brand("Basin Climbing").build()) {
            tracker.recordWebFormConsent("512-555-1234", "cust-42", "Ann Lee", "ann@example.com",
                    "203.0.113.9", "https://example.com/sms-signup");
            if (tracker.isActive("+15125551234")) {
                System.out.println("may text: " + tracker.status("+15125551234").orElseThrow().consentMessage());
            }
            tracker.revoke("+15125551234", ConsentTracker.REVOKED_BY_KEYWORD, "texted STOP");
            tracker.exportAudit(dir.resolve("audit.csv"));
        }
        // end snippet
        assertThat(Files.readAllLines(dir.resolve("audit.csv"))).hasSize(2).last().asString().contains(",revoked,");
    }

    @Test
    void csvConfigureRuns() {
        Path dir = Path.of("consent-data");
        // snippet: csv-configure
        CsvConsentStore store = CsvConsentStore.builder(dir.resolve("consents.csv"))
                .lockTimeout(Duration.ofSeconds(5))
                .build();
        // end snippet
        try (ConsentTracker tracker = ConsentTracker.builder(store).build()) {
            assertThat(tracker.activeConsents()).isEmpty();
        }
    }

    @Test
    void readmeSnippetsMatchTheTestedCode() throws IOException {
        Map<String, List<String>> readme = readmeSnippets(Files.readString(README, StandardCharsets.UTF_8));
        assertThat(readme).as("README has tagged snippets").isNotEmpty();
        Map<String, List<String>> code = new LinkedHashMap<>();
        try (Stream<Path> tests = Files.walk(ROOT, 12)) {
            for (Path p : tests.filter(f -> f.toString().endsWith(".java") && f.toString().contains("src/test"))
                    .toList()) {
                code.putAll(codeSnippets(Files.readAllLines(p, StandardCharsets.UTF_8)));
            }
        }
        for (Map.Entry<String, List<String>> e : readme.entrySet()) {
            assertThat(code).as("a test holds snippet '%s'", e.getKey()).containsKey(e.getKey());
            assertThat(code.get(e.getKey())).as("README snippet '%s' matches the tested code", e.getKey())
                    .containsExactlyElementsOf(e.getValue());
        }
    }

    @Test
    void readmeTestCommandIsWhatCiRuns() throws IOException {
        String readme = Files.readString(README);
        String ci = Files.readString(ROOT.resolve(".ci/run"));
        assertThat(ci).contains("mvn -B verify");
        assertThat(readme).contains("mvn -B verify").contains("./bin/consent demo");
        assertThat(Files.isExecutable(ROOT.resolve("bin/consent"))).isTrue();
        assertThat(Files.isExecutable(ROOT.resolve(".ci/run"))).isTrue();
    }

    static Map<String, List<String>> readmeSnippets(String md) {
        Map<String, List<String>> out = new LinkedHashMap<>();
        String[] lines = md.split("\n", -1);
        for (int i = 0; i < lines.length; i++) {
            String l = lines[i].strip();
            if (l.startsWith("<!-- snippet:") && l.endsWith("-->")) {
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
            if (l.startsWith("// snippet:")) {
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
