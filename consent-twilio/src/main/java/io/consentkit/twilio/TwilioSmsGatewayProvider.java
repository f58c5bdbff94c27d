package io.consentkit.twilio;

import io.consentkit.send.SmsGateway;
import io.consentkit.send.SmsGatewayProvider;

import java.util.Map;

/**
 * Registers {@link TwilioSmsGateway} under the name {@code twilio} for tools that find gateways
 * through {@link java.util.ServiceLoader} (e.g. {@code consent send --gateway twilio}); it is built
 * with {@link TwilioSmsGateway#fromEnvironment(Map)}. Stateless and thread-safe.
 */
public final class TwilioSmsGatewayProvider implements SmsGatewayProvider {

    /** Used by {@link java.util.ServiceLoader}. */
    public TwilioSmsGatewayProvider() {
    }

    @Override
    public String name() {
        return "twilio";
    }

    @Override
    public SmsGateway create(Map<String, String> environment) {
        return TwilioSmsGateway.fromEnvironment(environment);
    }
}
