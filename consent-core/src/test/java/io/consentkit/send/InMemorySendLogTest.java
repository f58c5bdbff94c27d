package io.consentkit.send;

import org.junit.jupiter.api.Test;

import java.time.Instant;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class InMemorySendLogTest {
    private static final Instant T0 = Instant.parse("2026-01-15T18:00:00Z");

    @Test
    void keepsEntriesInOrderAndFoldsStatuses() {
        InMemorySendLog log = new InMemorySendLog();
        log.record(CsvSendLogTest.sent("SM1", T0));
        log.record(CsvSendLogTest.deferred(T0));
        log.recordStatus(DeliveryUpdate.of("SM1", DeliveryStatus.DELIVERED, 0, T0.plusSeconds(3)));
        log.recordStatus(DeliveryUpdate.of("SM1", DeliveryStatus.SENDING, 0, T0.plusSeconds(4)));
        assertThat(log.entries()).extracting(SendLogEntry::decision)
                .containsExactly(SendLogEntry.Decision.SENT, SendLogEntry.Decision.DEFERRED);
        assertThat(log.find("SM1").orElseThrow().status()).isEqualTo(DeliveryStatus.DELIVERED);
        assertThat(log.entries().get(0).statusAt()).isEqualTo(T0.plusSeconds(3));
    }

    @Test
    void aStatusBeforeItsSendIsKept() {
        InMemorySendLog log = new InMemorySendLog();
        log.recordStatus(DeliveryUpdate.of("SM1", DeliveryStatus.UNDELIVERED, 30005, T0.plusSeconds(3)));
        log.record(CsvSendLogTest.sent("SM1", T0));
        assertThat(log.find("SM1").orElseThrow().statusErrorCode()).isEqualTo(30005);
    }

    @Test
    void dropsTheOldestBeyondItsCapacity() {
        InMemorySendLog log = new InMemorySendLog(3);
        for (int i = 1; i <= 5; i++) {
            log.record(CsvSendLogTest.sent("SM" + i, T0.plusSeconds(i)));
        }
        assertThat(log.entries()).extracting(SendLogEntry::providerId).containsExactly("SM3", "SM4", "SM5");
        assertThat(log.find("SM1")).isEmpty();
        assertThatThrownBy(() -> new InMemorySendLog(0)).hasMessageContaining("capacity");
    }
}
