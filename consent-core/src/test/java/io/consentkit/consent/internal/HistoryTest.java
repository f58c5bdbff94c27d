package io.consentkit.consent.internal;

import io.consentkit.journal.ConsentRecord;
import io.consentkit.journal.ConsentStatus;
import io.consentkit.phone.PhoneNumber;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A number with a long history ({@link History}) answers exactly as folding all its rows does
 * (the small-number path), and holds memory in proportion to its rows.
 */
class HistoryTest {
    private static final PhoneNumber PHONE = new PhoneNumber("+15125550100");
    private static final long KEY = Index.key(PHONE.e164());
    private static final ConsentStatus[] STATUSES = ConsentStatus.values();

    private static ConsentRecord randomRow(Random rnd, Instant t0, int idPool) {
        int n = rnd.nextInt(idPool);
        String id = n % 3 == 0 ? "legacy-" + n : String.format("%016x", 0xabc0L + n);
        ConsentStatus status = STATUSES[rnd.nextInt(STATUSES.length)];
        Instant ts = t0.plusMillis(rnd.nextInt(40) * 500L); // ties and back-dated rows on purpose
        Instant revokedAt = status == ConsentStatus.REVOKED && rnd.nextInt(4) > 0
                ? t0.plusMillis(rnd.nextInt(40) * 500L) : null;
        return new ConsentRecord(id, ts, PHONE, rnd.nextBoolean() ? "keyword" : "", "text " + rnd.nextInt(3),
                "c" + rnd.nextInt(5), "", "", "", "", Map.of("message_sid", "SM" + rnd.nextInt(1000)), status,
                revokedAt, revokedAt == null ? "" : "stop_keyword");
    }

    @Test
    @Timeout(value = 30, unit = TimeUnit.SECONDS, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
    void aLongHistoryAnswersAsFoldingEveryRowDoes() {
        Instant t0 = Instant.parse("2025-06-01T15:00:00Z");
        for (int seed = 0; seed < 24; seed++) {
            Random rnd = new Random(seed);
            Index index = new Index();
            RowCodec.Out all = new RowCodec.Out(1024);
            List<ConsentRecord> rows = new ArrayList<>();
            int idPool = seed % 2 == 0 ? 12 : 40; // few ids, or many live at once
            for (int i = 0; i < 150; i++) {
                ConsentRecord row = randomRow(rnd, t0, idPool);
                rows.add(row);
                index.apply(row);
                index.codec.encode(row, all);
                NumberState st = index.get(KEY);
                NumberState folded = new NumberState(KEY, all.buffer(), 0, all.size(),
                        NumberState.flagsOf(all.buffer(), all.size()));
                String at = "seed " + seed + " row " + i;
                assertThat(index.flags(KEY)).as(at).isEqualTo(folded.flags());
                assertThat(st.flags()).as(at).isEqualTo(folded.flags());
                assertThat(st.status(index.codec)).as(at).isEqualTo(folded.status(index.codec));
                assertThat(st.statusOnly()).as(at).isEqualTo(folded.status(index.codec).status());
                assertThat(st.lastRevocation()).as(at).isEqualTo(folded.lastRevocation());
                List<ConsentRecord> live = folded.current(index.codec).stream()
                        .filter(r -> r.status() == ConsentStatus.ACTIVE || r.status() == ConsentStatus.PENDING)
                        .toList();
                assertThat(st.live(index.codec)).as(at).isEqualTo(live);
                assertThat(index.live(KEY)).as(at).isEqualTo(live);
                for (ConsentStatus s : List.of(ConsentStatus.ACTIVE, ConsentStatus.PENDING, ConsentStatus.REVOKED)) {
                    assertThat(st.withStatus(index.codec, s)).as(at + " " + s)
                            .isEqualTo(folded.withStatus(index.codec, s));
                }
                assertThat(st.current(index.codec)).as(at).isEqualTo(folded.current(index.codec));
                String probe = rows.get(rnd.nextInt(rows.size())).consentId();
                assertThat(st.find(index.codec, probe)).as(at).isEqualTo(folded.find(index.codec, probe));
            }
            assertThat(index.get(KEY).history(index.codec)).isEqualTo(rows);
            assertThat(index.get(KEY).summary()).as("the number moved out of the arena").isNotNull();
        }
    }

    @Test
    @Timeout(value = 30, unit = TimeUnit.SECONDS, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
    void tenThousandChangesOfOneNumberHoldMemoryInProportionToTheRows() {
        Index index = new Index();
        Instant t = Instant.parse("2025-06-01T15:00:00Z");
        long rowBytes = 0;
        for (int i = 0; i < 10_000; i += 2) {
            String id = String.format("%016x", 0x1000L + i);
            ConsentRecord grant = new ConsentRecord(id, t.plusSeconds(i), PHONE, "keyword", "You texted START",
                    "", "", "", "", "", Map.of("message_sid", "SM" + i), ConsentStatus.ACTIVE, null, "");
            ConsentRecord stop = grant.withStatus(ConsentStatus.REVOKED, t.plusSeconds(i + 1), "stop_keyword",
                    Map.of("revoke_message_sid", "SM" + (i + 1)));
            index.apply(grant);
            assertThat(index.get(KEY).isActive()).isTrue();
            index.apply(stop);
            assertThat(index.get(KEY).isOptedOut()).isTrue();
            rowBytes = index.get(KEY).bytes();
        }
        // the rows' own bytes, at most doubled by growth, plus ~100 bytes of bookkeeping a consent id
        // and one arena chunk; re-encoding every version would be ~10,000^2 / 2 rows (hundreds of MB)
        assertThat(index.bytesHeld()).isLessThan(2 * rowBytes + 5_000 * 100 + Arena.CHUNK);
        assertThat(index.get(KEY).history(index.codec)).hasSize(10_000);
    }

    @Test
    void numbersWithAFewRowsStayInTheArena() {
        Index index = new Index();
        Instant t = Instant.parse("2025-06-01T15:00:00Z");
        for (int n = 0; n < 1_000; n++) {
            PhoneNumber phone = new PhoneNumber("+1512555" + (1000 + n));
            ConsentRecord grant = new ConsentRecord(String.format("%016x", 0x5000L + n), t, phone, "web_form",
                    "By checking this box", "c" + n, "Jane Doe", "jane@example.com", "203.0.113.9", "",
                    Map.of("form_url", "https://example.com/signup"), ConsentStatus.ACTIVE, null, "");
            index.apply(grant);
            index.apply(grant.withStatus(ConsentStatus.REVOKED, t.plusSeconds(60), "stop_keyword",
                    Map.of("revoke_notes", "Customer texted STOP")));
            assertThat(index.get(Index.key(phone.e164())).summary()).isNull();
        }
        assertThat(index.bytesHeld()).isEqualTo(Arena.CHUNK); // all in the first chunk
    }
}
