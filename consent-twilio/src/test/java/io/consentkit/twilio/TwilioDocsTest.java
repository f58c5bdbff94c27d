package io.consentkit.twilio;

import io.consentkit.send.GatewayResult.FailureKind;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

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

    /** The README block is compared with the tested code by ReadmeTest (consent-cli); here only its size. */
    @Test
    void theWiringExampleIsInTheReadmeAndUnderThirtyLines() throws IOException {
        assertThat(Files.readString(doc(), StandardCharsets.UTF_8)).contains("<!-- snippet: twilio-wiring -->",
                "<!-- snippet: twilio-framework -->");
        List<String> test = Files.readAllLines(ROOT.resolve(
                "consent-twilio/src/test/java/io/consentkit/twilio/TwilioReadmeTest.java"), StandardCharsets.UTF_8);
        int start = -1;
        int end = -1;
        for (int i = 0; i < test.size(); i++) {
            String l = test.get(i).strip();
            if (l.equals("// snippet: twilio-wiring")) {
                start = i;
            } else if (start >= 0 && end < 0 && l.equals("// end snippet")) {
                end = i;
            }
        }
        assertThat(start).isNotNegative();
        long code = test.subList(start + 1, end).stream().filter(l -> !l.isBlank()).count();
        assertThat(code).as("the wiring example stays under 30 lines").isLessThan(30);
    }
}
