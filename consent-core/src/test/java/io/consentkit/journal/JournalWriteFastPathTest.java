package io.consentkit.journal;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.time.Instant;
import java.util.List;
import java.util.SplittableRandom;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The write fast paths give the bytes the general code gave: a time as {@link Instant#toString()}
 * writes it, a cell quoted and its quotes doubled as RFC 4180 says.
 */
@Timeout(30)
class JournalWriteFastPathTest {
    @Test
    void timesAreWrittenExactlyAsInstantToString() {
        List<Instant> edges = List.of(Instant.EPOCH, Instant.ofEpochSecond(0, 1), Instant.ofEpochSecond(-1),
                Instant.ofEpochSecond(-1, 999_999_999), Instant.parse("1969-12-31T23:59:59.5Z"),
                Instant.parse("2024-02-29T23:59:59Z"), Instant.parse("2000-02-29T00:00:00.120Z"),
                Instant.parse("2100-03-01T00:00:00.000100Z"), Instant.parse("9999-12-31T23:59:59.999999999Z"),
                Instant.parse("9999-12-31T23:59:59Z").plusSeconds(1), Instant.parse("0001-01-01T00:00:00Z"),
                Instant.MIN, Instant.MAX, Instant.ofEpochSecond(1_700_000_000, 10_000_000),
                Instant.ofEpochSecond(1_700_000_000, 100), Instant.ofEpochSecond(1_700_000_000, 1000));
        for (Instant t : edges) {
            assertThat(JournalTimes.format(t)).as(t.toString()).isEqualTo(t.toString());
        }
        SplittableRandom random = new SplittableRandom(42);
        for (int i = 0; i < 200_000; i++) {
            long second = random.nextLong(-100_000_000_000L, 300_000_000_000L);
            int nanos = switch (i % 4) {
                case 0 -> 0;
                case 1 -> random.nextInt(1000) * 1_000_000;
                case 2 -> random.nextInt(1_000_000) * 1000;
                default -> random.nextInt(1_000_000_000);
            };
            Instant t = Instant.ofEpochSecond(second, nanos);
            assertThat(JournalTimes.format(t)).isEqualTo(t.toString());
            assertThat(JournalTimes.fastInstant(JournalTimes.format(t))).isIn(t, null);
        }
    }

    @Test
    void quotedCellsDoubleEveryQuote() {
        List<String[]> cases = List.of(
                new String[] {"plain", "plain"},
                new String[] {"", ""},
                new String[] {"a,b", "\"a,b\""},
                new String[] {"\"", "\"\"\"\""},
                new String[] {"\"\"", "\"\"\"\"\"\""},
                new String[] {"say \"hi\", now", "\"say \"\"hi\"\", now\""},
                new String[] {"\"start", "\"\"\"start\""},
                new String[] {"end\"", "\"end\"\"\""},
                new String[] {"{\"k\":\"v\"}", "\"{\"\"k\"\":\"\"v\"\"}\""},
                new String[] {"line\nbreak", "\"line\nbreak\""},
                new String[] {" padded", "\" padded\""},
                new String[] {"Zoë \"😀\",", "\"Zoë \"\"😀\"\",\""},
                new String[] {"\uFEFFbom", "\"\uFEFFbom\""});
        for (String[] c : cases) {
            StringBuilder sb = new StringBuilder("x,");
            JournalCodec.appendCell(sb, c[0]);
            assertThat(sb.toString()).as(c[0]).isEqualTo("x," + c[1]);
        }
    }
}
