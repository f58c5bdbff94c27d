package io.consentkit.s3.internal;

import io.consentkit.journal.ConsentStoreException;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class JournalKeysTest {
    private final JournalKeys keys = new JournalKeys("consentkit/prod");

    @Test
    void keysSortByTimeThenWriterThenSequence() {
        List<String> inOrder = List.of(
                keys.journalKey(999, "zz", 7),
                keys.journalKey(1_000, "a", 2),
                keys.journalKey(1_000, "a", 10),
                keys.journalKey(1_000, "b", 1),
                keys.journalKey(1_754_042_400_000L, "a", 1));
        List<String> sorted = new ArrayList<>(inOrder);
        sorted.sort(null);
        assertThat(sorted).containsExactlyElementsOf(inOrder);
        assertThat(inOrder.get(4)).isEqualTo("consentkit/prod/journal/1754042400000-a-000000000001.csv");
        assertThat(keys.millisOf(inOrder.get(4))).isEqualTo(1_754_042_400_000L);
    }

    @Test
    void startAfterATimeListsEveryKeyOfThatTimeAndLater() {
        String bound = keys.startAfterMillis(1_000);
        assertThat(keys.journalKey(1_000, "a", 1)).isGreaterThan(bound);
        assertThat(keys.journalKey(999, "zzzz", 999)).isLessThan(bound);
        assertThat(keys.startAfterMillis(-5)).isEqualTo("consentkit/prod/journal/0000000000000");
    }

    @Test
    void foreignKeysAreRecognised() {
        assertThat(keys.millisOf("consentkit/prod/journal/readme.txt")).isEqualTo(-1);
        assertThat(keys.millisOf("consentkit/prod/journal/12345678901x3-a-1.csv")).isEqualTo(-1);
        assertThat(keys.millisOf("other/journal/1754042400000-a-000000000001.csv")).isEqualTo(-1);
        assertThat(new JournalKeys("").manifestKey()).isEqualTo("manifest.json");
    }

    @Test
    void manifestRoundTripsAndRejectsOtherFormats() {
        Manifest m = new Manifest("p/snapshots/s.csv", "p/journal/1-a-000000000001.csv", 42, 7,
                Instant.parse("2025-01-01T00:00:00Z"), "w1");
        assertThat(Manifest.parse(m.toJson(), "m")).isEqualTo(m);
        assertThatThrownBy(() -> Manifest.parse("{\"format\":\"v9\"}".getBytes(StandardCharsets.UTF_8), "m"))
                .isInstanceOf(ConsentStoreException.class).hasMessageContaining("format 'v9'");
        assertThatThrownBy(() -> Manifest.parse("not json".getBytes(StandardCharsets.UTF_8), "m"))
                .isInstanceOf(ConsentStoreException.class);
    }
}
