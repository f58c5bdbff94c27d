package io.consentkit.store;

import io.consentkit.internal.DelegatingFileChannel;
import io.consentkit.journal.ConsentRecord;
import io.consentkit.journal.ConsentStatus;
import io.consentkit.phone.PhoneNumber;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;

/** The journal's group commit: one flusher writes and forces for every waiting appender. */
class CsvGroupCommitTest {
    private static final Instant T = Instant.parse("2025-05-05T05:05:05Z");

    @TempDir
    Path dir;

    private static ConsentRecord row(String id, String phone) {
        return new ConsentRecord(id, T, PhoneNumber.of(phone), "web_form", "I agree. Reply STOP.", "c", "n",
                "e@x.com", "1.2.3.4", "", Map.of("k", "v"), ConsentStatus.ACTIVE, null, "");
    }

    private static List<String> ids(CsvConsentStore s) {
        List<String> out = new ArrayList<>();
        s.replay(r -> out.add(r.consentId()));
        return out;
    }

    @Test
    @Timeout(value = 30, unit = TimeUnit.SECONDS, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
    void anInterruptedAppenderNeitherClosesTheJournalNorLosesItsRow() {
        Path f = dir.resolve("interrupted.csv");
        try (CsvConsentStore s = CsvConsentStore.open(f)) {
            Thread.currentThread().interrupt(); // e.g. a server thread told to stop while it records a STOP
            s.append(List.of(row("a", "+15125551234")));
            assertThat(Thread.interrupted()).as("the interrupt is kept for the caller").isTrue();
            s.append(List.of(row("b", "+15125551235")));
            assertThat(ids(s)).containsExactly("a", "b");
        }
        try (CsvConsentStore s = CsvConsentStore.open(f)) {
            assertThat(ids(s)).containsExactly("a", "b");
        }
    }

    @Test
    @Timeout(value = 60, unit = TimeUnit.SECONDS, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
    void everyWaitingAppenderJoinsTheNextForce() throws Exception {
        Path f = dir.resolve("group.csv");
        int threads = 8;
        List<Thread> appenders = new ArrayList<>();
        java.util.concurrent.atomic.AtomicBoolean armed = new java.util.concurrent.atomic.AtomicBoolean();
        AtomicInteger forces = new AtomicInteger();
        CsvConsentStore.ChannelOpener opener = p -> new DelegatingFileChannel(
                FileChannel.open(p, StandardOpenOption.CREATE, StandardOpenOption.READ, StandardOpenOption.WRITE)) {
            @Override
            public void force(boolean metaData) throws IOException {
                super.force(metaData);
                if (armed.compareAndSet(true, false)) {
                    // the first group's force lasts until every appender waits: those of this group for
                    // its end, all the others queued behind it
                    awaitAllWaiting(appenders);
                }
                forces.incrementAndGet();
            }
        };
        try (CsvConsentStore s = CsvConsentStore.builder(f).channelOpener(opener).build()) {
            int before = forces.get();
            CountDownLatch go = new CountDownLatch(1);
            for (int t = 0; t < threads; t++) {
                int th = t;
                appenders.add(new Thread(() -> {
                    try {
                        go.await();
                    } catch (InterruptedException e) {
                        return;
                    }
                    s.append(List.of(row("t" + th, "+1512555" + String.format("%04d", th))));
                }));
            }
            armed.set(true);
            appenders.forEach(Thread::start);
            go.countDown();
            for (Thread t : appenders) {
                t.join();
            }
            assertThat(ids(s)).hasSize(threads);
            JournalWriteStats stats = s.writeStats();
            assertThat(stats.appends()).isEqualTo(threads);
            assertThat(forces.get() - before).isEqualTo(stats.forces());
            // the first group (all eight if they queued before the flusher woke), then one force for
            // everyone who queued during it: a force per waiting appender, or a group split, fails this
            assertThat(stats.forces()).as("%s", stats).isBetween(1L, 2L);
            assertThat(stats.appendsPerForce()).isGreaterThanOrEqualTo(threads / 2.0);
        }
    }

    /** Polls (with a deadline) until every thread is parked with a timeout: inside its append, waiting. */
    private static void awaitAllWaiting(List<Thread> threads) {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (!threads.stream().allMatch(t -> t.getState() == Thread.State.TIMED_WAITING)) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("the appenders did not all wait within 30 s");
            }
            Thread.yield();
        }
    }

    @Test
    @Timeout(value = 60, unit = TimeUnit.SECONDS, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
    void closingWhileAppendsWaitEndsEveryAppendAndKeepsEveryAcknowledgedRow() throws Exception {
        Path f = dir.resolve("closing.csv");
        CsvConsentStore s = CsvConsentStore.open(f);
        int threads = 6;
        List<String> acknowledged = java.util.Collections.synchronizedList(new ArrayList<>());
        AtomicInteger refused = new AtomicInteger();
        CountDownLatch running = new CountDownLatch(threads * 5);
        List<Thread> ts = new ArrayList<>();
        for (int t = 0; t < threads; t++) {
            int th = t;
            Thread thread = new Thread(() -> {
                for (int i = 0; ; i++) {
                    String id = "t" + th + "-" + i;
                    try {
                        s.append(List.of(row(id, "+1512555" + String.format("%04d", th * 1000 + i % 1000))));
                    } catch (io.consentkit.journal.ConsentStoreException e) {
                        assertThat(e).hasMessageContaining("closed");
                        refused.incrementAndGet();
                        return;
                    }
                    acknowledged.add(id);
                    running.countDown();
                }
            });
            thread.start();
            ts.add(thread);
        }
        running.await(); // every thread is appending
        s.close();
        for (Thread t : ts) {
            t.join();
        }
        assertThat(refused.get()).isEqualTo(threads);
        try (CsvConsentStore reopened = CsvConsentStore.open(f)) {
            assertThat(reopened.quarantined()).isEmpty();
            assertThat(ids(reopened)).containsAll(acknowledged);
        }
    }

    @Test
    void aReadOnlyStoreHasWrittenNothing() {
        Path f = dir.resolve("ro.csv");
        try (CsvConsentStore s = CsvConsentStore.open(f)) {
            s.append(List.of(row("a", "+15125551234")));
            assertThat(s.writeStats().forces()).isEqualTo(1);
        }
        try (CsvConsentStore s = CsvConsentStore.openReadOnly(f)) {
            assertThat(s.writeStats()).isEqualTo(new JournalWriteStats(0, 0, java.time.Duration.ZERO, 0,
                    java.time.Duration.ZERO));
            assertThat(ids(s)).containsExactly("a");
        }
    }
}
