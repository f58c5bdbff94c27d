package io.consentkit.message;

import io.consentkit.message.SmartEncoding.UnconvertiblePolicy;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;

class SmartEncodingTest {

    /**
     * The fact sheet's Smart Encoding table (section 3.4), copied verbatim into a test resource,
     * parsed independently of the production table.
     */
    static Map<Integer, String> factSheetMap() throws IOException {
        String md;
        try (InputStream in = SmartEncodingTest.class.getResourceAsStream("smart-encoding-map.md")) {
            md = new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
        Map<Integer, String> map = new TreeMap<>();
        Pattern code = Pattern.compile("U\\+([0-9A-F]{4})");
        Pattern spaces = Pattern.compile("(\\d+) \u00D7 space");
        for (String line : md.split("\n")) {
            if (!line.startsWith("| ")) {
                continue;
            }
            String[] cells = line.replace("\\|", "\u0000").substring(1).split("\\|");
            String label = cells[0].strip().replace('\u0000', '|');
            if (label.equals("Replacement") || label.startsWith("---")) {
                continue;
            }
            String replacement;
            Matcher sp = spaces.matcher(label);
            if (label.startsWith("`")) {
                replacement = label.substring(1, label.length() - 1);
            } else if (label.equals("(deleted)")) {
                replacement = "";
            } else if (sp.matches()) {
                replacement = " ".repeat(Integer.parseInt(sp.group(1)));
            } else {
                throw new IllegalStateException("unexpected row: " + line);
            }
            Matcher m = code.matcher(cells[1]);
            while (m.find()) {
                String previous = map.put(Integer.parseInt(m.group(1), 16), replacement);
                assertThat(previous).as("duplicate %s", m.group()).isNull();
            }
        }
        return map;
    }

    @Test
    void theMapIsTheFactSheetMapExactly() throws IOException {
        Map<Integer, String> expected = factSheetMap();
        assertThat(expected).hasSize(271);
        assertThat(SmartEncoding.map()).isEqualTo(expected);
    }

    @Test
    void everyEntryRoundTripsToGsm7() throws IOException {
        for (Map.Entry<Integer, String> e : factSheetMap().entrySet()) {
            int cp = e.getKey();
            String original = new String(Character.toChars(cp));
            assertThat(SegmentCalculator.isGsm7(cp)).as("U+%04X must not already be GSM-7", cp).isFalse();
            assertThat(SegmentCalculator.isGsm7(e.getValue())).as("replacement of U+%04X", cp).isTrue();
            assertThat(SmartEncoding.replacementFor(cp)).contains(e.getValue());

            SmartEncodingResult r = SmartEncoding.ENABLED.apply("x" + original + "y");
            assertThat(r.text()).isEqualTo("x" + e.getValue() + "y");
            assertThat(r.replacements()).containsExactly(new Replacement(1, cp, e.getValue()));
            assertThat(r.unconvertible()).isEmpty();
            assertThat(SegmentCalculator.encoding(r.text())).isEqualTo(Encoding.GSM7);
        }
    }

    @Test
    void aTextMadeOfEveryMappedCharacterBecomesGsm7() throws IOException {
        StringBuilder all = new StringBuilder();
        StringBuilder expected = new StringBuilder();
        for (Map.Entry<Integer, String> e : factSheetMap().entrySet()) {
            all.appendCodePoint(e.getKey());
            expected.append(e.getValue());
        }
        assertThat(SegmentCalculator.encoding(all)).isEqualTo(Encoding.UCS2);
        SmartEncodingResult r = SmartEncoding.ENABLED.apply(all);
        assertThat(r.text()).isEqualTo(expected.toString());
        assertThat(r.replacements()).hasSize(271);
        assertThat(SegmentCalculator.analyze(r.text()).encoding()).isEqualTo(Encoding.GSM7);
    }

    @Test
    void curlyQuotesAndDashesBecomeGsm7AndTheReplacementsAreReported() {
        String text = "It\u2019s \u201Cdone\u201D \u2014 see you\u2026";
        SmartEncodingResult r = SmartEncoding.ENABLED.apply(text);
        assertThat(r.text()).isEqualTo("It's \"done\" - see you...");
        assertThat(r.replacements()).extracting(Replacement::index).containsExactly(2, 5, 10, 12, 21);
        assertThat(r.replacements().get(4).original()).isEqualTo("\u2026");
        assertThat(r.changed()).isTrue();
        assertThat(SegmentCalculator.analyze(text).encoding()).isEqualTo(Encoding.UCS2);
        assertThat(SegmentCalculator.analyze(r.text()).encoding()).isEqualTo(Encoding.GSM7);
    }

    @Test
    void theDisputedCaseIsASetting() {
        String text = "Party at 6\u2026 \uD83C\uDF89"; // ellipsis (convertible) + party popper (not)
        SmartEncodingResult twilio = SmartEncoding.ENABLED.apply(text);
        assertThat(SmartEncoding.ENABLED.policy()).isEqualTo(UnconvertiblePolicy.SKIP_REPLACEMENTS);
        assertThat(twilio.text()).isEqualTo(text);
        assertThat(twilio.replacements()).isEmpty();
        assertThat(twilio.unconvertible()).containsExactly(new NonGsmChar(12, 0x1F389));

        SmartEncodingResult calculator = SmartEncoding.enabled(UnconvertiblePolicy.REPLACE_ANYWAY).apply(text);
        assertThat(calculator.text()).isEqualTo("Party at 6... \uD83C\uDF89");
        assertThat(calculator.replacements()).containsExactly(new Replacement(10, 0x2026, "..."));
        assertThat(calculator.unconvertible()).containsExactly(new NonGsmChar(12, 0x1F389));
        // the count differs by the two extra dots
        assertThat(SegmentCalculator.analyze(twilio.text()).units()).isEqualTo(14);
        assertThat(SegmentCalculator.analyze(calculator.text()).units()).isEqualTo(16);
    }

    @Test
    void disabledChangesNothing() {
        String text = "It\u2019s done";
        SmartEncodingResult r = SmartEncoding.DISABLED.apply(text);
        assertThat(r.text()).isSameAs(text);
        assertThat(r.replacements()).isEmpty();
        assertThat(SmartEncoding.DISABLED.isEnabled()).isFalse();
    }

    @Test
    void gsmTextIsReturnedAsIs() {
        String text = "Plain [GSM] text \u20AC";
        assertThat(SmartEncoding.ENABLED.apply(text).text()).isSameAs(text);
    }

    @Test
    void oddEntriesAreCopiedFaithfully() {
        assertThat(SmartEncoding.ENABLED.apply("a\u00A0b").text()).isEqualTo("a  b");
        assertThat(SmartEncoding.ENABLED.apply("a\tb").text()).isEqualTo("a       b");
        assertThat(SmartEncoding.ENABLED.apply("\u2039x\u203A").text()).isEqualTo(">x<");
        assertThat(SmartEncoding.ENABLED.apply("\u00BD").text()).isEqualTo("1/2");
        assertThat(SmartEncoding.ENABLED.apply("a\u200Bb\u200Cc\uFEFF").text()).isEqualTo("abc");
        assertThat(SmartEncoding.ENABLED.apply("\u2022 item").text()).isEqualTo("- item");
    }

    @Test
    void unmappedEmojiStaysWithoutPolicyChange() {
        SmartEncodingResult r = SmartEncoding.ENABLED.apply("hi \uD83D\uDE00");
        assertThat(r.text()).isEqualTo("hi \uD83D\uDE00");
        assertThat(r.unconvertible()).extracting(NonGsmChar::codePoint).isEqualTo(List.of(0x1F600));
    }
}
