package io.consentkit.inbound;

import io.consentkit.inbound.Confirmations;
import io.consentkit.inbound.InboundHandler;
import io.consentkit.inbound.InboundListener;
import io.consentkit.inbound.InboundMessage;
import io.consentkit.inbound.InboundResult;
import io.consentkit.inbound.Intent;
import io.consentkit.inbound.ReplyPolicy;
import io.consentkit.InvalidInputException;
import io.consentkit.journal.ConsentRecord;
import io.consentkit.journal.ConsentStatus;
import io.consentkit.consent.ConsentTracker;
import io.consentkit.journal.OptInMethod;
import io.consentkit.phone.InvalidPhoneNumberException;
import io.consentkit.journal.ConsentStore;
import io.consentkit.journal.ConsentStoreException;
import io.consentkit.store.CsvConsentStore;
import io.consentkit.store.InMemoryConsentStore;
import io.consentkit.journal.StoreCapabilities;
import io.consentkit.testkit.SettableClock;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class InboundHandlerTest {
    static final String ANN = "+15125551234";
    static final String BOB = "+15125550199";
    static final String SUPPORT = "help@basin.example or 512-555-0100";

    @TempDir
    Path dir;

    SettableClock clock = SettableClock.at("2026-03-02T15:00:00Z");
    ConsentTracker tracker;
    InboundHandler handler;
    List<InboundResult> heard = Collections.synchronizedList(new ArrayList<>());
    List<InboundResult> unmatched = Collections.synchronizedList(new ArrayList<>());
    int sid;

    @BeforeEach
    void open() {
        tracker = ConsentTracker.builder(new InMemoryConsentStore()).brand("Basin Climbing").clock(clock).build();
        handler = handlerBuilder(tracker).build();
    }

    @AfterEach
    void close() {
        tracker.close();
    }

    InboundHandler.Builder handlerBuilder(ConsentTracker t) {
        return InboundHandler.builder(t).supportContact(SUPPORT).listener(new InboundListener() {
            @Override
            public void onResult(InboundResult result) {
                heard.add(result);
            }

            @Override
            public void onUnmatched(InboundResult result) {
                unmatched.add(result);
            }
        });
    }

    InboundMessage msg(String from, String body) {
        return new InboundMessage(from, "+15125550000", body, "SM" + (++sid), clock.instant());
    }

    // ---- opt-out ------------------------------------------------------------------------------------

    @Test
    void stopRevokesEveryActiveConsentWithEvidenceAndLeavesTheReplyToTwilio() {
        tracker.recordWebFormConsent(ANN, "c1", "Ann", "", "", "");
        tracker.recordInPersonConsent(ANN, "c1", "Ann", "Joe", "front desk");
        clock.advance(Duration.ofMinutes(3));

        InboundResult r = handler.handle(new InboundMessage(ANN, "+15125550000", "Stop.", "SM1", clock.instant()));

        assertThat(r.intent()).isEqualTo(Intent.OPT_OUT);
        assertThat(r.keyword()).isEqualTo("STOP");
        assertThat(r.change()).isEqualTo(InboundResult.Change.OPTED_OUT);
        assertThat(r.records()).hasSize(2).allSatisfy(row -> {
            assertThat(row.status()).isEqualTo(ConsentStatus.REVOKED);
            assertThat(row.revokedMethod()).isEqualTo(ConsentTracker.REVOKED_BY_KEYWORD);
            assertThat(row.revokedAt()).isEqualTo(clock.instant());
            assertThat(row.metadata()).containsEntry("revoke_message_sid", "SM1")
                    .containsEntry("revoke_inbound_body", "Stop.")
                    .containsEntry("revoke_received_at", "2026-03-02T15:03:00Z")
                    .containsEntry("revoke_keyword", "STOP")
                    .containsEntry("revoke_match", "whole_message")
                    .containsEntry("revoke_to", "+15125550000");
        });
        assertThat(tracker.isOptedOut(ANN)).isTrue();
        assertThat(tracker.isActive(ANN)).isFalse();
        // Twilio answered STOP itself: a second confirmation would be a duplicate
        assertThat(r.hasReply()).isFalse();
        assertThat(heard).containsExactly(r);
        assertThat(unmatched).isEmpty();
    }

    @Test
    void aStopInAReplyTwilioIgnoresGetsOurOneConfirmation() {
        InboundResult r = handler.handle(msg(ANN, "Please stop texting me"));
        assertThat(r.change()).isEqualTo(InboundResult.Change.OPTED_OUT);
        assertThat(r.match().wholeMessage()).isFalse();
        assertThat(r.records()).singleElement().satisfies(row -> {
            assertThat(row.isSuppression()).isTrue();
            assertThat(row.metadata()).containsEntry("revoke_match", "in_reply");
        });
        assertThat(r.reply()).startsWith("Basin Climbing:").contains("unsubscribed").contains("START");
        assertThat(tracker.isOptedOut(ANN)).isTrue();
    }

    @Test
    void optOutReplyPolicies() {
        InboundHandler always = handlerBuilder(tracker).optOutReplyPolicy(ReplyPolicy.ALWAYS)
                .optOutReply("Basin Climbing: unsubscribed. No more texts.").build();
        assertThat(always.handle(msg(ANN, "STOP")).reply()).isEqualTo("Basin Climbing: unsubscribed. No more texts.");

        InboundHandler never = handlerBuilder(tracker).optOutReplyPolicy(ReplyPolicy.NEVER).build();
        assertThat(never.handle(msg(ANN, "please stop")).hasReply()).isFalse();

        // a short code outside a Messaging Service: Twilio answers nothing, so we do
        InboundHandler shortCode = handlerBuilder(tracker).providerKeywords(Set.of()).build();
        assertThat(shortCode.handle(msg(ANN, "STOP")).reply()).contains("unsubscribed");
        // "opt out" is not a Twilio keyword: ours goes out even with the default provider set
        assertThat(handler.handle(msg(ANN, "opt out")).reply()).contains("unsubscribed");
    }

    // ---- opt-in and help ----------------------------------------------------------------------------

    @Test
    void startRecordsAKeywordConsentAndRepliesWithItsExactText() {
        handler.handle(msg(ANN, "STOP"));
        clock.advance(Duration.ofDays(1));

        InboundResult r = handler.handle(new InboundMessage(ANN, "", "start", "SM77", clock.instant()));

        assertThat(r.change()).isEqualTo(InboundResult.Change.OPTED_IN);
        ConsentRecord row = r.records().get(0);
        assertThat(row.optInMethod()).isEqualTo(OptInMethod.KEYWORD);
        assertThat(row.status()).isEqualTo(ConsentStatus.ACTIVE);
        assertThat(row.consentMessage()).isEqualTo(tracker.texts().keyword("START"))
                .contains("Basin Climbing", "START", "rates may apply", "STOP", "HELP", "frequency");
        assertThat(row.metadata()).containsEntry("message_sid", "SM77").containsEntry("inbound_body", "start")
                .containsEntry("keyword", "START");
        assertThat(r.reply()).isEqualTo(row.consentMessage());
        assertThat(tracker.isActive(ANN)).isTrue();
    }

    @Test
    void yesWithoutAPendingConfirmationIsAnOptIn() {
        InboundResult r = handler.handle(msg(ANN, "YES"));
        assertThat(r.intent()).isEqualTo(Intent.OPT_IN);
        assertThat(r.records()).singleElement().extracting(ConsentRecord::optInMethod).isEqualTo(OptInMethod.KEYWORD);
        InboundResult n = handler.handle(msg(ANN, "N"));
        assertThat(n.intent()).isEqualTo(Intent.NONE);
        assertThat(n.change()).isEqualTo(InboundResult.Change.NONE);
    }

    @Test
    void helpRepliesWithBrandContactAndInstructionsAndChangesNothing() {
        InboundResult r = handler.handle(msg(ANN, "help"));
        assertThat(r.intent()).isEqualTo(Intent.HELP);
        assertThat(r.change()).isEqualTo(InboundResult.Change.NONE);
        assertThat(r.records()).isEmpty();
        assertThat(r.reply()).contains("Basin Climbing", SUPPORT, "STOP");
        assertThat(tracker.history(ANN)).isEmpty();
        assertThat(unmatched).isEmpty();

        InboundHandler custom = handlerBuilder(tracker).helpReply("Basin: call 512-555-0100. STOP to end.").build();
        assertThat(custom.handle(msg(ANN, "INFO")).reply()).isEqualTo("Basin: call 512-555-0100. STOP to end.");
    }

    @Test
    void helpNeedsAContactUnlessTurnedOff() {
        assertThatThrownBy(() -> InboundHandler.builder(tracker).build())
                .isInstanceOf(InvalidInputException.class).extracting("field").isEqualTo("supportContact");
        InboundHandler quiet = InboundHandler.builder(tracker).helpReplyPolicy(ReplyPolicy.NEVER).build();
        assertThat(quiet.handle(msg(ANN, "HELP")).hasReply()).isFalse();
        assertThatThrownBy(() -> InboundHandler.builder(tracker).supportContact(" "))
                .isInstanceOf(InvalidInputException.class);
        assertThatThrownBy(() -> InboundHandler.builder(tracker).recentSids(0))
                .isInstanceOf(InvalidInputException.class);
    }

    @Test
    void anythingElseChangesNothingAndTheListenerHearsIt() {
        InboundResult r = handler.handle(msg(ANN, "What time do you open on Sunday?"));
        assertThat(r.intent()).isEqualTo(Intent.NONE);
        assertThat(r.change()).isEqualTo(InboundResult.Change.NONE);
        assertThat(r.records()).isEmpty();
        assertThat(r.hasReply()).isFalse();
        assertThat(unmatched).containsExactly(r);
        assertThat(tracker.history(ANN)).isEmpty();
    }

    @Test
    void anInvalidSenderIsRejected() {
        assertThatThrownBy(() -> handler.handle(msg("12", "STOP"))).isInstanceOf(InvalidPhoneNumberException.class);
    }

    // ---- duplicates --------------------------------------------------------------------------------

    @Test
    void aRedeliveredSidRecordsNothingTwice() {
        InboundMessage start = msg(ANN, "START");
        InboundResult first = handler.handle(start);
        InboundResult again = handler.handle(start);
        assertThat(first.change()).isEqualTo(InboundResult.Change.OPTED_IN);
        assertThat(again.change()).isEqualTo(InboundResult.Change.DUPLICATE);
        assertThat(again.isDuplicate()).isTrue();
        assertThat(again.intent()).isEqualTo(Intent.OPT_IN);
        assertThat(again.records()).isEmpty();
        assertThat(again.hasReply()).isFalse();
        assertThat(tracker.history(ANN)).hasSize(1);

        InboundMessage help = msg(ANN, "HELP");
        assertThat(handler.handle(help).hasReply()).isTrue();
        assertThat(handler.handle(help).isDuplicate()).isTrue();

        // same body, new SID: a new message
        assertThat(handler.handle(msg(ANN, "START")).change()).isEqualTo(InboundResult.Change.OPTED_IN);
        assertThat(tracker.history(ANN)).hasSize(2);
    }

    @Test
    void aSidFoundOnlyInTheJournalIsADuplicateToo() {
        InboundMessage stop = msg(ANN, "STOP");
        handler.handle(stop);
        // a second handler over the same tracker has no memory of it: the journal row's metadata answers
        InboundHandler other = handlerBuilder(tracker).recentSids(1).build();
        assertThat(other.handle(stop).change()).isEqualTo(InboundResult.Change.DUPLICATE);
        assertThat(tracker.history(ANN)).hasSize(1);
    }

    @Test
    void duplicatesAreRecognisedAfterReopeningTheCsvStore() {
        Path file = dir.resolve("consents.csv");
        ConsentTracker t1 = ConsentTracker.builder(CsvConsentStore.open(file)).brand("Basin").clock(clock).build();
        InboundHandler h1 = handlerBuilder(t1).build();
        InboundMessage stop = new InboundMessage(ANN, "", "STOP", "SMaaa", clock.instant());
        InboundMessage start = new InboundMessage(BOB, "", "START", "SMbbb", clock.instant());
        assertThat(h1.handle(stop).change()).isEqualTo(InboundResult.Change.OPTED_OUT);
        assertThat(h1.handle(start).change()).isEqualTo(InboundResult.Change.OPTED_IN);
        t1.close();

        ConsentTracker t2 = ConsentTracker.builder(CsvConsentStore.open(file)).brand("Basin").clock(clock).build();
        try {
            InboundHandler h2 = handlerBuilder(t2).build();
            assertThat(h2.handle(stop).change()).isEqualTo(InboundResult.Change.DUPLICATE);
            assertThat(h2.handle(start).change()).isEqualTo(InboundResult.Change.DUPLICATE);
            assertThat(t2.history(ANN)).hasSize(1);
            assertThat(t2.history(BOB)).hasSize(1);
            assertThat(h2.handle(new InboundMessage(BOB, "", "STOP", "SMccc", clock.instant())).change())
                    .isEqualTo(InboundResult.Change.OPTED_OUT);
        } finally {
            t2.close();
        }
    }

    @Test
    void concurrentRedeliveriesRecordOnce() throws Exception {
        InboundMessage start = msg(ANN, "START");
        int threads = 8;
        ExecutorService pool = Executors.newFixedThreadPool(threads);
        try {
            CountDownLatch go = new CountDownLatch(1);
            List<Future<InboundResult>> futures = new ArrayList<>();
            for (int i = 0; i < threads; i++) {
                futures.add(pool.submit(() -> {
                    go.await();
                    return handler.handle(start);
                }));
            }
            go.countDown();
            int recorded = 0;
            for (Future<InboundResult> f : futures) {
                if (f.get(10, TimeUnit.SECONDS).change() == InboundResult.Change.OPTED_IN) {
                    recorded++;
                }
            }
            assertThat(recorded).isEqualTo(1);
            assertThat(tracker.history(ANN)).hasSize(1);
        } finally {
            pool.shutdownNow();
        }
    }

    @Test
    void aFailedWriteIsNotRememberedSoTheRedeliveryIsHandled() {
        FailingStore store = new FailingStore();
        ConsentTracker t = ConsentTracker.builder(store).brand("Basin").clock(clock).build();
        InboundHandler h = handlerBuilder(t).build();
        InboundMessage stop = msg(ANN, "STOP");
        store.fail = true;
        assertThatThrownBy(() -> h.handle(stop)).isInstanceOf(ConsentStoreException.class);
        assertThat(heard).isEmpty();
        store.fail = false;
        assertThat(h.handle(stop).change()).isEqualTo(InboundResult.Change.OPTED_OUT);
        assertThat(t.isOptedOut(ANN)).isTrue();
    }

    // ---- listeners ---------------------------------------------------------------------------------

    @Test
    void failingListenersNeverBreakHandling() {
        InboundListener bad = new InboundListener() {
            @Override
            public void onResult(InboundResult result) {
                throw new IllegalStateException("sheet is down");
            }

            @Override
            public void onUnmatched(InboundResult result) {
                throw new IllegalStateException("inbox is down");
            }
        };
        Confirmations confirmations = Confirmations.builder(tracker).recordBeforeSend().listener(e -> {
            throw new IllegalStateException("CRM is down");
        }).build();
        InboundHandler h = InboundHandler.builder(tracker).supportContact(SUPPORT).listener(bad)
                .confirmations(confirmations).build();

        assertThat(h.handle(msg(ANN, "STOP")).change()).isEqualTo(InboundResult.Change.OPTED_OUT);
        assertThat(h.handle(msg(ANN, "hello?")).change()).isEqualTo(InboundResult.Change.NONE);
        String id = confirmations.request(BOB, "Reply Y to confirm.", null, Duration.ofHours(1));
        InboundResult yes = h.handle(msg(BOB, "Y"));
        assertThat(yes.change()).isEqualTo(InboundResult.Change.CONFIRMED);
        assertThat(tracker.findById(id)).get().extracting(ConsentRecord::status).isEqualTo(ConsentStatus.ACTIVE);
        assertThat(tracker.isOptedOut(ANN)).isTrue();
    }

    @Test
    void confirmationsMustShareTheTracker() {
        ConsentTracker other = ConsentTracker.builder(new InMemoryConsentStore()).clock(clock).build();
        try {
            Confirmations foreign = Confirmations.builder(other).build();
            assertThatThrownBy(() -> InboundHandler.builder(tracker).confirmations(foreign))
                    .isInstanceOf(InvalidInputException.class);
        } finally {
            other.close();
        }
    }

    /** A real in-memory store that can be told to fail its next appends. */
    static final class FailingStore implements ConsentStore {
        final InMemoryConsentStore delegate = new InMemoryConsentStore();
        volatile boolean fail;

        @Override
        public void replay(Consumer<ConsentRecord> sink) {
            delegate.replay(sink);
        }

        @Override
        public void append(List<ConsentRecord> rows) {
            if (fail) {
                throw new ConsentStoreException("disk full");
            }
            delegate.append(rows);
        }

        @Override
        public StoreCapabilities capabilities() {
            return delegate.capabilities();
        }

        @Override
        public void close() {
            delegate.close();
        }
    }
}
