package io.consentkit.cli;

import io.consentkit.send.GatewayResult;
import io.consentkit.send.SmsGateway;
import io.consentkit.send.SmsGatewayProvider;
import io.consentkit.testkit.FakeSmsGateway;

import java.time.Duration;
import java.util.Map;

/**
 * A gateway provider registered for the CLI tests through META-INF/services, as consent-twilio
 * registers its own: a fake that answers 21610 (opted out) for bodies containing "[opt-out]".
 */
public final class TestGatewayProvider implements SmsGatewayProvider {
    static volatile FakeSmsGateway last;

    @Override
    public String name() {
        return "test-fake";
    }

    @Override
    public SmsGateway create(Map<String, String> environment) {
        FakeSmsGateway fake = FakeSmsGateway.builder().name("test-fake").defaultOutcome(r ->
                r.body().contains("[opt-out]")
                        ? new GatewayResult.Failed(GatewayResult.FailureKind.OPTED_OUT, 21610,
                        "Attempt to send to unsubscribed recipient", Duration.ZERO)
                        : new GatewayResult.Accepted("SM0123456789abcdef0123456789abcdef", "queued", 1)).build();
        last = fake;
        return fake;
    }
}
