package io.consentkit.consent;

import io.consentkit.journal.ConsentRecord;
import io.consentkit.journal.ConsentStatus;
import io.consentkit.store.InMemoryConsentStore;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.lang.management.ManagementFactory;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * One number that alternates START and STOP k times: its memory grows with its rows (not with their
 * square) and each change costs about the same at the end as at the start.
 */
class NumberHistoryCostTest {
    private static final int K = 10_000;
    private static final String PHONE = "+15125550100";

    private final AtomicReference<Instant> now = new AtomicReference<>(Instant.parse("2025-06-01T15:00:00Z"));
    private final Clock clock = new Clock() {
        @Override
        public ZoneId getZone() {
            return ZoneOffset.UTC;
        }

        @Override
        public Clock withZone(ZoneId zone) {
            return this;
        }

        @Override
        public Instant instant() {
            return now.get();
        }
    };

    private static long usedAfterGc() {
        long used = Long.MAX_VALUE;
        for (int i = 0; i < 3; i++) {
            System.gc();
            used = Math.min(used, ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed());
        }
        return used;
    }

    @Test
    @Timeout(value = 60, unit = TimeUnit.SECONDS, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
    void tenThousandStopStartChangesCostLinearMemoryAndConstantTimePerChange() {
        InMemoryConsentStore store = new InMemoryConsentStore();
        long before = usedAfterGc();
        ConsentTracker tracker = ConsentTracker.builder(store).brand("Basin Climbing").clock(clock).build();
        List<ConsentRecord> written = new ArrayList<>(K);
        long[] nanos = new long[K];
        for (int i = 0; i < K; i++) {
            now.updateAndGet(t -> t.plus(Duration.ofSeconds(1)));
            long t0 = System.nanoTime();
            if (i % 2 == 0) {
                written.add(tracker.recordKeywordConsent(PHONE, "START", "", "SM" + i, "START"));
            } else {
                written.addAll(tracker.revoke(PHONE, "stop_keyword", "texted STOP", Map.of("message_sid", "SM" + i)));
            }
            nanos[i] = System.nanoTime() - t0;
            assertThat(tracker.isOptedOut(PHONE)).isEqualTo(i % 2 == 1);
        }
        long retained = usedAfterGc() - before;

        // O(k^2) re-encoding would hold gigabytes here; the rows themselves (index and store) are ~10 MB
        assertThat(retained).as("retained heap after %d changes", K).isLessThan(64L << 20);
        // medians, not sums: a loaded machine's preemptions and GC pauses hit single changes, not the typical
        // one, while a cost growing with the history (change i costing O(i)) moves the median ~6x here
        long first = median(nanos, 1_000, 2_000); // after the first thousand (class loading, JIT)
        long last = median(nanos, K - 1_000, K);
        assertThat(last).as("median of the last 1,000 changes (ns) vs of the second 1,000 (%d ns)", first)
                .isLessThan(Math.max(4 * first, first + TimeUnit.MICROSECONDS.toNanos(50)));

        assertThat(written).hasSize(K);
        assertThat(tracker.history(PHONE)).containsExactlyElementsOf(written);
        assertThat(tracker.status(PHONE)).contains(written.get(K - 1));
        assertThat(tracker.status(PHONE).orElseThrow().status()).isEqualTo(ConsentStatus.REVOKED);
        assertThat(tracker.findById(written.get(0).consentId())).contains(written.get(1));
        assertThat(tracker.consents(PHONE)).hasSize(K / 2).allMatch(r -> r.status() == ConsentStatus.REVOKED);

        ConsentTracker reopened = ConsentTracker.builder(store).brand("Basin Climbing").clock(clock).build();
        assertSameState(reopened, tracker);

        // one more START after the reopen: the replayed index takes changes like the live one
        now.updateAndGet(t -> t.plus(Duration.ofSeconds(1)));
        ConsentRecord again = reopened.recordKeywordConsent(PHONE, "START", "", "SM-again", "START");
        assertThat(reopened.isActive(PHONE)).isTrue();
        assertThat(reopened.status(PHONE)).contains(again);
        assertThat(reopened.activeConsents()).containsExactly(again);
        assertThat(reopened.history(PHONE)).hasSize(K + 1).last().isEqualTo(again);
        reopened.close();
        tracker.close();
    }

    private static void assertSameState(ConsentTracker actual, ConsentTracker expected) {
        assertThat(actual.history(PHONE)).containsExactlyElementsOf(expected.history(PHONE));
        assertThat(actual.status(PHONE)).isEqualTo(expected.status(PHONE));
        assertThat(actual.isActive(PHONE)).isEqualTo(expected.isActive(PHONE));
        assertThat(actual.isOptedOut(PHONE)).isEqualTo(expected.isOptedOut(PHONE));
        assertThat(actual.consents(PHONE)).containsExactlyElementsOf(expected.consents(PHONE));
        assertThat(actual.activeConsents()).isEqualTo(expected.activeConsents());
    }

    private static long median(long[] values, int from, int to) {
        long[] window = java.util.Arrays.copyOfRange(values, from, to);
        java.util.Arrays.sort(window);
        return window[window.length / 2];
    }
}
