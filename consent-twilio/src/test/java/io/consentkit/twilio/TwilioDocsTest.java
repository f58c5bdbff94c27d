package io.consentkit.twilio;

import io.consentkit.send.GatewayResult.FailureKind;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Keeps docs/twilio.md honest: its error table must be {@link TwilioErrors#table()}
 * ({@code -Dconsentkit.updateDocs=true} rewrites the table). Its Java blocks are the regions
 * {@link TwilioReadmeTest} runs; the docs harness in consent-checks compares them.
 */
class TwilioDocsTest {
    static final String BEGIN = "<!-- generated:twilio-errors -->";
    static final String END = "<!-- /generated:twilio-errors -->";

    static Path doc() {
        for (Path p = Path.of("").toAbsolutePath(); p != null; p = p.getParent()) {
            if (Files.isRegularFile(p.resolve(".ci").resolve("run"))) {
                return p.resolve("docs").resolve("twilio.md");
            }
        }
        throw new IllegalStateException("no directory holding .ci/run above " + Path.of("").toAbsolutePath());
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
}
