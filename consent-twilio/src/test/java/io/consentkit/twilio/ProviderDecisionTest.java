package io.consentkit.twilio;

import io.consentkit.consent.ConsentTracker;
import io.consentkit.inbound.ConfirmationEvent;
import io.consentkit.inbound.Confirmations;
import io.consentkit.inbound.InboundHandler;
import io.consentkit.inbound.InboundListener;
import io.consentkit.inbound.InboundResult;
import io.consentkit.inbound.Intent;
import io.consentkit.journal.ConsentRecord;
import io.consentkit.journal.RevocationMethod;
import io.consentkit.send.GuardedSender;
import io.consentkit.send.InMemorySendLog;
import io.consentkit.send.OutboundMessage;
import io.consentkit.send.SendOutcome;
import io.consentkit.store.InMemoryConsentStore;
import io.consentkit.testkit.FakeSmsGateway;
import io.consentkit.testkit.SettableClock;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Twilio's own decisions (Advanced Opt-Out's OptOutType, opt-out error codes) reach consent through the
 * same paths as everything else: the inbound handler's lock and duplicate check, and one provider
 * opt-out step shared with the sender.
 */
class ProviderDecisionTest {
    static final String TOKEN = "decision-token";
    static final String INBOUND_URL = "https://hooks.example.com/twilio/inbound";
    static final String STATUS_URL = "https://hooks.example.com/twilio/status";
    static final String PERSON = "+14158675309";

    final SettableClock clock = SettableClock.at("2025-06-02T18:00:00Z");
    final ConsentTracker tracker = ConsentTracker.builder(new InMemoryConsentStore()).brand("Basin").clock(clock).build();
    final List<ConfirmationEvent> confirmationEvents = new CopyOnWriteArrayList<>();
    final List<InboundResult> heard = new CopyOnWriteArrayList<>();
    final Confirmations confirmations = Confirmations.builder(tracker).recordBeforeSend().listener(confirmationEvents::add).build();
    final InboundHandler handler = InboundHandler.builder(tracker).supportContact("help@basin.example")
            .confirmations(confirmations).listener(new InboundListener() {
                @Override
                public void onResult(InboundResult result) {
                    heard.add(result);
                }
            }).build();
    final InMemorySendLog log = new InMemorySendLog();
    final TwilioWebhooks webhooks = TwilioWebhooks.builder(WebhookVerifier.builder(TOKEN).build(), tracker)
            .inboundHandler(handler).statusUpdates(log).build();

    @AfterEach
    void close() {
        tracker.close();
    }

    private WebhookResponse inbound(String body, String sid, String optOutType) {
        Map<String, String> p = Signed.inbound(PERSON, body, sid);
        p.put("OptOutType", optOutType);
        return webhooks.inbound(Signed.post(TOKEN, INBOUND_URL, p));
    }

    @Test
    void optOutTypeStopDeliveredTwiceWithTheSameSidWritesOneRow() {
        tracker.recordKeywordConsent(PERSON, "START", "", "SM0", "START");
        int before = tracker.history(PERSON).size();

        inbound("BASTA", "SM-basta", "STOP");
        inbound("BASTA", "SM-basta", "STOP");

        assertThat(tracker.history(PERSON)).hasSize(before + 1);
        assertThat(heard).extracting(InboundResult::change)
                .containsExactly(InboundResult.Change.OPTED_OUT, InboundResult.Change.DUPLICATE);
        assertThat(tracker.status(PERSON).orElseThrow().revokedMethod()).isEqualTo(RevocationMethod.TWILIO_OPT_OUT);
    }

    @Test
    void concurrentRedeliveriesOfAnOptOutTypeStopWriteOneRow() throws Exception {
        tracker.recordKeywordConsent(PERSON, "START", "", "SM0", "START");
        int before = tracker.history(PERSON).size();
        ExecutorService pool = Executors.newFixedThreadPool(4);
        try {
            List<Future<WebhookResponse>> answers = new java.util.ArrayList<>();
            for (int i = 0; i < 8; i++) {
                answers.add(pool.submit(() -> inbound("BASTA", "SM-race", "STOP")));
            }
            for (Future<WebhookResponse> f : answers) {
                assertThat(f.get().status()).isEqualTo(200);
            }
        } finally {
            pool.shutdownNow();
        }

        assertThat(tracker.history(PERSON)).hasSize(before + 1);
        assertThat(heard).filteredOn(r -> r.change() == InboundResult.Change.OPTED_OUT).hasSize(1);
    }

    @Test
    void optOutTypeStopRevokesAPendingConfirmationAndReportsIt() {
        String id = confirmations.request(PERSON, "Reply Y to confirm Saturday", Map.of("row", "7"), Duration.ofHours(1));

        WebhookResponse r = inbound("BASTA", "SM-stop", "STOP");

        assertThat(r.body()).isEqualTo("<?xml version=\"1.0\" encoding=\"UTF-8\"?><Response/>");
        assertThat(confirmationEvents).extracting(ConfirmationEvent::outcome)
                .containsExactly(ConfirmationEvent.Outcome.REQUESTED, ConfirmationEvent.Outcome.OPTED_OUT);
        assertThat(confirmations.pending(PERSON)).isEmpty();
        assertThat(tracker.findById(id).orElseThrow().revokedMethod()).isEqualTo(RevocationMethod.TWILIO_OPT_OUT);
        assertThat(heard.get(0).intent()).isEqualTo(Intent.OPT_OUT);
        assertThat(heard.get(0).records()).isNotEmpty().allMatch(row -> row.metadata()
                .get("revoke_match").equals("twilio_opt_out_type"));
    }

    @Test
    void optOutTypeStartForAWordAlreadyHandledAsOptInRecordsOneConsent() {
        inbound("START", "SM-start", "START");

        assertThat(tracker.history(PERSON)).hasSize(1);
        assertThat(tracker.isActive(PERSON)).isTrue();
    }

    @Test
    void statusCallbackAndSenderRevokeThroughTheSameProviderOptOutStep() {
        FakeSmsGateway gateway = FakeSmsGateway.create();
        GuardedSender sender = GuardedSender.builder(tracker, gateway).clock(clock).sendLog(log).build();
        String other = "+14158675310";
        tracker.recordKeywordConsent(PERSON, "START", "", "SM-in", "START");
        tracker.recordKeywordConsent(other, "START", "", "SM-in2", "START");
        String sid = ((SendOutcome.Sent) sender.send(OutboundMessage.transactional(PERSON, "Hi"))).providerId();

        Map<String, String> p = new LinkedHashMap<>();
        p.put("MessageSid", sid);
        p.put("MessageStatus", "undelivered");
        p.put("ErrorCode", "21610");
        p.put("To", PERSON);
        assertThat(webhooks.status(Signed.post(TOKEN, STATUS_URL, p)).status()).isEqualTo(204);
        sender.onDeliveryStatus(new io.consentkit.send.DeliveryUpdate("SM-other", io.consentkit.send.DeliveryStatus.FAILED,
                30004, clock.instant(), other, true));

        ConsentRecord byCallback = tracker.status(PERSON).orElseThrow();
        ConsentRecord bySender = tracker.status(other).orElseThrow();
        for (ConsentRecord row : List.of(byCallback, bySender)) {
            assertThat(row.revokedMethod()).isEqualTo(RevocationMethod.PROVIDER_OPT_OUT);
            assertThat(row.metadata()).containsEntry("revoke_notes", "the provider reported that the recipient opted out")
                    .containsKeys("revoke_provider_code", "revoke_gateway");
        }
        assertThat(byCallback.metadata()).containsEntry("revoke_gateway", "twilio").containsEntry("revoke_message_sid", sid)
                .containsEntry("revoke_provider_code", "21610");
        assertThat(bySender.metadata()).containsEntry("revoke_gateway", gateway.name())
                .containsEntry("revoke_provider_code", "30004");
    }

    @Test
    void optOutTypeMapsToTheProviderIntent() {
        assertThat(TwilioWebhooks.providerIntent(" stop ")).isEqualTo(Intent.OPT_OUT);
        assertThat(TwilioWebhooks.providerIntent("START")).isEqualTo(Intent.OPT_IN);
        assertThat(TwilioWebhooks.providerIntent("HELP")).isEqualTo(Intent.HELP);
        assertThat(TwilioWebhooks.providerIntent("")).isEqualTo(Intent.NONE);
        assertThat(TwilioWebhooks.providerIntent("SOMETHING_NEW")).isEqualTo(Intent.NONE);
    }

    @Test
    void theBuilderHasNoPublicGettersAndDefaultsTheInboundHandler() {
        assertThat(java.util.Arrays.stream(TwilioWebhooks.Builder.class.getDeclaredMethods())
                .filter(m -> java.lang.reflect.Modifier.isPublic(m.getModifiers()))
                .filter(m -> m.getReturnType() != TwilioWebhooks.Builder.class && !m.getName().equals("build")))
                .isEmpty();
        // the README's promise: verifier and tracker alone give the three handlers (issue 19, bug 7)
        assertThat(TwilioWebhooks.builder(WebhookVerifier.builder(TOKEN).build(), tracker).build().toString())
                .startsWith("TwilioWebhooks[");
    }
}
