package io.consentkit.retention;

import io.consentkit.InvalidInputException;
import io.consentkit.consent.ConsentRequest;
import io.consentkit.consent.ConsentTracker;
import io.consentkit.journal.ConsentRecord;
import io.consentkit.journal.ErasureKey;
import io.consentkit.journal.OptInMethod;
import io.consentkit.journal.Redaction;
import io.consentkit.store.InMemoryConsentStore;
import io.consentkit.testkit.SettableClock;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Erasure through {@link io.consentkit.store.RewritableStore}, on the in-memory store. */
class StoreErasureTest {
    static final String ANN = "+15125551234";
    static final String BOB = "+15125556789";
    static final String TEXT = "Basin Climbing: route news, up to 4 msgs/mo. Reply STOP to opt out.";

    final SettableClock clock = SettableClock.at("2026-01-15T18:00:00Z");
    final ErasureKey key = ErasureKey.of("k".repeat(32).getBytes(StandardCharsets.UTF_8));

    @Test
    void anErasedNumberLeavesNoPersonalFieldAndStaysOptedOut() {
        InMemoryConsentStore store = new InMemoryConsentStore();
        try (ConsentTracker t = ConsentTracker.builder(store).clock(clock).build()) {
            t.recordConsent(ConsentRequest.builder(ANN, OptInMethod.WEB_FORM, TEXT).customerName("Ann Example")
                    .customerEmail("ann@example.com").ipAddress("203.0.113.7").metadata("ref", "ann-newsletter").build());
            t.recordConsent(ConsentRequest.builder(BOB, OptInMethod.WEB_FORM, TEXT).customerName("Bob Other").build());
        }
        ErasureResult r = Erasure.builder(store).key(key).clock(clock).build().erase(ANN, "GDPR request 7");
        assertThat(r.journalRows()).isEqualTo(1);
        assertThat(r.revoked()).isEqualTo(1);
        assertThat(r.quarantineFiles()).isEmpty();
        String all = dump(store.rows());
        assertThat(all).doesNotContain(ANN).doesNotContain("Ann Example").doesNotContain("ann@example.com")
                .doesNotContain("203.0.113.7").doesNotContain("ann-newsletter")
                .contains("Bob Other").contains(TEXT).contains(Redaction.MARKER);
        assertThat(store.rows().stream().filter(Redaction::isErasure).toList()).singleElement()
                .extracting(ConsentRecord::metadata).satisfies(m ->
                        assertThat(m).containsEntry(Redaction.REASON, "GDPR request 7"));
        try (ConsentTracker t = ConsentTracker.builder(store).clock(clock).erasureKey(key).build()) {
            assertThat(t.isOptedOut(ANN)).isTrue();
            assertThat(t.isActive(BOB)).isTrue();
        }
    }

    /** Every component value of every row (a record's toString masks the number). */
    static String dump(List<ConsentRecord> rows) {
        StringBuilder sb = new StringBuilder();
        for (ConsentRecord r : rows) {
            for (java.lang.reflect.RecordComponent c : ConsentRecord.class.getRecordComponents()) {
                try {
                    Object v = c.getAccessor().invoke(r);
                    sb.append(v instanceof io.consentkit.phone.PhoneNumber p ? p.e164() : String.valueOf(v)).append('|');
                } catch (ReflectiveOperationException e) {
                    throw new AssertionError(e);
                }
            }
            sb.append('\n');
        }
        return sb.toString();
    }

    @Test
    void anUnknownNumberChangesNothing() {
        InMemoryConsentStore store = new InMemoryConsentStore();
        try (ConsentTracker t = ConsentTracker.builder(store).clock(clock).build()) {
            t.recordConsent(ConsentRequest.builder(BOB, OptInMethod.WEB_FORM, TEXT).build());
        }
        List<ConsentRecord> before = store.rows();
        Erasure e = Erasure.builder(store).key(key).clock(clock).build();
        assertThatThrownBy(() -> e.erase(ANN, "request 8")).isInstanceOfSatisfying(InvalidInputException.class,
                x -> assertThat(x.field()).isEqualTo("phone"));
        assertThat(store.rows()).isEqualTo(before);
        assertThatThrownBy(() -> Erasure.builder((io.consentkit.store.RewritableStore) null))
                .isInstanceOf(InvalidInputException.class);
    }
}
