package io.consentkit.twilio;

import com.github.tomakehurst.wiremock.junit5.WireMockExtension;

import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.wireMockConfig;

/** Constants and helpers shared by the WireMock tests. */
final class TwilioFixtures {
    static final String ACCOUNT_SID = "AC0123456789abcdef0123456789abcdef";
    static final String AUTH_TOKEN = "tok3n-s3cret-value";
    static final String API_KEY_SID = "SKfedcba9876543210fedcba9876543210";
    static final String API_KEY_SECRET = "k3y-s3cret-value";
    static final String SERVICE_SID = "MGaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa";
    static final String MESSAGE_SID = "SM0123456789abcdef0123456789abcdef";
    static final String MESSAGES_PATH = "/2010-04-01/Accounts/" + ACCOUNT_SID + "/Messages.json";
    static final String TO = "+14158675310";
    static final String FROM = "+15017122661";

    private TwilioFixtures() {
    }

    static WireMockExtension wireMock() {
        return WireMockExtension.newInstance().options(wireMockConfig().dynamicPort().bindAddress("127.0.0.1")).build();
    }

    static URI base(WireMockExtension wm) {
        return URI.create("http://127.0.0.1:" + wm.getPort());
    }

    /** Twilio's 201 body for a created message (OpenAPI example shape). */
    static String messageJson(String sid, String status, String numSegments, String from) {
        return "{\"account_sid\":\"" + ACCOUNT_SID + "\",\"api_version\":\"2010-04-01\",\"body\":\"Hello\","
                + "\"date_created\":\"Thu, 24 Aug 2023 05:01:45 +0000\",\"date_sent\":null,"
                + "\"date_updated\":\"Thu, 24 Aug 2023 05:01:45 +0000\",\"direction\":\"outbound-api\","
                + "\"error_code\":null,\"error_message\":null,\"from\":" + (from == null ? "null" : "\"" + from + "\"")
                + ",\"num_media\":\"0\",\"num_segments\":\"" + numSegments + "\",\"price\":null,\"price_unit\":null,"
                + "\"messaging_service_sid\":null,\"sid\":\"" + sid + "\",\"status\":\"" + status + "\","
                + "\"subresource_uris\":{\"media\":\"/2010-04-01/Accounts/" + ACCOUNT_SID + "/Messages/" + sid + "/Media.json\"},"
                + "\"to\":\"" + TO + "\",\"uri\":\"/2010-04-01/Accounts/" + ACCOUNT_SID + "/Messages/" + sid + ".json\"}";
    }

    static String errorJson(int code, String message, int status) {
        return "{\"code\":" + code + ",\"message\":\"" + message + "\",\"more_info\":\"https://www.twilio.com/docs/errors/"
                + code + "\",\"status\":" + status + "}";
    }

    /** A sleeper that records pauses and returns at once. */
    static final class RecordingSleeper implements Sleeper {
        final List<Duration> pauses = new CopyOnWriteArrayList<>();

        @Override
        public void sleep(Duration duration) {
            pauses.add(duration);
        }
    }
}
