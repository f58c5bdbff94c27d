package io.consentkit.consent;

import io.consentkit.journal.RevocationMethod;
import io.consentkit.phone.PhoneNumber;
import io.consentkit.store.CsvConsentStore;
import io.consentkit.testkit.SettableClock;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/** An export of a scoped journal (audit or full journal) imports into a new tracker in the same state per program. */
class ScopedExportRoundTripTest {
    private static final PhoneNumber ANN = PhoneNumber.of("+15125551234");
    private static final PhoneNumber BOB = PhoneNumber.of("+15125555678");
    private static final List<String> PROGRAMS = List.of("marketing", "alerts", "solar");
    private final SettableClock clock = SettableClock.at("2026-06-01T15:00:00Z");

    private ConsentTracker tracker(Path file) {
        return ConsentTracker.builder(CsvConsentStore.open(file)).brand("Basin Climbing").clock(clock)
                .programs(ConsentScopesTest.programs(RevocationPolicy.SENDER)).build();
    }

    private void optIn(ConsentTracker t, PhoneNumber who, String program) {
        clock.advance(Duration.ofSeconds(1));
        t.recordConsent(ConsentRequest.builder(who.e164(), "keyword", "Reply YES for " + program).program(program).build());
    }

    @Test
    void auditAndJournalExportsReimportToTheSameStatePerProgram(@TempDir Path dir) {
        try (ConsentTracker t = tracker(dir.resolve("a.csv"))) {
            optIn(t, ANN, "marketing");
            optIn(t, ANN, "alerts");
            optIn(t, BOB, "solar");
            clock.advance(Duration.ofSeconds(1));
            t.revokeFromSender(ANN, ConsentScopesTest.ALERTS_SENDER, false, RevocationMethod.STOP_KEYWORD, "STOP",
                    Map.of());
            t.exportAudit(dir.resolve("audit.csv"));
            t.exportJournal(dir.resolve("journal.csv"));
            for (String export : List.of("audit.csv", "journal.csv")) {
                try (ConsentTracker copy = tracker(dir.resolve("copy-" + export))) {
                    copy.importLegacy(dir.resolve(export));
                    for (PhoneNumber who : List.of(ANN, BOB)) {
                        for (String p : PROGRAMS) {
                            assertThat(copy.isActive(who, p)).as(export + " " + p).isEqualTo(t.isActive(who, p));
                            assertThat(copy.isOptedOut(who, p)).as(export + " " + p).isEqualTo(t.isOptedOut(who, p));
                            assertThat(copy.status(who, p).map(r -> r.program() + "/" + r.brand() + "/" + r.status()))
                                    .as(export + " " + p).isEqualTo(t.status(who, p)
                                            .map(r -> r.program() + "/" + r.brand() + "/" + r.status()));
                        }
                    }
                    assertThat(copy.activeNumbers("solar")).containsExactly(BOB);
                    assertThat(copy.isActive(ANN, "marketing")).isTrue();
                    assertThat(copy.isActive(ANN, "alerts")).isFalse();
                }
            }
        }
    }
}
