package io.consentkit.twilio;

import io.consentkit.twilio.SignatureCheck.Outcome;
import org.junit.jupiter.api.Test;

import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import java.net.URI;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.Base64;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/** Signatures are computed here by hand (HmacSHA1 over URL + sorted name/value pairs), not with the code under test. */
class WebhookVerifierTest {
    private static final String TOKEN = "12345";
    private static final String URL = "https://mycompany.com/myapp.php?foo=1&bar=2";
    private static final String FORM = "CallSid=CA1234567890ABCDE&Caller=%2B14158675309&Digits=1234"
            + "&From=%2B14158675309&To=%2B18005551212";

    private final WebhookVerifier verifier = WebhookVerifier.builder(TOKEN).build();

    static String hmac(String token, String data) throws Exception {
        Mac mac = Mac.getInstance("HmacSHA1");
        mac.init(new SecretKeySpec(token.getBytes(StandardCharsets.UTF_8), "HmacSHA1"));
        return Base64.getEncoder().encodeToString(mac.doFinal(data.getBytes(StandardCharsets.UTF_8)));
    }

    static WebhookRequest formPost(String url, String body, String signature, String... extraHeaders) {
        Map<String, List<String>> headers = new LinkedHashMap<>();
        headers.put("Content-Type", List.of("application/x-www-form-urlencoded"));
        if (signature != null) {
            headers.put("X-Twilio-Signature", List.of(signature));
        }
        for (int i = 0; i < extraHeaders.length; i += 2) {
            headers.put(extraHeaders[i], List.of(extraHeaders[i + 1]));
        }
        return WebhookRequest.of("POST", URI.create(url), headers, body.getBytes(StandardCharsets.UTF_8));
    }

    @Test
    void knownVectorFromTwilioJavaIsValidAndOurHandComputationAgrees() throws Exception {
        String byHand = hmac(TOKEN, URL + "CallSidCA1234567890ABCDECaller+14158675309Digits1234From+14158675309To+18005551212");
        assertThat(byHand).isEqualTo("RSOYDt4T1cUTdK1PDd93/VVr8B8=");

        SignatureCheck check = verifier.verify(formPost(URL, FORM, byHand));

        assertThat(check.outcome()).isEqualTo(Outcome.VALID);
        assertThat(check.accepted()).isTrue();
        assertThat(check.httpStatus()).isEqualTo(200);
    }

    @Test
    void tamperedParameterWrongTokenAndMissingHeaderAreRejectedWith403() throws Exception {
        String good = "RSOYDt4T1cUTdK1PDd93/VVr8B8=";
        SignatureCheck tampered = verifier.verify(formPost(URL, FORM.replace("Digits=1234", "Digits=1235"), good));
        assertThat(tampered.outcome()).isEqualTo(Outcome.INVALID_SIGNATURE);
        assertThat(tampered.httpStatus()).isEqualTo(403);
        assertThat(tampered.detail()).doesNotContain("4158675309");

        String otherToken = hmac("54321", URL + "CallSidCA1234567890ABCDECaller+14158675309Digits1234From+14158675309To+18005551212");
        assertThat(verifier.verify(formPost(URL, FORM, otherToken)).outcome()).isEqualTo(Outcome.INVALID_SIGNATURE);

        SignatureCheck missing = verifier.verify(formPost(URL, FORM, null));
        assertThat(missing.outcome()).isEqualTo(Outcome.MISSING_SIGNATURE);
        assertThat(missing.accepted()).isFalse();
        assertThat(verifier.verify(formPost(URL, FORM, "  ")).outcome()).isEqualTo(Outcome.MISSING_SIGNATURE);
    }

    @Test
    void signatureWithOrWithoutTheDefaultPortIsAccepted() throws Exception {
        String data = "CallSidCA1234567890ABCDECaller+14158675309Digits1234From+14158675309To+18005551212";
        String withPort = hmac(TOKEN, "https://mycompany.com:443/myapp.php?foo=1&bar=2" + data);
        assertThat(withPort).isEqualTo("kvajT1Ptam85bY51eRf/AJRuM3w=");

        assertThat(verifier.verify(formPost(URL, FORM, withPort)).outcome()).isEqualTo(Outcome.VALID);
        assertThat(verifier.verify(formPost("https://mycompany.com:443/myapp.php?foo=1&bar=2", FORM,
                "RSOYDt4T1cUTdK1PDd93/VVr8B8=")).outcome()).isEqualTo(Outcome.VALID);
    }

    @Test
    void behindAProxyThePublicUrlIsWhatTwilioSaw() throws Exception {
        String body = "Body=STOP&From=%2B14158675309&MessageSid=SM1";
        String twilioSaw = "https://hooks.example.com/app/sms/inbound?shop=7";
        String sig = hmac(TOKEN, twilioSaw + "BodySTOPFrom+14158675309MessageSidSM1");
        WebhookRequest received = formPost("http://127.0.0.1:8080/sms/inbound?shop=7", body, sig);

        assertThat(verifier.verify(received).outcome()).isEqualTo(Outcome.INVALID_SIGNATURE);

        WebhookVerifier behindProxy = WebhookVerifier.builder(TOKEN)
                .publicBaseUrl(URI.create("https://hooks.example.com/app")).build();
        SignatureCheck check = behindProxy.verify(received);
        assertThat(check.outcome()).isEqualTo(Outcome.VALID);
        assertThat(check.url()).isEqualTo(twilioSaw);

        WebhookVerifier stripping = WebhookVerifier.builder(TOKEN)
                .publicUrl(PublicUrl.base(URI.create("https://hooks.example.com/app"), "/local")).build();
        assertThat(stripping.verify(formPost("http://10.0.0.5:9000/local/sms/inbound?shop=7", body, sig)).outcome())
                .isEqualTo(Outcome.VALID);
    }

    @Test
    void forwardedHeadersRestoreSchemeHostPortAndPrefix() throws Exception {
        String body = "Body=Hi&From=%2B14158675309";
        String twilioSaw = "https://hooks.example.com:8443/app/sms";
        String sig = hmac(TOKEN, twilioSaw + "BodyHiFrom+14158675309");
        WebhookVerifier forwarded = WebhookVerifier.builder(TOKEN).publicUrl(PublicUrl.forwardedHeaders()).build();

        WebhookRequest received = formPost("http://127.0.0.1:8080/sms", body, sig,
                "X-Forwarded-Proto", "https", "X-Forwarded-Host", "hooks.example.com",
                "X-Forwarded-Port", "8443", "X-Forwarded-Prefix", "/app/");

        assertThat(forwarded.verify(received).outcome()).isEqualTo(Outcome.VALID);
        assertThat(forwarded.verify(formPost("http://127.0.0.1:8080/sms", body, sig)).outcome())
                .isEqualTo(Outcome.INVALID_SIGNATURE);
    }

    @Test
    void nonDefaultPortIsPartOfTheUrl() throws Exception {
        String url = "https://hooks.example.com:8443/sms";
        String sig = hmac(TOKEN, url + "BodyHi");
        assertThat(verifier.verify(formPost(url, "Body=Hi", sig)).outcome()).isEqualTo(Outcome.VALID);
        assertThat(verifier.verify(formPost(url, "Body=Hi", hmac(TOKEN, "https://hooks.example.com/sms" + "BodyHi")))
                .outcome()).isEqualTo(Outcome.VALID);
        assertThat(verifier.verify(formPost(url, "Body=Hi", hmac(TOKEN, "https://hooks.example.com:9443/sms" + "BodyHi")))
                .outcome()).isEqualTo(Outcome.INVALID_SIGNATURE);
    }

    @Test
    void repeatedParameterNamesSignEveryValue() throws Exception {
        String url = "https://hooks.example.com/status";
        String body = "MessageSid=SM1&Tag=b&Body=x&Tag=a&Tag=b";
        WebhookRequest asReceived = formPost(url, body, hmac(TOKEN, url + "BodyxMessageSidSM1TagbTagaTagb"));
        WebhookRequest sorted = formPost(url, body, hmac(TOKEN, url + "BodyxMessageSidSM1TagaTagbTagb"));
        WebhookRequest sortedDistinct = formPost(url, body, hmac(TOKEN, url + "BodyxMessageSidSM1TagaTagb"));
        WebhookRequest withPort = formPost(url, body, hmac(TOKEN, "https://hooks.example.com:443/status"
                + "BodyxMessageSidSM1TagbTagaTagb"));
        WebhookRequest lastValueOnly = formPost(url, body, hmac(TOKEN, url + "BodyxMessageSidSM1Tagb"));
        WebhookRequest tampered = formPost(url, body.replace("Tag=a", "Tag=c"), hmac(TOKEN, url + "BodyxMessageSidSM1TagbTagaTagb"));

        assertThat(verifier.verify(asReceived).outcome()).isEqualTo(Outcome.VALID);
        assertThat(verifier.verify(sorted).outcome()).isEqualTo(Outcome.VALID);
        assertThat(verifier.verify(sortedDistinct).outcome()).isEqualTo(Outcome.VALID);
        assertThat(verifier.verify(withPort).outcome()).isEqualTo(Outcome.VALID);
        assertThat(verifier.verify(lastValueOnly).outcome()).isEqualTo(Outcome.INVALID_SIGNATURE);
        assertThat(verifier.verify(tampered).outcome()).isEqualTo(Outcome.INVALID_SIGNATURE);
    }

    @Test
    void jsonBodyIsCheckedThroughBodySha256() throws Exception {
        String body = "{\"property\": \"value\", \"boolean\": true}";
        String hash = HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(body.getBytes(StandardCharsets.UTF_8)));
        assertThat(hash).isEqualTo("0a1ff7634d9ab3b95db5c9a2dfe9416e41502b283a80c7cf19632632f96e6620");
        String url = URL + "&bodySHA256=" + hash;
        String sig = hmac(TOKEN, url);
        assertThat(sig).isEqualTo("a9nBmqA0ju/hNViExpshrM61xv4=");

        assertThat(verifier.verify(json(url, body, sig)).outcome()).isEqualTo(Outcome.VALID);
        assertThat(verifier.verify(json(url, body.replace("value", "other"), sig)).outcome())
                .isEqualTo(Outcome.BODY_HASH_MISMATCH);
        assertThat(verifier.verify(json(URL, body, hmac(TOKEN, URL))).outcome()).isEqualTo(Outcome.MALFORMED_REQUEST);
        assertThat(verifier.verify(json(url, body, hmac("nope", url))).outcome()).isEqualTo(Outcome.INVALID_SIGNATURE);
    }

    private static WebhookRequest json(String url, String body, String sig) {
        return WebhookRequest.of("POST", URI.create(url), Map.of("content-type", List.of("application/json"),
                "x-twilio-signature", List.of(sig)), body.getBytes(StandardCharsets.UTF_8));
    }

    @Test
    void getRequestSignsTheUrlOnly() throws Exception {
        String url = "https://hooks.example.com/sms?Body=STOP&From=%2B14158675309";
        WebhookRequest get = WebhookRequest.of("GET", URI.create(url), Map.of("X-Twilio-Signature", List.of(hmac(TOKEN, url))), null);

        assertThat(verifier.verify(get).outcome()).isEqualTo(Outcome.VALID);
        assertThat(get.parameter("From")).contains("+14158675309");
    }

    @Test
    void anAdditionalTokenIsAcceptedDuringRotation() throws Exception {
        WebhookVerifier rotating = WebhookVerifier.builder(TOKEN).additionalAuthToken("secondary").build();
        String sig = hmac("secondary", URL + "CallSidCA1234567890ABCDECaller+14158675309Digits1234From+14158675309To+18005551212");

        assertThat(rotating.verify(formPost(URL, FORM, sig)).outcome()).isEqualTo(Outcome.VALID);
        assertThat(verifier.verify(formPost(URL, FORM, sig)).outcome()).isEqualTo(Outcome.INVALID_SIGNATURE);
        assertThat(rotating.toString()).doesNotContain("secondary").doesNotContain(TOKEN);
    }

    @Test
    void frameworkParsedFormGivesTheSameResult() throws Exception {
        Map<String, List<String>> form = new LinkedHashMap<>();
        form.put("To", List.of("+18005551212"));
        form.put("CallSid", List.of("CA1234567890ABCDE"));
        form.put("Caller", List.of("+14158675309"));
        form.put("Digits", List.of("1234"));
        form.put("From", List.of("+14158675309"));
        WebhookRequest r = WebhookRequest.ofForm("POST", URI.create(URL),
                Map.of("X-Twilio-Signature", List.of("RSOYDt4T1cUTdK1PDd93/VVr8B8=")), form);

        assertThat(verifier.verify(r).outcome()).isEqualTo(Outcome.VALID);
        assertThat(r.parameters()).containsEntry("Caller", List.of("+14158675309"));
    }

    @Test
    void unicodeAndEncodedValuesAreSignedDecoded() throws Exception {
        String url = "https://hooks.example.com/sms";
        String text = "Ja, gern! 👍 & danke";
        String body = "Body=" + URLEncoder.encode(text, StandardCharsets.UTF_8) + "&From=%2B14158675309";
        String sig = hmac(TOKEN, url + "Body" + text + "From+14158675309");

        assertThat(verifier.verify(formPost(url, body, sig)).outcome()).isEqualTo(Outcome.VALID);
    }

    @Test
    void malformedFormAndDisabledVerifier() throws Exception {
        assertThat(verifier.verify(formPost(URL, "Body=%zz", hmac(TOKEN, URL))).outcome()).isEqualTo(Outcome.MALFORMED_REQUEST);

        WebhookVerifier off = WebhookVerifier.disabled();
        SignatureCheck c = off.verify(formPost(URL, FORM, null));
        assertThat(c.outcome()).isEqualTo(Outcome.NOT_CHECKED);
        assertThat(c.accepted()).isTrue();
        assertThat(off.enabled()).isFalse();
    }

    @Test
    void verifierFromCredentialsNeedsTheAuthToken() {
        TwilioCredentials keyOnly = TwilioCredentials.ofApiKey(TwilioFixtures.ACCOUNT_SID, TwilioFixtures.API_KEY_SID,
                TwilioFixtures.API_KEY_SECRET);
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> WebhookVerifier.builder(keyOnly))
                .isInstanceOf(io.consentkit.InvalidInputException.class).hasMessageContaining("TWILIO_AUTH_TOKEN");
        assertThat(WebhookVerifier.builder(keyOnly.withAuthToken(TOKEN)).build().enabled()).isTrue();
    }
}
