package io.consentkit.consent;

import io.consentkit.journal.ConsentRecord;
import io.consentkit.phone.PhoneNumber;
import io.consentkit.store.InMemoryConsentStore;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.time.Instant;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/** The tracker's one copy of number locks and consent-id minting, as flows reach them. */
class NumberLockTest {
    private final ConsentTracker tracker = ConsentTracker.builder(new InMemoryConsentStore()).brand("Basin").build();
    private final PhoneNumber ann = tracker.phoneNumbers().parse("+15125551234");

    @AfterEach
    void close() {
        tracker.close();
    }

    @Test
    void aWriteToTheNumberWaitsForAStepHoldingItsLock() throws Exception {
        List<String> order = new CopyOnWriteArrayList<>();
        CountDownLatch inStep = new CountDownLatch(1);
        CountDownLatch release = new CountDownLatch(1);
        CompletableFuture<Void> step = CompletableFuture.runAsync(() -> tracker.withNumberLock(ann, () -> {
            inStep.countDown();
            await(release);
            order.add("step done, " + tracker.history(ann.e164()).size() + " rows");
            return null;
        }));
        assertThat(inStep.await(5, TimeUnit.SECONDS)).isTrue();

        Thread revoker = new Thread(() -> {
            tracker.revoke("+15125551234", ConsentTracker.REVOKED_BY_KEYWORD, "STOP");
            order.add("revoked");
        });
        revoker.start();
        // the revoke must park on the number's lock (not finish) while the step holds it
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
        while (revoker.getState() != Thread.State.WAITING && revoker.getState() != Thread.State.BLOCKED
                && revoker.isAlive() && System.nanoTime() < deadline) {
            Thread.onSpinWait();
        }
        assertThat(order).as("nothing written while the step holds the lock").isEmpty();
        release.countDown();
        step.get(5, TimeUnit.SECONDS);
        revoker.join(5_000);

        assertThat(order).containsExactly("step done, 0 rows", "revoked");
    }

    @Test
    void theLockIsReentrantSoAStepMayWriteThroughTheTracker() {
        List<ConsentRecord> rows = tracker.withNumberLock(ann,
                () -> tracker.revoke("+15125551234", ConsentTracker.REVOKED_BY_KEYWORD, "STOP"));

        assertThat(rows).hasSize(1);
        assertThat(tracker.isOptedOut("+15125551234")).isTrue();
    }

    @Test
    void mintedIdsAreHexUniqueAndNeverOneAlreadyInTheJournal() {
        ConsentRecord existing = tracker.recordInPersonConsent("+15125551234", "", "", "", "");
        Set<String> ids = new HashSet<>();
        for (int i = 0; i < 1000; i++) {
            ids.add(tracker.newConsentId(ann, Instant.parse("2025-06-01T12:00:00Z")));
        }

        assertThat(ids).hasSize(1000).doesNotContain(existing.consentId()).allMatch(id -> id.matches("[0-9a-f]{16}"));
    }

    private static void await(CountDownLatch latch) {
        try {
            if (!latch.await(5, TimeUnit.SECONDS)) {
                throw new IllegalStateException("not released in 5 s");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }
}
