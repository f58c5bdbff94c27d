package io.consentkit.twilio;

import java.net.URI;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Builds webhook requests signed the way Twilio signs them, computed by hand (not with the code under test). */
final class Signed {
    private Signed() {
    }

    /** Form body of {@code params} in the given order. */
    static String form(Map<String, String> params) {
        StringBuilder sb = new StringBuilder();
        params.forEach((k, v) -> {
            if (sb.length() > 0) {
                sb.append('&');
            }
            sb.append(URLEncoder.encode(k, StandardCharsets.UTF_8)).append('=').append(URLEncoder.encode(v, StandardCharsets.UTF_8));
        });
        return sb.toString();
    }

    /** HMAC-SHA1 over url + sorted name/value pairs. */
    static String signature(String token, String url, Map<String, String> params) {
        List<String> names = new ArrayList<>(params.keySet());
        names.sort(null);
        StringBuilder data = new StringBuilder(url);
        for (String n : names) {
            data.append(n).append(params.get(n));
        }
        try {
            return WebhookVerifierTest.hmac(token, data.toString());
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    /** A signed form POST as the server at {@code url} receives it. */
    static WebhookRequest post(String token, String url, Map<String, String> params) {
        Map<String, List<String>> headers = new LinkedHashMap<>();
        headers.put("Content-Type", List.of("application/x-www-form-urlencoded"));
        headers.put("X-Twilio-Signature", List.of(signature(token, url, params)));
        return WebhookRequest.of("POST", URI.create(url), headers, form(params).getBytes(StandardCharsets.UTF_8));
    }

    /** Twilio's inbound-message parameters for one text. */
    static Map<String, String> inbound(String from, String body, String sid) {
        Map<String, String> p = new LinkedHashMap<>();
        p.put("ToCountry", "US");
        p.put("SmsMessageSid", sid);
        p.put("NumMedia", "0");
        p.put("SmsSid", sid);
        p.put("SmsStatus", "received");
        p.put("Body", body);
        p.put("To", "+15128001234");
        p.put("NumSegments", "1");
        p.put("MessageSid", sid);
        p.put("AccountSid", TwilioFixtures.ACCOUNT_SID);
        p.put("From", from);
        p.put("ApiVersion", "2010-04-01");
        return p;
    }
}
