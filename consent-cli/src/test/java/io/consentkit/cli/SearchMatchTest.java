package io.consentkit.cli;

import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Locale;
import java.util.SplittableRandom;

import static org.assertj.core.api.Assertions.assertThat;

/** {@code consent search}'s in-place match is the lower-cased copy's {@code contains}, for every field. */
class SearchMatchTest {
    private static boolean reference(String field, String needle) {
        return !field.isEmpty() && field.toLowerCase(Locale.ROOT).contains(needle);
    }

    @Test
    void matchesAsTheLowerCasedFieldWouldOnAsciiAndUnicodeFields() {
        List<String> fields = List.of("", "Ann.4242@Example.com", "ANN.4242", "ann.424", "Zoë Adeyemi", "ZOË",
                "İstanbul", "istanbul", "STRASSE", "Straße", "ΣΟΦΙΑ", "σοφια", "\u212Aelvin", "kelvin", "[redacted]",
                "a@b", "AB", "ab");
        List<String> needles = List.of("ann.4242", "4242", "zoë", "zo", "i̇stanbul", "istanbul", "straße", "strasse",
                "σοφια", "kelvin", "ab", "@b", "redacted]", "ë a", "xx");
        for (String f : fields) {
            for (String n : needles) {
                assertThat(SearchCommand.contains(f, n)).as("'%s' in '%s'", n, f).isEqualTo(reference(f, n));
            }
        }
        SplittableRandom random = new SplittableRandom(7);
        String alphabet = "aAbBzZ09.@-_ ";
        for (int i = 0; i < 20_000; i++) {
            String f = text(random, alphabet, random.nextInt(12));
            String n = text(random, alphabet, 2 + random.nextInt(3)).toLowerCase(Locale.ROOT);
            assertThat(SearchCommand.contains(f, n)).as("'%s' in '%s'", n, f).isEqualTo(reference(f, n));
        }
    }

    private static String text(SplittableRandom random, String alphabet, int length) {
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < length; i++) {
            sb.append(alphabet.charAt(random.nextInt(alphabet.length())));
        }
        return sb.toString();
    }
}
