package io.consentkit.inbound;

import io.consentkit.consent.ConsentRequest;
import io.consentkit.consent.ConsentTracker;
import io.consentkit.consent.Programs;
import io.consentkit.consent.RevocationPolicy;
import io.consentkit.journal.ConsentRecord;
import io.consentkit.journal.ConsentStore;
import io.consentkit.journal.OptInMethod;
import io.consentkit.store.CsvConsentStore;
import io.consentkit.store.InMemoryConsentStore;
import io.consentkit.testkit.SettableClock;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * STOP, START and HELP resolve their program from the {@code To} sender, through the handler, over the
 * in-memory and the CSV store.
 */
class InboundScopesTest {
    static final String ANN = "+15125551234";
    static final String MARKETING_SENDER = "+15125550100";
    static final String ALERTS_SENDER = "+15125550199";
    static final String RIVER_SENDER = "+15125550177";

    @TempDir
    Path dir;
    final SettableClock clock = SettableClock.at("2026-11-25T15:00:00Z");
    ConsentTracker tracker;
    int sid;

    @AfterEach
    void close() {
        if (tracker != null) {
            tracker.close();
        }
    }

    ConsentTracker open(String store, RevocationPolicy policy) {
        ConsentStore s = store.equals("csv") ? CsvConsentStore.open(dir.resolve("consents.csv")) : new InMemoryConsentStore();
        Programs programs = Programs.builder().defaultProgram("marketing", "basin")
                .program("marketing", "basin", MARKETING_SENDER).program("alerts", "basin", ALERTS_SENDER)
                .program("news", "river", RIVER_SENDER).policy(policy).build();
        tracker = ConsentTracker.builder(s).brand("Basin Climbing").clock(clock).programs(programs).build();
        return tracker;
    }

    void optIn(String... programs) {
        for (String p : programs) {
            tracker.recordConsent(ConsentRequest.builder(ANN, OptInMethod.WEB_FORM, "Basin texts").program(p).build());
        }
    }

    InboundResult text(InboundHandler handler, String to, String body) {
        return handler.handle(new InboundMessage(ANN, to, body, "SM" + (++sid), clock.instant()));
    }

    static InboundHandler.Builder handler(ConsentTracker t) {
        return InboundHandler.builder(t).supportContact("help@basin.example");
    }

    @ParameterizedTest
    @ValueSource(strings = {"memory", "csv"})
    void stopToTheAlertsSenderUnderSenderLeavesMarketingActive(String store) {
        open(store, RevocationPolicy.SENDER);
        optIn("marketing", "alerts");

        InboundResult r = text(handler(tracker).build(), ALERTS_SENDER, "STOP");

        assertThat(r.change()).isEqualTo(InboundResult.Change.OPTED_OUT);
        assertThat(tracker.isActive(ANN, "alerts")).isFalse();
        assertThat(tracker.isActive(ANN, "marketing")).isTrue();
        assertThat(r.records()).singleElement().satisfies(row -> {
            assertThat(row.program()).isEqualTo("alerts");
            assertThat(row.channel()).isEqualTo("sms");
            assertThat(row.metadata()).containsEntry("revoke_to", ALERTS_SENDER);
        });
    }

    @ParameterizedTest
    @ValueSource(strings = {"memory", "csv"})
    void stopToTheAlertsSenderUnderAllRevokesTheWholeBrandButNotAnotherBrand(String store) {
        open(store, RevocationPolicy.ALL);
        optIn("marketing", "alerts", "news");

        text(handler(tracker).build(), ALERTS_SENDER, "STOP");

        assertThat(tracker.isActive(ANN, "alerts")).isFalse();
        assertThat(tracker.isActive(ANN, "marketing")).isFalse();
        assertThat(tracker.isActive(ANN, "news")).isTrue();
    }

    @ParameterizedTest
    @ValueSource(strings = {"memory", "csv"})
    void stopAllRevokesEveryProgramOfEveryBrandWhateverThePolicy(String store) {
        open(store, RevocationPolicy.SENDER);
        optIn("marketing", "alerts", "news");

        text(handler(tracker).build(), ALERTS_SENDER, "STOPALL");

        assertThat(List.of("marketing", "alerts", "news")).allSatisfy(p -> assertThat(tracker.isActive(ANN, p)).isFalse());
    }

    @ParameterizedTest
    @ValueSource(strings = {"memory", "csv"})
    void startReOptsInOnlyTheProgramsOfTheSenderItReached(String store) {
        open(store, RevocationPolicy.ALL);
        optIn("marketing", "alerts");
        InboundHandler handler = handler(tracker).build();
        text(handler, ALERTS_SENDER, "STOP");

        InboundResult r = text(handler, ALERTS_SENDER, "START");

        assertThat(r.change()).isEqualTo(InboundResult.Change.OPTED_IN);
        assertThat(tracker.isActive(ANN, "alerts")).isTrue();
        assertThat(tracker.isActive(ANN, "marketing")).isFalse();
        assertThat(r.records()).singleElement().satisfies(row -> {
            assertThat(row.program()).isEqualTo("alerts");
            assertThat(row.metadata()).containsEntry("to", ALERTS_SENDER).containsEntry("keyword", "START");
            assertThat(row.consentMessage()).isEqualTo(r.reply());
        });

        text(handler, "+15125550111", "START"); // a sender no program lists: the default program
        assertThat(tracker.isActive(ANN, "marketing")).isTrue();
    }

    @ParameterizedTest
    @ValueSource(strings = {"memory", "csv"})
    void helpAnswersWithTheTextOfTheSendersProgram(String store) {
        open(store, RevocationPolicy.SENDER);
        InboundHandler handler = handler(tracker)
                .helpReply("alerts", "Basin alerts: route closures and weather. Help: 512-555-0100. Reply STOP to opt out.")
                .build();

        assertThat(text(handler, ALERTS_SENDER, "HELP").reply()).startsWith("Basin alerts: route closures");
        assertThat(text(handler, MARKETING_SENDER, "HELP").reply()).isEqualTo("Basin Climbing: for help contact "
                + "help@basin.example. Reply STOP to opt out. Msg & data rates may apply.");
    }

    @ParameterizedTest
    @ValueSource(strings = {"memory", "csv"})
    void perProgramWordingIsRepliedAndTheOptInTextIsTheOneRecorded(String store) {
        open(store, RevocationPolicy.SENDER);
        String thanks = "Thanks for subscribing to Basin Climbing alerts. Reply STOP to opt out, HELP for help. "
                + "Msg&data rates may apply. Up to 4 msgs/month.";
        String bye = "You have been unsubscribed from SMS notifications. Reply START to opt back in.";
        InboundHandler handler = handler(tracker).optInReply("alerts", thanks).optOutReply("alerts", bye)
                .optOutReplyPolicy(ReplyPolicy.ALWAYS).build();

        InboundResult in = text(handler, ALERTS_SENDER, "START");
        assertThat(in.reply()).isEqualTo(thanks);
        assertThat(tracker.status(io.consentkit.phone.PhoneNumber.of(ANN), "alerts").orElseThrow().consentMessage())
                .isEqualTo(thanks);
        assertThat(text(handler, ALERTS_SENDER, "STOP").reply()).isEqualTo(bye);

        InboundResult other = text(handler, MARKETING_SENDER, "START");
        assertThat(other.reply()).isEqualTo(tracker.texts().keyword("START"));
    }

    @ParameterizedTest
    @ValueSource(strings = {"memory", "csv"})
    void theStopConfirmationIsRepliedAfterTheOptOutIsRecordedAndOnlyOnce(String store) {
        open(store, RevocationPolicy.SENDER);
        optIn("alerts");
        InboundHandler handler = handler(tracker).optOutReplyPolicy(ReplyPolicy.ALWAYS).build();
        InboundMessage stop = new InboundMessage(ANN, ALERTS_SENDER, "STOP", "SM-stop", clock.instant());

        InboundResult r = handler.handle(stop);

        assertThat(r.reply()).startsWith("Basin Climbing: you are unsubscribed");
        assertThat(tracker.isOptedOut(io.consentkit.phone.PhoneNumber.of(ANN), "alerts")).isTrue();
        assertThat(handler.handle(stop).reply()).isEmpty(); // a redelivered webhook gets no second one
    }

    @ParameterizedTest
    @ValueSource(strings = {"memory", "csv"})
    void aKeepReplyWithinFiveMinutesReOptsInThatProgramWithItsEvidence(String store) {
        open(store, RevocationPolicy.ALL);
        optIn("marketing", "alerts");
        InboundHandler handler = handler(tracker).optOutReplyPolicy(ReplyPolicy.ALWAYS).keepMenu(true).build();

        InboundResult stop = text(handler, MARKETING_SENDER, "STOP");
        assertThat(stop.reply()).endsWith("To keep some of these texts, reply within 5 minutes: 1 marketing, 2 alerts.");
        assertThat(tracker.isActive(ANN, "alerts")).isFalse();

        clock.advance(Duration.ofMinutes(4).plusSeconds(59));
        InboundResult keep = text(handler, MARKETING_SENDER, "keep alerts");

        assertThat(keep.change()).isEqualTo(InboundResult.Change.OPTED_IN);
        assertThat(tracker.isActive(ANN, "alerts")).isTrue();
        assertThat(tracker.isActive(ANN, "marketing")).isFalse();
        ConsentRecord row = keep.records().get(0);
        assertThat(row.program()).isEqualTo("alerts");
        assertThat(row.channel()).isEqualTo("sms");
        assertThat(row.metadata()).containsEntry("keep_answer", "keep alerts").containsEntry("keep_question",
                "To keep some of these texts, reply within 5 minutes: 1 marketing, 2 alerts.");
        assertThat(keep.reply()).isEqualTo(row.consentMessage());

        assertThat(text(handler, MARKETING_SENDER, "2").change()).isEqualTo(InboundResult.Change.NONE); // kept already
        assertThat(text(handler, MARKETING_SENDER, "1").change()).isEqualTo(InboundResult.Change.OPTED_IN);
        assertThat(tracker.isActive(ANN, "marketing")).isTrue();
    }

    @ParameterizedTest
    @ValueSource(strings = {"memory", "csv"})
    void afterFiveMinutesTheSameReplyIsAnOrdinaryMessage(String store) {
        open(store, RevocationPolicy.ALL);
        optIn("marketing", "alerts");
        InboundHandler handler = handler(tracker).optOutReplyPolicy(ReplyPolicy.ALWAYS).keepMenu(true).build();
        text(handler, MARKETING_SENDER, "STOP");

        clock.advance(Duration.ofMinutes(5).plusSeconds(1));
        InboundResult late = text(handler, MARKETING_SENDER, "keep alerts");

        assertThat(late.change()).isEqualTo(InboundResult.Change.NONE);
        assertThat(late.records()).isEmpty();
        assertThat(late.reply()).isEmpty();
        assertThat(tracker.isActive(ANN, "alerts")).isFalse();
    }

    @ParameterizedTest
    @ValueSource(strings = {"memory", "csv"})
    void withoutTheKeepMenuNoQuestionIsAskedAndADigitIsOrdinary(String store) {
        open(store, RevocationPolicy.ALL);
        optIn("marketing", "alerts");
        InboundHandler handler = handler(tracker).optOutReplyPolicy(ReplyPolicy.ALWAYS).build();

        assertThat(text(handler, MARKETING_SENDER, "STOP").reply()).doesNotContain("keep");
        assertThat(text(handler, MARKETING_SENDER, "2").change()).isEqualTo(InboundResult.Change.NONE);
        assertThat(tracker.isActive(ANN, "alerts")).isFalse();
    }

    @org.junit.jupiter.api.Test
    void theKeepWindowIsKeptInTheJournalSoItSurvivesARestart() {
        open("csv", RevocationPolicy.ALL);
        optIn("marketing", "alerts");
        text(handler(tracker).optOutReplyPolicy(ReplyPolicy.ALWAYS).keepMenu(true).build(), ALERTS_SENDER, "STOP");
        tracker.close();

        open("csv", RevocationPolicy.ALL);
        clock.advance(Duration.ofMinutes(2));
        InboundResult keep = text(handler(tracker).keepMenu(true).build(), ALERTS_SENDER, "Keep 2");

        assertThat(keep.change()).isEqualTo(InboundResult.Change.OPTED_IN);
        assertThat(tracker.isActive(ANN, "alerts")).isTrue();
        assertThat(tracker.isActive(ANN, "marketing")).isFalse();
    }
}
