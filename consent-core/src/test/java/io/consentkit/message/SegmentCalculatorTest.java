package io.consentkit.message;

import io.consentkit.InvalidInputException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import java.util.List;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class SegmentCalculatorTest {
    private static final String EMOJI_WINK = "\uD83D\uDE1C"; // 😜
    private static final String EMOJI_GRIN = "\uD83D\uDE00"; // 😀
    private static final String CJK = "\u4E2D"; // 中
    private static final String E_ACUTE = "\u00E9";
    private static final String E_COMBINING = "e\u0301";

    static String rep(String s, int n) {
        return s.repeat(n);
    }

    static String digits(int n) {
        StringBuilder sb = new StringBuilder(n);
        for (int i = 0; i < n; i++) {
            sb.append((char) ('0' + i % 10));
        }
        return sb.toString();
    }

    /** Every row of the fact sheet's table (section 3.3), both sides of each slash. */
    static Stream<Arguments> factSheetVectors() {
        return Stream.of(
                Arguments.of("160 x a", rep("a", 160), Encoding.GSM7, 1),
                Arguments.of("161 x a", rep("a", 161), Encoding.GSM7, 2),
                Arguments.of("306 digits", digits(306), Encoding.GSM7, 2),
                Arguments.of("307 digits", digits(307), Encoding.GSM7, 3),
                Arguments.of("| + 158 digits", "|" + digits(158), Encoding.GSM7, 1),
                Arguments.of("| + 159 digits", "|" + digits(159), Encoding.GSM7, 2),
                Arguments.of("152 x ]", rep("]", 152), Encoding.GSM7, 2),
                Arguments.of("153 x ]", rep("]", 153), Encoding.GSM7, 3),
                Arguments.of("80 x euro", rep("\u20AC", 80), Encoding.GSM7, 1),
                Arguments.of("81 x euro", rep("\u20AC", 81), Encoding.GSM7, 2),
                Arguments.of("70 x CJK", rep(CJK, 70), Encoding.UCS2, 1),
                Arguments.of("71 x CJK", rep(CJK, 71), Encoding.UCS2, 2),
                Arguments.of("wink + 68 digits", EMOJI_WINK + digits(68), Encoding.UCS2, 1),
                Arguments.of("wink + 69 digits", EMOJI_WINK + digits(69), Encoding.UCS2, 2),
                Arguments.of("wink + 133 digits", EMOJI_WINK + digits(133), Encoding.UCS2, 3),
                Arguments.of("grin + 68 x ]", EMOJI_GRIN + rep("]", 68), Encoding.UCS2, 1),
                Arguments.of("grin + 69 x ]", EMOJI_GRIN + rep("]", 69), Encoding.UCS2, 2),
                Arguments.of("70 x precomposed e-acute", rep(E_ACUTE, 70), Encoding.GSM7, 1),
                Arguments.of("70 x decomposed e-acute", rep(E_COMBINING, 70), Encoding.UCS2, 3),
                Arguments.of("1 x decomposed e-acute", E_COMBINING, Encoding.UCS2, 1),
                Arguments.of("70 x c-cedilla (lower case)", rep("\u00E7", 70), Encoding.UCS2, 1),
                Arguments.of("80a CRLF 79a", rep("a", 80) + "\r\n" + rep("a", 79), Encoding.GSM7, 2),
                Arguments.of("80a LF 79a", rep("a", 80) + "\n" + rep("a", 79), Encoding.GSM7, 1));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("factSheetVectors")
    void factSheetVectorsMatch(String name, String text, Encoding encoding, int segments) {
        SegmentInfo info = SegmentCalculator.analyze(text);
        assertThat(info.encoding()).isEqualTo(encoding);
        assertThat(info.segments()).isEqualTo(segments);
        assertThat(SegmentCalculator.segments(text)).isEqualTo(segments);
        assertThat(SegmentCalculator.encoding(text)).isEqualTo(encoding);
    }

    /** (text, encoding, segments, units, unitsLeft) around every boundary the issue names. */
    static Stream<Arguments> boundaries() {
        return Stream.of(
                // 160 / 161: the single-segment limit in GSM-7
                Arguments.of("159a + euro = 161 septets", rep("a", 159) + "\u20AC", Encoding.GSM7, 2, 161, 145),
                Arguments.of("158a + euro = 160 septets", rep("a", 158) + "\u20AC", Encoding.GSM7, 1, 160, 0),
                // 153 / 154: an escape pair on the first concatenated boundary moves whole
                Arguments.of("151a + euro + 8a: pair ends at 153", rep("a", 151) + "\u20AC" + rep("a", 8),
                        Encoding.GSM7, 2, 161, 145),
                Arguments.of("152a + euro + 7a: pair would cover 153/154", rep("a", 152) + "\u20AC" + rep("a", 7),
                        Encoding.GSM7, 2, 161, 144),
                Arguments.of("153a + ] + 10a: pair starts at 154", rep("a", 153) + "]" + rep("a", 10),
                        Encoding.GSM7, 2, 165, 141),
                // 306 / 307: the second concatenated boundary
                Arguments.of("304a + ] = 306 septets", rep("a", 304) + "]", Encoding.GSM7, 2, 306, 0),
                Arguments.of("305a + ] = 307 septets, pair moves", rep("a", 305) + "]", Encoding.GSM7, 3, 307, 151),
                Arguments.of("153 x ] = 306 septets but 3 segments", rep("]", 153), Encoding.GSM7, 3, 306, 151),
                // 70 / 71: the single-segment limit in UCS-2
                Arguments.of("68 CJK + emoji = 70 units", rep(CJK, 68) + EMOJI_GRIN, Encoding.UCS2, 1, 70, 0),
                Arguments.of("69 CJK + emoji = 71 units", rep(CJK, 69) + EMOJI_GRIN, Encoding.UCS2, 2, 71, 63),
                Arguments.of("69 CJK + ] = 70 units (extension char is 1 unit)", rep(CJK, 69) + "]",
                        Encoding.UCS2, 1, 70, 0),
                // 67 / 68: a surrogate pair on the first concatenated boundary moves whole
                Arguments.of("65 CJK + emoji + 5 CJK: pair ends at 67", rep(CJK, 65) + EMOJI_GRIN + rep(CJK, 5),
                        Encoding.UCS2, 2, 72, 62),
                Arguments.of("66 CJK + emoji + 5 CJK: pair would cover 67/68", rep(CJK, 66) + EMOJI_GRIN + rep(CJK, 5),
                        Encoding.UCS2, 2, 73, 60),
                // 134 / 135: the second concatenated boundary
                Arguments.of("134 units exactly", rep(CJK, 65) + EMOJI_GRIN + rep(CJK, 65) + EMOJI_GRIN,
                        Encoding.UCS2, 2, 134, 0),
                Arguments.of("135 units", rep(CJK, 65) + EMOJI_GRIN + rep(CJK, 65) + EMOJI_GRIN + CJK,
                        Encoding.UCS2, 3, 135, 66),
                Arguments.of("134 units but an emoji straddles 67/68", rep(CJK, 66) + EMOJI_GRIN + rep(CJK, 66),
                        Encoding.UCS2, 3, 134, 66),
                Arguments.of("emoji straddles 134/135", rep(CJK, 133) + EMOJI_GRIN, Encoding.UCS2, 3, 135, 65));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("boundaries")
    void boundaryCases(String name, String text, Encoding encoding, int segments, int units, int left) {
        SegmentInfo info = SegmentCalculator.analyze(text);
        assertThat(info.encoding()).as("encoding").isEqualTo(encoding);
        assertThat(info.segments()).as("segments").isEqualTo(segments);
        assertThat(info.units()).as("units").isEqualTo(units);
        assertThat(info.unitsLeft()).as("units left").isEqualTo(left);
    }

    @Test
    void extensionCharactersCostTwoSeptetsButOneUcs2Unit() {
        assertThat(SegmentCalculator.analyze("[]").units()).isEqualTo(4);
        assertThat(SegmentCalculator.analyze("[]\u00E7").units()).isEqualTo(3);
        for (char c : "\f^{}\\[~]|\u20AC".toCharArray()) {
            assertThat(SegmentCalculator.septets(c)).as("U+%04X", (int) c).isEqualTo(2);
        }
    }

    @Test
    void emojiAndMultiCodePointCharactersCostTheirUtf16Units() {
        assertThat(SegmentCalculator.analyze("\uD83C\uDDEE\uD83C\uDDF9").units()).isEqualTo(4); // 🇮🇹
        assertThat(SegmentCalculator.analyze("\uD83C\uDFF3\uFE0F\u200D\uD83C\uDF08").units()).isEqualTo(6); // 🏳️‍🌈
    }

    @Test
    void aFlagOnTheBoundaryMovesWhole() {
        String flag = "\uD83C\uDDEE\uD83C\uDDF9"; // 4 units, one character
        SegmentInfo info = SegmentCalculator.analyze(rep(CJK, 65) + flag + rep(CJK, 10));
        // 65 + 4 > 67: the whole flag starts segment 2 (4 + 10 = 14 used)
        assertThat(info.segments()).isEqualTo(2);
        assertThat(info.unitsLeft()).isEqualTo(67 - 14);
        // two flags in a row pair up as two characters, not one odd one
        SegmentInfo two = SegmentCalculator.analyze(rep(CJK, 61) + flag + flag + rep(CJK, 10));
        assertThat(two.segments()).isEqualTo(2);
        assertThat(two.unitsLeft()).isEqualTo(67 - 14);
    }

    @Test
    void aCombiningAccentOnTheBoundaryMovesWithItsBaseLetter() {
        // 66 CJK + e + U+0301: the pair would cover units 67/68
        SegmentInfo info = SegmentCalculator.analyze(rep(CJK, 66) + E_COMBINING + rep(CJK, 3));
        assertThat(info.segments()).isEqualTo(2);
        assertThat(info.unitsLeft()).isEqualTo(67 - 5);
    }

    @Test
    void reportsTheCharactersThatForcedUcs2WithIndexes() {
        String text = "It\u2019s done \uD83D\uDE00 a\u0301";
        SegmentInfo info = SegmentCalculator.analyze(text);
        assertThat(info.encoding()).isEqualTo(Encoding.UCS2);
        assertThat(info.nonGsm()).containsExactly(
                new NonGsmChar(2, 0x2019), new NonGsmChar(10, 0x1F600), new NonGsmChar(14, 0x0301));
        assertThat(info.nonGsm().get(1).text()).isEqualTo("\uD83D\uDE00");
        assertThat(info.nonGsm().get(1).length()).isEqualTo(2);
        assertThat(info.nonGsm().get(0).unicode()).isEqualTo("U+2019");
        assertThat(text.substring(10, 12)).isEqualTo(info.nonGsm().get(1).text());
        assertThat(SegmentCalculator.analyze("plain GSM [text] \u20AC5").nonGsm()).isEmpty();
    }

    @Test
    void notableNonGsmCharactersForceUcs2() {
        for (String s : List.of("`", "\t", "\u00E7", "\u00E1", "\u00ED", "\u00F3", "\u00FA", "\u00C1", "\u2013",
                "\u2014", "\u2026", "\u00A0", "\u201C")) {
            assertThat(SegmentCalculator.encoding("x" + s)).as("U+%04X", (int) s.charAt(0)).isEqualTo(Encoding.UCS2);
        }
        assertThat(SegmentCalculator.encoding("\u00C7")).isEqualTo(Encoding.GSM7);
        assertThat(SegmentCalculator.encoding("\r\n\f")).isEqualTo(Encoding.GSM7);
    }

    @Test
    void loneSurrogatesAreCountedAsOneUnitAndReported() {
        SegmentInfo info = SegmentCalculator.analyze("a\uD83Db");
        assertThat(info.encoding()).isEqualTo(Encoding.UCS2);
        assertThat(info.units()).isEqualTo(3);
        assertThat(info.nonGsm()).containsExactly(new NonGsmChar(1, 0xD83D));
    }

    @Test
    void emptyTextIsZeroSegments() {
        SegmentInfo info = SegmentCalculator.analyze("");
        assertThat(info.segments()).isZero();
        assertThat(info.units()).isZero();
        assertThat(info.unitsLeft()).isEqualTo(160);
        assertThat(info.encoding()).isEqualTo(Encoding.GSM7);
    }

    @Test
    void worksOnAnyCharSequence() {
        StringBuilder sb = new StringBuilder(rep("a", 161));
        assertThat(SegmentCalculator.segments(sb)).isEqualTo(2);
    }

    @Test
    void rejectsAbsurdlyLongText() {
        String huge = "a".repeat(SegmentCalculator.MAX_TEXT_LENGTH + 1);
        assertThatThrownBy(() -> SegmentCalculator.segments(huge))
                .isInstanceOf(InvalidInputException.class)
                .hasMessageContaining("text is longer than");
    }

    @Test
    void summaryIsReadable() {
        assertThat(SegmentCalculator.analyze("hello").summary())
                .isEqualTo("GSM-7, 1 segment, 5 septets used, 155 left in the last segment");
    }

    @Test
    void fastPathsAgreeWithAStraightforwardLayoutOnRandomText() {
        java.util.Random random = new java.util.Random(42);
        String[] pool = {"a", "Z", "7", " ", "\n", "\r", "@", "\u00E9", "\u00C7", "\u0394", "]", "{", "\u20AC", "\f",
            CJK, "\u2019", "\u00E7", EMOJI_GRIN, "\u0301", "\u200D", "\uD83C\uDDEE", "\uD83C\uDFFD", "\uFE0F"};
        for (int round = 0; round < 3000; round++) {
            int len = random.nextInt(420);
            boolean gsmOnly = random.nextBoolean();
            StringBuilder sb = new StringBuilder();
            while (sb.length() < len) {
                sb.append(pool[random.nextInt(gsmOnly ? 14 : pool.length)]);
            }
            String text = sb.toString();
            SegmentInfo expected = ReferenceLayout.analyze(text);
            SegmentInfo actual = SegmentCalculator.analyze(text);
            assertThat(actual).as("round %d: %s", round, text).isEqualTo(expected);
        }
    }
}
