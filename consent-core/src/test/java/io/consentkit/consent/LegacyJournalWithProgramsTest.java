package io.consentkit.consent;

import io.consentkit.journal.JournalCodec;
import io.consentkit.journal.RevocationMethod;
import io.consentkit.phone.PhoneNumber;
import io.consentkit.store.CsvConsentStore;
import io.consentkit.journal.SchemaUpgradeRequiredException;
import io.consentkit.testkit.SettableClock;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * A tracker with programs writes scoped rows (a STOP to one program), which a legacy 14-column file
 * cannot hold: it must refuse to open over one, naming the upgrade, rather than fail at a STOP.
 */
class LegacyJournalWithProgramsTest {
    private static final PhoneNumber ANN = PhoneNumber.of("+15125551234");
    private final SettableClock clock = SettableClock.at("2026-06-01T15:00:00Z");

    @Test
    void aTrackerWithProgramsRefusesALegacyJournalAndChangesNoByte(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("consents.csv");
        Files.writeString(file, JournalCodec.LEGACY_HEADER_LINE + "\n");
        byte[] before = Files.readAllBytes(file);
        try (CsvConsentStore store = CsvConsentStore.open(file)) {
            assertThatThrownBy(() -> ConsentTracker.builder(store).clock(clock)
                    .programs(ConsentScopesTest.programs(RevocationPolicy.SENDER)).build())
                    .isInstanceOf(SchemaUpgradeRequiredException.class)
                    .hasMessageContaining("upgrade-journal");
        }
        assertThat(Files.readAllBytes(file)).isEqualTo(before);

        CsvConsentStore.upgrade(file);
        try (ConsentTracker t = ConsentTracker.builder(CsvConsentStore.open(file)).clock(clock)
                .programs(ConsentScopesTest.programs(RevocationPolicy.SENDER)).build()) {
            t.recordConsent(ConsentRequest.builder(ANN.e164(), "keyword", "Reply YES").program("alerts").build());
            t.revokeFromSender(ANN, ConsentScopesTest.ALERTS_SENDER, false, RevocationMethod.STOP_KEYWORD, "STOP",
                    Map.of());
            assertThat(t.isOptedOut(ANN, "alerts")).isTrue();
        }
    }

    @Test
    void withOnlyTheDefaultProgramALegacyJournalStillOpensAndTakesAStop(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("consents.csv");
        Files.writeString(file, JournalCodec.LEGACY_HEADER_LINE + "\n");
        try (ConsentTracker t = ConsentTracker.builder(CsvConsentStore.open(file)).clock(clock).build()) {
            t.revoke(ANN, RevocationMethod.STOP_KEYWORD, "STOP");
            assertThat(t.isOptedOut(ANN)).isTrue();
        }
        assertThat(Files.readAllLines(file).get(0)).isEqualTo(JournalCodec.LEGACY_HEADER_LINE);
    }
}
