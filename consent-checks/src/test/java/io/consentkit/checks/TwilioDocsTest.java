package io.consentkit.checks;

import io.consentkit.send.GatewayResult.FailureKind;
import io.consentkit.twilio.TwilioErrors;
import org.junit.jupiter.api.Test;


import static org.assertj.core.api.Assertions.assertThat;

/**
 * Keeps docs/twilio.md honest: its error table must be {@link TwilioErrors#table()}
 * ({@code -Dconsentkit.updateDocs=true} rewrites the table). Its Java blocks are the regions
 * consent-twilio's {@code TwilioReadmeTest} runs; the docs harness in consent-checks compares them.
 */
class TwilioDocsTest {
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
    void errorTableMatchesTheCode() {
        Docs.checkGenerated(Docs.root().resolve("docs").resolve("twilio.md"), "twilio-errors", errorTable());
        assertThat(TwilioErrors.forRestError(21610, 400)).isEqualTo(FailureKind.OPTED_OUT);
    }
}
