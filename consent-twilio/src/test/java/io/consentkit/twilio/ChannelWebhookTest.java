package io.consentkit.twilio;

import io.consentkit.consent.ConsentTracker;
import io.consentkit.inbound.Channel;
import io.consentkit.inbound.InboundHandler;
import io.consentkit.inbound.InboundListener;
import io.consentkit.inbound.InboundResult;
import io.consentkit.store.InMemoryConsentStore;
import io.consentkit.testkit.SettableClock;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The channel of a signed inbound message comes from its {@code From} prefix: WhatsApp and Messenger
 * change no SMS consent (empty TwiML, nothing written); RCS opts out with SMS; plain SMS as before.
 */
@Timeout(30)
class ChannelWebhookTest {
    static final String TOKEN = "channel-token";
    static final String URL = "https://hooks.example.com/twilio/inbound";
    static final String PERSON = "+15125556020";
    static final String EMPTY = WebhookResponse.emptyTwiml().body();

    final SettableClock clock = SettableClock.at("2026-04-02T18:00:00Z");
    final ConsentTracker tracker = ConsentTracker.builder(new InMemoryConsentStore()).brand("Basin").clock(clock).build();
    final List<InboundResult> heard = new CopyOnWriteArrayList<>();
    int sid;

    @AfterEach
    void close() {
        tracker.close();
    }

    private TwilioWebhooks webhooks(InboundHandler.Builder handler) {
        InboundHandler h = handler.supportContact("help@basin.example").listener(new InboundListener() {
            @Override
            public void onResult(InboundResult result) {
                heard.add(result);
            }
        }).build();
        return TwilioWebhooks.builder(WebhookVerifier.builder(TOKEN).build(), tracker).inboundHandler(h).build();
    }

    private WebhookResponse send(TwilioWebhooks webhooks, String from, String body) {
        return webhooks.inbound(Signed.post(TOKEN, URL, Signed.inbound(from, body, String.format("SM%032d", ++sid))));
    }

    @Test
    void whatsappAndMessengerChangeNoSmsConsent() {
        TwilioWebhooks webhooks = webhooks(InboundHandler.builder(tracker));
        WebhookResponse start = send(webhooks, "whatsapp:" + PERSON, "START");
        assertThat(start.status()).isEqualTo(200);
        assertThat(start.body()).isEqualTo(EMPTY);
        assertThat(tracker.history(PERSON)).isEmpty();
        assertThat(tracker.isActive(PERSON)).isFalse();

        tracker.recordKeywordConsent(PERSON, "START", "", "SM-sms", "START");
        int rows = tracker.history(PERSON).size();
        for (String from : new String[] {"whatsapp:" + PERSON, "messenger:" + PERSON, "messenger:1234567890123",
                "WhatsApp:" + PERSON, "viber:" + PERSON}) {
            WebhookResponse stop = send(webhooks, from, "STOP");
            assertThat(stop.status()).as(from).isEqualTo(200);
            assertThat(stop.body()).as(from).isEqualTo(EMPTY);
        }
        assertThat(tracker.history(PERSON)).hasSize(rows);
        assertThat(tracker.isActive(PERSON)).isTrue();
        assertThat(tracker.isOptedOut(PERSON)).isFalse();
        assertThat(heard).extracting(InboundResult::change).containsOnly(InboundResult.Change.OTHER_CHANNEL);
        assertThat(heard).extracting(r -> r.message().channel()).containsExactly(Channel.WHATSAPP, Channel.WHATSAPP,
                Channel.MESSENGER, Channel.MESSENGER, Channel.WHATSAPP, Channel.OTHER);
    }

    @Test
    void anRcsStopRevokesSmsConsentLikeAnSmsStop() {
        TwilioWebhooks webhooks = webhooks(InboundHandler.builder(tracker));
        tracker.recordKeywordConsent(PERSON, "START", "", "SM-sms", "START");

        WebhookResponse stop = send(webhooks, "rcs:" + PERSON, "STOP");

        assertThat(stop.status()).isEqualTo(200);
        assertThat(tracker.isOptedOut(PERSON)).isTrue();
        assertThat(heard).singleElement().satisfies(r -> {
            assertThat(r.change()).isEqualTo(InboundResult.Change.OPTED_OUT);
            assertThat(r.message().channel()).isEqualTo(Channel.RCS);
        });
    }

    @Test
    void plainSmsIsUnchanged() {
        TwilioWebhooks webhooks = webhooks(InboundHandler.builder(tracker));
        WebhookResponse start = send(webhooks, PERSON, "START");
        assertThat(start.body()).contains("<Message>").contains("Basin");
        assertThat(tracker.isActive(PERSON)).isTrue();

        send(webhooks, PERSON, "STOP");
        assertThat(tracker.isOptedOut(PERSON)).isTrue();
        assertThat(heard).extracting(r -> r.message().channel()).containsOnly(Channel.SMS);
    }

    @Test
    void aChannelPolicyCanLetWhatsappStopsRevokeSmsConsent() {
        TwilioWebhooks webhooks = webhooks(InboundHandler.builder(tracker)
                .consentChannels(Channel.SMS, Channel.RCS, Channel.WHATSAPP));
        tracker.recordKeywordConsent(PERSON, "START", "", "SM-sms", "START");

        send(webhooks, "whatsapp:" + PERSON, "STOP");

        assertThat(tracker.isOptedOut(PERSON)).isTrue();
    }
}
