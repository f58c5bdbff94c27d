package io.consentkit.spring.boot.test;

import io.consentkit.InvalidInputException;
import io.consentkit.twilio.WebhookSigner;
import io.consentkit.twilio.WebhookVerifier;
import org.springframework.mock.web.MockHttpServletRequest;
import org.springframework.test.web.servlet.request.RequestPostProcessor;

import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Signs MockMvc requests as Twilio would, for tests of the app's own webhook code:
 * {@code mockMvc.perform(post("/sms").param("From", "+15125550100").param("Body", "STOP")
 * .with(TwilioMockMvc.twilioSignature(authToken)))}. The form parameters become the request body
 * (the body is what consent-twilio's servlet reads and what the signature covers) and
 * {@code X-Twilio-Signature} is computed with consent-twilio's {@link WebhookSigner} over the
 * request's URL. Needs spring-test on the test classpath. Stateless and thread-safe.
 */
public final class TwilioMockMvc {
    private TwilioMockMvc() {
    }

    /**
     * A post-processor that writes the request's parameters as a form body and signs it with
     * {@code authToken}.
     *
     * @throws InvalidInputException if the token is empty, or (when applied) a parameter repeats
     */
    public static RequestPostProcessor twilioSignature(String authToken) {
        WebhookSigner signer = WebhookSigner.of(authToken);
        return request -> sign(signer, request);
    }

    private static MockHttpServletRequest sign(WebhookSigner signer, MockHttpServletRequest request) {
        Map<String, String> params = new LinkedHashMap<>();
        request.getParameterMap().forEach((name, values) -> {
            if (values.length != 1) {
                throw new InvalidInputException(name, "repeats; sign such a request with WebhookSigner by hand");
            }
            params.put(name, values[0]);
        });
        String query = request.getQueryString();
        String url = request.getRequestURL() + (query == null ? "" : "?" + query);
        if (request.getContentLength() <= 0) {
            request.setContent(WebhookSigner.formBody(params).getBytes(StandardCharsets.UTF_8));
            request.setContentType("application/x-www-form-urlencoded");
        }
        request.addHeader(WebhookVerifier.SIGNATURE_HEADER, signer.sign(url, params));
        return request;
    }
}
