package io.consentkit.twilio;

import io.consentkit.consent.ConsentRequest;
import io.consentkit.consent.ConsentTracker;
import io.consentkit.consent.Programs;
import io.consentkit.consent.RevocationPolicy;
import io.consentkit.inbound.InboundHandler;
import io.consentkit.inbound.ReplyPolicy;
import io.consentkit.journal.OptInMethod;
import io.consentkit.phone.PhoneNumber;
import io.consentkit.send.GuardedSender;
import io.consentkit.send.OutboundMessage;
import io.consentkit.send.SendOutcome;
import io.consentkit.store.InMemoryConsentStore;
import io.consentkit.testkit.FakeSmsGateway;
import io.consentkit.testkit.SettableClock;
import io.consentkit.twilio.internal.Twiml;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/** A signed messaging webhook's {@code To} reaches the program of that sender; the STOP reply goes out once. */
class ProgramWebhookTest {
    static final String TOKEN = "program-token";
    static final String URL = "https://hooks.example.com/twilio/inbound";
    static final String PERSON = "+14158675309";
    static final String MARKETING_SENDER = "+15128001234";
    static final String ALERTS_SENDER = "+15128009999";
    static final String THANKS = "Thanks for subscribing to Basin alerts. Reply STOP to opt out, HELP for help. "
            + "Msg&data rates may apply. Up to 4 msgs/month.";
    static final String EMPTY = "<?xml version=\"1.0\" encoding=\"UTF-8\"?><Response/>";

    final SettableClock clock = SettableClock.at("2026-11-25T15:00:00Z");
    ConsentTracker tracker;
    TwilioWebhooks webhooks;

    @AfterEach
    void close() {
        tracker.close();
    }

    void open(RevocationPolicy policy) {
        Programs programs = Programs.builder().defaultProgram("marketing", "basin")
                .program("marketing", "basin", MARKETING_SENDER).program("alerts", "basin", ALERTS_SENDER)
                .policy(policy).build();
        tracker = ConsentTracker.builder(new InMemoryConsentStore()).brand("Basin").clock(clock).programs(programs)
                .build();
        webhooks = TwilioWebhooks.builder(WebhookVerifier.builder(TOKEN).build(), tracker)
                .inboundHandler(InboundHandler.builder(tracker).supportContact("help@basin.example")
                        .optInReply("alerts", THANKS).optOutReplyPolicy(ReplyPolicy.ALWAYS).build())
                .build();
    }

    static WebhookRequest signed(String to, String body, String sid) {
        Map<String, String> p = Signed.inbound(PERSON, body, sid);
        p.put("To", to);
        return Signed.post(TOKEN, URL, p);
    }

    static String message(String text) {
        return "<?xml version=\"1.0\" encoding=\"UTF-8\"?><Response><Message>" + Twiml.escape(text)
                + "</Message></Response>";
    }

    @Test
    void aStartToTheAlertsSenderOptsInToAlertsOnlyWithItsWording() {
        open(RevocationPolicy.SENDER);

        WebhookResponse r = webhooks.inbound(signed(ALERTS_SENDER, "START", "SM1"));

        assertThat(r.body()).isEqualTo(message(THANKS));
        assertThat(tracker.isActive(PERSON, "alerts")).isTrue();
        assertThat(tracker.isActive(PERSON, "marketing")).isFalse();
        assertThat(tracker.status(PhoneNumber.of(PERSON), "alerts").orElseThrow().metadata())
                .containsEntry("to", ALERTS_SENDER);
    }

    @Test
    void aStopToTheAlertsSenderUnderSenderLeavesMarketing() {
        open(RevocationPolicy.SENDER);
        for (String p : new String[] {"marketing", "alerts"}) {
            tracker.recordConsent(ConsentRequest.builder(PERSON, OptInMethod.WEB_FORM, "Basin texts").program(p).build());
        }

        webhooks.inbound(signed(ALERTS_SENDER, "STOP", "SM2"));

        assertThat(tracker.isActive(PERSON, "alerts")).isFalse();
        assertThat(tracker.isActive(PERSON, "marketing")).isTrue();
    }

    @Test
    void theStopConfirmationIsTheWebhooksAnswerAfterTheOptOutIsRecordedOnceAndLaterSendsAreBlocked() {
        open(RevocationPolicy.ALL);
        for (String p : new String[] {"marketing", "alerts"}) {
            tracker.recordConsent(ConsentRequest.builder(PERSON, OptInMethod.WEB_FORM, "Basin texts").program(p).build());
        }
        FakeSmsGateway gateway = FakeSmsGateway.create();
        GuardedSender sender = GuardedSender.builder(tracker, gateway).clock(clock).build();
        WebhookRequest stop = signed(ALERTS_SENDER, "STOP", "SM3");

        WebhookResponse first = webhooks.inbound(stop);

        // the reply is Twilio's answer to this webhook, not a send: the suppression cannot block it
        assertThat(tracker.isOptedOut(PERSON, "alerts")).isTrue();
        assertThat(tracker.isOptedOut(PERSON, "marketing")).isTrue();
        assertThat(first.body()).isEqualTo(message("Basin: you are unsubscribed and will receive no further messages. "
                + "Reply START to resubscribe."));
        assertThat(webhooks.inbound(stop).body()).isEqualTo(EMPTY); // Twilio's retry gets no second confirmation
        SendOutcome next = sender.send(OutboundMessage.transactional(PERSON, "Your order shipped"));
        assertThat(next.sent()).isFalse();
        assertThat(gateway.requests()).isEmpty();
    }
}
