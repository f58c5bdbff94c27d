package io.consentkit.send;

import io.consentkit.phone.PhoneNumber;

import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.Objects;

/**
 * One outbound message as a gateway sends it: already checked by the guards and formatted.
 *
 * @param to             recipient
 * @param from           sender: an E.164 number, a short code or an alphanumeric sender id; empty
 *                       means the gateway's configured default (number or messaging service)
 * @param body           the text, never empty unless media is given
 * @param mediaUrls      MMS media (at most 10), may be empty
 * @param statusCallback where the provider should post delivery updates, or null
 * @param validity       how long the provider should keep trying before dropping the message (the
 *                       message's remaining time-to-live; Twilio's {@code ValidityPeriod}), or null for
 *                       the provider's default
 */
public record GatewayRequest(PhoneNumber to, String from, String body, List<URI> mediaUrls, URI statusCallback,
                             Duration validity) {
    public GatewayRequest {
        if (validity != null && (validity.isNegative() || validity.isZero())) {
            throw new IllegalArgumentException("validity must be positive (" + validity + ")");
        }
        Objects.requireNonNull(to, "to");
        from = from == null ? "" : from;
        body = body == null ? "" : body;
        mediaUrls = mediaUrls == null ? List.of() : List.copyOf(mediaUrls);
        if (body.isEmpty() && mediaUrls.isEmpty()) {
            throw new IllegalArgumentException("a message needs a body or media");
        }
    }

    /** A request with the provider's default validity. */
    public GatewayRequest(PhoneNumber to, String from, String body, List<URI> mediaUrls, URI statusCallback) {
        this(to, from, body, mediaUrls, statusCallback, null);
    }

    /** A plain text message from the gateway's default sender. */
    public static GatewayRequest of(PhoneNumber to, String body) {
        return new GatewayRequest(to, "", body, List.of(), null);
    }

    /** Masks the number and leaves the body out. */
    @Override
    public String toString() {
        return "GatewayRequest[to=" + to.masked() + ", from=" + (from.isEmpty() ? "<default>" : from) + ", body=<"
                + body.length() + " chars>, media=" + mediaUrls.size()
                + (validity == null ? "" : ", validity=" + validity) + "]";
    }
}
