package io.consentkit.checks;

// snippet: quick-start-imports
import io.consentkit.consent.ConsentTracker;
import io.consentkit.store.CsvConsentStore;

import java.nio.file.Path;
// end snippet
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.file.Files;
import java.time.Duration;
import java.util.Comparator;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Runs the README's quick start and the CSV store's "Configure" block of docs/stores.md;
 * {@link DocsTest} checks that the documents show exactly these regions.
 */
class QuickStartTest {
    @AfterEach
    void cleanUp() throws IOException {
        Path dir = Path.of("consent-data");
        if (Files.exists(dir)) {
            try (Stream<Path> files = Files.walk(dir)) {
                for (Path p : files.sorted(Comparator.reverseOrder()).toList()) {
                    Files.delete(p);
                }
            }
        }
    }

    @Test
    void quickStartRuns() throws Exception {
        // snippet: quick-start
        Path dir = Path.of("consent-data");
        try (ConsentTracker tracker = ConsentTracker.builder(CsvConsentStore.open(dir.resolve("consents.csv")))
                .brand("Basin Climbing").build()) {
            tracker.recordWebFormConsent("512-555-1234", "cust-42", "Ann Lee", "ann@example.com",
                    "203.0.113.9", "https://example.com/sms-signup");
            if (tracker.isActive("+15125551234")) {
                System.out.println("may text: " + tracker.status("+15125551234").orElseThrow().consentMessage());
            }
            tracker.revoke("+15125551234", ConsentTracker.REVOKED_BY_KEYWORD, "texted STOP");
            tracker.exportAudit(dir.resolve("audit.csv"));
        }
        // end snippet
        assertThat(Files.readAllLines(dir.resolve("audit.csv"))).hasSize(2).last().asString().contains(",revoked,");
    }

    @Test
    void csvConfigureRuns() {
        Path dir = Path.of("consent-data");
        // snippet: csv-configure
        CsvConsentStore store = CsvConsentStore.builder(dir.resolve("consents.csv"))
                .lockTimeout(Duration.ofSeconds(5))
                .build();
        // end snippet
        try (ConsentTracker tracker = ConsentTracker.builder(store).build()) {
            assertThat(tracker.activeConsents()).isEmpty();
        }
    }
}
