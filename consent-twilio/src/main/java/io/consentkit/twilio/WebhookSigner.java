package io.consentkit.twilio;

import io.consentkit.InvalidInputException;
import io.consentkit.twilio.internal.Signatures;

import java.net.URI;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * Signs fake Twilio webhooks for tests, the way Twilio signs them ({@code X-Twilio-Signature}:
 * Base64 HMAC-SHA1 of the URL followed by each form parameter's name and value, names sorted), with
 * the same code {@link WebhookVerifier} checks repeated parameters with. Use it to drive your own
 * webhook endpoints from plain JUnit (an HTTP client, or a {@link WebhookRequest} straight into a
 * handler) or from Spring's MockMvc (the starter's {@code TwilioMockMvc}).
 *
 * <pre>{@code
 * WebhookSigner signer = WebhookSigner.of(authToken);
 * Map<String, String> params = WebhookSigner.inboundMessage("+15125550100", "+15125550199", "STOP", "SM123");
 * String signature = signer.sign("https://example.com/twilio/inbound", params);
 * }</pre>
 *
 * Immutable and thread-safe.
 */
public final class WebhookSigner {
    private final String authToken;

    private WebhookSigner(String authToken) {
        this.authToken = authToken;
    }

    /**
     * A signer with {@code authToken} (the token the verifier under test holds).
     *
     * @throws InvalidInputException if the token is empty
     */
    public static WebhookSigner of(String authToken) {
        if (authToken == null || authToken.isBlank()) {
            throw new InvalidInputException(TwilioCredentials.ENV_AUTH_TOKEN, "is empty");
        }
        return new WebhookSigner(authToken.strip());
    }

    /** The {@code X-Twilio-Signature} value of a form POST of {@code params} to {@code url}. */
    public String sign(String url, Map<String, String> params) {
        Objects.requireNonNull(url, "url");
        List<String> names = new ArrayList<>(params.keySet());
        names.sort(null);
        List<Map.Entry<String, String>> pairs = new ArrayList<>();
        for (String n : names) {
            pairs.add(Map.entry(n, params.get(n)));
        }
        return Signatures.sign(authToken, url, pairs);
    }

    /** {@code params} as an {@code application/x-www-form-urlencoded} body, in their map's order. */
    public static String formBody(Map<String, String> params) {
        StringBuilder sb = new StringBuilder();
        params.forEach((k, v) -> {
            if (sb.length() > 0) {
                sb.append('&');
            }
            sb.append(URLEncoder.encode(k, StandardCharsets.UTF_8)).append('=')
                    .append(URLEncoder.encode(v, StandardCharsets.UTF_8));
        });
        return sb.toString();
    }

    /** A signed form POST of {@code params} to {@code url}, as a handler of {@link TwilioWebhooks} receives it. */
    public WebhookRequest request(String url, Map<String, String> params) {
        Map<String, List<String>> headers = new LinkedHashMap<>();
        headers.put("Content-Type", List.of("application/x-www-form-urlencoded"));
        headers.put(WebhookVerifier.SIGNATURE_HEADER, List.of(sign(url, params)));
        return WebhookRequest.of("POST", URI.create(url), headers, formBody(params).getBytes(StandardCharsets.UTF_8));
    }

    /**
     * The parameters Twilio posts for one inbound text ({@code From}, {@code To}, {@code Body},
     * {@code MessageSid} and the usual companions), in Twilio's order.
     */
    public static Map<String, String> inboundMessage(String from, String to, String body, String messageSid) {
        Map<String, String> p = new LinkedHashMap<>();
        p.put("ToCountry", "US");
        p.put("SmsMessageSid", messageSid);
        p.put("NumMedia", "0");
        p.put("SmsSid", messageSid);
        p.put("SmsStatus", "received");
        p.put("Body", body);
        p.put("To", to);
        p.put("NumSegments", "1");
        p.put("MessageSid", messageSid);
        p.put("From", from);
        p.put("ApiVersion", "2010-04-01");
        return p;
    }

    /** Shows no token. */
    @Override
    public String toString() {
        return "WebhookSigner[authToken=<redacted>]";
    }
}
