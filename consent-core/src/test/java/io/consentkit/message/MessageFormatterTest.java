package io.consentkit.message;

import io.consentkit.InvalidInputException;
import org.junit.jupiter.api.Test;

import java.util.Map;
import java.util.Random;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class MessageFormatterTest {
    private static final String GRIN = "\uD83D\uDE00";
    private static final String LINK = "https://short.link/abc123";

    private final MessageFormatter truncating = MessageFormatter.builder().overflow(OverflowPolicy.TRUNCATE).build();

    @Test
    void theChoreReminderUseCase() {
        FormattedMessage m = MessageFormatter.defaults().formatReminder("Chore due", "Take out trash by 6pm.", LINK);
        assertThat(m.text()).isEqualTo("Chore due: Take out trash by 6pm. View: https://short.link/abc123");
        assertThat(m.segments()).isEqualTo(1);
        assertThat(m.encoding()).isEqualTo(Encoding.GSM7);
        assertThat(m.truncated()).isFalse();
    }

    @Test
    void aLongReminderDropsTheSubjectFirstThenCutsTheMessageButNeverTheLink() {
        String message = "Take out the trash and the recycling, then bring both bins back from the curb before "
                + "dinner.";
        FormattedMessage noSubject = truncating.formatReminder("Chore due today for the whole family", message, LINK);
        assertThat(noSubject.text()).isEqualTo(message + " View: " + LINK);
        assertThat(noSubject.subjectIncluded()).isFalse();
        assertThat(noSubject.truncated()).isFalse();
        assertThat(noSubject.segments()).isEqualTo(1);

        String longMessage = message + " " + message;
        FormattedMessage cut = truncating.formatReminder("Chore due", longMessage, LINK);
        assertThat(cut.truncated()).isTrue();
        assertThat(cut.text()).endsWith("... View: " + LINK);
        assertThat(cut.text()).startsWith("Take out the trash");
        assertThat(cut.info().units()).isLessThanOrEqualTo(160);
        assertThat(cut.info().units()).isGreaterThan(150);
    }

    @Test
    void emptyBodiesAreRejectedWithATypedError() {
        for (String body : new String[] {null, "", "   ", "\n\t"}) {
            assertThatThrownBy(() -> MessageFormatter.defaults().format(body))
                    .isInstanceOfSatisfying(EmptyMessageException.class, e -> assertThat(e.field()).isEqualTo("body"));
        }
    }

    @Test
    void rejectCarriesTheComputedSegments() {
        assertThatThrownBy(() -> MessageFormatter.defaults().format("a".repeat(161)))
                .isInstanceOfSatisfying(SegmentBudgetExceededException.class, e -> {
                    assertThat(e.segments()).isEqualTo(2);
                    assertThat(e.budget()).isEqualTo(1);
                    assertThat(e.info().encoding()).isEqualTo(Encoding.GSM7);
                    assertThat(e).isInstanceOf(InvalidInputException.class);
                })
                .hasMessage("body needs 2 segments (GSM-7, 161 septets); the budget is 1");
        assertThatThrownBy(() -> MessageFormatter.defaults().format("Hi \u2019" + "a".repeat(70)))
                .isInstanceOfSatisfying(SegmentBudgetExceededException.class, e -> {
                    assertThat(e.info().nonGsm()).containsExactly(new NonGsmChar(3, 0x2019));
                    assertThat(e.getMessage()).doesNotContain("aaa");
                });
    }

    @Test
    void aLargerBudgetAcceptsMore() {
        FormattedMessage m = MessageFormatter.builder().segmentBudget(2).build().format("a".repeat(306));
        assertThat(m.segments()).isEqualTo(2);
        assertThatThrownBy(() -> MessageFormatter.builder().segmentBudget(0))
                .isInstanceOf(InvalidInputException.class).hasMessageContaining("segmentBudget");
    }

    @Test
    void truncatesGsmWithThreeDots() {
        FormattedMessage m = truncating.format("word ".repeat(60));
        assertThat(m.truncated()).isTrue();
        assertThat(m.text()).endsWith("...");
        assertThat(m.info().units()).isEqualTo(160);
        assertThat(m.segments()).isEqualTo(1);
    }

    @Test
    void truncatesUcs2WithTheOneUnitEllipsis() {
        FormattedMessage m = truncating.format("\u4E2D".repeat(100));
        assertThat(m.text()).isEqualTo("\u4E2D".repeat(69) + "\u2026");
        assertThat(m.info().units()).isEqualTo(70);
    }

    @Test
    void neverSplitsAnEscapePair() {
        FormattedMessage m = truncating.format("]".repeat(200));
        // 160 - 3 (dots) = 157 septets: 78 pairs, not 78.5
        assertThat(m.text()).isEqualTo("]".repeat(78) + "...");
        assertThat(m.info().units()).isEqualTo(159);
    }

    @Test
    void neverSplitsASurrogatePair() {
        FormattedMessage m = truncating.format("a" + GRIN.repeat(50));
        // 70 - 1 (ellipsis) - 1 (a) = 68 units = 34 emoji
        assertThat(m.text()).isEqualTo("a" + GRIN.repeat(34) + "\u2026");
        assertThat(m.info().units()).isEqualTo(70);
    }

    @Test
    void neverSplitsACombinedCharacterOrFlag() {
        String flag = "\uD83C\uDDEE\uD83C\uDDF9";
        FormattedMessage m = truncating.format("a" + flag.repeat(30));
        assertThat(m.text()).isEqualTo("a" + flag.repeat(17) + "\u2026");
        FormattedMessage accents = truncating.format("e\u0301".repeat(60));
        assertThat(accents.text()).isEqualTo("e\u0301".repeat(34) + "\u2026");
    }

    @Test
    void neverCutsInsideAUrl() {
        String url = "https://example.com/reports/2024/q3/" + "x".repeat(40);
        String body = "Your report is ready: " + url + " and more words follow here " + "y".repeat(60);
        FormattedMessage m = truncating.format(body);
        assertThat(m.truncated()).isTrue();
        assertThat(m.text()).startsWith("Your report is ready: " + url + " and more words follow here yyy");
        assertThat(m.text()).endsWith("y...");
        assertThat(m.info().units()).isEqualTo(160);

        // the cut would fall inside the URL: the URL goes whole
        String early = "Read this: " + "https://example.com/" + "z".repeat(200);
        FormattedMessage dropped = truncating.format(early);
        assertThat(dropped.text()).isEqualTo("Read this:...");
    }

    @Test
    void anEllipsisAfterAUrlIsSeparatedFromIt() {
        String url = "https://example.com/" + "z".repeat(132); // "See " + url + " ..." is exactly 160
        FormattedMessage m = truncating.format("See " + url + " " + "and then a long tail of words ".repeat(3));
        assertThat(m.text()).isEqualTo("See " + url + " ...");
    }

    @Test
    void aRequiredFooterStaysIntact() {
        MessageFormatter f = MessageFormatter.builder().overflow(OverflowPolicy.TRUNCATE)
                .footer("Reply STOP to opt out").build();
        FormattedMessage m = f.format("Big sale! ".repeat(30));
        assertThat(m.text()).endsWith("... Reply STOP to opt out");
        assertThat(m.footerIncluded()).isTrue();
        assertThat(m.segments()).isEqualTo(1);

        FormattedMessage shortOne = f.format("Short.");
        assertThat(shortOne.text()).isEqualTo("Short. Reply STOP to opt out");
    }

    @Test
    void anOptionalFooterIsAppendedOnlyWhenItFits() {
        MessageFormatter f = MessageFormatter.builder().footer("Reply STOP to opt out", FooterMode.IF_FITS).build();
        FormattedMessage fits = f.format("Your order shipped.");
        assertThat(fits.text()).isEqualTo("Your order shipped. Reply STOP to opt out");
        assertThat(fits.footerIncluded()).isTrue();

        String body = "a".repeat(150);
        FormattedMessage without = f.format(body);
        assertThat(without.text()).isEqualTo(body);
        assertThat(without.footerIncluded()).isFalse();
        assertThat(without.truncated()).isFalse();
    }

    @Test
    void whenTheFixedPartsAloneDoNotFitTheMessageIsRejectedEvenWithTruncate() {
        String hugeLink = "https://example.com/" + "q".repeat(170);
        assertThatThrownBy(() -> truncating.formatReminder("", "Hi", hugeLink))
                .isInstanceOf(SegmentBudgetExceededException.class);
    }

    @Test
    void theTwilioCharacterLimitIsEnforced() {
        MessageFormatter f = MessageFormatter.builder().segmentBudget(20).build();
        assertThatThrownBy(() -> f.format("a".repeat(1601)))
                .isInstanceOfSatisfying(SegmentBudgetExceededException.class,
                        e -> assertThat(e.length()).isEqualTo(1601))
                .hasMessageContaining("Twilio accepts at most 1600");
        assertThat(f.format("a".repeat(1600)).segments()).isEqualTo(11);
    }

    @Test
    void smartEncodingKeepsAMessageInGsm7AndReportsWhatItReplaced() {
        MessageFormatter f = MessageFormatter.builder().smartEncoding(SmartEncoding.ENABLED).build();
        String body = "It\u2019s done \u2014 thanks! " + "a".repeat(120);
        assertThatThrownBy(() -> MessageFormatter.defaults().format(body))
                .isInstanceOf(SegmentBudgetExceededException.class);
        FormattedMessage m = f.format(body);
        assertThat(m.encoding()).isEqualTo(Encoding.GSM7);
        assertThat(m.segments()).isEqualTo(1);
        assertThat(m.text()).startsWith("It's done - thanks!");
        assertThat(m.replacements()).extracting(Replacement::codePoint).containsExactly(0x2019, 0x2014);
    }

    @Test
    void formatsTemplatesWithTheirOwnPrefixAndFooter() {
        MessageFormatter f = MessageFormatter.builder().brandPrefix("Ignored:").footer("Ignored footer").build();
        SmsTemplate t = SmsTemplate.builder("Hi {name}, your table is ready.").brandPrefix("Basin Climbing:")
                .footer("Reply STOP to opt out").build();
        assertThat(f.format(t, Map.of("name", "Ana")).text())
                .isEqualTo("Basin Climbing: Hi Ana, your table is ready. Reply STOP to opt out");
        assertThat(f.format(SmsTemplate.of("Hi {name}"), Map.of("name", "Ana")).text())
                .isEqualTo("Ignored: Hi Ana Ignored footer");
        assertThatThrownBy(() -> f.format(t, Map.of())).isInstanceOf(PlaceholderException.class);
    }

    @Test
    void linksWithSpacesAreRejected() {
        assertThatThrownBy(() -> MessageFormatter.defaults().formatReminder("", "Hi", "https://x.y/a b"))
                .isInstanceOfSatisfying(InvalidInputException.class, e -> assertThat(e.field()).isEqualTo("link"));
    }

    @Test
    void truncationIsAlwaysAWholeCharacterPrefixThatFits() {
        Random random = new Random(7);
        String[] pool = {"a", "b", " ", ".", "]", "\u20AC", "\u4E2D", GRIN, "e\u0301", "\uD83C\uDDEE\uD83C\uDDF9",
            " https://ex.am/ple ", "\r\n"};
        for (int budget = 1; budget <= 3; budget++) {
            MessageFormatter f = MessageFormatter.builder().overflow(OverflowPolicy.TRUNCATE).segmentBudget(budget)
                    .footer("Reply STOP to opt out").build();
            for (int round = 0; round < 300; round++) {
                StringBuilder sb = new StringBuilder("x");
                int len = 50 + random.nextInt(500);
                while (sb.length() < len) {
                    sb.append(pool[random.nextInt(pool.length)]);
                }
                String body = sb.toString().strip();
                FormattedMessage m = f.format(body);
                String text = m.text();
                assertThat(m.segments()).isLessThanOrEqualTo(budget);
                assertThat(text).endsWith(" Reply STOP to opt out");
                assertThat(SegmentCalculator.analyze(text)).isEqualTo(m.info());
                for (int i = 0; i < text.length(); i++) {
                    char c = text.charAt(i);
                    if (Character.isHighSurrogate(c)) {
                        assertThat(i + 1 < text.length() && Character.isLowSurrogate(text.charAt(i + 1))).isTrue();
                    }
                    if (Character.isLowSurrogate(c)) {
                        assertThat(i > 0 && Character.isHighSurrogate(text.charAt(i - 1))).isTrue();
                    }
                }
                if (m.truncated()) {
                    String kept = text.substring(0, text.length() - " Reply STOP to opt out".length());
                    kept = kept.endsWith("...") ? kept.substring(0, kept.length() - 3) : kept.substring(0, kept.length() - 1);
                    kept = kept.stripTrailing();
                    assertThat(body).startsWith(kept);
                    int cut = kept.length();
                    assertThat(MessageFormatter.safeCuts(body)).as("cut at %d of %s", cut, body).contains(cut);
                    String rest = body.substring(cut);
                    assertThat(rest).doesNotStartWith("\u0301");
                } else {
                    assertThat(text).isEqualTo(body + " Reply STOP to opt out");
                }
            }
        }
    }
}
