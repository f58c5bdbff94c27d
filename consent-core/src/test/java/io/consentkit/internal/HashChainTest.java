package io.consentkit.internal;

import org.junit.jupiter.api.Test;

import java.util.HexFormat;

import static org.assertj.core.api.Assertions.assertThat;

/** The hex rules of {@link HashChain}: exactly 64 lower-case digits, whatever the kind of text. */
class HashChainTest {
    private static final String DIGEST = HashChain.hex(HashChain.digest("a row"));

    @Test
    void acceptsSixtyFourLowerCaseDigitsAsStringOrOtherText() {
        assertThat(HashChain.isHex(DIGEST)).isTrue();
        assertThat(HashChain.isHex(new StringBuilder(DIGEST))).isTrue();
        assertThat(HashChain.isHex("0123456789abcdef".repeat(4))).isTrue();
        assertThat(HashChain.parseHex(DIGEST)).isEqualTo(HashChain.digest("a row"));
        assertThat(HashChain.parseHex(new StringBuilder(DIGEST))).isEqualTo(HexFormat.of().parseHex(DIGEST));
    }

    @Test
    void refusesEveryOtherCharacterAtEveryPosition() {
        char[] others = {'A', 'F', 'g', 'z', '/', ':', '`', ' ', '\u00e9', '\u0660', '\uff10', '\u0000', '\uffff'};
        for (int pos = 0; pos < HashChain.HEX_LENGTH; pos++) {
            for (char c : others) {
                char[] cs = DIGEST.toCharArray();
                cs[pos] = c;
                String bad = new String(cs);
                assertThat(HashChain.isHex(bad)).as("%s at %d", c, pos).isFalse();
                assertThat(HashChain.isHex(new StringBuilder(bad))).as("%s at %d", c, pos).isFalse();
                assertThat(HashChain.parseHex(bad)).isNull();
            }
        }
    }

    @Test
    void refusesOtherLengthsAndNull() {
        assertThat(HashChain.isHex(null)).isFalse();
        assertThat(HashChain.isHex("")).isFalse();
        assertThat(HashChain.isHex(DIGEST.substring(1))).isFalse();
        assertThat(HashChain.isHex(DIGEST + "0")).isFalse();
        assertThat(HashChain.parseHex(DIGEST.toUpperCase(java.util.Locale.ROOT))).isNull();
    }
}
