package io.consentkit.consent.internal;

import io.consentkit.journal.ConsentRecord;
import io.consentkit.journal.ConsentStatus;
import io.consentkit.phone.PhoneNumber;
import org.junit.jupiter.api.Test;

import java.time.Instant;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;

import static org.assertj.core.api.Assertions.assertThat;

/** {@link IdTable} keeps no ids, so every answer is confirmed against the rows: collisions never mislead it. */
class IdTableTest {
    /** Which ids each number holds, as the index's rows would tell. */
    private final Map<Long, Set<String>> rows = new HashMap<>();

    private boolean holds(long phone, long idBits, String id) {
        Set<String> ids = rows.get(phone);
        return ids != null && ids.contains(id);
    }

    private void add(IdTable table, String id, long phone) {
        rows.computeIfAbsent(phone, p -> new HashSet<>()).add(id);
        table.add(RowCodec.hexIdBits(id), id, phone);
    }

    private static long phoneOf(IdTable table, String id) {
        return table.phoneOf(RowCodec.hexIdBits(id), id);
    }

    /** Two different ids whose 32-bit hashes are equal (found by the birthday bound among ~100k). */
    private static String[] collidingPair() {
        Map<Integer, String> seen = new HashMap<>();
        for (int i = 0; ; i++) {
            String id = "web-" + i;
            String prior = seen.putIfAbsent(IdTable.hash(0, id), id);
            if (prior != null) {
                return new String[] {prior, id};
            }
        }
    }

    @Test
    void idsWithTheSameHashAreToldApartByTheirRows() {
        String[] pair = collidingPair();
        assertThat(IdTable.hash(0, pair[0])).isEqualTo(IdTable.hash(0, pair[1]));
        IdTable table = new IdTable(this::holds);
        add(table, pair[0], 15125550100L);
        assertThat(phoneOf(table, pair[1])).as("a colliding id not held by any number").isEqualTo(-1);
        add(table, pair[1], 442071838750L);
        assertThat(phoneOf(table, pair[0])).isEqualTo(15125550100L);
        assertThat(phoneOf(table, pair[1])).isEqualTo(442071838750L);
        assertThat(table.size()).isEqualTo(2);
        add(table, pair[1], 442071838750L); // again: nothing new
        assertThat(table.size()).isEqualTo(2);
    }

    @Test
    void collidingIdsOnOneNumberShareOneSlot() {
        String[] pair = collidingPair();
        IdTable table = new IdTable(this::holds);
        add(table, pair[0], 15125550100L);
        add(table, pair[1], 15125550100L);
        assertThat(table.size()).isEqualTo(1);
        assertThat(phoneOf(table, pair[0])).isEqualTo(15125550100L);
        assertThat(phoneOf(table, pair[1])).isEqualTo(15125550100L);
    }

    @Test
    void anIdUnderTwoNumbersKeepsItsFirstNumber() {
        IdTable table = new IdTable(this::holds);
        String id = "00000000000000ab";
        add(table, id, 15125550100L);
        add(table, id, 15125550199L);
        add(table, id, 33612345678L);
        assertThat(phoneOf(table, id)).isEqualTo(15125550100L);
        assertThat(table.size()).isEqualTo(1);
    }

    @Test
    void agreesWithAHashMapThroughGrowthAndStaysDense() {
        IdTable table = new IdTable(this::holds);
        Map<String, Long> expected = new HashMap<>();
        Random rnd = new Random(3);
        int n = 300_000;
        for (int i = 0; i < n; i++) {
            String id = i % 4 == 0 ? "legacy-" + i : String.format("%016x", rnd.nextLong() | 1);
            long phone = 1_000_000L + rnd.nextInt(200_000) * 7L;
            add(table, id, phone);
            expected.putIfAbsent(id, phone);
        }
        for (Map.Entry<String, Long> e : expected.entrySet()) {
            assertThat(phoneOf(table, e.getKey())).as(e.getKey()).isEqualTo(e.getValue());
        }
        assertThat(phoneOf(table, "legacy-1")).isEqualTo(-1);
        assertThat(phoneOf(table, "0123456789abcdef")).isEqualTo(-1);
        // 12 bytes a slot, at least half full after any growth (the old map: 16 bytes, as little as a quarter)
        assertThat((double) table.size() / table.capacity()).isBetween(0.5, 0.75);
    }

    @Test
    void readersFindEveryIdWhileAWriterGrowsTheTable() throws Exception {
        IdTable table = new IdTable((p, bits, id) -> p == 1_000_000L + Long.parseLong(id.substring(3)));
        int n = 200_000;
        AtomicLong added = new AtomicLong(-1);
        AtomicBoolean done = new AtomicBoolean();
        AtomicReference<String> problem = new AtomicReference<>();
        Thread reader = new Thread(() -> {
            Random rnd = new Random();
            while (!done.get()) {
                long present = added.get();
                if (present < 0) {
                    Thread.onSpinWait();
                    continue;
                }
                long i = rnd.nextInt((int) present + 1);
                String id = "id-" + i;
                long p = table.phoneOf(0, id);
                if (p != 1_000_000L + i) {
                    problem.compareAndSet(null, id + " gave " + p);
                }
            }
        });
        reader.start();
        for (int i = 0; i < n; i++) {
            table.add(0, "id-" + i, 1_000_000L + i);
            added.set(i);
        }
        done.set(true);
        reader.join();
        assertThat(problem.get()).isNull();
        assertThat(table.size()).isEqualTo(n);
    }

    @Test
    void theIndexFindsIdsOfNumbersOfEveryLengthAndOfLongHistories() {
        Index index = new Index();
        Instant t0 = Instant.parse("2025-06-01T15:00:00Z");
        for (int digits = 6; digits <= 15; digits++) {
            String e164 = "+" + "9".repeat(digits); // the longest key of each length
            String id = String.format("%016x", 0x1000L + digits);
            index.apply(row(id, e164, t0, ConsentStatus.ACTIVE));
            index.apply(row("ext-" + digits, e164, t0, ConsentStatus.ACTIVE));
        }
        for (int digits = 6; digits <= 15; digits++) {
            long key = Index.key("+" + "9".repeat(digits));
            assertThat(index.phoneOf(String.format("%016x", 0x1000L + digits))).isEqualTo(key);
            assertThat(index.phoneOf("ext-" + digits)).isEqualTo(key);
        }
        String bot = "+15125550100";
        for (int i = 0; i < 2_000; i++) { // far past the small-number limit: a History
            index.apply(row("bot-" + (i % 50), bot, t0.plusSeconds(i), i % 2 == 0 ? ConsentStatus.ACTIVE
                    : ConsentStatus.REVOKED));
        }
        assertThat(index.phoneOf("bot-0")).isEqualTo(Index.key(bot));
        assertThat(index.phoneOf("bot-49")).isEqualTo(Index.key(bot));
        assertThat(index.phoneOf("bot-50")).isEqualTo(-1);
        assertThat(index.containsId("ext-6")).isTrue();
        assertThat(index.containsId("ext-16")).isFalse();
    }

    private static ConsentRecord row(String id, String e164, Instant at, ConsentStatus status) {
        return new ConsentRecord(id, at, new PhoneNumber(e164), "keyword", "Reply STOP to opt out", "c1", "", "", "",
                "", Map.of(), status, status == ConsentStatus.REVOKED ? at : null,
                status == ConsentStatus.REVOKED ? "stop_keyword" : "");
    }
}
