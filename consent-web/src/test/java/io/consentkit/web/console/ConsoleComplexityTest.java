package io.consentkit.web.console;

import io.consentkit.consent.ConsentTracker;
import io.consentkit.journal.ConsentRecord;
import io.consentkit.journal.ConsentStatus;
import io.consentkit.journal.ConsentStore;
import io.consentkit.journal.StoreCapabilities;
import io.consentkit.phone.PhoneNumber;
import io.consentkit.send.DeliveryUpdate;
import io.consentkit.send.InMemorySendLog;
import io.consentkit.send.MessageCategory;
import io.consentkit.send.SendLog;
import io.consentkit.send.SendLogEntry;
import io.consentkit.store.InMemoryConsentStore;
import io.consentkit.testkit.SettableClock;
import org.junit.jupiter.api.Test;

import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The console's speed by design, asserted as work done rather than milliseconds: after the one load at
 * open, number lookups and dashboards read neither the journal nor the send log (the benchmark
 * ConsoleBenchmark measures the times at 1M consents).
 */
class ConsoleComplexityTest {
    static final int CONSENTS = 20_000;

    /** A store that counts its full reads. */
    static final class CountingStore implements ConsentStore {
        final InMemoryConsentStore inner = new InMemoryConsentStore();
        final AtomicInteger replays = new AtomicInteger();

        @Override
        public void replay(Consumer<ConsentRecord> sink) {
            replays.incrementAndGet();
            inner.replay(sink);
        }

        @Override
        public void append(List<ConsentRecord> rows) {
            inner.append(rows);
        }

        @Override
        public StoreCapabilities capabilities() {
            return inner.capabilities();
        }

        @Override
        public void close() {
            inner.close();
        }
    }

    /** A send log that counts its full reads. */
    static final class CountingLog implements SendLog {
        final InMemorySendLog inner = new InMemorySendLog(CONSENTS);
        final AtomicInteger reads = new AtomicInteger();

        @Override
        public void record(SendLogEntry entry) {
            inner.record(entry);
        }

        @Override
        public void recordStatus(DeliveryUpdate update) {
            inner.recordStatus(update);
        }

        @Override
        public List<SendLogEntry> entries() {
            reads.incrementAndGet();
            return inner.entries();
        }

        @Override
        public void replay(Instant from, Consumer<SendLogEntry> sink) {
            reads.incrementAndGet();
            inner.replay(from, sink);
        }

        @Override
        public Optional<SendLogEntry> find(String providerId) {
            reads.incrementAndGet();
            return inner.find(providerId);
        }
    }

    static String phone(int i) {
        return "+1512" + (2_000_000 + i);
    }

    @Test
    void lookupsAndDashboardsReadNeitherTheJournalNorTheSendLogAfterOpen() {
        SettableClock clock = SettableClock.at("2026-03-31T12:00:00Z");
        CountingStore store = new CountingStore();
        Instant t0 = Instant.parse("2026-01-01T00:00:00Z");
        List<ConsentRecord> rows = new ArrayList<>();
        for (int i = 0; i < CONSENTS; i++) {
            rows.add(new ConsentRecord(String.format("%016x", i), t0.plusSeconds(i * 300L), new PhoneNumber(phone(i)),
                    i % 2 == 0 ? "web_form" : "keyword", "Text " + i, "", "", "", "", "", Map.of(),
                    ConsentStatus.ACTIVE, null, "", "", "", ""));
        }
        store.inner.append(rows);
        CountingLog log = new CountingLog();
        for (int i = 0; i < CONSENTS; i++) {
            log.inner.record(new SendLogEntry(t0.plusSeconds(i * 300L), SendLogEntry.Decision.SENT, "", "+*********00",
                    MessageCategory.MARKETING, "", "", 10, 1, null, "", "SM" + i, 0, "", null, "fake", null, 0, null,
                    log.recipientKey(phone(i)), List.of(), "default", "", ""));
        }
        ConsoleStats stats = ConsoleStats.create(ZoneOffset.UTC, "default");
        ConsentTracker tracker = ConsentTracker.builder(store).clock(clock).listener(stats).build();
        stats.load(store::replay);
        ConsoleSendLog sends = ConsoleSendLog.wrap(log, ZoneOffset.UTC);
        ConsoleQueries q = ConsoleQueries.builder(tracker, stats).sendLog(sends).build();
        int storeReadsAtOpen = store.replays.get();
        int logReadsAtOpen = log.reads.get();
        assertThat(storeReadsAtOpen).isEqualTo(2); // the tracker's open and the statistics' load
        assertThat(logReadsAtOpen).isEqualTo(1);

        long optIns = 0;
        for (int round = 0; round < 20; round++) {
            Dashboard d = q.dashboard(90);
            optIns = Dashboard.total(d.optInsByMethod());
            ConsolePages.dashboard(new ConsolePages.Frame("/console", "ops", io.consentkit.web.Html.EMPTY, io.consentkit.web.Html.EMPTY), d);
        }
        for (int i = 0; i < CONSENTS; i += 97) {
            Timeline t = q.timeline(phone(i));
            assertThat(t.rows()).hasSize(1);
            assertThat(t.sends()).extracting(SendLogEntry::providerId).containsExactly("SM" + i);
        }
        q.revoke(phone(1), "ops", "");
        assertThat(Dashboard.total(q.dashboard(90).optOutsByMethod())).isEqualTo(1);
        assertThat(store.replays.get()).isEqualTo(storeReadsAtOpen);
        assertThat(log.reads.get()).isEqualTo(logReadsAtOpen);
        assertThat(optIns).isEqualTo(CONSENTS); // 20,000 x 5 minutes: about 69 days, all inside the 90
    }
}
