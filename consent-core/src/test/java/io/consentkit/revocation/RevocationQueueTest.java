package io.consentkit.revocation;

import io.consentkit.InvalidInputException;
import io.consentkit.consent.ConsentTracker;
import io.consentkit.journal.ConsentRecord;
import io.consentkit.journal.ConsentStatus;
import io.consentkit.phone.PhoneNumber;
import io.consentkit.store.InMemoryConsentStore;
import io.consentkit.testkit.SettableClock;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The queue in memory: submit, deadlines, overdue, apply through the tracker, dismiss, bad input, races. */
class RevocationQueueTest {
    static final ZoneId NEW_YORK = ZoneId.of("America/New_York");
    static final String ANN = "+15125551234";
    static final String BOB = "+15125550101";

    /** Wednesday 2026-11-25, 10:00 in New York: the day before Thanksgiving. */
    final SettableClock clock = SettableClock.at("2026-11-25T15:00:00Z");
    final ConsentTracker tracker = ConsentTracker.builder(new InMemoryConsentStore()).clock(clock).build();
    final RevocationQueue queue = RevocationQueue.builder(RevocationStore.inMemory()).tracker(tracker)
            .zone(NEW_YORK).build();

    @AfterEach
    void close() {
        queue.close();
        tracker.close();
    }

    @Test
    void aSubmittedRequestIsPendingWithItsDeadlineAndBecomesOverdueAtMidnightAfterIt() {
        RevocationRequest r = queue.submit("512-555-1234", "", "", RevocationChannel.EMAIL, null,
                "Please don't text me anymore", "support@example.com");
        assertThat(r.id()).matches("rv-[0-9a-f]{16}");
        assertThat(r.state()).isEqualTo(RevocationRequest.State.PENDING);
        assertThat(r.scope()).isEqualTo("all");
        assertThat(r.receivedAt()).isEqualTo(clock.instant());
        assertThat(r.deadline()).isEqualTo(LocalDate.parse("2026-12-10")); // Thanksgiving skipped
        assertThat(r.overdueAt()).isEqualTo(Instant.parse("2026-12-11T05:00:00Z")); // midnight in New York
        assertThat(queue.isPending(PhoneNumber.of(ANN))).isTrue();
        assertThat(queue.isPending(PhoneNumber.of(BOB))).isFalse();
        assertThat(queue.pending()).containsExactly(r);
        assertThat(queue.overdue()).isEmpty();

        clock.set(Instant.parse("2026-12-11T04:59:59Z")); // 23:59:59 on the last day: still in time
        assertThat(queue.overdue()).isEmpty();
        clock.set(Instant.parse("2026-12-11T05:00:00Z"));
        assertThat(queue.overdue()).containsExactly(r);
        assertThat(r.toString()).doesNotContain(ANN).doesNotContain("anymore");
    }

    @Test
    void aRequestCountsFromWhenItWasReceivedNotFromWhenItWasEntered() {
        clock.set(Instant.parse("2026-07-06T14:00:00Z")); // entered Monday 07-06
        RevocationRequest r = queue.submit(ANN, "alerts", "Acme", RevocationChannel.VOICE,
                Instant.parse("2026-07-02T20:00:00Z"), "caller asked to stop the alerts", "agent Sam");
        // received Thursday 07-02; Friday 07-03 is Independence Day observed: day 1 is Monday 07-06
        assertThat(r.deadline()).isEqualTo(LocalDate.parse("2026-07-17"));
        assertThat(r.scope()).isEqualTo("program alerts of brand Acme");
        clock.set(Instant.parse("2026-07-18T04:00:00Z"));
        assertThat(queue.overdue()).containsExactly(r);
    }

    @Test
    void overdueListsOnlyLatePendingRequestsEarliestDeadlineFirst() {
        clock.set(Instant.parse("2026-11-10T15:00:00Z"));
        RevocationRequest late = queue.submit(ANN, "", "", RevocationChannel.SMS, Instant.parse("2026-11-02T15:00:00Z"),
                "stop it please", "inbox review");
        RevocationRequest later = queue.submit(BOB, "", "", RevocationChannel.WEB, Instant.parse("2026-11-05T15:00:00Z"),
                "form", "web");
        RevocationRequest fresh = queue.submit("+15125550102", "", "", RevocationChannel.API, null, "", "crm");
        assertThat(queue.pending()).containsExactly(late, later, fresh);
        assertThat(queue.overdue()).isEmpty(); // 11-02 -> 11-17 and 11-05 -> 11-20 (Veterans Day skipped)
        assertThat(late.deadline()).isEqualTo(LocalDate.parse("2026-11-17"));
        clock.set(Instant.parse("2026-11-21T12:00:00Z"));
        assertThat(queue.overdue()).extracting(RevocationRequest::id).containsExactly(late.id(), later.id());
        queue.dismiss(late.id(), "Lee", "not an opt-out: asked to stop the survey call");
        assertThat(queue.overdue()).extracting(RevocationRequest::id).containsExactly(later.id());
    }

    @Test
    void applyRevokesThroughTheTrackerWithEvidenceNamingTheChannelAndTheRequest() {
        tracker.recordWebFormConsent(ANN, "cust-1", "Ann Lee", "ann@example.com", "203.0.113.9", "https://example.com/sms");
        RevocationRequest r = queue.submit(ANN, "", "", RevocationChannel.EMAIL, null, "Remove me from texts",
                "support@example.com");
        clock.advance(Duration.ofHours(3));
        RevocationQueue.Applied applied = queue.apply(r.id(), "Lee");

        assertThat(tracker.isActive(ANN)).isFalse();
        assertThat(applied.journalRows()).hasSize(1);
        ConsentRecord row = applied.journalRows().get(0);
        assertThat(row.status()).isEqualTo(ConsentStatus.REVOKED);
        assertThat(row.revokedMethod()).isEqualTo("customer_request");
        assertThat(row.metadata()).containsEntry("revoke_channel", "email").containsEntry("revoke_request_id", r.id())
                .containsEntry("revoke_evidence_text", "Remove me from texts")
                .containsEntry("revoke_evidence_by", "support@example.com").containsEntry("revoke_applied_by", "Lee")
                .containsEntry("revoke_received_at", "2026-11-25T15:00:00Z");
        assertThat(applied.request().state()).isEqualTo(RevocationRequest.State.APPLIED);
        assertThat(applied.request().closedAt()).isEqualTo(clock.instant());
        assertThat(queue.isPending(PhoneNumber.of(ANN))).isFalse();
        assertThat(queue.pending()).isEmpty();
        assertThatThrownBy(() -> queue.apply(r.id(), "Lee")).isInstanceOf(InvalidInputException.class)
                .hasMessageContaining("already applied");
    }

    @Test
    void dismissKeepsTheRequestAndItsReasonAndLeavesConsentAlone() {
        tracker.recordWebFormConsent(ANN, "cust-1", "Ann Lee", "ann@example.com", "203.0.113.9", "https://example.com/sms");
        RevocationRequest r = queue.submit(ANN, "", "", RevocationChannel.SMS, null, "stop by the store today?", "");
        assertThatThrownBy(() -> queue.dismiss(r.id(), "Lee", " ")).isInstanceOf(InvalidInputException.class)
                .hasMessageContaining("reason");
        RevocationRequest d = queue.dismiss(r.id(), "Lee", "not an opt-out");
        assertThat(d.state()).isEqualTo(RevocationRequest.State.DISMISSED);
        assertThat(d.closeReason()).isEqualTo("not an opt-out");
        assertThat(queue.all()).containsExactly(d);
        assertThat(tracker.isActive(ANN)).isTrue();
        assertThat(queue.isPending(PhoneNumber.of(ANN))).isFalse();
    }

    @Test
    void twoRequestsForOneNumberKeepItPendingUntilBothAreClosed() {
        RevocationRequest a = queue.submit(ANN, "", "", RevocationChannel.EMAIL, null, "stop", "");
        RevocationRequest b = queue.submit(ANN, "", "", RevocationChannel.VOICE, null, "stop", "");
        queue.dismiss(a.id(), "", "duplicate of the call");
        assertThat(queue.isPending(PhoneNumber.of(ANN))).isTrue();
        queue.apply(b.id(), "");
        assertThat(queue.isPending(PhoneNumber.of(ANN))).isFalse();
    }

    @Test
    void badInputIsRefusedNamingTheFieldAndChangesNothing() {
        assertThatThrownBy(() -> queue.submit("12", "", "", RevocationChannel.EMAIL, null, "", ""))
                .isInstanceOf(InvalidInputException.class).hasMessageContaining("phone_number");
        assertThatThrownBy(() -> queue.submit(ANN, "", "", null, null, "", ""))
                .isInstanceOf(InvalidInputException.class).hasMessageContaining("channel");
        assertThatThrownBy(() -> queue.submit(ANN, "", "", RevocationChannel.EMAIL, clock.instant().plusSeconds(60), "",
                "")).isInstanceOf(InvalidInputException.class).hasMessageContaining("received_at");
        assertThatThrownBy(() -> queue.submit(ANN, "", "", RevocationChannel.EMAIL, null, "a\u0000b", ""))
                .isInstanceOf(InvalidInputException.class).hasMessageContaining("evidence_text");
        assertThatThrownBy(() -> queue.submit(ANN, "x".repeat(129), "", RevocationChannel.EMAIL, null, "", ""))
                .isInstanceOf(InvalidInputException.class).hasMessageContaining("program");
        assertThatThrownBy(() -> queue.apply("rv-0000000000000000", "")).isInstanceOf(InvalidInputException.class)
                .hasMessageContaining("no revocation request");
        assertThatThrownBy(() -> RevocationChannel.parse("fax")).isInstanceOf(InvalidInputException.class)
                .hasMessageContaining("sms, web, email, voice, agent, api");
        assertThatThrownBy(() -> RevocationQueue.builder(RevocationStore.inMemory()).businessDays(11))
                .isInstanceOf(InvalidInputException.class).hasMessageContaining("businessDays");
        assertThat(queue.all()).isEmpty();
        assertThat(queue.store().events()).isEmpty();
    }

    @Test
    void aQueueWithoutATrackerListsButCannotApply() {
        RevocationStore store = RevocationStore.inMemory();
        queue.store().events().forEach(store::append);
        try (RevocationQueue q = RevocationQueue.builder(store).clock(clock).zone(NEW_YORK).build()) {
            RevocationRequest r = q.submit(ANN, "", "", RevocationChannel.WEB, null, "", "");
            assertThatThrownBy(() -> q.apply(r.id(), "")).isInstanceOf(InvalidInputException.class)
                    .hasMessageContaining("tracker");
            assertThat(q.pending()).containsExactly(r);
        }
    }

    @Test
    void concurrentSubmitsAndAppliesLoseNothing() throws Exception {
        int threads = 8;
        int each = 25;
        ExecutorService pool = Executors.newFixedThreadPool(threads);
        CountDownLatch start = new CountDownLatch(1);
        try {
            List<Future<?>> futures = new ArrayList<>();
            for (int t = 0; t < threads; t++) {
                int thread = t;
                futures.add(pool.submit(() -> {
                    start.await();
                    for (int i = 0; i < each; i++) {
                        String phone = String.format("+1512555%02d%02d", thread, i);
                        RevocationRequest r = queue.submit(phone, "", "", RevocationChannel.API, null, "", "t" + thread);
                        if (i % 2 == 0) {
                            queue.apply(r.id(), "t" + thread);
                        }
                    }
                    return null;
                }));
            }
            start.countDown();
            for (Future<?> f : futures) {
                f.get(30, TimeUnit.SECONDS);
            }
        } finally {
            pool.shutdownNow();
        }
        assertThat(queue.all()).hasSize(threads * each);
        assertThat(queue.pending()).hasSize(threads * (each / 2));
        assertThat(queue.store().events()).hasSize(threads * each + threads * ((each + 1) / 2));
        assertThat(queue.isPending(PhoneNumber.of("+15125550001"))).isTrue();
        assertThat(queue.isPending(PhoneNumber.of("+15125550000"))).isFalse();
    }
}
