package io.consentkit.jdbc;

import io.consentkit.consent.ConsentTracker;
import io.consentkit.send.GuardedSender;
import io.consentkit.send.InMemorySendLog;
import io.consentkit.send.MessageCategory;
import io.consentkit.send.OutboundMessage;
import io.consentkit.send.SendOutcome;
import io.consentkit.send.SendOutcome.Reason;
import io.consentkit.store.InMemoryConsentStore;
import io.consentkit.testkit.FakeSmsGateway;
import io.consentkit.testkit.SettableClock;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import javax.sql.DataSource;
import java.time.Duration;
import java.time.Instant;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Issue 13: the rule pack's per-subject caps (Florida: 3 marketing messages per 24 hours on one
 * subject) counted in the JDBC limit store hold for a second sender over the same database (another
 * worker, or the first one restarted), which has no send log history of its own.
 */
@Timeout(120)
class JdbcSubjectCapTest {
    private static final String MIAMI = "+13055551234";

    @Test
    void aSecondSenderOverTheSameDatabaseRefusesTheFourthMessageOnASubject() {
        DataSource db = new TinyPool(LocalPostgres.newDatabase());
        SettableClock clock = SettableClock.at("2026-01-15T15:00:00Z"); // Thursday 10:00 in Miami
        ConsentTracker tracker = ConsentTracker.builder(new InMemoryConsentStore()).clock(clock).build();
        tracker.recordWebFormConsent(MIAMI, "cust-1", "Ann", "ann@example.com", "203.0.113.9", "https://example.com/s");
        FakeSmsGateway gateway = FakeSmsGateway.builder().clock(clock).build();
        JdbcLimitStore.Builder limits = JdbcLimitStore.builder(db).tablePrefix("subj_").createSchema(true).clock(clock);
        GuardedSender first = GuardedSender.builder(tracker, gateway).clock(clock).sendLog(new InMemorySendLog())
                .limitStore(limits.factory()).build();
        Instant start = clock.instant();
        for (int i = 0; i < 3; i++) {
            assertThat(first.send(sale("spring_sale")).sent()).as("send %d", i + 1).isTrue();
            clock.advance(Duration.ofHours(1));
        }
        GuardedSender second = GuardedSender.builder(tracker, gateway).clock(clock).sendLog(new InMemorySendLog())
                .limitStore(limits.factory()).build();
        SendOutcome fourth = second.send(sale("spring_sale"));
        assertThat(fourth).isInstanceOfSatisfying(SendOutcome.Deferred.class, d -> {
            assertThat(d.reason()).isEqualTo(Reason.SUBJECT_CAP);
            assertThat(d.until()).isEqualTo(start.plus(Duration.ofHours(24)));
            assertThat(d.detail()).contains("3 messages on this subject within 24 hours").contains("us-fl-");
        });
        assertThat(first.send(sale("spring_sale"))).as("the first sender sees the same count")
                .isInstanceOf(SendOutcome.Deferred.class);
        assertThat(second.send(sale("new_store")).sent()).as("another subject").isTrue();
        assertThat(gateway.requests()).hasSize(4);
    }

    private static OutboundMessage sale(String templateId) {
        return OutboundMessage.builder(MIAMI).category(MessageCategory.MARKETING).body("Spring sale: 20% off")
                .templateId(templateId).build();
    }
}
