package io.consentkit.inbound;

import io.consentkit.InvalidInputException;
import io.consentkit.support.Masking;

import java.time.Instant;
import java.util.Objects;

/**
 * One text received from a person, as the messaging webhook delivered it (no provider types:
 * an adapter copies Twilio's {@code From}, {@code To}, {@code Body}, {@code MessageSid} and
 * {@code OptOutType} in). Immutable and thread-safe; {@link #toString()} masks the numbers and the body.
 *
 * @param from           the sender's number, any form {@link io.consentkit.phone.PhoneNumbers} accepts
 * @param to             the business number it was sent to; empty if unknown
 * @param body           the text; empty for a message without text
 * @param messageSid     the provider's message id (Twilio {@code SM...}); empty if unknown, which turns
 *                       off duplicate detection for this message
 * @param receivedAt     when it was received; a confirmation's deadline is checked against it
 * @param providerIntent what the provider's own keyword handling already decided and answered (Twilio
 *                       Advanced Opt-Out's {@code OptOutType}): {@link Intent#OPT_OUT},
 *                       {@link Intent#OPT_IN} or {@link Intent#HELP}; {@link Intent#NONE} (the default,
 *                       also for null) when the provider decided nothing. See {@link InboundHandler}
 *                       for how it is honoured.
 * @param channel        the channel it came on; null derives it from the prefix of {@code from}
 *                       ({@link Channel#ofAddress}: none is SMS, {@code whatsapp:} WhatsApp...). Only
 *                       the handler's consent channels (default SMS and RCS) change SMS consent.
 */
public record InboundMessage(String from, String to, String body, String messageSid, Instant receivedAt,
                             Intent providerIntent, Channel channel) {

    public InboundMessage {
        from = InvalidInputException.requireText("from", from);
        to = InvalidInputException.optionalText(to);
        body = body == null ? "" : body;
        messageSid = InvalidInputException.optionalText(messageSid);
        Objects.requireNonNull(receivedAt, "receivedAt");
        providerIntent = providerIntent == null ? Intent.NONE : providerIntent;
        if (providerIntent == Intent.CONFIRM_YES || providerIntent == Intent.CONFIRM_NO) {
            throw new InvalidInputException("providerIntent", "must be OPT_OUT, OPT_IN, HELP or NONE, got "
                    + providerIntent);
        }
        channel = channel == null ? Channel.ofAddress(from) : channel;
    }

    /** A message with its channel read from the prefix of {@code from} ({@link Channel#ofAddress}). */
    public InboundMessage(String from, String to, String body, String messageSid, Instant receivedAt,
                          Intent providerIntent) {
        this(from, to, body, messageSid, receivedAt, providerIntent, null);
    }

    /** A message the provider decided nothing about. */
    public InboundMessage(String from, String to, String body, String messageSid, Instant receivedAt) {
        this(from, to, body, messageSid, receivedAt, Intent.NONE);
    }

    /** A message to an unknown business number. */
    public static InboundMessage of(String from, String body, String messageSid, Instant receivedAt) {
        return new InboundMessage(from, "", body, messageSid, receivedAt);
    }

    /** This message with the provider's decision (see {@link #providerIntent()}). */
    public InboundMessage withProviderIntent(Intent intent) {
        return new InboundMessage(from, to, body, messageSid, receivedAt, intent, channel);
    }

    /** This message as received on {@code channel}. */
    public InboundMessage withChannel(Channel channel) {
        return new InboundMessage(from, to, body, messageSid, receivedAt, providerIntent,
                Objects.requireNonNull(channel, "channel"));
    }

    /** The sender's address without its channel prefix: the phone number to parse. */
    public String address() {
        return Channel.stripPrefix(from);
    }

    /** True if the provider's keyword handling already decided (and answered) this message. */
    public boolean providerDecided() {
        return providerIntent != Intent.NONE;
    }

    @Override
    public String toString() {
        return "InboundMessage[from=" + Masking.phone(from) + ", to=" + Masking.phone(to) + ", body="
                + Masking.body(body) + ", sid=" + messageSid + ", receivedAt=" + receivedAt
                + (providerDecided() ? ", provider=" + providerIntent : "")
                + (channel == Channel.SMS ? "" : ", channel=" + channel) + "]";
    }
}
