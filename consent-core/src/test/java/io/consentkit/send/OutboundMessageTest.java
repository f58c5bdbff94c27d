package io.consentkit.send;

import io.consentkit.InvalidInputException;
import org.junit.jupiter.api.Test;

import java.net.URI;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class OutboundMessageTest {
    @Test
    void buildsWithDefaultsAndMasksInToString() {
        OutboundMessage m = OutboundMessage.builder("+15125551234").body("Your code is 123456").build();
        assertThat(m.category()).isEqualTo(MessageCategory.MARKETING);
        assertThat(m.templateId()).isEmpty();
        assertThat(m.from()).isEmpty();
        assertThat(m.mediaUrls()).isEmpty();
        assertThat(m.statusCallback()).isNull();
        assertThat(m.toString()).doesNotContain("5551234").doesNotContain("123456").contains("+*********34");
        assertThat(m.withBody("other").body()).isEqualTo("other");
        assertThat(m.withBody("other").to()).isEqualTo(m.to());
    }

    @Test
    void mediaAloneIsAMessage() {
        OutboundMessage m = OutboundMessage.builder("+15125551234").media(URI.create("https://example.com/a.jpg"))
                .build();
        assertThat(m.body()).isEmpty();
        assertThat(m.mediaUrls()).hasSize(1);
    }

    @Test
    void rejectsBadInputNamingTheField() {
        assertThatThrownBy(() -> OutboundMessage.transactional(" ", "x"))
                .isInstanceOf(InvalidInputException.class).extracting("field").isEqualTo("to");
        assertThatThrownBy(() -> OutboundMessage.transactional("+15125551234", "  "))
                .isInstanceOf(InvalidInputException.class).extracting("field").isEqualTo("body");
        assertThatThrownBy(() -> OutboundMessage.transactional("+15125551234", "x".repeat(1601)))
                .isInstanceOf(InvalidInputException.class).extracting("field").isEqualTo("body");
        OutboundMessage.Builder b = OutboundMessage.builder("+15125551234").body("x");
        for (int i = 0; i < 11; i++) {
            b.media(URI.create("https://example.com/" + i));
        }
        assertThatThrownBy(b::build).isInstanceOf(InvalidInputException.class)
                .extracting("field").isEqualTo("mediaUrls");
    }

    @Test
    void categoriesParseInAnyCase() {
        assertThat(MessageCategory.parse(" Emergency ")).isEqualTo(MessageCategory.EMERGENCY);
        assertThat(MessageCategory.TRANSACTIONAL.label()).isEqualTo("transactional");
        assertThatThrownBy(() -> MessageCategory.parse("promo")).isInstanceOf(InvalidInputException.class)
                .hasMessageContaining("marketing, reminder, transactional, otp, emergency, internal, opt_out_confirmation");
    }

    @Test
    void deliveryStatusesParseAndRank() {
        assertThat(DeliveryStatus.parse("partially_delivered")).isEqualTo(DeliveryStatus.PARTIALLY_DELIVERED);
        assertThat(DeliveryStatus.find("bogus")).isEmpty();
        assertThat(DeliveryStatus.DELIVERED.rank()).isGreaterThan(DeliveryStatus.SENT.rank());
        assertThat(DeliveryStatus.UNDELIVERED.failure()).isTrue();
        assertThat(DeliveryStatus.QUEUED.terminal()).isFalse();
        assertThatThrownBy(() -> DeliveryStatus.parse("bogus")).isInstanceOf(InvalidInputException.class)
                .extracting("field").isEqualTo("status");
    }
}
