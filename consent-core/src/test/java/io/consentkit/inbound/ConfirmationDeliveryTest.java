package io.consentkit.inbound;

import io.consentkit.consent.ConsentTracker;
import io.consentkit.journal.ConsentRecord;
import io.consentkit.journal.ConsentStatus;
import io.consentkit.send.GatewayResult;
import io.consentkit.send.GuardedSender;
import io.consentkit.send.SendOutcome;
import io.consentkit.store.CsvConsentStore;
import io.consentkit.testkit.FakeSmsGateway;
import io.consentkit.testkit.SettableClock;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * Seed 003's sheet must not be lied to: a question is pending only once the gateway accepted it, a
 * listener that throws gets the event again (after a restart too), and an invalid reply is journal evidence.
 * Real CSV journal and outbox in a temp dir, the testkit's gateway and clock.
 */
class ConfirmationDeliveryTest {
    static final String DANA = "+15855550123";
    static final String LEE = "+15855550188";
    static final String QUESTION = "GreenWatt USA: reply Y to confirm your CDG bill credit enrollment, N to decline.";
    static final Duration TTL = Duration.ofHours(48);

    @TempDir
    Path dir;

    SettableClock clock = SettableClock.at("2026-05-04T14:00:00Z"); // 10:00 in Rochester NY
    FakeSmsGateway gateway = FakeSmsGateway.builder().clock(clock).build();
    ConsentTracker tracker;
    GuardedSender sender;
    Confirmations confirmations;
    InboundHandler handler;
    final AtomicBoolean sheetDown = new AtomicBoolean();
    final List<ConfirmationEvent> sheet = Collections.synchronizedList(new ArrayList<>());
    int sid;

    @BeforeEach
    void open() {
        reopen();
    }

    @AfterEach
    void close() {
        confirmations.close();
        tracker.close();
    }

    void reopen() {
        tracker = ConsentTracker.builder(CsvConsentStore.open(dir.resolve("consents.csv"))).brand("GreenWatt USA")
                .clock(clock).build();
        sender = GuardedSender.builder(tracker, gateway).clock(clock).build();
        confirmations = Confirmations.builder(tracker).sender(sender).outbox(dir.resolve("confirmations-outbox.csv"))
                .listener(e -> {
                    if (sheetDown.get()) {
                        throw new IllegalStateException("sheets API 503");
                    }
                    sheet.add(e);
                }).build();
        handler = InboundHandler.builder(tracker).confirmations(confirmations).supportContact("greenwatt.example/help")
                .build();
    }

    void restart() {
        confirmations.close();
        tracker.close();
        reopen();
    }

    InboundResult reply(String from, String body) {
        return handler.handle(new InboundMessage(from, "+15858889205", body, "SMr" + (++sid), clock.instant()));
    }

    List<ConfirmationEvent.Outcome> outcomes() {
        return sheet.stream().map(ConfirmationEvent::outcome).toList();
    }

    @Test
    void aQuestionDeferredByQuietHoursLeavesNoPendingRow() {
        clock.set(Instant.parse("2026-05-05T02:30:00Z")); // a late submission: 22:30 in Rochester
        ConfirmationRequest asked = confirmations.ask(DANA, QUESTION, Map.of("sheet_row", "42"), TTL);

        assertThat(asked.pending()).isFalse();
        assertThat(asked.outcome()).isInstanceOf(SendOutcome.Deferred.class);
        assertThat(gateway.requestCount()).isZero();
        assertThat(confirmations.pending(DANA)).isEmpty();
        assertThat(confirmations.pendingConfirmations()).isEmpty();
        assertThat(tracker.pendingConsents()).isEmpty();
        ConsentRecord row = tracker.findById(asked.id()).orElseThrow();
        assertThat(row.status()).isEqualTo(ConsentStatus.EXPIRED);
        assertThat(row.metadata()).containsEntry(Confirmations.CLOSED_REASON, "not_sent")
                .containsEntry("sheet_row", "42");
        assertThat(row.metadata().get(Confirmations.SEND_OUTCOME)).startsWith("Deferred");
        assertThat(outcomes()).containsExactly(ConfirmationEvent.Outcome.NOT_SENT);
        // a Y now answers nothing
        assertThat(reply(DANA, "Y").change()).isNotEqualTo(InboundResult.Change.CONFIRMED);
    }

    @Test
    void aQuestionBlockedByTheKillSwitchLeavesNoPendingRow() {
        sender.halt("carrier audit");
        ConfirmationRequest asked = confirmations.ask(DANA, QUESTION, Map.of(), TTL);

        assertThat(asked.outcome()).isInstanceOf(SendOutcome.Blocked.class);
        assertThat(confirmations.pendingConfirmations()).isEmpty();
        assertThat(tracker.findById(asked.id())).get().extracting(ConsentRecord::status)
                .isEqualTo(ConsentStatus.EXPIRED);
        assertThat(outcomes()).containsExactly(ConfirmationEvent.Outcome.NOT_SENT);
    }

    @Test
    void aSentQuestionIsPendingWithTheProviderMessageIdAndItsYesCounts() {
        ConfirmationRequest asked = confirmations.ask(DANA, QUESTION, Map.of("sheet_row", "42"), TTL);

        assertThat(asked.pending()).isTrue();
        String providerId = ((SendOutcome.Sent) asked.outcome()).providerId();
        assertThat(gateway.lastRequest().body()).startsWith(QUESTION);
        ConsentRecord row = tracker.findById(asked.id()).orElseThrow();
        assertThat(row.status()).isEqualTo(ConsentStatus.PENDING);
        assertThat(row.metadata()).containsEntry(Confirmations.QUESTION_STATUS, "sent")
                .containsEntry(Confirmations.QUESTION_SID, providerId);
        assertThat(confirmations.pending(DANA)).get().satisfies(p -> {
            assertThat(p.requestedAt()).isEqualTo(clock.instant());
            assertThat(p.context()).containsOnly(Map.entry("sheet_row", "42"));
        });
        assertThat(sheet).singleElement().satisfies(e -> {
            assertThat(e.outcome()).isEqualTo(ConfirmationEvent.Outcome.REQUESTED);
            assertThat(e.eventId()).isEqualTo(asked.id() + "/requested");
        });

        clock.advance(Duration.ofMinutes(3));
        assertThat(reply(DANA, "Y").change()).isEqualTo(InboundResult.Change.CONFIRMED);
        assertThat(tracker.isActive(DANA)).isTrue();
        assertThat(outcomes()).containsExactly(ConfirmationEvent.Outcome.REQUESTED,
                ConfirmationEvent.Outcome.CONFIRMED);
    }

    @Test
    void aListenerThatThrowsGetsTheEventAgainAtTheNextEvent() {
        sheetDown.set(true);
        ConfirmationRequest asked = confirmations.ask(DANA, QUESTION, Map.of(), TTL);
        assertThat(sheet).isEmpty();
        assertThat(confirmations.undelivered()).isEqualTo(1);

        sheetDown.set(false);
        clock.advance(Duration.ofMinutes(5));
        reply(DANA, "Y");

        assertThat(sheet).extracting(ConfirmationEvent::eventId).containsExactly(asked.id() + "/requested",
                asked.id() + "/confirmed");
        assertThat(confirmations.undelivered()).isZero();
    }

    @Test
    void retriesBackOffByTheClock() {
        sheetDown.set(true);
        confirmations.ask(DANA, QUESTION, Map.of(), TTL); // attempt 1 fails: next in 1 s
        clock.advance(Duration.ofSeconds(1));
        assertThat(confirmations.deliver()).isZero(); // attempt 2 fails: next in 2 s
        clock.advance(Duration.ofSeconds(1));
        sheetDown.set(false);
        assertThat(confirmations.deliver()).isZero(); // not due yet
        clock.advance(Duration.ofSeconds(1));
        assertThat(confirmations.deliver()).isEqualTo(1);
        assertThat(outcomes()).containsExactly(ConfirmationEvent.Outcome.REQUESTED);
        assertThat(confirmations.deliver()).isZero();
    }

    @Test
    void aRestartRedeliversExactlyTheUnacknowledgedEvents() throws Exception {
        String dana = confirmations.ask(DANA, QUESTION, Map.of("sheet_row", "42"), TTL).id();
        String lee = confirmations.ask(LEE, QUESTION, Map.of("sheet_row", "43"), TTL).id();
        assertThat(outcomes()).hasSize(2);

        sheetDown.set(true);
        clock.advance(Duration.ofMinutes(10));
        reply(DANA, "Yes");
        reply(LEE, "how much is it?");
        assertThat(confirmations.undelivered()).isEqualTo(2);
        confirmations.close();
        tracker.close();
        // an intent whose journal row was never written (the append failed) is void, not delivered
        Path outbox = dir.resolve("confirmations-outbox.csv");
        Files.writeString(outbox, "intent," + lee + "/declined\n", StandardCharsets.UTF_8, StandardOpenOption.APPEND);
        reopen();

        sheet.clear();
        sheetDown.set(false);
        assertThat(confirmations.undelivered()).isEqualTo(2);
        assertThat(confirmations.deliver()).isEqualTo(2);
        assertThat(sheet).extracting(ConfirmationEvent::eventId).containsExactly(dana + "/confirmed",
                lee + "/invalid/1");
        assertThat(sheet.get(0).replyBody()).isEqualTo("Yes");
        assertThat(sheet.get(0).context()).containsOnly(Map.entry("sheet_row", "42"));
        assertThat(sheet.get(0).record()).isEqualTo(tracker.findById(dana).orElseThrow());
        assertThat(sheet.get(1).replyBody()).isEqualTo("how much is it?");

        restart();
        assertThat(confirmations.undelivered()).isZero();
        assertThat(confirmations.deliver()).isZero();
        assertThat(sheet).hasSize(2);
    }

    @Test
    void anInvalidReplyIsKeptInTheJournalWithItsText() {
        String id = confirmations.ask(DANA, QUESTION, Map.of(), TTL).id();
        InboundResult r = reply(DANA, "what is CDG?");

        assertThat(r.change()).isEqualTo(InboundResult.Change.CONFIRMATION_INVALID);
        assertThat(tracker.history(DANA)).filteredOn(row -> row.consentId().equals(id)).last().satisfies(row -> {
            assertThat(row.status()).isEqualTo(ConsentStatus.PENDING);
            assertThat(row.metadata()).containsEntry(Confirmations.INVALID_REPLY_BODY, "what is CDG?")
                    .containsEntry(Confirmations.INVALID_REPLY_SID, r.message().messageSid());
        });
        // the provider redelivering the same webhook is a duplicate, even after a restart
        restart();
        InboundResult again = handler.handle(r.message());
        assertThat(again.change()).isEqualTo(InboundResult.Change.DUPLICATE);
        assertThat(reply(DANA, "Y").change()).isEqualTo(InboundResult.Change.CONFIRMED);
        assertThat(tracker.findById(id).orElseThrow().metadata()).containsEntry(Confirmations.REPLY_BODY, "Y")
                .containsEntry(Confirmations.INVALID_REPLIES, "1");
    }

    @Test
    void aYesToAQuestionTheJournalNeverMarkedSentStillCounts() {
        // the gateway accepts, then the process "dies" before the sent row: the outbox is gone at that moment
        FakeSmsGateway crashing = FakeSmsGateway.builder().clock(clock).defaultOutcome(req -> {
            confirmations.close();
            return new GatewayResult.Accepted("SMq1", "queued", 1, List.of());
        }).build();
        ConfirmationRequest asked = rebuild(GuardedSender.builder(tracker, crashing).clock(clock).build())
                .ask(DANA, QUESTION, Map.of("sheet_row", "42"), TTL);
        assertThat(asked.pending()).isTrue(); // the sender's truth: it went out
        restart();

        ConsentRecord row = tracker.findById(asked.id()).orElseThrow();
        assertThat(row.status()).isEqualTo(ConsentStatus.PENDING);
        assertThat(row.metadata()).containsEntry(Confirmations.QUESTION_STATUS, "requested");
        assertThat(confirmations.pendingConfirmations()).isEmpty(); // never claimed pending
        assertThat(sheet).isEmpty();

        assertThat(reply(DANA, "Y").change()).isEqualTo(InboundResult.Change.CONFIRMED);
        assertThat(tracker.isActive(DANA)).isTrue();
        assertThat(outcomes()).containsExactly(ConfirmationEvent.Outcome.CONFIRMED);
    }

    /** Replaces {@link #confirmations} with one asking through {@code other}, same outbox and listener. */
    Confirmations rebuild(GuardedSender other) {
        confirmations.close();
        confirmations = Confirmations.builder(tracker).sender(other).outbox(dir.resolve("confirmations-outbox.csv"))
                .listener(sheet::add).build();
        return confirmations;
    }

    @Test
    void concurrentFlowsDeliverEveryEventOnce() throws Exception {
        int n = 8;
        ExecutorService pool = Executors.newFixedThreadPool(n);
        CountDownLatch go = new CountDownLatch(1);
        List<Future<?>> futures = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            String phone = "+158555501" + (10 + i);
            futures.add(pool.submit(() -> {
                go.await();
                confirmations.ask(phone, QUESTION, Map.of(), TTL);
                handler.handle(new InboundMessage(phone, "+15858889205", "Y", "SMc" + phone, clock.instant()));
                return null;
            }));
        }
        go.countDown();
        for (Future<?> f : futures) {
            f.get(30, TimeUnit.SECONDS);
        }
        pool.shutdown();
        assertThat(confirmations.deliver()).isZero();
        assertThat(confirmations.undelivered()).isZero();
        assertThat(sheet).hasSize(2 * n);
        assertThat(sheet.stream().map(ConfirmationEvent::eventId).distinct()).hasSize(2 * n);
    }

    @Test
    void recordBeforeSendIsAnExplicitMode() {
        assertThatThrownBy(() -> confirmations.request(DANA, QUESTION, Map.of(), TTL))
                .isInstanceOf(IllegalStateException.class).hasMessageContaining("recordBeforeSend");
        assertThat(tracker.pendingConsents()).isEmpty();

        try (Confirmations manual = Confirmations.builder(tracker).recordBeforeSend().listener(sheet::add).build()) {
            String id = manual.request(DANA, QUESTION, Map.of("sheet_row", "9"), TTL);
            assertThat(gateway.requestCount()).isZero(); // the app sends it itself
            assertThat(manual.pending(DANA)).get().extracting(PendingConfirmation::id).isEqualTo(id);
            assertThat(tracker.findById(id).orElseThrow().metadata()).doesNotContainKey(Confirmations.QUESTION_STATUS);
            assertThat(outcomes()).containsExactly(ConfirmationEvent.Outcome.REQUESTED);
        }
        Confirmations noSender = Confirmations.builder(tracker).build();
        assertThatThrownBy(() -> noSender.ask(DANA, QUESTION, Map.of(), TTL))
                .isInstanceOf(IllegalStateException.class).hasMessageContaining("sender");
    }
}
