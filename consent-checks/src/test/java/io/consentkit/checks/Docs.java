package io.consentkit.checks;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * Reads the documentation and the test sources for {@link DocsTest}: the one copy of the code that
 * finds the repository, the Java blocks of README.md and docs/*.md, and the {@code // snippet: name}
 * ... {@code // end snippet} regions of the test sources. Not thread-safe; tests use it from one thread.
 */
final class Docs {
    /** The marker a documentation Java block carries on the line before its opening fence. */
    static final Pattern DOC_MARKER = Pattern.compile("<!--\\s*snippet:\\s*(\\S+)\\s*-->");
    static final String CODE_BEGIN = "// snippet:";
    static final String CODE_END = "// end snippet";

    private static final Pattern MODULE = Pattern.compile("<module>([^<]+)</module>");

    private Docs() {
    }

    /** A fenced Java block of a document; {@code name} is null when the marker is missing. */
    record Block(Path file, int line, String name, List<String> body) {
        String where() {
            return root().relativize(file) + ":" + line;
        }
    }

    /** A {@code // snippet:} region of a test source. */
    record Region(Path file, int line, String name, List<String> body) {
        String where() {
            return root().relativize(file) + ":" + line;
        }
    }

    /**
     * The repository root: the nearest directory, from the working directory up, that holds
     * {@code .ci/run} (the CI entry point), so the checks work from any module.
     */
    static Path root() {
        for (Path p = Path.of("").toAbsolutePath(); p != null; p = p.getParent()) {
            if (Files.isRegularFile(p.resolve(".ci").resolve("run"))) {
                return p;
            }
        }
        throw new IllegalStateException("no directory holding .ci/run above " + Path.of("").toAbsolutePath());
    }

    /**
     * Checks that the generated part {@code name} of {@code doc} (the text between
     * {@code <!-- generated:name -->} and {@code <!-- /generated:name -->}) is {@code content}; with
     * {@code -Dconsentkit.updateDocs=true} it rewrites that part first. Fails naming the markers when
     * they are missing.
     */
    static void checkGenerated(Path doc, String name, String content) {
        String begin = "<!-- generated:" + name + " -->";
        String end = "<!-- /generated:" + name + " -->";
        String text = read(doc);
        int b = text.indexOf(begin);
        int e = text.indexOf(end);
        if (b < 0 || e < b) {
            throw new AssertionError(root().relativize(doc) + " lacks the markers " + begin + " ... " + end);
        }
        String expected = "\n" + content.strip() + "\n";
        if (Boolean.getBoolean("consentkit.updateDocs")) {
            text = text.substring(0, b + begin.length()) + expected + text.substring(e);
            try {
                Files.writeString(doc, text, StandardCharsets.UTF_8);
            } catch (IOException x) {
                throw new UncheckedIOException(x);
            }
        }
        org.assertj.core.api.Assertions.assertThat(text.substring(b + begin.length(), e).strip())
                .as("%s, generated part '%s' is stale: run the test with -Dconsentkit.updateDocs=true",
                        root().relativize(doc), name)
                .isEqualTo(content.strip());
    }

    /** README.md, then every {@code docs/*.md} in name order. */
    static List<Path> documents() {
        Path root = root();
        List<Path> out = new ArrayList<>();
        out.add(root.resolve("README.md"));
        Path docs = root.resolve("docs");
        if (Files.isDirectory(docs)) {
            try (Stream<Path> files = Files.list(docs)) {
                files.filter(f -> f.getFileName().toString().endsWith(".md")).sorted().forEach(out::add);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
        return out;
    }

    static String read(Path file) {
        try {
            return Files.readString(file, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static List<String> lines(Path file) {
        return read(file).lines().toList();
    }

    /** Every fenced block whose info string is {@code java}, with the marker on the line before. */
    static List<Block> javaBlocks(Path doc) {
        List<String> lines = lines(doc);
        List<Block> out = new ArrayList<>();
        for (int i = 0; i < lines.size(); i++) {
            String fence = lines.get(i).strip();
            if (!fence.startsWith("```")) {
                continue;
            }
            boolean java = fence.substring(3).strip().equals("java");
            int end = i + 1;
            while (end < lines.size() && !lines.get(end).strip().startsWith("```")) {
                end++;
            }
            if (end == lines.size()) {
                throw new IllegalStateException(doc + ":" + (i + 1) + ": fenced block is never closed");
            }
            if (java) {
                Matcher m = i > 0 ? DOC_MARKER.matcher(lines.get(i - 1).strip()) : null;
                String name = m != null && m.matches() ? m.group(1) : null;
                out.add(new Block(doc, i + 1, name, significant(lines.subList(i + 1, end))));
            }
            i = end;
        }
        return out;
    }

    /** Lines holding a doc marker that is not directly followed by a Java block, as "file:line". */
    static List<String> danglingMarkers(Path doc) {
        List<String> lines = lines(doc);
        List<String> out = new ArrayList<>();
        for (int i = 0; i < lines.size(); i++) {
            if (DOC_MARKER.matcher(lines.get(i).strip()).matches()
                    && (i + 1 == lines.size() || !lines.get(i + 1).strip().equals("```java"))) {
                out.add(root().relativize(doc) + ":" + (i + 1));
            }
        }
        return out;
    }

    /**
     * The test source roots of the modules the default build runs: {@code <module>/src/test/java}
     * for each {@code <module>} of the root pom outside its profiles.
     */
    static List<Path> testSourceRoots() {
        String pom = read(root().resolve("pom.xml"));
        int profiles = pom.indexOf("<profiles>");
        Matcher m = MODULE.matcher(profiles < 0 ? pom : pom.substring(0, profiles));
        List<Path> out = new ArrayList<>();
        while (m.find()) {
            Path dir = root().resolve(m.group(1).strip()).resolve("src/test/java");
            if (Files.isDirectory(dir)) {
                out.add(dir);
            }
        }
        return out;
    }

    /** Every {@code // snippet:} region in the test sources of the default build. */
    static List<Region> regions() {
        List<Region> out = new ArrayList<>();
        for (Path dir : testSourceRoots()) {
            try (Stream<Path> files = Files.walk(dir)) {
                for (Path f : files.filter(p -> p.toString().endsWith(".java")).sorted().toList()) {
                    out.addAll(regions(f));
                }
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
        return out;
    }

    static List<Region> regions(Path source) {
        List<String> lines = lines(source);
        List<Region> out = new ArrayList<>();
        for (int i = 0; i < lines.size(); i++) {
            String l = lines.get(i).strip();
            if (!l.startsWith(CODE_BEGIN)) {
                continue;
            }
            int end = i + 1;
            while (end < lines.size() && !lines.get(end).strip().equals(CODE_END)) {
                end++;
            }
            if (end == lines.size()) {
                throw new IllegalStateException(source + ":" + (i + 1) + ": '" + l + "' has no '" + CODE_END + "'");
            }
            out.add(new Region(source, i + 1, l.substring(CODE_BEGIN.length()).strip(),
                    significant(lines.subList(i + 1, end))));
            i = end;
        }
        return out;
    }

    /**
     * Whether surefire runs the class a source file declares: a default include name
     * ({@code Test*}, {@code *Test}, {@code *Tests}, {@code *TestCase}) and not abstract.
     */
    static boolean runsAsTest(Path source) {
        String name = source.getFileName().toString().replaceFirst("\\.java$", "");
        boolean included = name.startsWith("Test") || name.endsWith("Test") || name.endsWith("Tests")
                || name.endsWith("TestCase");
        return included && !Pattern.compile("\\babstract\\s+class\\s+" + Pattern.quote(name) + "\\b")
                .matcher(read(source)).find();
    }

    /** The lines that count when comparing: stripped of indentation, blank lines dropped. */
    private static List<String> significant(List<String> lines) {
        return lines.stream().filter(l -> !l.isBlank()).map(String::strip).toList();
    }
}
