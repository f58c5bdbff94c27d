package io.consentkit.testkit;

import io.consentkit.journal.ConsentRecord;
import io.consentkit.journal.ConsentStatus;
import io.consentkit.consent.ConsentTracker;
import io.consentkit.phone.PhoneNumber;
import io.consentkit.journal.ConsentStore;
import io.consentkit.journal.ConsentStoreException;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.groups.Tuple.tuple;

/**
 * The contract every {@link ConsentStore} must meet, as JUnit 5 tests. Extend it, implement
 * {@link #newStore()} (a store over fresh, empty storage) and {@link #reopen(ConsentStore)} (close
 * the given store and open a new one over the same storage), and run it:
 *
 * <pre>{@code
 * class MyStoreTest extends ConsentStoreContract {
 *     @TempDir Path dir;
 *     protected ConsentStore newStore() { return MyStore.open(dir.resolve("j")); }
 *     protected ConsentStore reopen(ConsentStore s) { s.close(); return MyStore.open(dir.resolve("j")); }
 * }
 * }</pre>
 *
 * <p>Covers append order and round-trip of every field (the version 2 columns {@code program},
 * {@code brand} and {@code channel} included), the tracker's fold rules over the store
 * (revocation, STOP then START, suppression), reopen durability, 8+ concurrent appenders losing
 * nothing, and closed-store behaviour. Stores that are shared between machines can override
 * {@link #concurrentAppenders()} and {@link #appendsPerThread()} to scale the race.
 */
public abstract class ConsentStoreContract {
    private final List<ConsentStore> opened = new ArrayList<>();

    /** A store over fresh, empty storage. */
    protected abstract ConsentStore newStore();

    /** Closes {@code store} and returns a new store over the same storage. */
    protected abstract ConsentStore reopen(ConsentStore store);

    /** Threads in the concurrent-append test (at least 8). */
    protected int concurrentAppenders() {
        return 8;
    }

    /** Appends per thread in the concurrent-append test. */
    protected int appendsPerThread() {
        return 50;
    }

    private ConsentStore track(ConsentStore s) {
        opened.add(s);
        return s;
    }

    @AfterEach
    void closeStores() {
        for (ConsentStore s : opened) {
            try {
                s.close();
            } catch (RuntimeException ignored) {
                // already closed
            }
        }
    }

    /** A fully populated sample row; every text field has characters CSV must quote. */
    protected static ConsentRecord sampleRow(String id, String phone, Instant ts) {
        return new ConsentRecord(id, ts, PhoneNumber.of(phone), "web_form",
                "By checking this box, I agree, \"really\", to texts.\nReply STOP to opt out.", "cust-1",
                "Zoë O'Brien, Jr.", "zoe@example.com", "203.0.113.7", "https://example.com/s.png",
                Map.of("form_url", "https://example.com/signup?a=1,b=2", "note", "line1\nline2"),
                ConsentStatus.ACTIVE, null, "");
    }

    private static List<ConsentRecord> replayAll(ConsentStore store) {
        List<ConsentRecord> out = new ArrayList<>();
        store.replay(out::add);
        return out;
    }

    @Test
    void newStoreIsEmpty() {
        assertThat(replayAll(track(newStore()))).isEmpty();
    }

    @Test
    void appendedRowsReplayInOrderWithEveryField() {
        ConsentStore store = track(newStore());
        Instant t = Instant.parse("2025-01-15T18:22:03.123Z");
        ConsentRecord a = sampleRow("a1", "+15125551234", t);
        ConsentRecord b = a.withStatus(ConsentStatus.REVOKED, t.plusSeconds(60), "stop_keyword",
                Map.of("revoke_message_sid", "SM123"));
        ConsentRecord c = sampleRow("c3", "+442079460958", t.plusSeconds(120));
        store.append(List.of(a, b));
        store.append(List.of(c));
        assertThat(replayAll(store)).containsExactly(a, b, c);
    }

    /**
     * Rows of every scope: a consent in a program of a brand with the channel it arrived by, a
     * suppression of one brand (empty program), a suppression of everything (empty program and brand),
     * and a legacy-shaped row between them.
     */
    protected static List<ConsentRecord> scopedRows(Instant t) {
        ConsentRecord marketing = sampleRow("s1", "+15125551234", t).withScope("marketing", "acme", "web");
        ConsentRecord alerts = sampleRow("s2", "+15125551234", t.plusSeconds(1)).withScope("alerts.ops-2", "acme",
                "sms");
        ConsentRecord legacy = sampleRow("s3", "+15125555678", t.plusSeconds(2));
        ConsentRecord brandStop = new ConsentRecord("s4", t.plusSeconds(3), PhoneNumber.of("+15125559876"), "", "", "",
                "", "", "", "", Map.of("note", "email to support"), ConsentStatus.REVOKED, t.plusSeconds(3),
                "email", "", "acme", "email");
        ConsentRecord stopAll = new ConsentRecord("s5", t.plusSeconds(4), PhoneNumber.of("+15125550001"), "", "", "", "",
                "", "", "", Map.of(), ConsentStatus.REVOKED, t.plusSeconds(4), "stop_keyword", "", "", "sms");
        ConsentRecord revoked = marketing.withStatus(ConsentStatus.REVOKED, t.plusSeconds(5), "stop_keyword",
                Map.of("revoke_message_sid", "SM9"));
        return List.of(marketing, alerts, legacy, brandStop, stopAll, revoked);
    }

    @Test
    void programBrandAndChannelRoundTripAndSurviveReopen() {
        ConsentStore store = track(newStore());
        List<ConsentRecord> rows = scopedRows(Instant.parse("2025-05-01T12:00:00Z"));
        store.append(rows.subList(0, 3));
        store.append(rows.subList(3, rows.size()));
        assertThat(replayAll(store)).containsExactlyElementsOf(rows);
        List<ConsentRecord> again = replayAll(track(reopen(store)));
        assertThat(again).containsExactlyElementsOf(rows);
        assertThat(again).extracting(ConsentRecord::program, ConsentRecord::brand, ConsentRecord::channel)
                .containsExactly(tuple("marketing", "acme", "web"),
                        tuple("alerts.ops-2", "acme", "sms"),
                        tuple("", "", ""),
                        tuple("", "acme", "email"),
                        tuple("", "", "sms"),
                        tuple("marketing", "acme", "web"));
    }

    @Test
    void appendsSurviveReopen() {
        ConsentStore store = track(newStore());
        Instant t = Instant.parse("2025-02-01T00:00:00Z");
        List<ConsentRecord> rows = new ArrayList<>();
        for (int i = 0; i < 20; i++) {
            ConsentRecord r = sampleRow("id" + i, "+1512555" + String.format("%04d", 1000 + i), t.plusSeconds(i));
            rows.add(r);
            store.append(List.of(r));
        }
        ConsentStore again = track(reopen(store));
        assertThat(replayAll(again)).containsExactlyElementsOf(rows);
        ConsentRecord extra = sampleRow("after", "+15125559999", t.plusSeconds(100));
        again.append(List.of(extra));
        ConsentStore third = track(reopen(again));
        assertThat(replayAll(third)).hasSize(21).last().isEqualTo(extra);
    }

    @Test
    void trackerFoldRulesHoldOverTheStore() {
        SettableClock clock = SettableClock.at("2025-03-01T10:00:00Z");
        ConsentStore store = track(newStore());
        String phone = "+15125551234";
        ConsentTracker tracker = ConsentTracker.builder(store).brand("Basin Climbing").clock(clock).build();
        ConsentRecord first = tracker.recordWebFormConsent(phone, "c1", "Ann", "ann@example.com", "203.0.113.1",
                "https://example.com/f");
        clock.advance(Duration.ofMinutes(1));
        tracker.revoke(phone, "stop_keyword", "texted STOP");
        clock.advance(Duration.ofMinutes(1));
        ConsentRecord second = tracker.recordKeywordConsent(phone, "START", "c1", "SM1", "START");
        clock.advance(Duration.ofMinutes(1));
        tracker.revoke("+15125550000", "admin", "suppression of a number that never opted in");

        ConsentTracker reopened = ConsentTracker.builder(track(reopen(store))).clock(clock).build();
        assertThat(reopened.isActive(phone)).isTrue();
        assertThat(reopened.status(phone)).get().extracting(ConsentRecord::consentId).isEqualTo(second.consentId());
        assertThat(reopened.findById(first.consentId())).get().extracting(ConsentRecord::status)
                .isEqualTo(ConsentStatus.REVOKED);
        assertThat(reopened.history(phone)).hasSize(3);
        assertThat(reopened.isOptedOut("+15125550000")).isTrue();
        assertThat(reopened.isActive("+15125550000")).isFalse();
        assertThat(reopened.activeConsents()).extracting(ConsentRecord::consentId).containsExactly(second.consentId());
    }

    @Test
    void concurrentAppendersLoseNothing() throws Exception {
        int threads = Math.max(8, concurrentAppenders());
        int each = appendsPerThread();
        ConsentStore store = track(newStore());
        ExecutorService pool = Executors.newFixedThreadPool(threads);
        CountDownLatch start = new CountDownLatch(1);
        Instant t = Instant.parse("2025-04-01T00:00:00Z");
        try {
            List<Future<?>> futures = new ArrayList<>();
            for (int th = 0; th < threads; th++) {
                int thread = th;
                futures.add(pool.submit(() -> {
                    start.await();
                    for (int i = 0; i < each; i++) {
                        String phone = "+1512555" + String.format("%04d", (thread * each + i) % 10_000);
                        ConsentRecord r = sampleRow("t" + thread + "-" + i, phone, t.plusMillis(i));
                        if (i % 5 == 0) {
                            store.append(List.of(r, r.withStatus(ConsentStatus.REVOKED, t.plusMillis(i + 1),
                                    "admin", Map.of())));
                        } else {
                            store.append(List.of(r));
                        }
                    }
                    return null;
                }));
            }
            start.countDown();
            for (Future<?> f : futures) {
                f.get(5, TimeUnit.MINUTES);
            }
        } finally {
            pool.shutdownNow();
        }
        List<ConsentRecord> rows = replayAll(track(reopen(store)));
        Set<String> ids = new HashSet<>();
        int expectedRows = 0;
        for (int th = 0; th < threads; th++) {
            for (int i = 0; i < each; i++) {
                ids.add("t" + th + "-" + i);
                expectedRows += i % 5 == 0 ? 2 : 1;
            }
        }
        assertThat(rows).hasSize(expectedRows);
        assertThat(rows).extracting(ConsentRecord::consentId).containsAll(ids);
        // rows of one append stay together and in order
        for (int i = 0; i < rows.size(); i++) {
            if (rows.get(i).status() == ConsentStatus.REVOKED) {
                assertThat(i).isPositive();
                assertThat(rows.get(i - 1).consentId()).isEqualTo(rows.get(i).consentId());
                assertThat(rows.get(i - 1).status()).isEqualTo(ConsentStatus.ACTIVE);
            }
        }
    }

    @Test
    void appendAfterCloseFails() {
        ConsentStore store = newStore();
        store.close();
        assertThatThrownBy(() -> store.append(List.of(sampleRow("x", "+15125551234", Instant.EPOCH))))
                .isInstanceOf(ConsentStoreException.class);
    }

    @Test
    void capabilitiesAreDeclared() {
        ConsentStore store = track(newStore());
        assertThat(store.capabilities()).isNotNull();
        assertThat(store.capabilities().name()).isNotBlank();
    }
}
