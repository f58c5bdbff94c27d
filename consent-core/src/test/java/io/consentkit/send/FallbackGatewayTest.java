package io.consentkit.send;

import io.consentkit.send.FallbackGateway;
import io.consentkit.send.GatewayRequest;
import io.consentkit.send.GatewayResult;
import io.consentkit.InvalidInputException;
import io.consentkit.phone.PhoneNumber;
import io.consentkit.testkit.FakeSmsGateway;
import org.junit.jupiter.api.Test;

import java.time.Duration;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class FallbackGatewayTest {
    private final FakeSmsGateway primary = FakeSmsGateway.builder().name("primary").build();
    private final FakeSmsGateway secondary = FakeSmsGateway.builder().name("secondary").build();
    private final FallbackGateway chain = FallbackGateway.of(primary, secondary);
    private final GatewayRequest request = GatewayRequest.of(PhoneNumber.of("+15125551234"), "hello");

    @Test
    void usesThePrimaryWhenItAccepts() {
        assertThat(chain.send(request)).isInstanceOf(GatewayResult.Accepted.class);
        assertThat(primary.requestCount()).isEqualTo(1);
        assertThat(secondary.requestCount()).isZero();
        assertThat(chain.name()).isEqualTo("fallback[primary,secondary]");
    }

    @Test
    void movesOnAfterFailuresThatAreSafeToRetry() {
        primary.enqueueRateLimited(Duration.ofSeconds(1));
        assertThat(chain.send(request)).isInstanceOf(GatewayResult.Accepted.class);
        primary.enqueueServerError();
        assertThat(chain.send(request)).isInstanceOf(GatewayResult.Accepted.class);
        assertThat(secondary.requestCount()).isEqualTo(2);
    }

    @Test
    void neverMovesOnAfterAnUnknownOutcomeAnOptOutOrAPermanentFailure() {
        primary.enqueueTimeout().enqueueOptedOut().enqueueInvalidNumber();
        for (GatewayResult.FailureKind expected : new GatewayResult.FailureKind[] {
            GatewayResult.FailureKind.UNKNOWN_OUTCOME, GatewayResult.FailureKind.OPTED_OUT,
            GatewayResult.FailureKind.INVALID_NUMBER}) {
            GatewayResult r = chain.send(request);
            assertThat(r).isInstanceOf(GatewayResult.Failed.class);
            assertThat(((GatewayResult.Failed) r).kind()).isEqualTo(expected);
        }
        assertThat(secondary.requestCount()).isZero();
    }

    @Test
    void returnsTheLastFailureWhenEveryGatewayFails() {
        primary.enqueueServerError();
        secondary.enqueueRateLimited(Duration.ofSeconds(3));
        GatewayResult.Failed f = (GatewayResult.Failed) chain.send(request);
        assertThat(f.kind()).isEqualTo(GatewayResult.FailureKind.RATE_LIMITED);
        assertThat(f.retryAfter()).isEqualTo(Duration.ofSeconds(3));
    }

    @Test
    void needsTwoGateways() {
        assertThatThrownBy(() -> FallbackGateway.of(primary)).isInstanceOf(InvalidInputException.class);
        assertThatThrownBy(() -> FallbackGateway.of(primary, null)).isInstanceOf(InvalidInputException.class);
    }
}
