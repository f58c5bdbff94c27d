package io.consentkit.twilio;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class TwimlTest {
    @Test
    void replyIsEscapedAndEmptyReplyIsAnEmptyResponse() {
        WebhookResponse r = WebhookResponse.twiml("Tom & Jerry's <b>\"deal\"</b>\u0000 👍");
        assertThat(r.status()).isEqualTo(200);
        assertThat(r.contentType()).isEqualTo("text/xml; charset=utf-8");
        assertThat(r.body()).isEqualTo("<?xml version=\"1.0\" encoding=\"UTF-8\"?><Response><Message>"
                + "Tom &amp; Jerry&apos;s &lt;b&gt;&quot;deal&quot;&lt;/b&gt; 👍</Message></Response>");

        assertThat(WebhookResponse.twiml("").body()).isEqualTo("<?xml version=\"1.0\" encoding=\"UTF-8\"?><Response/>");
        assertThat(WebhookResponse.emptyTwiml()).isEqualTo(WebhookResponse.twiml(""));
        assertThat(WebhookResponse.noContent().status()).isEqualTo(204);
    }
}
