package io.consentkit.message;

import io.consentkit.phone.PhoneNumber;
import org.junit.jupiter.api.Test;

import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Runs the example of docs/messages.md; the docs harness in consent-checks checks that the
 * document's block and the snippet below are identical.
 */
class ReadmeExampleTest {
    @Test
    void readmeExample() {
        // snippet: messages
        SegmentInfo info = SegmentCalculator.analyze("It\u2019s due at 6pm \uD83D\uDE00");
        // UCS-2, 1 segment; info.nonGsm(): ’ at index 2, 😀 at index 16

        MessageFormatter formatter = MessageFormatter.builder()
                .segmentBudget(1)
                .overflow(OverflowPolicy.TRUNCATE)
                .footer("Reply STOP to opt out", FooterMode.IF_FITS)
                .build();
        FormattedMessage reminder = formatter.formatReminder(
                "Chore due", "Take out trash by 6pm.", "https://short.link/abc123");
        // "Chore due: Take out trash by 6pm. View: https://short.link/abc123 Reply STOP to opt out"

        SmsTemplate shipped = SmsTemplate.builder("Shipment {tracking_number} delivered to {recipient_name}.")
                .brandPrefix("SafeShipper:")
                .build();
        FormattedMessage delivered = formatter.format(shipped,
                Map.of("tracking_number", "SH123", "recipient_name", "Ana"));
        CostEstimate cost = PriceTable.example().estimate(PhoneNumber.of("+15125551234"), delivered);
        // 0.0083 USD (1 x 0.0083, US, EXAMPLE prices)
        // end snippet

        assertThat(info.encoding()).isEqualTo(Encoding.UCS2);
        assertThat(info.segments()).isEqualTo(1);
        assertThat(info.nonGsm()).containsExactly(new NonGsmChar(2, 0x2019), new NonGsmChar(16, 0x1F600));
        assertThat(reminder.text()).isEqualTo(
                "Chore due: Take out trash by 6pm. View: https://short.link/abc123 Reply STOP to opt out");
        assertThat(reminder.segments()).isEqualTo(1);
        assertThat(delivered.text())
                .isEqualTo("SafeShipper: Shipment SH123 delivered to Ana. Reply STOP to opt out");
        assertThat(cost.total()).isEqualByComparingTo("0.0083");
        assertThat(cost.toString()).isEqualTo("0.0083 USD (1 x 0.0083, US, EXAMPLE prices)");
    }
}
