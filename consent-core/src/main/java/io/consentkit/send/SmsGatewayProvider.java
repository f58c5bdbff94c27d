package io.consentkit.send;

import java.util.Map;

/**
 * A {@link java.util.ServiceLoader} hook through which tools (the {@code consent send} command)
 * find a real gateway without depending on its module. A gateway module registers an
 * implementation in {@code META-INF/services/io.consentkit.send.SmsGatewayProvider}; the CLI's
 * {@code --gateway <name>} picks it by {@link #name()} and builds it from the environment.
 * Implementations must have a public no-argument constructor and be thread-safe.
 */
public interface SmsGatewayProvider {

    /** The name users select it by, e.g. {@code "twilio"}. */
    String name();

    /**
     * Builds a gateway from configuration (usually the process environment, e.g.
     * {@code TWILIO_ACCOUNT_SID}).
     *
     * @throws io.consentkit.InvalidInputException naming the missing or invalid variable
     */
    SmsGateway create(Map<String, String> environment);
}
