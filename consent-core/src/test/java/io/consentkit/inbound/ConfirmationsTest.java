package io.consentkit.inbound;

import io.consentkit.inbound.ConfirmationEvent;
import io.consentkit.inbound.ConfirmationRejectedException;
import io.consentkit.inbound.Confirmations;
import io.consentkit.inbound.InboundHandler;
import io.consentkit.inbound.InboundMessage;
import io.consentkit.inbound.InboundResult;
import io.consentkit.inbound.Intent;
import io.consentkit.inbound.PendingConfirmation;
import io.consentkit.InvalidInputException;
import io.consentkit.journal.ConsentRecord;
import io.consentkit.journal.ConsentStatus;
import io.consentkit.consent.ConsentTracker;
import io.consentkit.journal.OptInMethod;
import io.consentkit.phone.InvalidPhoneNumberException;
import io.consentkit.store.CsvConsentStore;
import io.consentkit.store.InMemoryConsentStore;
import io.consentkit.testkit.SettableClock;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class ConfirmationsTest {
    /** The solar team's question (seed 003), sent when a field agent submits the form. */
    static final String QUESTION = "Hello Dana,\n\nThank you for your interest in GreenWatt USA's Community Solar program!\n\n"
            + "Please reply Y to confirm your participation in our Community Distributed Generation (CDG) bill credit "
            + "program, which guarantees up to 10% savings off your electricity bill.\n\n"
            + "Reply N if you do not wish to participate at this time.";
    static final String DANA = "+15855550123";
    static final Duration TTL = Duration.ofHours(48);

    @TempDir
    Path dir;

    SettableClock clock = SettableClock.at("2026-05-04T14:00:00Z");
    ConsentTracker tracker;
    Confirmations confirmations;
    InboundHandler handler;
    List<ConfirmationEvent> events = Collections.synchronizedList(new ArrayList<>());
    int sid;

    @BeforeEach
    void open() {
        open(ConsentTracker.builder(new InMemoryConsentStore()).brand("GreenWatt USA").clock(clock).build());
    }

    void open(ConsentTracker t) {
        tracker = t;
        confirmations = Confirmations.builder(tracker).recordBeforeSend().listener(events::add).build();
        handler = InboundHandler.builder(tracker).confirmations(confirmations).supportContact("greenwatt.example/help")
                .build();
    }

    @AfterEach
    void close() {
        tracker.close();
    }

    InboundResult reply(String body) {
        return handler.handle(new InboundMessage(DANA, "+15858889205", body, "SMr" + (++sid), clock.instant()));
    }

    @Test
    void requestRecordsAPendingRowWithTheExactQuestion() {
        String id = confirmations.request("(585) 555-0123", QUESTION, Map.of("sheet_row", "42", "agent", "Pat"), TTL);

        ConsentRecord row = tracker.findById(id).orElseThrow();
        assertThat(row.status()).isEqualTo(ConsentStatus.PENDING);
        assertThat(row.optInMethod()).isEqualTo(OptInMethod.SMS_CONFIRMATION);
        assertThat(row.consentMessage()).isEqualTo(QUESTION);
        assertThat(row.phoneNumber().e164()).isEqualTo(DANA);
        assertThat(row.timestamp()).isEqualTo(clock.instant());
        assertThat(row.metadata()).containsEntry("sheet_row", "42").containsEntry("agent", "Pat")
                .containsEntry(Confirmations.EXPIRES_AT, "2026-05-06T14:00:00Z");
        assertThat(tracker.pendingConsents()).containsExactly(row);
        assertThat(tracker.isActive(DANA)).isFalse();

        PendingConfirmation p = confirmations.pending(DANA).orElseThrow();
        assertThat(p.id()).isEqualTo(id);
        assertThat(p.question()).isEqualTo(QUESTION);
        assertThat(p.context()).containsOnly(Map.entry("sheet_row", "42"), Map.entry("agent", "Pat"));
        assertThat(p.expiresAt()).isEqualTo(Instant.parse("2026-05-06T14:00:00Z"));
        assertThat(confirmations.pendingConfirmations()).containsExactly(p);

        assertThat(events).singleElement().satisfies(e -> {
            assertThat(e.outcome()).isEqualTo(ConfirmationEvent.Outcome.REQUESTED);
            assertThat(e.at()).isEqualTo(clock.instant());
            assertThat(e.record()).isEqualTo(row);
        });
    }

    @Test
    void yesTurnsItIntoAnActiveConsentWhoseTextIsTheQuestion() {
        String id = confirmations.request(DANA, QUESTION, Map.of("sheet_row", "42"), TTL);
        clock.advance(Duration.ofMinutes(7));

        InboundResult r = reply("Y");

        assertThat(r.intent()).isEqualTo(Intent.CONFIRM_YES);
        assertThat(r.change()).isEqualTo(InboundResult.Change.CONFIRMED);
        assertThat(r.hasReply()).isFalse();
        ConsentRecord active = r.records().get(0);
        assertThat(active.consentId()).isEqualTo(id);
        assertThat(active.status()).isEqualTo(ConsentStatus.ACTIVE);
        assertThat(active.consentMessage()).isEqualTo(QUESTION);
        assertThat(active.optInMethod()).isEqualTo(OptInMethod.SMS_CONFIRMATION);
        assertThat(active.timestamp()).isEqualTo(Instant.parse("2026-05-04T14:07:00Z"));
        assertThat(active.metadata()).containsEntry("sheet_row", "42")
                .containsEntry(Confirmations.REPLY_SID, "SMr1").containsEntry(Confirmations.REPLY_BODY, "Y")
                .containsEntry(Confirmations.REPLY_AT, "2026-05-04T14:07:00Z")
                .containsEntry(Confirmations.REQUESTED_AT, "2026-05-04T14:00:00Z");
        assertThat(tracker.findById(id)).contains(active);
        assertThat(tracker.isActive(DANA)).isTrue();
        assertThat(tracker.pendingConsents()).isEmpty();
        assertThat(r.confirmation().outcome()).isEqualTo(ConfirmationEvent.Outcome.CONFIRMED);
        assertThat(events).extracting(ConfirmationEvent::outcome)
                .containsExactly(ConfirmationEvent.Outcome.REQUESTED, ConfirmationEvent.Outcome.CONFIRMED);
        assertThat(events.get(1).at()).isEqualTo(Instant.parse("2026-05-04T14:07:00Z"));
        assertThat(events.get(1).replyBody()).isEqualTo("Y");
        assertThat(events.get(1).context()).containsEntry("sheet_row", "42");
    }

    @Test
    void yesWhileAConfirmationIsPendingIsAnAnswerNotAKeywordOptIn() {
        String id = confirmations.request(DANA, QUESTION, null, TTL);
        InboundResult r = reply("YES");
        assertThat(r.intent()).isEqualTo(Intent.CONFIRM_YES);
        assertThat(tracker.history(DANA)).hasSize(2)
                .allSatisfy(row -> assertThat(row.consentId()).isEqualTo(id))
                .noneSatisfy(row -> assertThat(row.optInMethod()).isEqualTo(OptInMethod.KEYWORD));
        // nothing pending any more: YES is Twilio's opt-in keyword again
        assertThat(reply("YES").change()).isEqualTo(InboundResult.Change.OPTED_IN);
    }

    @Test
    void noDeclines() {
        String id = confirmations.request(DANA, QUESTION, null, TTL);
        InboundResult r = reply("No thanks");
        assertThat(r.change()).isEqualTo(InboundResult.Change.DECLINED);
        assertThat(tracker.findById(id)).get().satisfies(row -> {
            assertThat(row.status()).isEqualTo(ConsentStatus.DECLINED);
            assertThat(row.metadata()).containsEntry(Confirmations.REPLY_BODY, "No thanks");
        });
        assertThat(tracker.isActive(DANA)).isFalse();
        assertThat(tracker.isOptedOut(DANA)).isFalse();
        assertThat(confirmations.pending(DANA)).isEmpty();
        // no confirmation pending now: a plain N is nothing
        assertThat(reply("N").change()).isEqualTo(InboundResult.Change.NONE);
    }

    @Test
    void anUnrecognisedReplyKeepsItPendingAndReportsInvalidWithTheText() {
        String id = confirmations.request(DANA, QUESTION, Map.of("sheet_row", "7"), TTL);
        InboundResult r = reply("What is CDG?");
        assertThat(r.intent()).isEqualTo(Intent.NONE);
        assertThat(r.change()).isEqualTo(InboundResult.Change.CONFIRMATION_INVALID);
        // the reply is kept as evidence: a pending re-append of the same confirmation with its text
        assertThat(r.records()).singleElement().satisfies(row -> {
            assertThat(row.consentId()).isEqualTo(id);
            assertThat(row.status()).isEqualTo(ConsentStatus.PENDING);
            assertThat(row.metadata()).containsEntry(Confirmations.INVALID_REPLY_BODY, "What is CDG?")
                    .containsEntry(Confirmations.INVALID_REPLIES, "1").containsEntry("sheet_row", "7");
        });
        assertThat(r.confirmation().outcome()).isEqualTo(ConfirmationEvent.Outcome.INVALID);
        assertThat(r.confirmation().replyBody()).isEqualTo("What is CDG?");
        assertThat(r.confirmation().record()).isEqualTo(r.records().get(0));
        assertThat(r.confirmation().eventId()).isEqualTo(id + "/invalid/1");
        assertThat(tracker.findById(id)).get().extracting(ConsentRecord::status).isEqualTo(ConsentStatus.PENDING);
        assertThat(confirmations.pending(DANA)).get().satisfies(p -> {
            assertThat(p.id()).isEqualTo(id);
            assertThat(p.context()).containsOnly(Map.entry("sheet_row", "7"));
        });

        assertThat(reply("y").change()).isEqualTo(InboundResult.Change.CONFIRMED);
        assertThat(events).extracting(ConfirmationEvent::outcome).containsExactly(
                ConfirmationEvent.Outcome.REQUESTED, ConfirmationEvent.Outcome.INVALID,
                ConfirmationEvent.Outcome.CONFIRMED);
    }

    @Test
    void optionalAnswerReplies() {
        InboundHandler h = InboundHandler.builder(tracker).confirmations(confirmations).supportContact("x.example")
                .confirmedReply("Thanks, you are enrolled.").declinedReply("OK, you are not enrolled.")
                .invalidReply("Please reply Y or N.").build();
        confirmations.request(DANA, QUESTION, null, TTL);
        assertThat(h.handle(InboundMessage.of(DANA, "hmm", "SM1", clock.instant())).reply()).isEqualTo("Please reply Y or N.");
        assertThat(h.handle(InboundMessage.of(DANA, "n", "SM2", clock.instant())).reply()).isEqualTo("OK, you are not enrolled.");
        confirmations.request(DANA, QUESTION, null, TTL);
        assertThat(h.handle(InboundMessage.of(DANA, "yes", "SM3", clock.instant())).reply()).isEqualTo("Thanks, you are enrolled.");
    }

    @Test
    void stopWhilePendingRevokesItAndReportsOptedOut() {
        String id = confirmations.request(DANA, QUESTION, null, TTL);
        InboundResult r = reply("STOP");
        assertThat(r.change()).isEqualTo(InboundResult.Change.OPTED_OUT);
        assertThat(r.confirmation().outcome()).isEqualTo(ConfirmationEvent.Outcome.OPTED_OUT);
        assertThat(tracker.findById(id)).get().extracting(ConsentRecord::status).isEqualTo(ConsentStatus.REVOKED);
        assertThat(tracker.isOptedOut(DANA)).isTrue();
        assertThat(confirmations.pending(DANA)).isEmpty();
        // an opted-out number must not be asked again
        assertThatThrownBy(() -> confirmations.request(DANA, QUESTION, null, TTL))
                .isInstanceOf(ConfirmationRejectedException.class)
                .hasMessageContaining("opted out").hasMessageNotContaining("5550123");
        assertThat(tracker.history(DANA)).hasSize(2);
    }

    // ---- expiry ----------------------------------------------------------------------------------------

    @Test
    void aLateReplyExpiresItAndIsHandledAsIfNothingWerePending() {
        String id = confirmations.request(DANA, QUESTION, null, Duration.ofHours(1));
        clock.advance(Duration.ofHours(2));

        InboundResult r = reply("Y");

        assertThat(r.intent()).isEqualTo(Intent.NONE);
        assertThat(r.change()).isEqualTo(InboundResult.Change.CONFIRMATION_EXPIRED);
        assertThat(r.confirmation().outcome()).isEqualTo(ConfirmationEvent.Outcome.EXPIRED);
        assertThat(r.records()).singleElement().satisfies(row -> {
            assertThat(row.consentId()).isEqualTo(id);
            assertThat(row.status()).isEqualTo(ConsentStatus.EXPIRED);
            assertThat(row.metadata()).containsEntry(Confirmations.CLOSED_REASON, "expired");
        });
        assertThat(tracker.isActive(DANA)).isFalse();
    }

    @Test
    void aLateYesIsTwiliosOptInKeywordAgain() {
        confirmations.request(DANA, QUESTION, null, Duration.ofHours(1));
        clock.advance(Duration.ofHours(1)); // exactly at the deadline counts as late
        InboundResult r = reply("YES");
        assertThat(r.change()).isEqualTo(InboundResult.Change.OPTED_IN);
        assertThat(r.confirmation().outcome()).isEqualTo(ConfirmationEvent.Outcome.EXPIRED);
        assertThat(r.records()).extracting(ConsentRecord::status).containsExactly(ConsentStatus.EXPIRED,
                ConsentStatus.ACTIVE);
    }

    @Test
    void expireDueSweepsUnansweredOnes() {
        String a = confirmations.request(DANA, QUESTION, null, Duration.ofHours(1));
        String b = confirmations.request("+15855550124", QUESTION, null, Duration.ofHours(3));
        clock.advance(Duration.ofMinutes(59));
        assertThat(confirmations.expireDue()).isEmpty();

        clock.advance(Duration.ofMinutes(1));
        List<ConfirmationEvent> expired = confirmations.expireDue();
        assertThat(expired).singleElement().satisfies(e -> {
            assertThat(e.confirmationId()).isEqualTo(a);
            assertThat(e.outcome()).isEqualTo(ConfirmationEvent.Outcome.EXPIRED);
            assertThat(e.at()).isEqualTo(Instant.parse("2026-05-04T15:00:00Z"));
            assertThat(e.expiresAt()).isEqualTo(Instant.parse("2026-05-04T15:00:00Z"));
        });
        assertThat(tracker.findById(a)).get().extracting(ConsentRecord::status).isEqualTo(ConsentStatus.EXPIRED);
        assertThat(tracker.findById(b)).get().extracting(ConsentRecord::status).isEqualTo(ConsentStatus.PENDING);
        assertThat(confirmations.expireDue()).isEmpty();

        clock.advance(Duration.ofHours(5));
        assertThat(confirmations.expireDue()).extracting(ConfirmationEvent::confirmationId).containsExactly(b);
        assertThat(tracker.pendingConsents()).isEmpty();
        assertThat(events).extracting(ConfirmationEvent::outcome).containsExactly(
                ConfirmationEvent.Outcome.REQUESTED, ConfirmationEvent.Outcome.REQUESTED,
                ConfirmationEvent.Outcome.EXPIRED, ConfirmationEvent.Outcome.EXPIRED);
    }

    @Test
    void lookingAPendingOneUpExpiresItLazily() {
        String id = confirmations.request(DANA, QUESTION, null, Duration.ofMinutes(30));
        assertThat(confirmations.pending(DANA)).isPresent();
        clock.advance(Duration.ofMinutes(31));
        assertThat(confirmations.pending(DANA)).isEmpty();
        assertThat(tracker.findById(id)).get().extracting(ConsentRecord::status).isEqualTo(ConsentStatus.EXPIRED);
        assertThat(events).last().extracting(ConfirmationEvent::outcome).isEqualTo(ConfirmationEvent.Outcome.EXPIRED);
    }

    // ---- a second request, validation ----------------------------------------------------------------

    @Test
    void aSecondRequestReplacesThePendingOne() {
        String first = confirmations.request(DANA, "Reply Y to confirm the 10% plan.", Map.of("v", "1"), TTL);
        clock.advance(Duration.ofMinutes(2));
        String second = confirmations.request(DANA, QUESTION, Map.of("v", "2"), TTL);

        assertThat(second).isNotEqualTo(first);
        assertThat(tracker.findById(first)).get().satisfies(row -> {
            assertThat(row.status()).isEqualTo(ConsentStatus.EXPIRED);
            assertThat(row.metadata()).containsEntry(Confirmations.CLOSED_REASON, "replaced")
                    .containsEntry(Confirmations.REPLACED_BY, second);
        });
        assertThat(confirmations.pending(DANA)).get().extracting(PendingConfirmation::id).isEqualTo(second);
        assertThat(events).extracting(ConfirmationEvent::outcome).containsExactly(
                ConfirmationEvent.Outcome.REQUESTED, ConfirmationEvent.Outcome.REQUESTED,
                ConfirmationEvent.Outcome.REPLACED);

        InboundResult r = reply("Y");
        assertThat(r.confirmation().confirmationId()).isEqualTo(second);
        assertThat(r.records().get(0).consentMessage()).isEqualTo(QUESTION);
        assertThat(tracker.findById(first)).get().extracting(ConsentRecord::status).isEqualTo(ConsentStatus.EXPIRED);
    }

    @Test
    void requestValidatesAtOnceAndWritesNothing() {
        assertThatThrownBy(() -> confirmations.request(DANA, " ", null, TTL))
                .isInstanceOf(InvalidInputException.class).extracting("field").isEqualTo("question");
        assertThatThrownBy(() -> confirmations.request(DANA, QUESTION, null, Duration.ZERO))
                .isInstanceOf(InvalidInputException.class).extracting("field").isEqualTo("timeToLive");
        assertThatThrownBy(() -> confirmations.request(DANA, QUESTION, null, Duration.ofDays(400)))
                .isInstanceOf(InvalidInputException.class).extracting("field").isEqualTo("timeToLive");
        assertThatThrownBy(() -> confirmations.request(DANA, QUESTION, Map.of(Confirmations.EXPIRES_AT, "x"), TTL))
                .isInstanceOf(InvalidInputException.class).extracting("field").isEqualTo("context");
        assertThatThrownBy(() -> confirmations.request(DANA, QUESTION, Map.of("revoke_notes", "x"), TTL))
                .isInstanceOf(InvalidInputException.class);
        assertThatThrownBy(() -> confirmations.request("555", QUESTION, null, TTL))
                .isInstanceOf(InvalidPhoneNumberException.class);
        assertThat(tracker.history(DANA)).isEmpty();
        assertThat(events).isEmpty();
    }

    // ---- restart ----------------------------------------------------------------------------------------

    @Test
    void aPendingConfirmationSurvivesARestartOfTheCsvStore() {
        Path file = dir.resolve("consents.csv");
        tracker.close();
        open(ConsentTracker.builder(CsvConsentStore.open(file)).brand("GreenWatt USA").clock(clock).build());
        String id = confirmations.request(DANA, QUESTION, Map.of("sheet_row", "42"), TTL);
        String other = confirmations.request("+15855550124", QUESTION, Map.of("sheet_row", "43"), Duration.ofHours(1));
        tracker.close();

        clock.advance(Duration.ofHours(2));
        open(ConsentTracker.builder(CsvConsentStore.open(file)).brand("GreenWatt USA").clock(clock).build());
        assertThat(confirmations.pendingConfirmations()).extracting(PendingConfirmation::id)
                .containsExactlyInAnyOrder(id, other);
        assertThat(confirmations.expireDue()).extracting(ConfirmationEvent::confirmationId).containsExactly(other);

        InboundResult r = reply("Yes");
        assertThat(r.change()).isEqualTo(InboundResult.Change.CONFIRMED);
        assertThat(r.confirmation().context()).containsEntry("sheet_row", "42");
        assertThat(r.confirmation().question()).isEqualTo(QUESTION);
        InboundMessage redelivered = r.message();
        tracker.close();

        open(ConsentTracker.builder(CsvConsentStore.open(file)).brand("GreenWatt USA").clock(clock).build());
        assertThat(tracker.findById(id)).get().satisfies(row -> {
            assertThat(row.status()).isEqualTo(ConsentStatus.ACTIVE);
            assertThat(row.consentMessage()).isEqualTo(QUESTION);
        });
        assertThat(tracker.isActive(DANA)).isTrue();
        assertThat(handler.handle(redelivered).change()).isEqualTo(InboundResult.Change.DUPLICATE);
    }

    // ---- the solar team's sheet (seed 003) ---------------------------------------------------------

    @Test
    void aListenerCanKeepTheEnrollmentColumnOfASheet() {
        Map<String, String> sheet = new LinkedHashMap<>();
        tracker.close();
        tracker = ConsentTracker.builder(new InMemoryConsentStore()).brand("GreenWatt USA").clock(clock).build();
        confirmations = Confirmations.builder(tracker).recordBeforeSend().listener(e -> {
            String row = e.context().get("sheet_row");
            switch (e.outcome()) {
                case REQUESTED -> sheet.put(row, "PENDING");
                case CONFIRMED -> sheet.put(row, "ENROLLED " + e.at());
                case DECLINED -> sheet.put(row, "DECLINED " + e.at());
                case INVALID -> sheet.put(row, "INVALID: " + e.replyBody());
                default -> sheet.put(row, e.outcome().name());
            }
        }).build();
        handler = InboundHandler.builder(tracker).confirmations(confirmations).supportContact("greenwatt.example")
                .build();

        confirmations.request(DANA, QUESTION, Map.of("sheet_row", "2"), TTL);
        confirmations.request("+15855550124", QUESTION, Map.of("sheet_row", "3"), TTL);
        confirmations.request("+15855550125", QUESTION, Map.of("sheet_row", "4"), TTL);
        confirmations.request("+15855550126", QUESTION, Map.of("sheet_row", "5"), TTL);
        clock.advance(Duration.ofMinutes(5));
        reply("Y");
        handler.handle(InboundMessage.of("+15855550124", "N", "SMx", clock.instant()));
        handler.handle(InboundMessage.of("+15855550125", "which bill?", "SMy", clock.instant()));

        assertThat(sheet).containsExactly(
                Map.entry("2", "ENROLLED 2026-05-04T14:05:00Z"),
                Map.entry("3", "DECLINED 2026-05-04T14:05:00Z"),
                Map.entry("4", "INVALID: which bill?"),
                Map.entry("5", "PENDING"));
    }
}
