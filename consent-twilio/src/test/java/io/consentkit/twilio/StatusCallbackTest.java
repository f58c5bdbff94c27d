package io.consentkit.twilio;

import io.consentkit.consent.ConsentTracker;
import io.consentkit.inbound.InboundHandler;
import io.consentkit.send.DeliveryStatus;
import io.consentkit.send.GuardedSender;
import io.consentkit.send.InMemorySendLog;
import io.consentkit.send.OutboundMessage;
import io.consentkit.send.SendLogEntry;
import io.consentkit.send.SendOutcome;
import io.consentkit.store.InMemoryConsentStore;
import io.consentkit.testkit.FakeSmsGateway;
import io.consentkit.testkit.SettableClock;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.util.LinkedHashMap;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/** Status callbacks into the GuardedSender's send log, and opt-out codes revoking consent. */
class StatusCallbackTest {
    static final String TOKEN = "status-token";
    static final String URL = "https://hooks.example.com/twilio/status";
    static final String PERSON = "+14158675309";

    final SettableClock clock = SettableClock.at("2025-06-02T15:00:00Z");
    final ConsentTracker tracker = ConsentTracker.builder(new InMemoryConsentStore()).brand("Basin").clock(clock).build();
    final FakeSmsGateway gateway = FakeSmsGateway.create();
    final GuardedSender sender = GuardedSender.builder(tracker, gateway).clock(clock).sendLog(new InMemorySendLog()).build();
    final TwilioWebhooks webhooks = TwilioWebhooks.builder(WebhookVerifier.builder(TOKEN).build(), tracker)
            .inboundHandler(InboundHandler.builder(tracker).supportContact("help@basin.example").build())
            .statusUpdates(sender)
            .build();

    @AfterEach
    void close() {
        tracker.close();
    }

    private String sendOne() {
        tracker.recordKeywordConsent(PERSON, "START", "", "SM-in", "START");
        SendOutcome o = sender.send(OutboundMessage.transactional(PERSON, "Your order shipped"));
        assertThat(o).isInstanceOf(SendOutcome.Sent.class);
        return ((SendOutcome.Sent) o).providerId();
    }

    private static Map<String, String> callback(String sid, String status, String errorCode) {
        Map<String, String> p = new LinkedHashMap<>();
        p.put("AccountSid", TwilioFixtures.ACCOUNT_SID);
        p.put("From", "+15128001234");
        p.put("ApiVersion", "2010-04-01");
        p.put("MessageSid", sid);
        p.put("SmsSid", sid);
        p.put("MessageStatus", status);
        p.put("SmsStatus", status);
        p.put("To", PERSON);
        if (errorCode != null) {
            p.put("ErrorCode", errorCode);
        }
        return p;
    }

    private WebhookResponse post(Map<String, String> params) {
        return webhooks.status(Signed.post(TOKEN, URL, params));
    }

    @Test
    void deliveredUpdatesTheSendLog() {
        String sid = sendOne();

        assertThat(post(callback(sid, "sent", null)).status()).isEqualTo(204);
        assertThat(post(callback(sid, "delivered", null)).status()).isEqualTo(204);

        SendLogEntry e = sender.sendLog().find(sid).orElseThrow();
        assertThat(e.status()).isEqualTo(DeliveryStatus.DELIVERED);
        assertThat(tracker.isActive(PERSON)).isTrue();
    }

    @Test
    void undeliveredWithAnOrdinaryCodeIsRecordedAndConsentStays() {
        String sid = sendOne();

        post(callback(sid, "undelivered", "30003"));

        SendLogEntry e = sender.sendLog().find(sid).orElseThrow();
        assertThat(e.status()).isEqualTo(DeliveryStatus.UNDELIVERED);
        assertThat(e.statusErrorCode()).isEqualTo(30003);
        assertThat(tracker.isActive(PERSON)).isTrue();
    }

    @Test
    void failedWith21610Or30004RevokesConsent() {
        String sid = sendOne();
        post(callback(sid, "failed", "21610"));
        assertThat(tracker.isOptedOut(PERSON)).isTrue();
        assertThat(tracker.status(PERSON).orElseThrow().revokedMethod()).isEqualTo(GuardedSender.REVOKED_BY_PROVIDER);
        assertThat(sender.send(OutboundMessage.transactional(PERSON, "Again"))).isInstanceOf(SendOutcome.Blocked.class);

        String other = "+14158675310";
        tracker.recordKeywordConsent(other, "START", "", "SM-in2", "START");
        Map<String, String> p = callback("SM" + "1".repeat(32), "undelivered", "30004");
        p.put("To", other);
        post(p);
        assertThat(tracker.isOptedOut(other)).isTrue();
    }

    @Test
    void sendLogOnlyVariantRecordsAndRevokesThroughTheTracker() {
        InMemorySendLog log = new InMemorySendLog();
        GuardedSender elsewhere = GuardedSender.builder(tracker, gateway).clock(clock).sendLog(log).build();
        TwilioWebhooks logOnly = TwilioWebhooks.builder(WebhookVerifier.builder(TOKEN).build(), tracker)
                .inboundHandler(InboundHandler.builder(tracker).supportContact("help@basin.example").build())
                .statusUpdates(log)
                .build();
        tracker.recordKeywordConsent(PERSON, "START", "", "SM-in", "START");
        String sid = ((SendOutcome.Sent) elsewhere.send(OutboundMessage.transactional(PERSON, "Hi"))).providerId();

        assertThat(logOnly.status(Signed.post(TOKEN, URL, callback(sid, "failed", "21610"))).status()).isEqualTo(204);

        SendLogEntry e = log.find(sid).orElseThrow();
        assertThat(e.status()).isEqualTo(DeliveryStatus.FAILED);
        assertThat(e.statusErrorCode()).isEqualTo(21610);
        assertThat(tracker.isOptedOut(PERSON)).isTrue();
        assertThat(tracker.status(PERSON).orElseThrow().metadata()).containsEntry("revoke_message_sid", sid)
                .containsEntry("revoke_provider_code", "21610");
    }

    @Test
    void badCallbacks() {
        Map<String, String> noSid = callback("SM1", "delivered", null);
        noSid.remove("MessageSid");
        noSid.remove("SmsSid");
        assertThat(post(noSid).status()).isEqualTo(400);
        assertThat(post(callback("SM1", "teleported", null)).status()).isEqualTo(204);
        assertThat(webhooks.status(io.consentkit.twilio.WebhookRequest.of("POST", java.net.URI.create(URL),
                Map.of("Content-Type", java.util.List.of("application/x-www-form-urlencoded")),
                Signed.form(callback("SM1", "delivered", null)).getBytes(java.nio.charset.StandardCharsets.UTF_8)))
                .status()).isEqualTo(403);
    }
}
