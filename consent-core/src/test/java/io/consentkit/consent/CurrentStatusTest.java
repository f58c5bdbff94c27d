package io.consentkit.consent;

import io.consentkit.InvalidInputException;
import io.consentkit.journal.ConsentRecord;
import io.consentkit.journal.ConsentStatus;
import io.consentkit.journal.RevocationMethod;
import io.consentkit.phone.PhoneNumber;
import io.consentkit.store.InMemoryConsentStore;
import io.consentkit.testkit.SettableClock;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.Optional;
import java.util.Random;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * {@link ConsentTracker#currentStatus} answers from a row's header exactly what decoding the record
 * of {@link ConsentTracker#status} gives, for one row, a few rows and long histories, with programs too.
 */
class CurrentStatusTest {
    private static final ConsentStatus[] STATUSES = ConsentStatus.values();
    private final SettableClock clock = SettableClock.at("2026-06-01T15:00:00Z");

    private static ConsentRecord randomRow(Random rnd, PhoneNumber phone, Instant t0, int idPool) {
        int n = rnd.nextInt(idPool);
        String id = n % 3 == 0 ? "legacy-" + phone.e164() + "-" + n : String.format("%016x", phone.hashCode() * 64L + n);
        ConsentStatus status = STATUSES[rnd.nextInt(STATUSES.length)];
        Instant ts = t0.plusMillis(rnd.nextInt(40) * 500L); // ties and back-dated rows on purpose
        Instant revokedAt = status == ConsentStatus.REVOKED && rnd.nextInt(4) > 0
                ? t0.plusMillis(rnd.nextInt(40) * 500L) : null;
        return new ConsentRecord(id, ts, phone, "keyword", "text " + rnd.nextInt(3), "c" + rnd.nextInt(5), "", "",
                "", "", Map.of("message_sid", "SM" + rnd.nextInt(1000)), status, revokedAt,
                revokedAt == null ? "" : "stop_keyword");
    }

    @Test
    void theStatusAloneMatchesTheDecodedRecordForEveryShapeOfHistory() {
        InMemoryConsentStore store = new InMemoryConsentStore();
        ConsentTracker tracker = ConsentTracker.builder(store).brand("Basin Climbing").clock(clock).build();
        Random rnd = new Random(18);
        Instant t0 = Instant.parse("2026-05-01T15:00:00Z");
        int[] lengths = {1, 1, 2, 3, 5, 8, 40, 150}; // 40 and 150 rows leave the arena for a long history
        for (int n = 0; n < 200; n++) {
            PhoneNumber phone = PhoneNumber.of("+1512555" + (1000 + n));
            int rows = lengths[n % lengths.length];
            for (int i = 0; i < rows; i++) {
                tracker.append(randomRow(rnd, phone, t0, n % 2 == 0 ? 4 : 30));
                Optional<ConsentStatus> expected = tracker.status(phone).map(ConsentRecord::status);
                assertThat(tracker.currentStatus(phone)).as("%s row %d", phone, i).isEqualTo(expected);
                assertThat(tracker.currentStatus(phone.e164())).isEqualTo(expected);
                assertThat(tracker.currentStatus("(512) 555-" + (1000 + n))).as("as typed").isEqualTo(expected);
            }
        }
        assertThat(tracker.currentStatus(PhoneNumber.of("+15125559999"))).isEmpty();
        assertThatThrownBy(() -> tracker.currentStatus("not a number")).isInstanceOf(InvalidInputException.class);
        ConsentTracker reopened = ConsentTracker.builder(store).brand("Basin Climbing").clock(clock).build();
        for (int n = 0; n < 200; n++) {
            PhoneNumber phone = PhoneNumber.of("+1512555" + (1000 + n));
            assertThat(reopened.currentStatus(phone)).isEqualTo(tracker.status(phone).map(ConsentRecord::status));
        }
    }

    @Test
    void aNumberWithProgramsAnswersForTheDefaultProgram() {
        ConsentTracker t = ConsentTracker.builder(new InMemoryConsentStore()).brand("Basin Climbing").clock(clock)
                .programs(ConsentScopesTest.programs(RevocationPolicy.SENDER)).build();
        PhoneNumber ann = ConsentScopesTest.ANN;
        clock.advance(Duration.ofSeconds(1));
        t.recordConsent(ConsentRequest.builder(ann.e164(), "keyword", "Reply YES for alerts").program("alerts").build());
        assertThat(t.currentStatus(ann)).as("nothing in the default program").isEmpty();
        clock.advance(Duration.ofSeconds(1));
        t.recordConsent(ConsentRequest.builder(ann.e164(), "keyword", "Reply YES").program("marketing").build());
        assertThat(t.currentStatus(ann)).contains(ConsentStatus.ACTIVE);
        clock.advance(Duration.ofSeconds(1));
        t.revokeFromSender(ann, ConsentScopesTest.MARKETING_SENDER, false, RevocationMethod.STOP_KEYWORD, "texted STOP",
                Map.of("message_sid", "SM1", "to", ConsentScopesTest.MARKETING_SENDER));
        assertThat(t.currentStatus(ann)).contains(ConsentStatus.REVOKED)
                .isEqualTo(t.status(ann).map(ConsentRecord::status));
        assertThat(t.currentStatus(ann.e164())).contains(ConsentStatus.REVOKED);
        assertThat(t.currentStatus("(512) 555-1234")).contains(ConsentStatus.REVOKED);
        assertThat(t.isActive(ann, "alerts")).isTrue();
    }
}
