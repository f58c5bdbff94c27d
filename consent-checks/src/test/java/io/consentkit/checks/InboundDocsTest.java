package io.consentkit.checks;

import io.consentkit.inbound.Intent;
import io.consentkit.inbound.KeywordMatch;
import io.consentkit.inbound.KeywordParser;
import io.consentkit.inbound.KeywordSet;

import org.junit.jupiter.api.Test;

import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import java.util.function.Function;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Keeps docs/inbound.md true: its keyword tables are generated here from the parser. (Its Java example is
 * the code consent-core's {@code InboundExampleTest} runs; the docs harness in consent-checks compares the two.) Run with
 * {@code -Dconsentkit.updateDocs=true} to rewrite the generated parts after changing the parser.
 */
class InboundDocsTest {
    static final Path DOC = Docs.root().resolve("docs").resolve("inbound.md");

    /** Sample replies for the modes table. */
    static final List<String> SAMPLES = List.of(
            "STOP", "stop!!", " Stop. ", "ＳＴＯＰ", "opt out", "Opt-Out", "stop all", "STOP PLEASE",
            "Please stop texting me", "unsubscribe me", "I want to opt-out now", "Cancel my appointment",
            "Don't stop", "Stopwatch", "endless", "backend",
            "When does the sale end? I loved the last one, thanks",
            "START", "YES", "Yes please", "Y", "N", "No thanks", "HELP", "info?", "ALTO");

    static String keywordSetsTable() {
        StringBuilder sb = new StringBuilder();
        sb.append("| Class | English (default, `KeywordSet.ENGLISH`) | Spanish extra (`KeywordSet.SPANISH`) "
                + "| French extra (`KeywordSet.FRENCH`) |\n");
        sb.append("|---|---|---|---|\n");
        row(sb, "Opt-out, whole message", KeywordSet::optOut);
        row(sb, "Opt-out inside a short reply (FCC mode)", KeywordSet::revocationWords);
        row(sb, "Negations that cancel a word inside a reply", KeywordSet::negations);
        row(sb, "Opt-in", KeywordSet::optIn);
        row(sb, "Help", KeywordSet::help);
        row(sb, "Yes, only while a confirmation is pending", KeywordSet::confirmYes);
        row(sb, "No, only while a confirmation is pending", KeywordSet::confirmNo);
        sb.append("\nTwilio itself acts on (whole message, long codes and toll-free): opt-out ")
                .append(String.join(", ", KeywordParser.TWILIO_OPT_OUT)).append("; opt-in ")
                .append(String.join(", ", KeywordParser.TWILIO_OPT_IN)).append("; help ")
                .append(String.join(", ", KeywordParser.TWILIO_HELP)).append(".\n");
        return sb.toString();
    }

    private static void row(StringBuilder sb, String label, Function<KeywordSet, Set<String>> f) {
        sb.append("| ").append(label);
        for (KeywordSet set : List.of(KeywordSet.ENGLISH, KeywordSet.SPANISH, KeywordSet.FRENCH)) {
            Set<String> words = f.apply(set);
            sb.append(" | ").append(words.isEmpty() ? "–" : String.join(", ", words));
        }
        sb.append(" |\n");
    }

    static String samplesTable() {
        KeywordParser strict = KeywordParser.builder().mode(KeywordParser.Mode.STRICT).build();
        KeywordParser fcc = KeywordParser.defaults();
        StringBuilder sb = new StringBuilder();
        sb.append("| Reply | `STRICT` | `FCC_CONSERVATIVE` (default) | `FCC_CONSERVATIVE`, confirmation pending |\n");
        sb.append("|---|---|---|---|\n");
        for (String s : SAMPLES) {
            sb.append("| `\"").append(s).append("\"` | ").append(cell(strict.parse(s, false))).append(" | ")
                    .append(cell(fcc.parse(s, false))).append(" | ").append(cell(fcc.parse(s, true))).append(" |\n");
        }
        return sb.toString();
    }

    private static String cell(KeywordMatch m) {
        if (m.intent() == Intent.NONE) {
            return "NONE";
        }
        return m.intent() + " (" + m.keyword() + (m.wholeMessage() ? ")" : ", in reply)");
    }

    @Test
    void generatedPartsOfTheDocAreCurrent() {
        Docs.checkGenerated(DOC, "keyword-sets", keywordSetsTable());
        Docs.checkGenerated(DOC, "samples", samplesTable());
    }

    @Test
    void everySampleRowIsWhatTheParserSays() {
        // belt and braces for the most important rows, independent of the generator
        KeywordParser fcc = KeywordParser.defaults();
        KeywordParser strict = KeywordParser.builder().mode(KeywordParser.Mode.STRICT).build();
        assertThat(fcc.parse("Please stop texting me").intent()).isEqualTo(Intent.OPT_OUT);
        assertThat(strict.parse("Please stop texting me").intent()).isEqualTo(Intent.NONE);
        for (String fp : List.of("Stopwatch", "endless", "backend")) {
            assertThat(fcc.parse(fp).intent()).isEqualTo(Intent.NONE);
            assertThat(strict.parse(fp).intent()).isEqualTo(Intent.NONE);
        }
        assertThat(fcc.parse("YES", false).intent()).isEqualTo(Intent.OPT_IN);
        assertThat(fcc.parse("YES", true).intent()).isEqualTo(Intent.CONFIRM_YES);
        assertThat(samplesTable().lines().count()).isEqualTo(SAMPLES.size() + 2L);
    }
}
