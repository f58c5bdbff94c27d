package io.consentkit.cli;

import io.consentkit.support.Json;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayInputStream;
import java.io.InputStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

class SegmentsCommandTest {
    private final StringWriter out = new StringWriter();
    private final StringWriter err = new StringWriter();

    private int run(String... args) {
        return ConsentCli.run(args, new PrintWriter(out), new PrintWriter(err));
    }

    private int runWithStdin(String stdin, String... args) {
        InputStream saved = System.in;
        System.setIn(new ByteArrayInputStream(stdin.getBytes(StandardCharsets.UTF_8)));
        try {
            return run(args);
        } finally {
            System.setIn(saved);
        }
    }

    private List<String> outLines() {
        return out.toString().lines().toList();
    }

    @Test
    void readsJsonStringLinesFromStdinAndPrintsOneObjectPerLine() {
        String stdin = Json.quote("a".repeat(161)) + "\n"
                + Json.quote("Hi \u2019 \uD83D\uDE00") + "\n"
                + "\"line\\r\\nbreak \\u20ac\"\n";
        int code = runWithStdin(stdin, "segments");
        assertThat(code).as(err.toString()).isZero();
        assertThat(outLines()).containsExactly(
                "{\"encoding\":\"GSM7\",\"segments\":2,\"units\":161,\"unitsLeft\":145,\"nonGsm\":[]}",
                "{\"encoding\":\"UCS2\",\"segments\":1,\"units\":7,\"unitsLeft\":63,\"nonGsm\":["
                        + "{\"index\":3,\"char\":\"\\u2019\",\"codePoint\":\"U+2019\"},"
                        + "{\"index\":5,\"char\":\"\\ud83d\\ude00\",\"codePoint\":\"U+1F600\"}]}",
                "{\"encoding\":\"GSM7\",\"segments\":1,\"units\":14,\"unitsLeft\":146,\"nonGsm\":[]}");
    }

    @Test
    void aBadLineIsAClearErrorNamingItsNumber() {
        int code = runWithStdin("\"ok\"\nnot json\n\"never read\"\n", "segments");
        assertThat(code).isEqualTo(ConsentCli.EXIT_BAD_INPUT);
        assertThat(outLines()).hasSize(1);
        assertThat(err.toString()).startsWith("consent: error: line 2 is not a JSON string literal");
    }

    @Test
    void anEmptyLineIsAnErrorToo() {
        int code = runWithStdin("\"ok\"\n\n", "segments");
        assertThat(code).isEqualTo(ConsentCli.EXIT_BAD_INPUT);
        assertThat(err.toString()).contains("line 2 is empty");
    }

    @Test
    void smartEncodingAddsTheTextAndTheReplacements() {
        int code = runWithStdin(Json.quote("It\u2019s done") + "\n", "segments", "--smart");
        assertThat(code).as(err.toString()).isZero();
        assertThat(outLines()).containsExactly(
                "{\"encoding\":\"GSM7\",\"segments\":1,\"units\":9,\"unitsLeft\":151,\"nonGsm\":[],"
                        + "\"text\":\"It's done\",\"replacements\":[{\"index\":2,\"char\":\"\\u2019\","
                        + "\"codePoint\":\"U+2019\",\"replacement\":\"'\"}]}");
    }

    @Test
    void theSmartPolicyDecidesTheDisputedCase() {
        String line = Json.quote("Wait\u2026 \uD83D\uDE00") + "\n";
        runWithStdin(line, "segments", "--smart");
        assertThat(out.toString()).contains("\"units\":8,").contains("\"replacements\":[]");
        out.getBuffer().setLength(0);
        runWithStdin(line, "segments", "--smart", "--smart-policy", "replace");
        assertThat(out.toString()).contains("\"units\":10,").contains("\"text\":\"Wait... \\ud83d\\ude00\"");
        assertThat(run("segments", "--smart", "--smart-policy", "maybe", "x")).isEqualTo(ConsentCli.EXIT_BAD_INPUT);
    }

    @Test
    void aPlainArgumentPrintsAHumanSummary() {
        int code = run("segments", "Chore due: Take out trash by 6pm. View: https://short.link/abc123");
        assertThat(code).isZero();
        assertThat(outLines()).containsExactly("GSM-7, 1 segment, 65 septets used, 95 left in the last segment");
    }

    @Test
    void theSummaryPointsAtTheCharactersThatForcedUcs2() {
        run("segments", "It\u2019s done\u00A0now");
        assertThat(outLines()).containsExactly(
                "UCS-2, 1 segment, 13 UTF-16 code units used, 57 left in the last segment",
                "Forces UCS-2: \u2019 (U+2019 at 2) \"\\u00a0\" (U+00A0 at 9)");
        out.getBuffer().setLength(0);
        run("segments", "--smart", "It\u2019s done");
        assertThat(outLines()).containsExactly(
                "GSM-7, 1 segment, 9 septets used, 151 left in the last segment",
                "Smart Encoding replaced 1 character(s); text sent: \"It's done\"");
    }

    @Test
    void aPlainArgumentCanBePrintedAsJson() {
        run("segments", "--format", "json", "]".repeat(153));
        assertThat(outLines()).containsExactly(
                "{\"encoding\":\"GSM7\",\"segments\":3,\"units\":306,\"unitsLeft\":151,\"nonGsm\":[]}");
    }

    @Test
    void readsAFileWithInput(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("messages.jsonl");
        Files.writeString(file, "\"\\u4e2d\"\n\"abc\"\n");
        assertThat(run("segments", "--input", file.toString())).isZero();
        assertThat(outLines()).hasSize(2).first().asString().startsWith("{\"encoding\":\"UCS2\"");
        assertThat(run("segments", "--input", dir.resolve("missing").toString()))
                .isEqualTo(ConsentCli.EXIT_BAD_INPUT);
        assertThat(err.toString()).contains("--input cannot be read");
    }
}
