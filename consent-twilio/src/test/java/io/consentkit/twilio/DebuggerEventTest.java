package io.consentkit.twilio;

import io.consentkit.InvalidInputException;
import org.junit.jupiter.api.Test;

import java.time.Instant;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class DebuggerEventTest {

    @Test
    void readsTheDebuggerWebhookFields() {
        String payload = "{\"resource_sid\":\"SM0123456789abcdef0123456789abcdef\",\"service_sid\":null,"
                + "\"error_code\":\"30003\",\"more_info\":{\"To\":\"+14158675309\",\"msg\":\"Unreachable\"},"
                + "\"webhook\":{\"type\":\"application/json\",\"request\":{}}}";
        DebuggerEvent e = DebuggerEvent.fromParameters(Map.of(
                "AccountSid", List.of("AC0123456789abcdef0123456789abcdef"),
                "Sid", List.of("NO0123456789abcdef0123456789abcdef"),
                "ParentAccountSid", List.of("ACffffffffffffffffffffffffffffffff"),
                "Timestamp", List.of("2025-06-01T12:00:00Z"),
                "Level", List.of("Error"),
                "PayloadType", List.of("application/json"),
                "Payload", List.of(payload)));

        assertThat(e.sid()).isEqualTo("NO0123456789abcdef0123456789abcdef");
        assertThat(e.parentAccountSid()).isEqualTo("ACffffffffffffffffffffffffffffffff");
        assertThat(e.timestamp()).isEqualTo(Instant.parse("2025-06-01T12:00:00Z"));
        assertThat(e.level()).isEqualTo(DebuggerEvent.Level.ERROR);
        assertThat(e.errorCode()).isEqualTo(30003);
        assertThat(e.resourceSid()).isEqualTo("SM0123456789abcdef0123456789abcdef");
        assertThat(e.payload()).isEqualTo(payload);
        assertThat(e.toString()).doesNotContain("4158675309").contains("30003");
    }

    @Test
    void toleratesNumericCodesOddPayloadsAndMissingFields() {
        DebuggerEvent numeric = DebuggerEvent.fromParameters(Map.of("Sid", List.of("NO1"), "Level", List.of("WARNING"),
                "Payload", List.of("{\"error_code\": 11200, \"resource_sid\": null}")));
        assertThat(numeric.errorCode()).isEqualTo(11200);
        assertThat(numeric.resourceSid()).isEmpty();
        assertThat(numeric.level()).isEqualTo(DebuggerEvent.Level.WARNING);
        assertThat(numeric.timestamp()).isNull();

        DebuggerEvent text = DebuggerEvent.fromParameters(Map.of("Sid", List.of("NO2"), "Level", List.of("debug"),
                "Timestamp", List.of("yesterday"), "Payload", List.of("not json")));
        assertThat(text.errorCode()).isZero();
        assertThat(text.level()).isEqualTo(DebuggerEvent.Level.OTHER);
        assertThat(text.payload()).isEqualTo("not json");

        assertThatThrownBy(() -> DebuggerEvent.fromParameters(Map.of("Body", List.of("STOP"))))
                .isInstanceOf(InvalidInputException.class);
    }
}
