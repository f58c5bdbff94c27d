package io.consentkit.twilio;

import io.consentkit.twilio.internal.Twiml;

import java.util.Objects;

/**
 * What a webhook handler answers, independent of any web framework: write the status, the
 * {@code Content-Type} (if not empty) and the body. Immutable and thread-safe.
 *
 * @param status      HTTP status
 * @param contentType the {@code Content-Type}, or "" for none (e.g. 204)
 * @param body        the body, "" for none
 */
public record WebhookResponse(int status, String contentType, String body) {
    /** Content type of TwiML answers. */
    public static final String TWIML = "text/xml; charset=utf-8";

    public WebhookResponse {
        if (status < 100 || status > 599) {
            throw new IllegalArgumentException("status must be 100-599, was " + status);
        }
        contentType = contentType == null ? "" : contentType;
        body = body == null ? "" : body;
        Objects.requireNonNull(body, "body");
    }

    /** 200 with TwiML replying {@code text} as one message ({@code <Message>}, XML-escaped), or empty TwiML for "". */
    public static WebhookResponse twiml(String text) {
        return new WebhookResponse(200, TWIML, Twiml.message(text));
    }

    /** 200 with an empty {@code <Response/>}: handled, no reply. */
    public static WebhookResponse emptyTwiml() {
        return new WebhookResponse(200, TWIML, Twiml.EMPTY);
    }

    /** 204: handled, nothing to say (status callbacks, debugger events). */
    public static WebhookResponse noContent() {
        return new WebhookResponse(204, "", "");
    }

    /** A plain-text answer, e.g. 403 for a bad signature or 400 for a request missing a field. */
    public static WebhookResponse text(int status, String text) {
        return new WebhookResponse(status, "text/plain; charset=utf-8", text);
    }

    /** Masks nothing but shows no body: bodies may hold a reply to a person. */
    @Override
    public String toString() {
        return "WebhookResponse[" + status + (contentType.isEmpty() ? "" : " " + contentType) + ", " + body.length() + " chars]";
    }
}
