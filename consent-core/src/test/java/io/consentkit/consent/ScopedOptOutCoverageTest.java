package io.consentkit.consent;

import io.consentkit.journal.ConsentRecord;
import io.consentkit.journal.RevocationMethod;
import io.consentkit.phone.PhoneNumber;
import io.consentkit.store.InMemoryConsentStore;
import io.consentkit.testkit.SettableClock;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A STOP whose scope is wider than the consents it revokes (a brand, or everything) opts the number
 * out of every program in that scope, also those it never opted in to: a later message of such a
 * program that needs no consent (a transactional one) must still be blocked.
 */
class ScopedOptOutCoverageTest {
    private static final PhoneNumber ANN = PhoneNumber.of("+15125551234");
    private final SettableClock clock = SettableClock.at("2026-06-01T15:00:00Z");

    private ConsentTracker tracker(RevocationPolicy policy) {
        return ConsentTracker.builder(new InMemoryConsentStore()).brand("Basin Climbing").clock(clock)
                .programs(ConsentScopesTest.programs(policy)).build();
    }

    private void optInAlerts(ConsentTracker t) {
        clock.advance(Duration.ofSeconds(1));
        t.recordConsent(ConsentRequest.builder(ANN.e164(), "keyword", "Reply YES for alerts").program("alerts").build());
    }

    private List<ConsentRecord> stop(ConsentTracker t, String to, boolean stopAll) {
        clock.advance(Duration.ofSeconds(1));
        return t.revokeFromSender(ANN, to, stopAll, RevocationMethod.STOP_KEYWORD, "texted STOP", Map.of("to", to));
    }

    @Test
    void aStopUnderAllOptsOutOfTheBrandsOtherProgramsEvenWithoutAConsentThere() {
        ConsentTracker t = tracker(RevocationPolicy.ALL);
        optInAlerts(t);
        stop(t, ConsentScopesTest.ALERTS_SENDER, false);
        assertThat(t.isOptedOut(ANN, "alerts")).isTrue();
        assertThat(t.isOptedOut(ANN, "marketing")).as("the brand's other program").isTrue();
        assertThat(t.isOptedOut(ANN, "solar")).as("another brand").isFalse();
    }

    @Test
    void stopAllOptsOutOfEveryProgramOfEveryBrand() {
        ConsentTracker t = tracker(RevocationPolicy.SENDER);
        optInAlerts(t);
        stop(t, ConsentScopesTest.ALERTS_SENDER, true);
        assertThat(t.isOptedOut(ANN, "alerts")).isTrue();
        assertThat(t.isOptedOut(ANN, "marketing")).isTrue();
        assertThat(t.isOptedOut(ANN, "solar")).isTrue();
    }

    @Test
    void aStopUnderSenderStaysWithTheSendersProgram() {
        ConsentTracker t = tracker(RevocationPolicy.SENDER);
        optInAlerts(t);
        assertThat(stop(t, ConsentScopesTest.ALERTS_SENDER, false)).hasSize(1);
        assertThat(t.isOptedOut(ANN, "alerts")).isTrue();
        assertThat(t.isOptedOut(ANN, "marketing")).isFalse();
    }

    @Test
    void anOptInAfterTheStopLiftsOnlyItsOwnProgram() {
        ConsentTracker t = tracker(RevocationPolicy.ALL);
        optInAlerts(t);
        stop(t, ConsentScopesTest.ALERTS_SENDER, false);
        optInAlerts(t);
        assertThat(t.isActive(ANN, "alerts")).isTrue();
        assertThat(t.isOptedOut(ANN, "marketing")).isTrue();
    }
}
