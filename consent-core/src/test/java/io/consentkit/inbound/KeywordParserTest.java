package io.consentkit.inbound;

import io.consentkit.InvalidInputException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.util.List;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.stream.IntStream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class KeywordParserTest {
    private static final KeywordParser FCC = KeywordParser.defaults();
    private static final KeywordParser STRICT = KeywordParser.builder().mode(KeywordParser.Mode.STRICT).build();

    private static void expect(KeywordParser p, String body, boolean pending, Intent intent, String keyword,
                               boolean whole) {
        assertThat(p.parse(body, pending))
                .as("%s %s (pending=%s)", p.mode(), body, pending)
                .isEqualTo(new KeywordMatch(intent, keyword, whole));
    }

    private static void none(KeywordParser p, String body, boolean pending) {
        assertThat(p.parse(body, pending)).as("%s %s (pending=%s)", p.mode(), body, pending)
                .isEqualTo(KeywordMatch.NONE);
    }

    // ---- every keyword of the fact sheet (section 1.1) and the FCC list (section 2.1) -------------------

    @ParameterizedTest
    @ValueSource(strings = {"STOP", "STOPALL", "UNSUBSCRIBE", "CANCEL", "END", "QUIT", "REVOKE", "OPTOUT"})
    void twilioOptOutKeywordsInEveryCaseAndMode(String kw) {
        for (String body : List.of(kw, kw.toLowerCase(), kw.charAt(0) + kw.substring(1).toLowerCase())) {
            for (boolean pending : new boolean[] {false, true}) {
                expect(FCC, body, pending, Intent.OPT_OUT, kw, true);
                expect(STRICT, body, pending, Intent.OPT_OUT, kw, true);
            }
        }
        assertThat(KeywordParser.TWILIO_OPT_OUT).contains(kw);
    }

    @ParameterizedTest
    @ValueSource(strings = {"stop", "quit", "end", "revoke", "opt out", "cancel", "unsubscribe"})
    void fccPerSeRevocationWordsAsWholeMessages(String word) {
        String kw = word.toUpperCase();
        expect(FCC, word, false, Intent.OPT_OUT, kw, true);
        expect(STRICT, word, false, Intent.OPT_OUT, kw, true);
        expect(FCC, "Please " + word + ".", false, Intent.OPT_OUT, kw, false);
    }

    @Test
    void twoWordFccKeywords() {
        expect(STRICT, "opt out", false, Intent.OPT_OUT, "OPT OUT", true);
        expect(STRICT, "Opt-Out", false, Intent.OPT_OUT, "OPT OUT", true);
        expect(STRICT, "OPT   OUT", false, Intent.OPT_OUT, "OPT OUT", true);
        expect(STRICT, "stop all", false, Intent.OPT_OUT, "STOP ALL", true);
        expect(STRICT, "Stop, all!", false, Intent.OPT_OUT, "STOP ALL", true);
        expect(FCC, "I want to opt-out now", false, Intent.OPT_OUT, "OPT OUT", false);
        assertThat(FCC.optOutKeywords()).contains("STOP", "STOPALL", "UNSUBSCRIBE", "CANCEL", "END", "QUIT",
                "REVOKE", "OPTOUT", "OPT OUT", "STOP ALL");
    }

    @ParameterizedTest
    @ValueSource(strings = {"START", "YES", "UNSTOP"})
    void twilioOptInKeywords(String kw) {
        for (String body : List.of(kw, kw.toLowerCase(), " " + kw + "! ")) {
            expect(FCC, body, false, Intent.OPT_IN, kw, true);
            expect(STRICT, body, false, Intent.OPT_IN, kw, true);
        }
        assertThat(KeywordParser.TWILIO_OPT_IN).contains(kw);
    }

    @ParameterizedTest
    @ValueSource(strings = {"HELP", "INFO"})
    void twilioHelpKeywords(String kw) {
        for (boolean pending : new boolean[] {false, true}) {
            expect(FCC, kw.toLowerCase() + "?", pending, Intent.HELP, kw, true);
            expect(STRICT, kw, pending, Intent.HELP, kw, true);
        }
        assertThat(KeywordParser.TWILIO_HELP).contains(kw);
    }

    @Test
    void defaultSetsAreExactlyTheFactSheetPlusFccPhrases() {
        assertThat(FCC.optOutKeywords()).containsExactly("STOP", "STOPALL", "UNSUBSCRIBE", "CANCEL", "END", "QUIT",
                "REVOKE", "OPTOUT", "OPT OUT", "STOP ALL");
        assertThat(FCC.optInKeywords()).containsExactly("START", "YES", "UNSTOP");
        assertThat(FCC.helpKeywords()).containsExactly("HELP", "INFO");
        assertThat(FCC.revocationWords()).contains("STOP", "QUIT", "END", "REVOKE", "OPT OUT", "CANCEL", "UNSUBSCRIBE");
        assertThat(FCC.mode()).isEqualTo(KeywordParser.Mode.FCC_CONSERVATIVE);
        assertThat(FCC.maxWords()).isEqualTo(KeywordParser.DEFAULT_MAX_WORDS);
    }

    // ---- normalisation ---------------------------------------------------------------------------

    @ParameterizedTest
    @ValueSource(strings = {"Stop.", "stop!!", " STOP ", "ＳＴＯＰ", "ｓｔｏｐ", "\tstop\r\n", "\"STOP\"", "STOP 🛑",
            "sToP", "...stop...", "\u3000STOP\u3000", "(stop)"})
    void normalisedVariantsOfStopCount(String body) {
        expect(STRICT, body, false, Intent.OPT_OUT, "STOP", true);
        expect(FCC, body, true, Intent.OPT_OUT, "STOP", true);
    }

    @Test
    void normalizeReducesToUpperCaseWords() {
        assertThat(KeywordParser.normalize(" Stop!! ")).isEqualTo("STOP");
        assertThat(KeywordParser.normalize("ＯＰＴ－ｏｕｔ")).isEqualTo("OPT OUT");
        assertThat(KeywordParser.normalize("please   stop,\n texting")).isEqualTo("PLEASE STOP TEXTING");
        assertThat(KeywordParser.normalize("Don't")).isEqualTo("DONT");
        assertThat(KeywordParser.normalize("don\u2019t stop")).isEqualTo("DONT STOP");
        assertThat(KeywordParser.normalize("arre\u0302t")).isEqualTo("ARRÊT"); // decomposed accent composed by NFKC
        assertThat(KeywordParser.normalize("straße")).isEqualTo("STRASSE");
        assertThat(KeywordParser.normalize("!!!")).isEmpty();
        assertThat(KeywordParser.normalize(null)).isEmpty();
    }

    @Test
    void emptyAndSymbolOnlyMessagesAreNothing() {
        for (String body : new String[] {null, "", "   ", "?!", "👍"}) {
            none(FCC, body, false);
            none(FCC, body, true);
        }
    }

    // ---- false positives and modes -------------------------------------------------------------

    @ParameterizedTest
    @ValueSource(strings = {"Stopwatch", "endless", "backend", "Unstoppable", "weekend", "Quitting time",
            "cancellation policy?", "Send me the backend docs", "Stopping by later", "The stopwatch is endless",
            "frontend", "revoked?", "helpful thanks", "information please", "starting soon", "yesterday"})
    void wordsThatMerelyContainTheLettersNeverFire(String body) {
        none(FCC, body, false);
        none(STRICT, body, false);
    }

    @Test
    void fccModeFindsRevocationWordsInShortReplies() {
        expect(FCC, "Please stop texting me", false, Intent.OPT_OUT, "STOP", false);
        expect(FCC, "unsubscribe me", false, Intent.OPT_OUT, "UNSUBSCRIBE", false);
        expect(FCC, "STOP PLEASE", false, Intent.OPT_OUT, "STOP", false);
        expect(FCC, "please cancel", false, Intent.OPT_OUT, "CANCEL", false);
        expect(FCC, "No, stop!", true, Intent.OPT_OUT, "STOP", false);
        expect(FCC, "Stop sending me these texts, never signed up", false, Intent.OPT_OUT, "STOP", false);
        none(STRICT, "Please stop texting me", false);
        none(STRICT, "unsubscribe me", false);
        none(STRICT, "STOP PLEASE", false);
    }

    @Test
    void shortMeansAtMostMaxWords() {
        String eight = "one two three four five six seven stop";
        String nine = "one two three four five six seven eight stop";
        expect(FCC, eight, false, Intent.OPT_OUT, "STOP", false);
        none(FCC, nine, false);
        KeywordParser wider = KeywordParser.builder().maxWords(12).build();
        expect(wider, nine, false, Intent.OPT_OUT, "STOP", false);
        KeywordParser narrow = KeywordParser.builder().maxWords(2).build();
        none(narrow, "please stop texting", false);
        expect(narrow, "stop texting", false, Intent.OPT_OUT, "STOP", false);
        expect(narrow, "STOP", false, Intent.OPT_OUT, "STOP", true);
    }

    @Test
    void obviousNegationsDoNotRevoke() {
        none(FCC, "Don't stop", false);
        none(FCC, "please don\u2019t stop the updates", false);
        none(FCC, "do not unsubscribe me", false);
        none(FCC, "I did not cancel", false);
        none(FCC, "never stop", false);
        // a negation elsewhere does not hide a revocation word
        expect(FCC, "not interested, stop", false, Intent.OPT_OUT, "STOP", false);
    }

    @Test
    void veryLongMessagesAreNotScanned() {
        none(FCC, "stop " + "x ".repeat(KeywordParser.MAX_SCANNED_LENGTH), false);
        none(FCC, "word ".repeat(100) + "stop", false);
    }

    // ---- Y/N answers and the YES clash --------------------------------------------------------------

    @Test
    void yesIsOptInWithoutAPendingConfirmationAndConfirmYesWithOne() {
        expect(FCC, "YES", false, Intent.OPT_IN, "YES", true);
        expect(STRICT, "yes", false, Intent.OPT_IN, "YES", true);
        expect(FCC, "YES", true, Intent.CONFIRM_YES, "YES", true);
        expect(STRICT, "Yes!", true, Intent.CONFIRM_YES, "YES", true);
    }

    @Test
    void noAndNMeanNothingWithoutAPendingConfirmation() {
        for (String body : new String[] {"N", "NO", "no", "Nope", "Y", "y", "yep", "decline"}) {
            none(FCC, body, false);
            none(STRICT, body, false);
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"Y", "y", "YES", "Yep", "yeah", "YUP", "confirm", "Confirmed", "I confirm",
            "yes please", "Accept", "agree", "I agree", "Y."})
    void confirmYesAnswers(String body) {
        assertThat(FCC.parse(body, true).intent()).isEqualTo(Intent.CONFIRM_YES);
        assertThat(STRICT.parse(body, true).intent()).isEqualTo(Intent.CONFIRM_YES);
    }

    @ParameterizedTest
    @ValueSource(strings = {"N", "n", "NO", "nope", "Nah", "decline", "DECLINED", "no thanks", "No thank you",
            "not interested", "No."})
    void confirmNoAnswers(String body) {
        assertThat(FCC.parse(body, true).intent()).isEqualTo(Intent.CONFIRM_NO);
        assertThat(STRICT.parse(body, true).intent()).isEqualTo(Intent.CONFIRM_NO);
    }

    @Test
    void keywordsKeepTheirMeaningWhileAConfirmationIsPending() {
        expect(FCC, "STOP", true, Intent.OPT_OUT, "STOP", true);
        expect(FCC, "HELP", true, Intent.HELP, "HELP", true);
        expect(FCC, "START", true, Intent.OPT_IN, "START", true);
        none(FCC, "Yes, tomorrow at 5", true);
        none(FCC, "maybe", true);
        none(FCC, "Y/N", true);
    }

    // ---- configuration ----------------------------------------------------------------------------

    @Test
    void addAndRemoveKeywords() {
        KeywordParser p = KeywordParser.builder()
                .addOptOut("leave me alone", "BASTA")
                .addOptIn("join")
                .addHelp("support")
                .addConfirmYes("enroll me")
                .remove("CANCEL", "end")
                .build();
        expect(p, "Leave me alone!", false, Intent.OPT_OUT, "LEAVE ME ALONE", true);
        expect(p, "basta", false, Intent.OPT_OUT, "BASTA", true);
        expect(p, "JOIN", false, Intent.OPT_IN, "JOIN", true);
        expect(p, "Support?", false, Intent.HELP, "SUPPORT", true);
        expect(p, "enroll me", true, Intent.CONFIRM_YES, "ENROLL ME", true);
        none(p, "Cancel my appointment", false);
        none(p, "cancel", false);
        none(p, "end", false);
        expect(FCC, "Cancel my appointment", false, Intent.OPT_OUT, "CANCEL", false);
    }

    @Test
    void builderRejectsConflictsAndBadKeywordsAtOnce() {
        assertThatThrownBy(() -> KeywordParser.builder().addOptOut("start"))
                .isInstanceOf(InvalidInputException.class).hasMessageContaining("START").hasMessageContaining("opt-in");
        assertThatThrownBy(() -> KeywordParser.builder().addOptIn("Stop"))
                .isInstanceOf(InvalidInputException.class).hasMessageContaining("opt-out");
        assertThatThrownBy(() -> KeywordParser.builder().addConfirmYes("no"))
                .isInstanceOf(InvalidInputException.class).hasMessageContaining("confirm-no");
        assertThatThrownBy(() -> KeywordParser.builder().addHelp("?!"))
                .isInstanceOf(InvalidInputException.class).hasMessageContaining("no letters or digits");
        assertThatThrownBy(() -> KeywordParser.builder().addOptOut("a b c d e f"))
                .isInstanceOf(InvalidInputException.class);
        assertThatThrownBy(() -> KeywordParser.builder().remove("stop"))
                .isInstanceOf(InvalidInputException.class).hasMessageContaining("FCC");
        assertThatThrownBy(() -> KeywordParser.builder().maxWords(0))
                .isInstanceOf(InvalidInputException.class).extracting("field").isEqualTo("maxWords");
        assertThatThrownBy(() -> KeywordParser.builder().addNegations("do not"))
                .isInstanceOf(InvalidInputException.class);
        // moving a keyword: remove first
        KeywordParser p = KeywordParser.builder().remove("YES").addOptOut("yes").build();
        expect(p, "YES", true, Intent.OPT_OUT, "YES", true);
    }

    @Test
    void spanishExtras() {
        none(FCC, "ALTO", false);
        KeywordParser es = KeywordParser.builder().add(KeywordSet.SPANISH).build();
        for (String kw : KeywordSet.SPANISH.optOut()) {
            expect(es, kw.toLowerCase(), false, Intent.OPT_OUT, kw, true);
        }
        expect(es, "Alto!", false, Intent.OPT_OUT, "ALTO", true);
        expect(es, "no más", false, Intent.OPT_OUT, "NO MÁS", true);
        expect(es, "comenzar", false, Intent.OPT_IN, "COMENZAR", true);
        expect(es, "ayuda", false, Intent.HELP, "AYUDA", true);
        expect(es, "sí", true, Intent.CONFIRM_YES, "SÍ", true);
        expect(es, "No gracias", true, Intent.CONFIRM_NO, "NO GRACIAS", true);
        expect(es, "por favor quiero cancelar", false, Intent.OPT_OUT, "CANCELAR", false);
        none(es, "el precio es muy alto", false);
        // English keeps working
        expect(es, "STOP", false, Intent.OPT_OUT, "STOP", true);
    }

    @Test
    void frenchExtras() {
        KeywordParser fr = KeywordParser.builder().add(KeywordSet.FRENCH).build();
        for (String kw : KeywordSet.FRENCH.optOut()) {
            expect(fr, kw.toLowerCase(), false, Intent.OPT_OUT, kw, true);
        }
        expect(fr, "Arrêt", false, Intent.OPT_OUT, "ARRÊT", true);
        expect(fr, "ARRET.", false, Intent.OPT_OUT, "ARRET", true);
        expect(fr, "Arrêtez svp", false, Intent.OPT_OUT, "ARRÊTEZ", false);
        expect(fr, "désabonnez-moi", false, Intent.OPT_OUT, "DÉSABONNEZ", false);
        none(fr, "ne pas arrêter", false);
        none(fr, "arrêt de bus", false);
        expect(fr, "aide", false, Intent.HELP, "AIDE", true);
        expect(fr, "oui", true, Intent.CONFIRM_YES, "OUI", true);
        expect(fr, "non merci", true, Intent.CONFIRM_NO, "NON MERCI", true);
        KeywordParser both = KeywordParser.builder().add(KeywordSet.SPANISH).add(KeywordSet.FRENCH).build();
        expect(both, "fin", false, Intent.OPT_OUT, "FIN", true);
    }

    @Test
    void anAppCanShipItsOwnLanguageSet() {
        KeywordSet german = KeywordSet.of("de", java.util.Set.of("Abmelden", "stopp"), java.util.Set.of("Anmelden"),
                java.util.Set.of("Hilfe"));
        KeywordParser de = KeywordParser.builder().add(german).build();
        expect(de, "abmelden!", false, Intent.OPT_OUT, "ABMELDEN", true);
        expect(de, "STOPP", false, Intent.OPT_OUT, "STOPP", true);
        expect(de, "anmelden", false, Intent.OPT_IN, "ANMELDEN", true);
        expect(de, "hilfe", false, Intent.HELP, "HILFE", true);
        assertThatThrownBy(() -> KeywordSet.of("x", java.util.Set.of(" "), java.util.Set.of(), java.util.Set.of()))
                .isInstanceOf(InvalidInputException.class);
    }

    @Test
    void twilioDefaultsAreAKeywordSetThatEnglishCovers() {
        KeywordSet twilio = KeywordSet.TWILIO_DEFAULTS;
        assertThat(twilio.optOut()).containsExactly("STOP", "STOPALL", "UNSUBSCRIBE", "CANCEL", "END", "QUIT",
                "REVOKE", "OPTOUT");
        assertThat(twilio.optIn()).containsExactly("START", "YES", "UNSTOP");
        assertThat(twilio.help()).containsExactly("HELP", "INFO");
        assertThat(twilio.confirmYes()).isEmpty();
        assertThat(twilio.revocationWords()).isEmpty();
        assertThat(KeywordParser.TWILIO_OPT_OUT).isEqualTo(twilio.optOut());
        assertThat(KeywordParser.TWILIO_OPT_IN).isEqualTo(twilio.optIn());
        assertThat(KeywordParser.TWILIO_HELP).isEqualTo(twilio.help());
        assertThat(KeywordSet.ENGLISH.optOut()).containsAll(twilio.optOut());
        assertThat(KeywordSet.ENGLISH.optIn()).containsAll(twilio.optIn());
        assertThat(KeywordSet.ENGLISH.help()).containsAll(twilio.help());
        // adding it to the default builder changes nothing
        assertThat(KeywordParser.builder().add(twilio).build().toString()).isEqualTo(FCC.toString());
    }

    @Test
    void aBuiltParserDoesNotChangeWithItsBuilder() {
        KeywordParser.Builder b = KeywordParser.builder();
        KeywordParser before = b.build();
        b.addOptOut("LEAVE").maxWords(2).mode(KeywordParser.Mode.STRICT);
        assertThat(before.optOutKeywords()).doesNotContain("LEAVE");
        assertThat(before.maxWords()).isEqualTo(KeywordParser.DEFAULT_MAX_WORDS);
        assertThat(before.mode()).isEqualTo(KeywordParser.Mode.FCC_CONSERVATIVE);
        assertThat(b.build().optOutKeywords()).contains("LEAVE");
    }

    @Test
    void parsingIsSafeFromManyThreads() {
        ConcurrentLinkedQueue<KeywordMatch> out = new ConcurrentLinkedQueue<>();
        IntStream.range(0, 20_000).parallel().forEach(i -> out.add(FCC.parse(i % 2 == 0 ? "Stop." : "yes", i % 4 == 1)));
        assertThat(out).hasSize(20_000).allSatisfy(m -> assertThat(m.intent())
                .isIn(Intent.OPT_OUT, Intent.OPT_IN, Intent.CONFIRM_YES));
        assertThat(out.stream().filter(m -> m.intent() == Intent.OPT_OUT).count()).isEqualTo(10_000);
        assertThat(out.stream().filter(m -> m.intent() == Intent.CONFIRM_YES).count()).isEqualTo(5_000);
    }
}
