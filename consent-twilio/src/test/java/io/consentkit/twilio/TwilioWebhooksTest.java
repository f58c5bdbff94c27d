package io.consentkit.twilio;

import io.consentkit.journal.ConsentRecord;
import io.consentkit.consent.ConsentTracker;
import io.consentkit.inbound.InboundHandler;
import io.consentkit.store.InMemoryConsentStore;
import io.consentkit.testkit.SettableClock;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;

import static org.assertj.core.api.Assertions.assertThat;

class TwilioWebhooksTest {
    static final String TOKEN = "webhooks-token";
    static final String INBOUND_URL = "https://hooks.example.com/twilio/inbound";
    static final String PERSON = "+14158675309";

    final SettableClock clock = SettableClock.at("2025-06-01T12:00:00Z");
    final ConsentTracker tracker = ConsentTracker.builder(new InMemoryConsentStore()).brand("Tom & Jerry's").clock(clock).build();
    final List<DebuggerEvent> events = new CopyOnWriteArrayList<>();
    final List<SignatureCheck> rejected = new CopyOnWriteArrayList<>();
    final TwilioWebhooks webhooks = TwilioWebhooks.builder(WebhookVerifier.builder(TOKEN).build(), tracker)
            .inboundHandler(InboundHandler.builder(tracker).supportContact("help@example.com").build())
            .listener(new TwilioWebhookListener() {
                @Override
                public void onDebuggerEvent(DebuggerEvent event) {
                    events.add(event);
                }

                @Override
                public void onRejected(String route, SignatureCheck check) {
                    rejected.add(check);
                }
            })
            .build();

    @AfterEach
    void close() {
        tracker.close();
    }

    private WebhookResponse inbound(String body, String sid, String... extra) {
        Map<String, String> p = Signed.inbound(PERSON, body, sid);
        for (int i = 0; i < extra.length; i += 2) {
            p.put(extra[i], extra[i + 1]);
        }
        return webhooks.inbound(Signed.post(TOKEN, INBOUND_URL, p));
    }

    private static String message(String text) {
        return "<?xml version=\"1.0\" encoding=\"UTF-8\"?><Response><Message>" + text + "</Message></Response>";
    }

    private static final String EMPTY = "<?xml version=\"1.0\" encoding=\"UTF-8\"?><Response/>";

    @Test
    void stopRevokesAndLeavesTheReplyToTwilio() {
        tracker.recordKeywordConsent(PERSON, "START", "", "SM0", "START");

        WebhookResponse r = inbound("STOP", "SM1");

        assertThat(r.status()).isEqualTo(200);
        assertThat(r.contentType()).isEqualTo("text/xml; charset=utf-8");
        assertThat(r.body()).isEqualTo(EMPTY);
        assertThat(tracker.isOptedOut(PERSON)).isTrue();
        assertThat(tracker.status(PERSON).orElseThrow().metadata()).containsEntry("revoke_message_sid", "SM1");
    }

    @Test
    void wordingTwilioIgnoresGetsOurEscapedConfirmation() {
        WebhookResponse r = inbound("please stop texting me", "SM2");

        assertThat(tracker.isOptedOut(PERSON)).isTrue();
        assertThat(r.body()).isEqualTo(message("Tom &amp; Jerry&apos;s: you are unsubscribed and will receive no further "
                + "messages. Reply START to resubscribe."));
    }

    @Test
    void startRecordsConsentAndRepliesWithTheRecordedText() {
        WebhookResponse r = inbound("START", "SM3");

        ConsentRecord row = tracker.status(PERSON).orElseThrow();
        assertThat(tracker.isActive(PERSON)).isTrue();
        assertThat(row.metadata()).containsEntry("message_sid", "SM3");
        assertThat(r.body()).isEqualTo(message(io.consentkit.twilio.internal.Twiml.escape(row.consentMessage())));
    }

    @Test
    void helpIsAnsweredUnlessTwilioAdvancedOptOutAlreadyDid() {
        assertThat(inbound("HELP", "SM4").body()).contains("help@example.com");
        assertThat(inbound("HELP", "SM5", "OptOutType", "HELP").body()).isEqualTo(EMPTY);
    }

    @Test
    void advancedOptOutStopRevokesEvenForAWordOurParserDoesNotKnow() {
        tracker.recordKeywordConsent(PERSON, "START", "", "SM0", "START");

        WebhookResponse r = inbound("BASTA", "SM6", "OptOutType", "STOP");

        assertThat(r.body()).isEqualTo(EMPTY);
        assertThat(tracker.isOptedOut(PERSON)).isTrue();
        ConsentRecord row = tracker.status(PERSON).orElseThrow();
        assertThat(row.revokedMethod()).isEqualTo(TwilioWebhooks.REVOKED_BY_TWILIO_OPT_OUT);
        assertThat(row.metadata()).containsEntry("revoke_message_sid", "SM6").containsEntry("revoke_keyword", "BASTA");
    }

    @Test
    void advancedOptOutStopWithAKnownWordRevokesOnceAndSendsNoSecondConfirmation() {
        WebhookResponse r = inbound("please stop texting me", "SM7", "OptOutType", "STOP");

        assertThat(r.body()).isEqualTo(EMPTY);
        assertThat(tracker.history(PERSON)).hasSize(1);
        assertThat(tracker.status(PERSON).orElseThrow().revokedMethod()).isEqualTo(ConsentTracker.REVOKED_BY_KEYWORD);
    }

    @Test
    void advancedOptOutStartRecordsAConsentForACustomWord() {
        tracker.revoke(PERSON, ConsentTracker.REVOKED_BY_KEYWORD, "earlier STOP");

        WebhookResponse r = inbound("JOIN", "SM8", "OptOutType", "START");

        assertThat(tracker.isActive(PERSON)).isTrue();
        ConsentRecord row = tracker.status(PERSON).orElseThrow();
        assertThat(row.metadata()).containsEntry("message_sid", "SM8");
        assertThat(r.body()).isEqualTo(message(io.consentkit.twilio.internal.Twiml.escape(row.consentMessage())));
    }

    @Test
    void redeliveryOfTheSameMessageChangesNothing() {
        inbound("STOP", "SM9");
        int rows = tracker.history(PERSON).size();

        assertThat(inbound("STOP", "SM9", "OptOutType", "STOP").body()).isEqualTo(EMPTY);
        assertThat(tracker.history(PERSON)).hasSize(rows);
    }

    @Test
    void unsignedOrForgedRequestsAre403AndChangeNothing() {
        Map<String, String> p = Signed.inbound(PERSON, "STOP", "SM10");
        WebhookRequest forged = WebhookRequest.of("POST", URI.create(INBOUND_URL),
                Map.of("Content-Type", List.of("application/x-www-form-urlencoded"),
                        "X-Twilio-Signature", List.of(Signed.signature("wrong-token", INBOUND_URL, p))),
                Signed.form(p).getBytes(StandardCharsets.UTF_8));
        WebhookRequest unsigned = WebhookRequest.of("POST", URI.create(INBOUND_URL),
                Map.of("Content-Type", List.of("application/x-www-form-urlencoded")), Signed.form(p).getBytes(StandardCharsets.UTF_8));

        assertThat(webhooks.inbound(forged).status()).isEqualTo(403);
        assertThat(webhooks.inbound(unsigned).status()).isEqualTo(403);
        assertThat(webhooks.debugger(unsigned).status()).isEqualTo(403);
        assertThat(tracker.history(PERSON)).isEmpty();
        assertThat(rejected).extracting(SignatureCheck::outcome).containsExactly(SignatureCheck.Outcome.INVALID_SIGNATURE,
                SignatureCheck.Outcome.MISSING_SIGNATURE, SignatureCheck.Outcome.MISSING_SIGNATURE);
    }

    @Test
    void missingFromIs400AndANonPhoneSenderIsAnsweredWithoutChange() {
        Map<String, String> p = Signed.inbound(PERSON, "STOP", "SM11");
        p.remove("From");
        assertThat(webhooks.inbound(Signed.post(TOKEN, INBOUND_URL, p)).status()).isEqualTo(400);

        Map<String, String> whatsapp = Signed.inbound("whatsapp:+14158675309", "STOP", "SM12");
        WebhookResponse r = webhooks.inbound(Signed.post(TOKEN, INBOUND_URL, whatsapp));
        assertThat(r.status()).isEqualTo(200);
        assertThat(r.body()).isEqualTo(EMPTY);
    }

    @Test
    void debuggerEventsReachTheListener() {
        Map<String, String> p = new java.util.LinkedHashMap<>();
        p.put("AccountSid", TwilioFixtures.ACCOUNT_SID);
        p.put("Sid", "NO0123456789abcdef0123456789abcdef");
        p.put("Timestamp", "2025-06-01T12:00:00Z");
        p.put("Level", "Error");
        p.put("PayloadType", "application/json");
        p.put("Payload", "{\"resource_sid\":\"SM1\",\"error_code\":\"30007\"}");

        WebhookResponse r = webhooks.debugger(Signed.post(TOKEN, "https://hooks.example.com/twilio/debugger", p));

        assertThat(r.status()).isEqualTo(204);
        assertThat(events).singleElement().satisfies(e -> {
            assertThat(e.errorCode()).isEqualTo(30007);
            assertThat(e.level()).isEqualTo(DebuggerEvent.Level.ERROR);
        });
        Map<String, String> notAnEvent = Map.of("Body", "hi");
        assertThat(webhooks.debugger(Signed.post(TOKEN, "https://hooks.example.com/twilio/debugger", notAnEvent)).status())
                .isEqualTo(400);
    }

    @Test
    void theBuilderWithOnlyVerifierAndTrackerGivesTheThreeHandlers() {
        TwilioWebhooks plain = TwilioWebhooks.builder(WebhookVerifier.builder(TOKEN).build(), tracker).build();
        tracker.recordKeywordConsent(PERSON, "START", "", "SM20", "START");

        WebhookResponse stop = plain.inbound(Signed.post(TOKEN, INBOUND_URL, Signed.inbound(PERSON, "STOP", "SM21")));
        assertThat(stop.status()).isEqualTo(200);
        assertThat(tracker.isOptedOut(PERSON)).isTrue();
        WebhookResponse help = plain.inbound(Signed.post(TOKEN, INBOUND_URL, Signed.inbound(PERSON, "HELP", "SM23")));
        assertThat(help.status()).isEqualTo(200);
        assertThat(help.body()).isEqualTo(EMPTY); // HELP is left to Twilio's own answer

        Map<String, String> callback = new java.util.LinkedHashMap<>();
        callback.put("AccountSid", TwilioFixtures.ACCOUNT_SID);
        callback.put("MessageSid", "SM22");
        callback.put("MessageStatus", "delivered");
        callback.put("To", PERSON);
        assertThat(plain.status(Signed.post(TOKEN, "https://hooks.example.com/twilio/status", callback)).status())
                .isEqualTo(204);

        Map<String, String> event = new java.util.LinkedHashMap<>();
        event.put("AccountSid", TwilioFixtures.ACCOUNT_SID);
        event.put("Sid", "NO0123456789abcdef0123456789abcdef");
        event.put("Timestamp", "2025-06-01T12:00:00Z");
        event.put("Level", "Error");
        event.put("PayloadType", "application/json");
        event.put("Payload", "{\"resource_sid\":\"SM1\",\"error_code\":\"30007\"}");
        assertThat(plain.debugger(Signed.post(TOKEN, "https://hooks.example.com/twilio/debugger", event)).status())
                .isEqualTo(204);
    }
}
