package io.consentkit.store;

import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The index snapshot's codec: round trip, lookups, and every damage its checksum and checks must catch. */
class IndexSnapshotTest {
    static final byte[] DIGEST = new byte[32];

    static IndexSnapshot sample(long[] keys, int[] first, long[] offsets, int[] lengths) {
        return IndexSnapshot.of("(dev=1,ino=2)", 0, "consent_id,timestamp", 21, 1000, 21, DIGEST, keys, first,
                offsets, lengths);
    }

    static IndexSnapshot good() {
        return sample(new long[] {15125551234L, 15125556789L, 19195550000L}, new int[] {0, 2, 3},
                new long[] {21, 300, 100, 500}, new int[] {79, 100, 50, 60});
    }

    static byte[] bytes(IndexSnapshot s) throws Exception {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        s.encode(out);
        return out.toByteArray();
    }

    @Test
    void roundTripsAndFindsEachNumbersRows() throws Exception {
        IndexSnapshot s = IndexSnapshot.decode(bytes(good()));
        assertThat(s.m).isEqualTo(3);
        assertThat(s.n).isEqualTo(4);
        assertThat(s.fileKey).isEqualTo("(dev=1,ino=2)");
        assertThat(s.headerLine).isEqualTo("consent_id,timestamp");
        assertThat(s.covered).isEqualTo(1000);
        int ann = s.find(15125551234L);
        assertThat(ann).isZero();
        assertThat(s.first(ann + 1) - s.first(ann)).isEqualTo(2);
        assertThat(s.offset(1)).isEqualTo(300);
        assertThat(s.length(1)).isEqualTo(100);
        assertThat(s.find(19195550000L)).isEqualTo(2);
        assertThat(s.first(3)).isEqualTo(4);
        assertThat(s.find(14155550123L)).isEqualTo(-1);
        assertThat(s.allValid()).isTrue();
        assertThat(bytes(s)).isEqualTo(bytes(good()));
    }

    @Test
    void keysAreTheE164Digits() {
        assertThat(IndexSnapshot.key("+15125551234")).isEqualTo(15125551234L);
        assertThat(IndexSnapshot.key("15125551234")).isEqualTo(-1);
        assertThat(IndexSnapshot.key("+0123")).isEqualTo(-1);
        assertThat(IndexSnapshot.key("+1512x")).isEqualTo(-1);
        assertThat(IndexSnapshot.key("+1234567890123456")).isEqualTo(-1);
    }

    @Test
    void everyFlippedBitAndEveryCutIsRefused() throws Exception {
        byte[] b = bytes(good());
        for (int i = 0; i < b.length; i++) {
            for (int bit = 0; bit < 8; bit++) {
                byte[] d = b.clone();
                d[i] ^= (byte) (1 << bit);
                assertThatThrownBy(() -> IndexSnapshot.decode(d)).as("byte %d bit %d", i, bit)
                        .isInstanceOf(IndexSnapshot.Invalid.class);
            }
        }
        for (int len = 0; len < b.length; len++) {
            byte[] cut = java.util.Arrays.copyOf(b, len);
            assertThatThrownBy(() -> IndexSnapshot.decode(cut)).as("cut to %d", len)
                    .isInstanceOf(IndexSnapshot.Invalid.class);
        }
    }

    @Test
    void anotherFormatVersionIsRefusedEvenWithAGoodChecksum() throws Exception {
        byte[] b = bytes(good());
        ByteBuffer.wrap(b).putInt(8, 2);
        java.util.zip.CRC32 crc = new java.util.zip.CRC32();
        crc.update(b, 0, b.length - 4);
        ByteBuffer.wrap(b).putInt(b.length - 4, (int) crc.getValue());
        assertThatThrownBy(() -> IndexSnapshot.decode(b)).isInstanceOf(IndexSnapshot.Invalid.class)
                .hasMessageContaining("format version 2");
    }

    @Test
    void malformedEntriesAreFoundThoughTheChecksumHolds() throws Exception {
        IndexSnapshot overlap = IndexSnapshot.decode(bytes(sample(new long[] {15125551234L}, new int[] {0},
                new long[] {100, 150}, new int[] {80, 10})));
        assertThat(overlap.entryValid(0)).isFalse();
        assertThat(overlap.allValid()).isFalse();
        IndexSnapshot outside = IndexSnapshot.decode(bytes(sample(new long[] {15125551234L}, new int[] {0},
                new long[] {990}, new int[] {20})));
        assertThat(outside.entryValid(0)).as("past the covered prefix").isFalse();
        IndexSnapshot unsorted = IndexSnapshot.decode(bytes(sample(new long[] {19195550000L, 15125551234L},
                new int[] {0, 1}, new long[] {21, 100}, new int[] {50, 50})));
        assertThat(unsorted.entryValid(0)).isTrue();
        assertThat(unsorted.allValid()).isFalse();
    }
}
