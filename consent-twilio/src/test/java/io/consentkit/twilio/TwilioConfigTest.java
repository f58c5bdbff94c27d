package io.consentkit.twilio;

import io.consentkit.InvalidInputException;
import org.junit.jupiter.api.Test;

import java.net.URI;
import java.time.Duration;
import java.util.Map;

import static io.consentkit.twilio.TwilioFixtures.*;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Builder and environment configuration; no network. */
class TwilioConfigTest {

    @Test
    void readsAuthTokenSenderAndServiceFromTheEnvironmentMap() {
        TwilioCredentials c = TwilioCredentials.fromEnvironment(Map.of(
                "TWILIO_ACCOUNT_SID", ACCOUNT_SID, "TWILIO_AUTH_TOKEN", AUTH_TOKEN));
        assertThat(c.accountSid()).isEqualTo(ACCOUNT_SID);
        assertThat(c.authToken()).contains(AUTH_TOKEN);
        assertThat(c.usesApiKey()).isFalse();
        assertThat(c.toString()).doesNotContain(AUTH_TOKEN).contains("<redacted>");

        try (TwilioSmsGateway g = TwilioSmsGateway.fromEnvironment(Map.of(
                "TWILIO_ACCOUNT_SID", ACCOUNT_SID, "TWILIO_AUTH_TOKEN", AUTH_TOKEN,
                "TWILIO_FROM_NUMBER", FROM, "TWILIO_MESSAGING_SERVICE_SID", SERVICE_SID))) {
            assertThat(g.toString()).contains(SERVICE_SID).doesNotContain(AUTH_TOKEN);
        }
    }

    @Test
    void apiKeyWinsForRestAndTheAuthTokenIsKeptForWebhooks() {
        TwilioCredentials c = TwilioCredentials.fromEnvironment(Map.of(
                "TWILIO_ACCOUNT_SID", ACCOUNT_SID, "TWILIO_AUTH_TOKEN", AUTH_TOKEN,
                "TWILIO_API_KEY_SID", API_KEY_SID, "TWILIO_API_KEY_SECRET", API_KEY_SECRET));
        assertThat(c.usesApiKey()).isTrue();
        assertThat(c.authToken()).contains(AUTH_TOKEN);
        assertThat(c.toString()).doesNotContain(AUTH_TOKEN).doesNotContain(API_KEY_SECRET).contains(API_KEY_SID);

        TwilioCredentials keyOnly = TwilioCredentials.fromEnvironment(Map.of(
                "TWILIO_ACCOUNT_SID", ACCOUNT_SID, "TWILIO_API_KEY_SID", API_KEY_SID, "TWILIO_API_KEY_SECRET", API_KEY_SECRET));
        assertThat(keyOnly.authToken()).isEmpty();
    }

    @Test
    void legacyPhoneNumberVariableIsTheSender() {
        try (TwilioSmsGateway g = TwilioSmsGateway.fromEnvironment(Map.of(
                "TWILIO_ACCOUNT_SID", ACCOUNT_SID, "TWILIO_AUTH_TOKEN", AUTH_TOKEN, "TWILIO_PHONE_NUMBER", FROM))) {
            assertThat(g.toString()).contains("from=+*********61");
        }
    }

    @Test
    void missingOrMalformedSettingsNameTheField() {
        assertThatThrownBy(() -> TwilioCredentials.fromEnvironment(Map.of()))
                .isInstanceOfSatisfying(InvalidInputException.class, e -> assertThat(e.field()).isEqualTo("TWILIO_ACCOUNT_SID"));
        assertThatThrownBy(() -> TwilioCredentials.fromEnvironment(Map.of("TWILIO_ACCOUNT_SID", ACCOUNT_SID)))
                .isInstanceOfSatisfying(InvalidInputException.class, e -> assertThat(e.field()).isEqualTo("TWILIO_AUTH_TOKEN"));
        assertThatThrownBy(() -> TwilioCredentials.fromEnvironment(Map.of("TWILIO_ACCOUNT_SID", ACCOUNT_SID,
                "TWILIO_API_KEY_SID", API_KEY_SID)))
                .isInstanceOfSatisfying(InvalidInputException.class, e -> assertThat(e.field()).isEqualTo("TWILIO_API_KEY_SECRET"));
        assertThatThrownBy(() -> TwilioCredentials.ofAuthToken("AC123", AUTH_TOKEN))
                .isInstanceOfSatisfying(InvalidInputException.class, e -> assertThat(e.field()).isEqualTo("TWILIO_ACCOUNT_SID"));
        assertThatThrownBy(() -> TwilioSmsGateway.fromEnvironment(Map.of("TWILIO_ACCOUNT_SID", ACCOUNT_SID,
                "TWILIO_AUTH_TOKEN", AUTH_TOKEN)))
                .isInstanceOfSatisfying(InvalidInputException.class, e -> assertThat(e.field()).isEqualTo("from"));
        assertThatThrownBy(() -> TwilioSmsGateway.builder().from("not a sender!"))
                .isInstanceOfSatisfying(InvalidInputException.class, e -> assertThat(e.field()).isEqualTo("from"));
        assertThatThrownBy(() -> TwilioSmsGateway.builder().messagingServiceSid("MG1"))
                .isInstanceOfSatisfying(InvalidInputException.class, e -> assertThat(e.field()).isEqualTo("messagingServiceSid"));
        assertThatThrownBy(() -> TwilioSmsGateway.builder().statusCallback(URI.create("/relative")))
                .isInstanceOfSatisfying(InvalidInputException.class, e -> assertThat(e.field()).isEqualTo("statusCallback"));
        assertThatThrownBy(() -> TwilioSmsGateway.builder().responseTimeout(Duration.ZERO))
                .isInstanceOfSatisfying(InvalidInputException.class, e -> assertThat(e.field()).isEqualTo("responseTimeout"));
        assertThatThrownBy(() -> TwilioSmsGateway.builder().from(FROM).build())
                .isInstanceOfSatisfying(InvalidInputException.class, e -> assertThat(e.field()).isEqualTo("credentials"));
        assertThatThrownBy(() -> new RetryPolicy(0, Duration.ZERO, Duration.ZERO))
                .isInstanceOfSatisfying(InvalidInputException.class, e -> assertThat(e.field()).isEqualTo("maxAttempts"));
    }

    @Test
    void registeredForServiceLoaderAsTwilio() {
        java.util.List<io.consentkit.send.SmsGatewayProvider> found = new java.util.ArrayList<>();
        java.util.ServiceLoader.load(io.consentkit.send.SmsGatewayProvider.class).forEach(found::add);
        io.consentkit.send.SmsGatewayProvider p = found.stream().filter(x -> x.name().equals("twilio")).findFirst().orElseThrow();
        try (TwilioSmsGateway g = (TwilioSmsGateway) p.create(Map.of("TWILIO_ACCOUNT_SID", ACCOUNT_SID,
                "TWILIO_AUTH_TOKEN", AUTH_TOKEN, "TWILIO_MESSAGING_SERVICE_SID", SERVICE_SID))) {
            assertThat(g.name()).isEqualTo("twilio");
        }
        assertThatThrownBy(() -> p.create(Map.of()))
                .isInstanceOfSatisfying(InvalidInputException.class, e -> assertThat(e.field()).isEqualTo("TWILIO_ACCOUNT_SID"));
    }

    @Test
    void acceptsEverySenderShape() {
        for (String from : new String[] {FROM, "12345", "ACME Alerts", "whatsapp:+15017122661"}) {
            assertThat(TwilioSmsGateway.builder().from(from)).isNotNull();
        }
    }

    @Test
    void retryPolicyPauses() {
        RetryPolicy p = new RetryPolicy(4, Duration.ofMillis(100), Duration.ofSeconds(1));
        assertThat(p.pauseBefore(2, Duration.ZERO)).isEqualTo(Duration.ofMillis(100));
        assertThat(p.pauseBefore(3, Duration.ZERO)).isEqualTo(Duration.ofMillis(200));
        assertThat(p.pauseBefore(3, Duration.ofMillis(700))).isEqualTo(Duration.ofMillis(700));
        assertThat(p.pauseBefore(3, Duration.ofSeconds(2))).isNull();
        assertThat(p.pauseBefore(5, Duration.ZERO)).isNull();
        assertThat(RetryPolicy.NONE.pauseBefore(2, Duration.ZERO)).isNull();
    }
}
