package io.consentkit.twilio;

import com.twilio.security.RequestValidator;
import io.consentkit.twilio.SignatureCheck.Outcome;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The port toggle on URLs with percent-escapes: Twilio may sign {@code https://host:443/...} while
 * the request arrives as {@code https://host/...} (or the other way round). twilio-java's own
 * {@link RequestValidator} is the reference for what a valid signature is; its toggle rebuilds the
 * URL from decoded parts, so it cannot be relied on to toggle an escaped URL.
 */
@Timeout(10)
class PortToggleSignatureTest {
    private static final String TOKEN = "port-toggle-token";
    private static final String WITHOUT_PORT = "https://hooks.example.com/sms?b=%C3%A9&c=a%2Fb%20c";
    private static final String WITH_PORT = "https://hooks.example.com:443/sms?b=%C3%A9&c=a%2Fb%20c";

    private final WebhookVerifier verifier = WebhookVerifier.builder(TOKEN).build();
    private final RequestValidator twilio = new RequestValidator(TOKEN);

    private static Map<String, String> params() {
        Map<String, String> p = new LinkedHashMap<>();
        p.put("From", "+14158675309");
        p.put("Body", "STOP");
        p.put("MessageSid", "SM1");
        return p;
    }

    private static WebhookRequest post(String receivedUrl, String signature) {
        Map<String, List<String>> headers = Map.of("Content-Type", List.of("application/x-www-form-urlencoded"),
                WebhookVerifier.SIGNATURE_HEADER, List.of(signature));
        return WebhookRequest.of("POST", URI.create(receivedUrl), headers, Signed.form(params()).getBytes(StandardCharsets.UTF_8));
    }

    @Test
    void escapedUrlSignedWithTheDefaultPortIsAcceptedWhenReceivedWithout() {
        String signature = Signed.signature(TOKEN, WITH_PORT, params());
        assertThat(twilio.validate(WITH_PORT, params(), signature)).as("twilio-java: valid for the URL Twilio called").isTrue();

        assertThat(verifier.verify(post(WITHOUT_PORT, signature)).outcome()).isEqualTo(Outcome.VALID);
    }

    @Test
    void escapedUrlSignedWithoutThePortIsAcceptedWhenReceivedWithIt() {
        String signature = Signed.signature(TOKEN, WITHOUT_PORT, params());
        assertThat(twilio.validate(WITHOUT_PORT, params(), signature)).as("twilio-java: valid for the URL Twilio called").isTrue();

        assertThat(verifier.verify(post(WITH_PORT, signature)).outcome()).isEqualTo(Outcome.VALID);
    }

    @Test
    void escapedJsonWebhookSignedWithTheDefaultPortIsAccepted() throws Exception {
        byte[] body = "{\"Body\":\"STOP\"}".getBytes(StandardCharsets.UTF_8);
        String hash = java.util.HexFormat.of().formatHex(java.security.MessageDigest.getInstance("SHA-256").digest(body));
        String signedUrl = "https://hooks.example.com:443/json?b=%C3%A9&bodySHA256=" + hash;
        String signature = WebhookVerifierTest.hmac(TOKEN, signedUrl);
        assertThat(twilio.validate(signedUrl, new String(body, StandardCharsets.UTF_8), signature)).isTrue();

        WebhookRequest r = WebhookRequest.of("POST", URI.create("https://hooks.example.com/json?b=%C3%A9&bodySHA256=" + hash),
                Map.of("Content-Type", List.of("application/json"), WebhookVerifier.SIGNATURE_HEADER, List.of(signature)), body);
        assertThat(verifier.verify(r).outcome()).isEqualTo(Outcome.VALID);
    }

    @Test
    void aWrongSignatureOnAnEscapedUrlIsStillRejected() {
        String signature = Signed.signature(TOKEN, WITH_PORT.replace("%C3%A9", "%C3%A8"), params());
        assertThat(verifier.verify(post(WITHOUT_PORT, signature)).outcome()).isEqualTo(Outcome.INVALID_SIGNATURE);
        assertThat(verifier.verify(post(WITH_PORT, signature)).outcome()).isEqualTo(Outcome.INVALID_SIGNATURE);
    }
}
