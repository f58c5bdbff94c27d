package io.consentkit.checks;

import org.junit.jupiter.api.Test;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The one documentation harness. Every {@code ```java} block of README.md and docs/*.md carries
 * {@code <!-- snippet: name -->} on the line before, and is, line for line (indentation and blank
 * lines aside), the {@code // snippet: name} ... {@code // end snippet} region of a test that runs
 * in {@code mvn -B verify}; so no example in the documentation can stop compiling or drift from
 * what the code does. Also: the README's build command is what CI runs.
 */
class DocsTest {
    /** Examples that must stay short: name to the most lines of code they may have. */
    static final Map<String, Integer> MAX_LINES = Map.of("quick-start", 14, "twilio-wiring", 29);

    @Test
    void everyJavaBlockIsMarked() {
        List<String> unmarked = new ArrayList<>();
        List<String> dangling = new ArrayList<>();
        for (Path doc : Docs.documents()) {
            for (Docs.Block b : Docs.javaBlocks(doc)) {
                if (b.name() == null) {
                    unmarked.add(b.where());
                }
            }
            dangling.addAll(Docs.danglingMarkers(doc));
        }
        assertThat(unmarked).as("```java blocks without <!-- snippet: name --> on the line before").isEmpty();
        assertThat(dangling).as("<!-- snippet: name --> markers not directly followed by ```java").isEmpty();
    }

    @Test
    void everyMarkedBlockIsTheCodeATestRuns() {
        Map<String, Docs.Region> code = uniqueRegions();
        Map<String, Docs.Block> blocks = uniqueBlocks();
        assertThat(blocks).as("the README has examples").isNotEmpty();
        for (Docs.Block b : blocks.values()) {
            Docs.Region r = code.get(b.name());
            assertThat(r).as("%s: a test holds '// snippet: %s'", b.where(), b.name()).isNotNull();
            assertThat(Docs.runsAsTest(r.file()))
                    .as("%s: snippet '%s' is in a class surefire runs", r.where(), b.name()).isTrue();
            assertThat(r.body()).as("%s: block '%s' is the code at %s", b.where(), b.name(), r.where())
                    .containsExactlyElementsOf(b.body());
        }
    }

    @Test
    void everyTestedSnippetIsShown() {
        Map<String, Docs.Block> blocks = uniqueBlocks();
        List<String> unused = uniqueRegions().values().stream().filter(r -> !blocks.containsKey(r.name()))
                .map(r -> r.where() + " (" + r.name() + ")").toList();
        assertThat(unused).as("'// snippet:' regions no document shows").isEmpty();
    }

    @Test
    void shortExamplesStayShort() {
        Map<String, Docs.Block> blocks = uniqueBlocks();
        MAX_LINES.forEach((name, max) -> {
            assertThat(blocks).as("a document shows '%s'", name).containsKey(name);
            assertThat(blocks.get(name).body()).as("%s: '%s' is short", blocks.get(name).where(), name)
                    .hasSizeLessThanOrEqualTo(max);
        });
        assertThat(Docs.javaBlocks(Docs.root().resolve("README.md"))).extracting(Docs.Block::name)
                .as("the README's quick start").contains("quick-start");
    }

    @Test
    void readmeStaysAFiveMinutePath() {
        // detail belongs in docs/*.md; the README keeps the shape of STYLE item 15
        List<String> readme = Docs.lines(Docs.root().resolve("README.md"));
        assertThat(readme).as("README.md lines").hasSizeLessThanOrEqualTo(300);
        assertThat(readme).contains("## Two commands", "## Import", "## Quick start", "## Stores", "## Modules",
                "## Compatibility");
    }

    @Test
    void readmeTestCommandIsWhatCiRuns() {
        Path root = Docs.root();
        String readme = Docs.read(root.resolve("README.md"));
        String ci = Docs.read(root.resolve(".ci/run"));
        assertThat(ci).contains("mvn -B verify");
        assertThat(readme).contains("mvn -B verify").contains("./bin/consent demo");
        assertThat(Files.isExecutable(root.resolve("bin/consent"))).isTrue();
        assertThat(Files.isExecutable(root.resolve(".ci/run"))).isTrue();
    }

    @Test
    void theExtractionReadsWhatItShould() {
        // the harness itself: a failure here means the checks above look at nothing
        assertThat(Docs.documents()).first().isEqualTo(Docs.root().resolve("README.md"));
        assertThat(Docs.testSourceRoots()).extracting(p -> Docs.root().relativize(p).toString())
                .contains("consent-core/src/test/java", "consent-checks/src/test/java")
                .doesNotContain("consent-benchmarks/src/test/java");
        assertThat(Docs.regions(Docs.root().resolve("consent-checks/src/test/java/io/consentkit/checks/QuickStartTest.java")))
                .extracting(Docs.Region::name).containsExactly("quick-start-imports", "quick-start", "csv-configure");
        assertThat(Docs.runsAsTest(Docs.root().resolve("consent-checks/src/test/java/io/consentkit/checks/Docs.java")))
                .isFalse();
    }

    private static Map<String, Docs.Block> uniqueBlocks() {
        List<Docs.Block> all = Docs.documents().stream().flatMap(d -> Docs.javaBlocks(d).stream())
                .filter(b -> b.name() != null).toList();
        Map<String, List<String>> byName = all.stream().collect(Collectors.groupingBy(Docs.Block::name,
                LinkedHashMap::new, Collectors.mapping(Docs.Block::where, Collectors.toList())));
        assertThat(byName.entrySet().stream().filter(e -> e.getValue().size() > 1).toList())
                .as("snippet names used by more than one block").isEmpty();
        Map<String, Docs.Block> out = new LinkedHashMap<>();
        all.forEach(b -> out.put(b.name(), b));
        return out;
    }

    private static Map<String, Docs.Region> uniqueRegions() {
        List<Docs.Region> all = Docs.regions();
        Map<String, List<String>> byName = all.stream().collect(Collectors.groupingBy(Docs.Region::name,
                LinkedHashMap::new, Collectors.mapping(Docs.Region::where, Collectors.toList())));
        assertThat(byName.entrySet().stream().filter(e -> e.getValue().size() > 1).toList())
                .as("'// snippet:' names used by more than one region").isEmpty();
        Map<String, Docs.Region> out = new LinkedHashMap<>();
        all.forEach(r -> out.put(r.name(), r));
        return out;
    }
}
