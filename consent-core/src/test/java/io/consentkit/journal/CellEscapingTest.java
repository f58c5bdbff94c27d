package io.consentkit.journal;

import io.consentkit.support.Json;
import io.consentkit.support.Masking;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The cell and message escaping helpers: formula neutralisation round trips, printable input, JSON depth. */
@Timeout(10)
class CellEscapingTest {
    @Test
    void formulaNeutralisationRoundTripsEveryCell() {
        List<String> cells = List.of("", "plain", "=SUM(A1)", "+1", "-2", "@x", "\tTab", "\rCR", "'", "''", "'=x", "''@y",
                "'plain", "it's", "=", "'\t");
        for (String c : cells) {
            String safe = JournalCodec.formulaSafe(c);
            assertThat(JournalCodec.unFormulaSafe(safe)).as(c).isEqualTo(c);
            assertThat(safe.isEmpty() || "=+-@\t\r".indexOf(safe.charAt(0)) < 0).as(safe).isTrue();
        }
        assertThat(JournalCodec.formulaSafe("'=x")).isEqualTo("''=x");
        assertThat(JournalCodec.unFormulaSafe("'hello")).isEqualTo("'hello");
    }

    @Test
    void printableEscapesControlAndBidiCharactersAndCutsLongInput() {
        assertThat(Masking.printable("a\u001b[31mb\u202ec\u2066d\u0085e\\f\n")).isEqualTo(
                "a\\u001b[31mb\\u202ec\\u2066d\\u0085e\\\\f\\u000a");
        assertThat(Masking.printable("Zoë 😀")).isEqualTo("Zoë 😀");
        assertThat(Masking.printable("x\uD800y")).isEqualTo("x\\ud800y");
        assertThat(Masking.printable("y".repeat(100))).isEqualTo("y".repeat(Masking.PRINTABLE_MAX) + "...(100 chars)");
        assertThat(Masking.printable(null)).isEqualTo("null");
        assertThat(Masking.phone("+1512\u202e5551234")).doesNotContain("\u202e");
    }

    @Test
    void jsonNestingIsBoundedWithoutRecursionDepthProblems() {
        String ok = "{\"k\":" + "[".repeat(Json.MAX_DEPTH - 1) + "]".repeat(Json.MAX_DEPTH - 1) + "}";
        assertThat(Json.parseObject(ok)).containsKey("k");
        String deep = "{\"k\":" + "[".repeat(Json.MAX_DEPTH) + "]".repeat(Json.MAX_DEPTH) + "}";
        assertThatThrownBy(() -> Json.parseObject(deep)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("nested deeper than " + Json.MAX_DEPTH);
        String huge = "{\"k\":" + "{\"a\":".repeat(1_000_000) + "1" + "}".repeat(1_000_000) + "}";
        assertThatThrownBy(() -> Json.parseObject(huge)).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void theWriteLimitIsBelowTheReadLimit() {
        assertThat(JournalLimits.MAX_ROW_BYTES).isLessThan(JournalLimits.MAX_READ_ROW_BYTES);
        long worst = 3L * (JournalCodec.MAX_ID_LENGTH + JournalLimits.MAX_CONSENT_MESSAGE_CHARS
                + 7L * JournalLimits.MAX_FIELD_CHARS + JournalLimits.MAX_FINAL_METADATA_CHARS + 128);
        assertThat(worst).as("the field limits imply the row limit").isLessThanOrEqualTo(JournalLimits.MAX_ROW_BYTES);
    }
}
