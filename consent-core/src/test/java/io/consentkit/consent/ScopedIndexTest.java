package io.consentkit.consent;

import io.consentkit.consent.internal.ScopedFold;
import io.consentkit.journal.ConsentRecord;
import io.consentkit.journal.RevocationMethod;
import io.consentkit.phone.PhoneNumber;
import io.consentkit.store.InMemoryConsentStore;
import io.consentkit.testkit.SettableClock;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.List;
import java.util.Random;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The index's precomputed per-program flags (one or two probes) agree with folding the number's
 * history row by row, for random mixes of scoped opt-ins and revocations, short histories and long
 * ones (past the index's long-history threshold), and again after the journal is replayed.
 */
class ScopedIndexTest {
    private static final List<String> PROGRAMS = List.of("marketing", "alerts", "solar");

    @Test
    void flagsAgreeWithTheRowFoldForRandomScopedHistories() {
        SettableClock clock = SettableClock.at("2026-03-01T12:00:00Z");
        InMemoryConsentStore store = new InMemoryConsentStore();
        Programs programs = ConsentScopesTest.programs(RevocationPolicy.SENDER);
        ConsentTracker t = ConsentTracker.builder(store).clock(clock).programs(programs).build();
        Random rnd = new Random(12);
        PhoneNumber[] phones = new PhoneNumber[6];
        for (int i = 0; i < phones.length; i++) {
            phones[i] = PhoneNumber.of("+1512555" + (7000 + i));
        }
        for (int step = 0; step < 1500; step++) {
            PhoneNumber pn = phones[step < 900 ? 0 : rnd.nextInt(phones.length)]; // number 0: a long history
            clock.advance(Duration.ofMillis(rnd.nextInt(3) * 500L)); // ties too
            switch (rnd.nextInt(7)) {
                case 0, 1, 2 -> t.recordConsent(ConsentRequest.builder(pn.e164(), "keyword", "Reply YES")
                        .program(rnd.nextInt(4) == 0 ? null : PROGRAMS.get(rnd.nextInt(3))).build());
                case 3 -> t.revoke(RevocationRequest.of(pn, RevocationScope.program(PROGRAMS.get(rnd.nextInt(3))),
                        ConsentChannel.SMS, RevocationMethod.STOP_KEYWORD));
                case 4 -> t.revoke(RevocationRequest.of(pn, RevocationScope.brand(rnd.nextBoolean() ? "basin" : "greenwatt"),
                        ConsentChannel.WEB, RevocationMethod.CUSTOMER_REQUEST));
                case 5 -> t.revokeFromSender(pn, rnd.nextBoolean() ? ConsentScopesTest.ALERTS_SENDER
                        : ConsentScopesTest.SOLAR_SENDER, rnd.nextInt(5) == 0, RevocationMethod.STOP_KEYWORD, null, null);
                default -> t.revoke(pn, RevocationMethod.CUSTOMER_REQUEST, null);
            }
            if (step % 50 == 49 || step == 1499) {
                check(t, programs, phones);
            }
        }
        assertThat(t.history(phones[0]).size()).as("a long history").isGreaterThan(400);
        ConsentTracker reopened = ConsentTracker.builder(store).clock(clock).programs(programs).build();
        check(reopened, programs, phones);
    }

    private static void check(ConsentTracker t, Programs programs, PhoneNumber[] phones) {
        for (PhoneNumber pn : phones) {
            List<ConsentRecord> history = t.history(pn);
            for (int o = 0; o < programs.all().size(); o++) {
                String p = programs.all().get(o).name();
                ScopedFold fold = ScopedFold.of(history, programs.table(), o);
                ConsentRecord status = fold.status();
                boolean active = !fold.active().isEmpty();
                boolean optedOut = !active && status != null && history.stream().anyMatch(r ->
                        r.status() == io.consentkit.journal.ConsentStatus.REVOKED
                                && programs.table().covers(r.isSuppression(), r.program(), r.brand(), programs.ordinal(p)));
                assertThat(t.isActive(pn, p)).as("%s %s", pn.masked(), p).isEqualTo(active);
                assertThat(t.isActive(pn.e164(), p)).isEqualTo(active);
                assertThat(t.isOptedOut(pn, p)).as("%s %s opted out", pn.masked(), p).isEqualTo(optedOut);
                assertThat(t.status(pn, p).orElse(null)).isEqualTo(status);
                assertThat(t.activeNumbers(p).contains(pn)).isEqualTo(active);
            }
            assertThat(t.isActive(pn)).isEqualTo(t.isActive(pn, programs.defaultProgram().name()));
        }
    }
}
