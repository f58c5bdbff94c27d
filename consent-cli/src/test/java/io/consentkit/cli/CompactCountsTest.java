package io.consentkit.cli;

import io.consentkit.phone.PhoneNumber;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.SplittableRandom;

import static org.assertj.core.api.Assertions.assertThat;

/** {@link IdIndex} and {@link NumberSet} count exactly what a HashSet of the strings counts. */
class CompactCountsTest {
    @Test
    void idsGetDenseIndexesInOrderOfFirstAppearanceAndCollidingHashesStayApart() {
        IdIndex ids = new IdIndex();
        Map<String, Integer> expected = new LinkedHashMap<>();
        List<String> keys = new ArrayList<>(List.of("Aa", "BB", "AaAa", "BBBB", "AaBB", "BBAa", "", "Zoë", "id-😀",
                "a".repeat(128)));
        assertThat("Aa".hashCode()).isEqualTo("BB".hashCode());
        SplittableRandom random = new SplittableRandom(3);
        for (int i = 0; i < 150_000; i++) {
            keys.add(Long.toHexString(random.nextLong(40_000)) + (i % 7 == 0 ? "ë" : ""));
        }
        for (String k : keys) {
            int before = expected.size();
            int index = expected.computeIfAbsent(k, x -> before);
            assertThat(ids.add(k)).as(k).isEqualTo(index);
            assertThat(ids.added()).as(k).isEqualTo(expected.size() > before);
        }
        assertThat(ids.size()).isEqualTo(expected.size());
        for (Map.Entry<String, Integer> e : expected.entrySet()) {
            assertThat(ids.add(e.getKey())).isEqualTo(e.getValue());
            assertThat(ids.added()).isFalse();
        }
    }

    @Test
    void numbersCountDistinctE164Numbers() {
        NumberSet numbers = new NumberSet();
        Set<String> expected = new HashSet<>();
        SplittableRandom random = new SplittableRandom(5);
        List<String> samples = new ArrayList<>(List.of("+15550000000", "+999999999999999", "+1234567", "+44207946000"));
        for (int i = 0; i < 100_000; i++) {
            samples.add("+1" + (2_000_000_000L + random.nextLong(60_000)));
        }
        for (String s : samples) {
            numbers.add(new PhoneNumber(s));
            expected.add(s);
            assertThat(numbers.size()).isEqualTo(expected.size());
        }
    }
}
