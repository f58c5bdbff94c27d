package io.consentkit.inbound;

import io.consentkit.InvalidInputException;
import io.consentkit.support.Masking;

import java.time.Instant;
import java.util.Objects;

/**
 * One text received from a person, as the messaging webhook delivered it (no provider types:
 * an adapter copies Twilio's {@code From}, {@code To}, {@code Body} and {@code MessageSid} in).
 * Immutable and thread-safe; {@link #toString()} masks the numbers and the body.
 *
 * @param from       the sender's number, any form {@link io.consentkit.phone.PhoneNumbers} accepts
 * @param to         the business number it was sent to; empty if unknown
 * @param body       the text; empty for a message without text
 * @param messageSid the provider's message id (Twilio {@code SM...}); empty if unknown, which turns
 *                   off duplicate detection for this message
 * @param receivedAt when it was received; a confirmation's deadline is checked against it
 */
public record InboundMessage(String from, String to, String body, String messageSid, Instant receivedAt) {

    public InboundMessage {
        from = InvalidInputException.requireText("from", from);
        to = InvalidInputException.optionalText(to);
        body = body == null ? "" : body;
        messageSid = InvalidInputException.optionalText(messageSid);
        Objects.requireNonNull(receivedAt, "receivedAt");
    }

    /** A message to an unknown business number. */
    public static InboundMessage of(String from, String body, String messageSid, Instant receivedAt) {
        return new InboundMessage(from, "", body, messageSid, receivedAt);
    }

    @Override
    public String toString() {
        return "InboundMessage[from=" + Masking.phone(from) + ", to=" + Masking.phone(to) + ", body="
                + Masking.body(body) + ", sid=" + messageSid + ", receivedAt=" + receivedAt + "]";
    }
}
