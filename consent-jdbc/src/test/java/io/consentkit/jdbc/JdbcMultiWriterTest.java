package io.consentkit.jdbc;

import io.consentkit.journal.ConsentRecord;
import io.consentkit.journal.ConsentStatus;
import io.consentkit.phone.PhoneNumber;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import javax.sql.DataSource;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Three store instances (as three app instances would hold) append two-row batches on several
 * threads each while a fourth instance polls all along: the poller gets every row exactly once,
 * each batch whole and in order, and a reopened store replays the same.
 */
@Timeout(120)
class JdbcMultiWriterTest {
    private static final int WRITERS = 3;
    private static final int THREADS_PER_WRITER = 3;
    private static final int BATCHES_PER_THREAD = 40;

    private static JdbcConsentStore store(DataSource ds) {
        return JdbcConsentStore.builder(ds).tablePrefix("mw_").createSchema(true).build();
    }

    private static ConsentRecord row(String id, int n) {
        return new ConsentRecord(id, Instant.parse("2026-03-01T10:00:00Z").plusSeconds(n),
                PhoneNumber.of("+1512555" + String.format("%04d", n % 10_000)), "web_form", "Texts from Acme.",
                "", "", "", "", "", Map.of(), ConsentStatus.ACTIVE, null, "");
    }

    @Test
    void concurrentWritersLoseNothingAndAPollerSeesEachRowOnce() throws Exception {
        DataSource db = LocalPostgres.newDatabase();
        List<JdbcConsentStore> writers = new ArrayList<>();
        for (int w = 0; w < WRITERS; w++) {
            writers.add(store(db));
        }
        JdbcConsentStore poller = store(db);
        List<ConsentRecord> polled = new ArrayList<>();
        poller.replay(polled::add);
        ExecutorService pool = Executors.newFixedThreadPool(WRITERS * THREADS_PER_WRITER + 1);
        AtomicBoolean writing = new AtomicBoolean(true);
        try {
            Future<?> polling = pool.submit(() -> {
                while (writing.get()) {
                    polled.addAll(poller.poll());
                }
                return null;
            });
            List<Future<?>> appends = new ArrayList<>();
            for (int w = 0; w < WRITERS; w++) {
                JdbcConsentStore s = writers.get(w);
                for (int t = 0; t < THREADS_PER_WRITER; t++) {
                    String tag = "w" + w + "t" + t + "b";
                    appends.add(pool.submit(() -> {
                        for (int b = 0; b < BATCHES_PER_THREAD; b++) {
                            s.append(List.of(row(tag + b + "-1", b), row(tag + b + "-2", b)));
                        }
                        return null;
                    }));
                }
            }
            for (Future<?> f : appends) {
                f.get(90, TimeUnit.SECONDS);
            }
            writing.set(false);
            polling.get(30, TimeUnit.SECONDS);
            polled.addAll(poller.poll());
        } finally {
            pool.shutdownNow();
        }
        int expected = WRITERS * THREADS_PER_WRITER * BATCHES_PER_THREAD * 2;
        assertWholeBatchesOnce(polled, expected);

        List<ConsentRecord> replayed = new ArrayList<>();
        try (JdbcConsentStore reopened = store(db)) {
            reopened.replay(replayed::add);
        }
        assertWholeBatchesOnce(replayed, expected);
        // each writer's own poll returns exactly the other writers' rows
        for (int w = 0; w < WRITERS; w++) {
            List<ConsentRecord> others = writers.get(w).poll();
            String own = "w" + w + "t";
            assertThat(others).hasSize(expected / WRITERS * (WRITERS - 1))
                    .noneMatch(r -> r.consentId().startsWith(own));
            writers.get(w).close();
        }
        poller.close();
    }

    private static void assertWholeBatchesOnce(List<ConsentRecord> rows, int expected) {
        assertThat(rows).hasSize(expected);
        Set<String> ids = new HashSet<>();
        for (int i = 0; i < rows.size(); i += 2) {
            String first = rows.get(i).consentId();
            assertThat(first).endsWith("-1");
            assertThat(rows.get(i + 1).consentId()).as("the batch of " + first + " stays together, in order")
                    .isEqualTo(first.substring(0, first.length() - 2) + "-2");
            ids.add(first);
            ids.add(rows.get(i + 1).consentId());
        }
        assertThat(ids).hasSize(expected);
    }
}
