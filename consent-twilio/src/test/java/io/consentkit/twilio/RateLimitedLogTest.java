package io.consentkit.twilio;

import io.consentkit.InvalidInputException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

@Timeout(10)
class RateLimitedLogTest {
    private final AtomicLong nanos = new AtomicLong(1_000);
    private final RateLimitedLog log = RateLimitedLog.perWindow(3, Duration.ofSeconds(10), nanos::get);
    private final List<String> out = new ArrayList<>();

    @Test
    void writesTheBudgetThenCountsAndReportsTheRestInTheNextWindow() {
        for (int i = 0; i < 1000; i++) {
            log.print(out::add, "line " + i);
        }
        assertThat(out).containsExactly("line 0", "line 1", "line 2");
        assertThat(log.suppressed()).isEqualTo(997);

        nanos.addAndGet(Duration.ofSeconds(10).toNanos());
        log.print(out::add, "later");
        assertThat(out).hasSize(5);
        assertThat(out.get(3)).startsWith("997 similar message(s) suppressed (at most 3 per 10000 ms");
        assertThat(out.get(4)).isEqualTo("later");
        assertThat(log.suppressed()).isZero();
    }

    @Test
    void aQuietWindowReportsNothing() {
        log.print(out::add, "a");
        nanos.addAndGet(Duration.ofSeconds(30).toNanos());
        log.print(out::add, "b");
        assertThat(out).containsExactly("a", "b");
    }

    @Test
    void limitsAreChecked() {
        assertThatThrownBy(() -> RateLimitedLog.perWindow(0, Duration.ofSeconds(1))).isInstanceOf(InvalidInputException.class)
                .hasMessageContaining("lines");
        assertThatThrownBy(() -> RateLimitedLog.perWindow(1, Duration.ZERO)).isInstanceOf(InvalidInputException.class)
                .hasMessageContaining("window");
    }
}
