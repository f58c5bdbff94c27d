package io.consentkit.send;

/**
 * The SPI a provider adapter implements (Twilio in {@code consent-twilio}; fakes in the testkit).
 * A gateway only sends: consent, quiet hours, caps and formatting are the
 * {@code GuardedSender}'s job. Implementations must be thread-safe.
 */
public interface SmsGateway {

    /**
     * Sends one message. Provider and network failures are returned as
     * {@link GatewayResult.Failed}, never thrown.
     */
    GatewayResult send(GatewayRequest request);

    /** A short name for logs and the send log, e.g. "twilio". */
    default String name() {
        return getClass().getSimpleName();
    }
}
