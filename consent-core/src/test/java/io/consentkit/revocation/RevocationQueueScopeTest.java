package io.consentkit.revocation;

import io.consentkit.consent.ConsentRequest;
import io.consentkit.consent.ConsentTracker;
import io.consentkit.consent.Programs;
import io.consentkit.consent.UnknownScopeException;
import io.consentkit.journal.ConsentRecord;
import io.consentkit.journal.OptInMethod;
import io.consentkit.store.InMemoryConsentStore;
import io.consentkit.testkit.SettableClock;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Applying a request revokes the scope it names, with its channel, not the whole number. */
class RevocationQueueScopeTest {
    static final String ANN = "+15125551234";

    final SettableClock clock = SettableClock.at("2026-11-25T15:00:00Z");
    final Programs programs = Programs.builder().defaultProgram("marketing", "basin")
            .program("alerts", "basin", "+15125550199").program("news", "river", "+15125550177").build();
    final ConsentTracker tracker = ConsentTracker.builder(new InMemoryConsentStore()).clock(clock).programs(programs)
            .build();
    final RevocationQueue queue = RevocationQueue.builder(RevocationStore.inMemory()).tracker(tracker).clock(clock)
            .build();

    @AfterEach
    void close() {
        queue.close();
        tracker.close();
    }

    private void optIn(String program) {
        tracker.recordConsent(ConsentRequest.builder(ANN, OptInMethod.WEB_FORM, "Basin texts").program(program).build());
    }

    @Test
    void aRequestNamingOneProgramRevokesOnlyThatProgramWithTheRequestsChannel() {
        optIn("marketing");
        optIn("alerts");
        optIn("news");
        RevocationRequest r = queue.submit(ANN, "marketing", "basin", RevocationChannel.EMAIL, null,
                "no more promos please", "support@example.com");

        RevocationQueue.Applied applied = queue.apply(r.id(), "Lee");

        assertThat(tracker.isActive(ANN, "marketing")).isFalse();
        assertThat(tracker.isActive(ANN, "alerts")).isTrue();
        assertThat(tracker.isActive(ANN, "news")).isTrue();
        assertThat(applied.journalRows()).hasSize(1);
        ConsentRecord row = applied.journalRows().get(0);
        assertThat(row.channel()).isEqualTo("email");
        assertThat(row.revokedMethod()).isEqualTo("customer_request");
    }

    @Test
    void aRequestNamingABrandRevokesThatBrandsProgramsAndOneNamingNothingRevokesAll() {
        optIn("marketing");
        optIn("alerts");
        optIn("news");
        queue.apply(queue.submit(ANN, "", "basin", RevocationChannel.VOICE, null, "call", "").id(), "");
        assertThat(tracker.isActive(ANN, "marketing")).isFalse();
        assertThat(tracker.isActive(ANN, "alerts")).isFalse();
        assertThat(tracker.isActive(ANN, "news")).isTrue();

        RevocationQueue.Applied all = queue.apply(queue.submit(ANN, "", "", RevocationChannel.WEB, null, "form", "").id(), "");
        assertThat(tracker.isActive(ANN, "news")).isFalse();
        assertThat(all.journalRows()).extracting(ConsentRecord::channel).containsOnly("web");
    }

    @Test
    void aRequestNamingAProgramTheTrackerDoesNotHaveIsRefusedAndStaysPending() {
        optIn("marketing");
        RevocationRequest r = queue.submit(ANN, "promos", "", RevocationChannel.AGENT, null, "front desk", "Kim");

        assertThatThrownBy(() -> queue.apply(r.id(), "")).isInstanceOf(UnknownScopeException.class)
                .hasMessageContaining("program");
        assertThat(tracker.isActive(ANN, "marketing")).isTrue();
        assertThat(queue.pending()).extracting(RevocationRequest::id).containsExactly(r.id());
    }
}
