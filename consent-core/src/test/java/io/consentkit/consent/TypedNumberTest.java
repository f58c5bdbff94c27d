package io.consentkit.consent;

import io.consentkit.journal.ConsentRecord;
import io.consentkit.journal.RevocationMethod;
import io.consentkit.phone.PhoneNumber;
import io.consentkit.send.GuardedSender;
import io.consentkit.store.InMemoryConsentStore;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** The {@link PhoneNumber} overloads, the provider opt-out step and the revocation-method aliases. */
class TypedNumberTest {
    private final ConsentTracker tracker = ConsentTracker.builder(new InMemoryConsentStore()).brand("Basin").build();
    private final PhoneNumber ann = tracker.phoneNumbers().parse("512-555-1234");
    private final PhoneNumber unknown = tracker.phoneNumbers().parse("512-555-0000");

    @AfterEach
    void close() {
        tracker.close();
    }

    @Test
    void typedReadsAnswerLikeTheStringOnes() {
        tracker.recordInPersonConsent("+15125551234", "c1", "Ann", "desk", "Austin");

        assertThat(tracker.isActive(ann)).isTrue();
        assertThat(tracker.isOptedOut(ann)).isFalse();
        assertThat(tracker.status(ann)).isEqualTo(tracker.status("+15125551234"));
        assertThat(tracker.history(ann)).isEqualTo(tracker.history("+15125551234")).hasSize(1);
        assertThat(tracker.consents(ann)).isEqualTo(tracker.consents("+15125551234"));

        assertThat(tracker.isActive(unknown)).isFalse();
        assertThat(tracker.isOptedOut(unknown)).isFalse();
        assertThat(tracker.status(unknown)).isEmpty();
        assertThat(tracker.history(unknown)).isEmpty();
        assertThat(tracker.consents(unknown)).isEmpty();
    }

    @Test
    void typedRevokeRevokesOrSuppresses() {
        tracker.recordInPersonConsent("+15125551234", "", "", "", "");

        assertThat(tracker.revoke(ann, RevocationMethod.CUSTOMER_REQUEST, "asked at the desk")).hasSize(1);
        assertThat(tracker.revoke(unknown, RevocationMethod.CUSTOMER_REQUEST, "")).singleElement()
                .satisfies(r -> assertThat(r.optInMethod()).isEmpty());

        assertThat(tracker.isOptedOut(ann)).isTrue();
        assertThat(tracker.isOptedOut(unknown)).isTrue();
        assertThat(tracker.status(ann).orElseThrow().metadata()).containsEntry("revoke_notes", "asked at the desk");
    }

    @Test
    void revokeByProviderRecordsTheProviderEvidence() {
        tracker.recordInPersonConsent("+15125551234", "", "", "", "");

        List<ConsentRecord> rows = tracker.revokeByProvider(ann, "twilio", 21610, " SM123 ");
        List<ConsentRecord> noSid = tracker.revokeByProvider(unknown, "fake", 30004, "");

        assertThat(rows).singleElement().satisfies(r -> {
            assertThat(r.revokedMethod()).isEqualTo(RevocationMethod.PROVIDER_OPT_OUT);
            assertThat(r.metadata()).containsEntry("revoke_provider_code", "21610").containsEntry("revoke_gateway", "twilio")
                    .containsEntry("revoke_message_sid", "SM123")
                    .containsEntry("revoke_notes", "the provider reported that the recipient opted out");
        });
        assertThat(noSid.get(0).metadata()).doesNotContainKey("revoke_message_sid")
                .containsEntry("revoke_provider_code", "30004");
    }

    @Test
    void theOldConstantsAreAliasesOfTheRevocationMethods() {
        assertThat(ConsentTracker.REVOKED_BY_KEYWORD).isSameAs(RevocationMethod.STOP_KEYWORD).isEqualTo("stop_keyword");
        assertThat(GuardedSender.REVOKED_BY_PROVIDER).isSameAs(RevocationMethod.PROVIDER_OPT_OUT)
                .isEqualTo("provider_opt_out");
        assertThat(RevocationMethod.TWILIO_OPT_OUT).isEqualTo("twilio_opt_out");
        assertThat(RevocationMethod.isWellFormed(RevocationMethod.CUSTOMER_REQUEST)).isTrue();
        assertThat(RevocationMethod.isWellFormed("Not A Word")).isFalse();
    }
}
