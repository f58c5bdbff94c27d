package io.consentkit.consent.internal;

import org.junit.jupiter.api.Test;

import java.util.HashMap;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;

import static org.assertj.core.api.Assertions.assertThat;

class IndexStructuresTest {

    @Test
    void longLongMapAgreesWithHashMapThroughGrowth() {
        LongLongMap map = new LongLongMap();
        Map<Long, Long> expected = new HashMap<>();
        Random rnd = new Random(1);
        for (int i = 0; i < 200_000; i++) {
            long k = 1 + rnd.nextInt(50_000);
            long v = rnd.nextLong();
            if (rnd.nextBoolean()) {
                map.put(k, v);
                expected.put(k, v);
            } else {
                map.putIfAbsent(k, v);
                expected.putIfAbsent(k, v);
            }
        }
        assertThat(map.size()).isEqualTo(expected.size());
        for (Map.Entry<Long, Long> e : expected.entrySet()) {
            assertThat(map.get(e.getKey(), -1)).isEqualTo(e.getValue());
        }
        assertThat(map.get(50_001, -7)).isEqualTo(-7);
        // any capacity, not a power of two: at least half full after growing, at most 3/4
        assertThat((double) map.size() / map.capacity()).isBetween(0.5, 0.75);
        Map<Long, Long> visited = new HashMap<>();
        map.forEach(visited::put);
        assertThat(visited).isEqualTo(expected);
    }

    @Test
    void readersNeverSeeAMissingOrTornValueWhileAWriterGrowsTheMap() throws Exception {
        LongLongMap map = new LongLongMap();
        int n = 300_000;
        AtomicBoolean done = new AtomicBoolean();
        AtomicLong inserted = new AtomicLong(); // keys 1..inserted are in the map, never to leave it
        AtomicLong reads = new AtomicLong();
        AtomicReference<String> problem = new AtomicReference<>();
        Thread[] readers = new Thread[2];
        for (int r = 0; r < readers.length; r++) {
            readers[r] = new Thread(() -> {
                Random rnd = new Random();
                long count = 0;
                while (!done.get()) {
                    long present = inserted.get();
                    if (present == 0) {
                        Thread.onSpinWait();
                        continue;
                    }
                    long k = 1 + rnd.nextInt((int) Math.min(present, 1_000));
                    long v = map.get(k, -1);
                    if (v == -1) {
                        problem.compareAndSet(null, "key " + k + " vanished");
                    } else if (v != k * 31 && v != k * 37) {
                        problem.compareAndSet(null, "key " + k + " had " + v);
                    }
                    count++;
                }
                reads.addAndGet(count);
            });
            readers[r].start();
        }
        for (long k = 1; k <= 1_000; k++) {
            map.put(k, k * 31);
            inserted.set(k);
        }
        for (long k = 1_001; k <= n; k++) {
            map.put(k, k); // grows the table several times under the readers
            if (k % 1000 == 0) {
                long old = k / 1000;
                map.put(old, old * 37);
            }
        }
        done.set(true);
        for (Thread t : readers) {
            t.join();
        }
        assertThat(problem.get()).isNull();
        assertThat(reads.get()).as("reads made while the map grew").isPositive();
        assertThat(map.get(1, -1)).isEqualTo(31);
        for (long k = 2; k <= 300; k++) {
            assertThat(map.get(k, -1)).isEqualTo(k * 37);
        }
    }

    @Test
    void arenaKeepsEverySliceAcrossChunksAndOversizeSlices() {
        Arena arena = new Arena();
        Random rnd = new Random(2);
        byte[][] slices = new byte[3000][];
        long[] addresses = new long[slices.length];
        for (int i = 0; i < slices.length; i++) {
            int len = i % 1000 == 999 ? Arena.CHUNK + 10 : i % 7 == 0 ? rnd.nextInt(3) : rnd.nextInt(20_000); // 0 to 3-byte lengths
            slices[i] = new byte[len];
            rnd.nextBytes(slices[i]);
            addresses[i] = arena.put(slices[i], len);
        }
        for (int i = 0; i < slices.length; i++) {
            byte[] chunk = arena.chunk((int) (addresses[i] >>> 32));
            int off = (int) addresses[i];
            assertThat(Arena.length(chunk, off)).isEqualTo(slices[i].length);
            int start = off + Arena.prefix(slices[i].length);
            assertThat(java.util.Arrays.copyOfRange(chunk, start, start + slices[i].length)).isEqualTo(slices[i]);
        }
    }
}
