package io.consentkit.inbound;

import io.consentkit.consent.ConsentTracker;
import io.consentkit.journal.ConsentRecord;
import io.consentkit.journal.ConsentStatus;
import io.consentkit.store.InMemoryConsentStore;
import io.consentkit.testkit.SettableClock;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * One number flooding STOP/START: every opt-out applied, replies capped per number, opt-ins over the cap
 * left unapplied, every message heard as received.
 */
@Timeout(60)
class FloodTest {
    static final String BOT = "+15125551234";
    static final String ANN = "+15125550199";

    final SettableClock clock = SettableClock.at("2026-04-02T18:00:00Z");
    final ConsentTracker tracker = ConsentTracker.builder(new InMemoryConsentStore()).brand("Basin").clock(clock).build();
    final List<InboundResult> heard = new CopyOnWriteArrayList<>();
    final InboundHandler handler = InboundHandler.builder(tracker).supportContact("help@basin.example")
            .listener(new InboundListener() {
                @Override
                public void onResult(InboundResult result) {
                    heard.add(result);
                }
            }).build();
    int sid;

    @AfterEach
    void close() {
        tracker.close();
    }

    private InboundResult text(String from, String body) {
        return handler.handle(InboundMessage.of(from, body, String.format("SM%032d", ++sid), clock.instant()));
    }

    @Test
    void fiveHundredAlternatingStopStartInOneMinute() {
        int replies = 0;
        int stops = 0;
        List<InboundResult> results = new ArrayList<>();
        for (int i = 0; i < 500; i++) {
            boolean stop = i % 2 == 0;
            InboundResult r = text(BOT, stop ? "STOP" : "START");
            results.add(r);
            if (stop) {
                stops++;
                assertThat(r.change()).isEqualTo(InboundResult.Change.OPTED_OUT);
                assertThat(tracker.isOptedOut(BOT)).as("after STOP #%d", stops).isTrue();
            }
            if (r.hasReply()) {
                replies++;
            }
            clock.advance(Duration.ofMillis(120)); // 500 messages in one minute
        }
        assertThat(replies).isEqualTo(InboundHandler.DEFAULT_REPLY_LIMIT);
        assertThat(tracker.isOptedOut(BOT)).isTrue(); // the last START was over the cap: the safe state holds
        assertThat(heard).hasSize(500);
        assertThat(heard).extracting(r -> r.message().body()).containsExactlyElementsOf(
                results.stream().map(r -> r.message().body()).toList());
        long applied = results.stream().filter(r -> r.change() == InboundResult.Change.OPTED_IN).count();
        long limited = results.stream().filter(r -> r.change() == InboundResult.Change.RATE_LIMITED).count();
        assertThat(applied + limited).isEqualTo(250);
        assertThat(applied).isLessThanOrEqualTo(InboundHandler.DEFAULT_REPLY_LIMIT);
        assertThat(results.stream().filter(r -> r.change() == InboundResult.Change.RATE_LIMITED))
                .allSatisfy(r -> assertThat(r.records()).isEmpty());
        // every STOP wrote its revocation with the message as evidence
        List<String> revokeSids = tracker.history(BOT).stream()
                .filter(r -> r.status() == ConsentStatus.REVOKED)
                .map(r -> r.metadata().getOrDefault("revoke_message_sid", "")).distinct().toList();
        assertThat(revokeSids).hasSize(250);
    }

    @Test
    void eachMessageOfALongFloodCostsAboutTheSame() {
        // 10,000 messages from one number leave ~5,000 rows; the duplicate check must not read them all
        long[] batch = new long[10];
        for (int i = 0; i < 10_000; i++) {
            long t0 = System.nanoTime();
            InboundResult r = text(BOT, i % 2 == 0 ? "STOP" : "START");
            batch[i / 1_000] += System.nanoTime() - t0;
            if (i % 2 == 0) {
                assertThat(r.change()).isEqualTo(InboundResult.Change.OPTED_OUT);
            }
            clock.advance(Duration.ofMillis(120));
        }
        assertThat(tracker.isOptedOut(BOT)).isTrue();
        assertThat(tracker.history(tracker.phoneNumbers().parse(BOT))).hasSizeGreaterThanOrEqualTo(5_000);
        long second = batch[1] / 1_000_000;
        long last = batch[9] / 1_000_000;
        assertThat(last).as("last 1,000 messages took %d ms, the second 1,000 %d ms", last, second)
                .isLessThanOrEqualTo(4 * second + 250);
        // a redelivery of a recent message is still recognised from the journal alone, after a restart
        InboundHandler fresh = InboundHandler.builder(tracker).supportContact("help@basin.example").build();
        String lastStopSid = String.format("SM%032d", sid - 1); // the last START was over the cap: no row
        InboundResult again = fresh.handle(InboundMessage.of(BOT, "STOP", lastStopSid, clock.instant()));
        assertThat(again.change()).isEqualTo(InboundResult.Change.DUPLICATE);
    }

    @Test
    void recentHistoryIsTheTailOfHistory() {
        for (int i = 0; i < 40; i++) {
            text(BOT, i % 2 == 0 ? "STOP" : "START");
            clock.advance(Duration.ofMinutes(11)); // room under the reply cap: every START applied
        }
        var pn = tracker.phoneNumbers().parse(BOT);
        List<ConsentRecord> all = tracker.history(pn);
        assertThat(tracker.history(pn, 5)).containsExactlyElementsOf(all.subList(all.size() - 5, all.size()));
        assertThat(tracker.history(pn, all.size() + 10)).containsExactlyElementsOf(all);
        assertThat(tracker.history(pn, 0)).isEmpty();
        assertThatThrownBy(() -> tracker.history(pn, -1)).hasMessageContaining("newest");
    }

    @Test
    void theCapIsPerNumberAndSlides() {
        InboundHandler strict = InboundHandler.builder(tracker).supportContact("help@basin.example")
                .optOutReplyPolicy(ReplyPolicy.ALWAYS).replyLimit(2, Duration.ofMinutes(10)).build();
        InboundResult[] r = new InboundResult[4];
        for (int i = 0; i < 4; i++) {
            r[i] = strict.handle(InboundMessage.of(BOT, i % 2 == 0 ? "STOP" : "HELP", "SMa" + i, clock.instant()));
        }
        assertThat(r).extracting(InboundResult::hasReply).containsExactly(true, true, false, false);
        assertThat(r).extracting(InboundResult::change).containsExactly(InboundResult.Change.OPTED_OUT,
                InboundResult.Change.NONE, InboundResult.Change.OPTED_OUT, InboundResult.Change.NONE);
        assertThat(tracker.isOptedOut(BOT)).isTrue();
        // another number has its own budget
        assertThat(strict.handle(InboundMessage.of(ANN, "START", "SMb1", clock.instant())).change())
                .isEqualTo(InboundResult.Change.OPTED_IN);
        InboundResult limited = strict.handle(InboundMessage.of(BOT, "START", "SMa5", clock.instant()));
        assertThat(limited.change()).isEqualTo(InboundResult.Change.RATE_LIMITED);
        assertThat(limited.hasReply()).isFalse();
        assertThat(tracker.isOptedOut(BOT)).isTrue();

        clock.advance(Duration.ofMinutes(10)); // the first two slots leave the window
        InboundResult start = strict.handle(InboundMessage.of(BOT, "START", "SMa6", clock.instant()));
        assertThat(start.change()).isEqualTo(InboundResult.Change.OPTED_IN);
        assertThat(start.hasReply()).isTrue();
        assertThat(tracker.isActive(BOT)).isTrue();
        ConsentRecord consent = start.records().get(0);
        assertThat(start.reply()).isEqualTo(consent.consentMessage());
    }

    @Test
    void zeroTurnsTheCapOffAndBadSettingsAreRefused() {
        InboundHandler open = InboundHandler.builder(tracker).supportContact("help@basin.example")
                .optOutReplyPolicy(ReplyPolicy.ALWAYS).replyLimit(0, Duration.ofMinutes(1)).build();
        for (int i = 0; i < 20; i++) {
            assertThat(open.handle(InboundMessage.of(BOT, i % 2 == 0 ? "STOP" : "START", "SMc" + i, clock.instant()))
                    .hasReply()).isTrue();
        }
        assertThatThrownBy(() -> InboundHandler.builder(tracker).replyLimit(-1, Duration.ofMinutes(1)))
                .hasMessageContaining("replyLimit");
        assertThatThrownBy(() -> InboundHandler.builder(tracker).replyLimit(3, Duration.ZERO))
                .hasMessageContaining("replyWindow");
    }
}
