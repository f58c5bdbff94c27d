package io.consentkit.web;

import io.consentkit.InvalidInputException;
import io.consentkit.testkit.SettableClock;
import org.junit.jupiter.api.Test;

import java.time.Duration;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class RateLimitTest {
    @Test
    void allowsMaxPerSlidingWindowPerKey() {
        SettableClock clock = SettableClock.at("2026-12-01T10:00:00Z");
        RateLimit limit = new RateLimit(2, Duration.ofMinutes(10), clock);
        assertThat(limit.tryAcquire("a")).isTrue();
        clock.advance(Duration.ofMinutes(5));
        assertThat(limit.tryAcquire("a")).isTrue();
        assertThat(limit.tryAcquire("a")).isFalse();
        assertThat(limit.isExhausted("a")).isTrue();
        assertThat(limit.tryAcquire("b")).isTrue();
        assertThat(limit.nextAllowed("a")).isEqualTo(java.time.Instant.parse("2026-12-01T10:10:00Z"));
        clock.advance(Duration.ofMinutes(5));
        assertThat(limit.tryAcquire("a")).isTrue();
        assertThat(limit.tryAcquire("a")).isFalse();
        limit.reset("a");
        assertThat(limit.tryAcquire("a")).isTrue();
    }

    @Test
    void badSettingsNameTheField() {
        SettableClock clock = SettableClock.at("2026-12-01T10:00:00Z");
        assertThatThrownBy(() -> new RateLimit(0, Duration.ofMinutes(1), clock)).isInstanceOf(InvalidInputException.class)
                .hasMessageContaining("max");
        assertThatThrownBy(() -> new RateLimit(1, Duration.ZERO, clock)).isInstanceOf(InvalidInputException.class)
                .hasMessageContaining("window");
    }
}
