package io.consentkit.twilio;

import com.twilio.security.RequestValidator;
import io.consentkit.InvalidInputException;
import io.consentkit.consent.ConsentTracker;
import io.consentkit.store.InMemoryConsentStore;
import org.junit.jupiter.api.Test;

import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class WebhookSignerTest {
    private static final String TOKEN = "12345678901234567890123456789012";
    private static final String URL = "https://hooks.example.com/twilio/inbound?x=%C3%A9";

    @Test
    void signsAsTwilioJavasRequestValidatorExpects() {
        Map<String, String> params = WebhookSigner.inboundMessage("+15125550100", "+15125550199", "STOP", "SM1");
        String signature = WebhookSigner.of(TOKEN).sign(URL, params);
        assertThat(new RequestValidator(TOKEN).validate(URL, params, signature)).isTrue();
        assertThat(new RequestValidator("another-token-000000000000000000").validate(URL, params, signature)).isFalse();
    }

    @Test
    void itsSignedRequestPassesTheVerifierAndATamperedOneDoesNot() {
        WebhookSigner signer = WebhookSigner.of(TOKEN);
        WebhookVerifier verifier = WebhookVerifier.builder(TOKEN).build();
        Map<String, String> params = WebhookSigner.inboundMessage("+15125550100", "+15125550199", "STOP", "SM1");
        assertThat(verifier.verify(signer.request(URL, params)).outcome()).isEqualTo(SignatureCheck.Outcome.VALID);
        assertThat(verifier.verify(WebhookSigner.of("forged-token").request(URL, params)).outcome())
                .isEqualTo(SignatureCheck.Outcome.INVALID_SIGNATURE);
    }

    @Test
    void refusesAnEmptyTokenAndNeverShowsOne() {
        assertThatThrownBy(() -> WebhookSigner.of(" ")).isInstanceOf(InvalidInputException.class);
        assertThat(WebhookSigner.of(TOKEN).toString()).doesNotContain(TOKEN);
    }

    @Test
    void drivesAHandlerFromPlainJUnit() {
        String authToken = TOKEN;
        try (ConsentTracker tracker = ConsentTracker.builder(new InMemoryConsentStore()).build()) {
            TwilioWebhooks webhooks = TwilioWebhooks.builder(WebhookVerifier.builder(authToken).build(), tracker).build();
            // snippet: webhook-signer
            WebhookSigner signer = WebhookSigner.of(authToken);
            Map<String, String> stop = WebhookSigner.inboundMessage("+15125550100", "+15125550199", "STOP", "SM1");
            WebhookResponse answer = webhooks.inbound(signer.request("https://example.com/twilio/inbound", stop));
            // end snippet
            assertThat(answer.status()).isEqualTo(200);
            assertThat(tracker.isOptedOut("+15125550100")).isTrue();
        }
    }
}
