package io.consentkit.jdbc;

import io.consentkit.consent.ConsentTracker;
import io.consentkit.phone.PhoneNumber;
import io.consentkit.testkit.SettableClock;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import javax.sql.DataSource;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Two trackers (two app instances) over one database: a STOP recorded by one reaches the other within
 * the visibility bound, on the real clock (polled with a deadline) and exactly at the bound on a
 * settable one.
 */
@Timeout(120)
class JdbcCrossInstanceTest {
    private static final Duration BOUND = Duration.ofMillis(300);

    private static JdbcConsentStore store(DataSource db) {
        return JdbcConsentStore.builder(db).tablePrefix("cross_").visibilityBound(BOUND).build();
    }

    private static DataSource freshDatabase() {
        DataSource db = LocalPostgres.newDatabase();
        try (JdbcConsentStore s = store(db)) {
            s.createSchema();
        }
        return db;
    }

    @Test
    void aStopRecordedByOneInstanceBlocksTheOtherWithinTheBound() {
        DataSource db = freshDatabase();
        PhoneNumber phone = PhoneNumber.of("+15125550600");
        try (ConsentTracker a = ConsentTracker.builder(store(db)).brand("Acme").build();
             ConsentTracker b = ConsentTracker.builder(store(db)).brand("Acme").build()) {
            a.recordWebFormConsent(phone.e164(), "c-1", "Ann Lee", "", "", "https://acme.example/signup");
            b.refresh();
            assertThat(b.isActive(phone)).isTrue();

            a.revoke(phone, ConsentTracker.REVOKED_BY_KEYWORD, "texted STOP");
            long committed = System.nanoTime();
            long deadline = committed + TimeUnit.SECONDS.toNanos(30);
            boolean active = true;
            while (active && System.nanoTime() < deadline) {
                active = b.isActive(phone); // a lookup polls the store once its last poll is older than the bound
                Thread.onSpinWait();
            }
            Duration seen = Duration.ofNanos(System.nanoTime() - committed);
            assertThat(active).as("the STOP reached the other instance").isFalse();
            // the bound plus one poll; the slack is for a loaded build machine
            assertThat(seen).isLessThan(BOUND.plusSeconds(5));
            assertThat(b.isOptedOut(phone)).isTrue();
            assertThat(b.isActive(phone)).isFalse();
        }
    }

    @Test
    void theOtherInstanceIsStaleAtMostForTheBound() {
        DataSource db = freshDatabase();
        PhoneNumber phone = PhoneNumber.of("+15125550601");
        SettableClock clock = SettableClock.at(Instant.parse("2026-03-01T10:00:00Z"));
        try (ConsentTracker a = ConsentTracker.builder(store(db)).clock(clock).brand("Acme").build();
             ConsentTracker b = ConsentTracker.builder(store(db)).clock(clock).brand("Acme").build()) {
            a.recordWebFormConsent(phone.e164(), "c-1", "Ann Lee", "", "", "https://acme.example/signup");
            clock.advance(BOUND);
            assertThat(b.isActive(phone)).isTrue();

            a.revoke(phone, ConsentTracker.REVOKED_BY_KEYWORD, "texted STOP");
            clock.advance(BOUND.minusMillis(1));
            assertThat(b.isActive(phone)).as("inside the bound the index may still answer").isTrue();
            clock.advance(Duration.ofMillis(1));
            assertThat(b.isActive(phone)).as("at the bound the lookup polls first").isFalse();
            assertThat(b.isOptedOut(phone)).isTrue();
        }
    }
}
