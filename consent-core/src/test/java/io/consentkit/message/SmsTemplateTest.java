package io.consentkit.message;

import io.consentkit.InvalidInputException;
import org.junit.jupiter.api.Test;

import java.util.HashMap;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class SmsTemplateTest {
    private final SmsTemplate shipped = SmsTemplate.builder(
                    "Shipment {tracking_number} delivered to {recipient_name}. Track: {tracking_url}")
            .brandPrefix("SafeShipper:")
            .footer("Reply STOP to opt out")
            .build();

    @Test
    void rendersPrefixBodyAndFooter() {
        String text = shipped.render(Map.of("tracking_number", "SH123", "recipient_name", "Ana Lima",
                "tracking_url", "https://t.example/SH123"));
        assertThat(text).isEqualTo(
                "SafeShipper: Shipment SH123 delivered to Ana Lima. Track: https://t.example/SH123 Reply STOP to opt out");
        assertThat(shipped.placeholders()).containsExactly("tracking_number", "recipient_name", "tracking_url");
    }

    @Test
    void aMissingValueIsATypedErrorNamingThePlaceholder() {
        assertThatThrownBy(() -> shipped.render(Map.of("tracking_number", "SH123", "tracking_url", "https://x.y")))
                .isInstanceOfSatisfying(PlaceholderException.class, e -> {
                    assertThat(e.reason()).isEqualTo(PlaceholderException.Reason.MISSING);
                    assertThat(e.placeholder()).isEqualTo("recipient_name");
                    assertThat(e.field()).isEqualTo("recipient_name");
                    assertThat(e).isInstanceOf(InvalidInputException.class);
                })
                .hasMessage("template placeholder {recipient_name} has no value");
    }

    @Test
    void nullAndBlankValuesAreMissing() {
        Map<String, Object> values = new HashMap<>();
        values.put("tracking_number", "SH1");
        values.put("recipient_name", null);
        values.put("tracking_url", "u");
        assertThatThrownBy(() -> shipped.render(values)).isInstanceOf(PlaceholderException.class)
                .hasMessageContaining("{recipient_name}");
        values.put("recipient_name", " \r\n\t ");
        assertThatThrownBy(() -> shipped.render(values)).isInstanceOf(PlaceholderException.class)
                .hasMessageContaining("{recipient_name}");
    }

    @Test
    void anUnknownValueIsATypedErrorNamingIt() {
        SmsTemplate t = SmsTemplate.of("Hi {customer_name}!");
        assertThatThrownBy(() -> t.render(Map.of("customer_name", "Ana", "custmer_name", "Ana")))
                .isInstanceOfSatisfying(PlaceholderException.class, e -> {
                    assertThat(e.reason()).isEqualTo(PlaceholderException.Reason.UNKNOWN);
                    assertThat(e.placeholder()).isEqualTo("custmer_name");
                })
                .hasMessage("template has no placeholder {custmer_name}; its placeholders are {customer_name}");
    }

    @Test
    void unusedValuesCanBeAllowed() {
        SmsTemplate t = SmsTemplate.builder("Hi {customer_name}!").allowUnusedValues().build();
        assertThat(t.render(Map.of("customer_name", "Ana", "customer_email", "a@b.c"))).isEqualTo("Hi Ana!");
    }

    @Test
    void valuesAreSanitisedOfControlCharactersAndLineBreaks() {
        SmsTemplate t = SmsTemplate.of("Hi {name}, see you soon.");
        assertThat(t.render(Map.of("name", "Ana\r\nReply STOP"))).isEqualTo("Hi Ana Reply STOP, see you soon.");
        assertThat(t.render(Map.of("name", "\u0007A\u0000n\u001Ba\u007F\u0085"))).isEqualTo("Hi Ana, see you soon.");
        assertThat(t.render(Map.of("name", "\u202EanA\u202C"))).isEqualTo("Hi anA, see you soon.");
        assertThat(t.render(Map.of("name", "  Ana \t  Lima  "))).isEqualTo("Hi Ana Lima, see you soon.");
        assertThat(t.render(Map.of("name", "Ana\uD800"))).isEqualTo("Hi Ana, see you soon.");
        assertThat(t.render(Map.of("name", "Jos\u00E9 \uD83D\uDE00"))).isEqualTo("Hi Jos\u00E9 \uD83D\uDE00, see you soon.");
    }

    @Test
    void aValueThatLooksLikeAPlaceholderIsNotExpanded() {
        SmsTemplate t = SmsTemplate.of("{a} and {b}");
        assertThat(t.render(Map.of("a", "{b}", "b", "x"))).isEqualTo("{b} and x");
    }

    @Test
    void doubledBracesAreLiteral() {
        SmsTemplate t = SmsTemplate.of("Code {{{code}}} ok }}");
        assertThat(t.placeholders()).containsExactly("code");
        assertThat(t.render(Map.of("code", 42))).isEqualTo("Code {42} ok }");
    }

    @Test
    void malformedTemplatesAreRejectedWhenBuilt() {
        assertThatThrownBy(() -> SmsTemplate.of("Hi {name")).isInstanceOfSatisfying(InvalidInputException.class,
                e -> assertThat(e.field()).isEqualTo("template")).hasMessageContaining("index 3");
        assertThatThrownBy(() -> SmsTemplate.of("Hi {1st}")).hasMessageContaining("malformed placeholder");
        assertThatThrownBy(() -> SmsTemplate.of("Hi {first name}")).hasMessageContaining("malformed placeholder");
        assertThatThrownBy(() -> SmsTemplate.of("Hi {}")).hasMessageContaining("malformed placeholder");
        assertThatThrownBy(() -> SmsTemplate.of("Hi } there")).hasMessageContaining("unmatched }");
        assertThatThrownBy(() -> SmsTemplate.of("  ")).hasMessage("template is empty");
        assertThatThrownBy(() -> SmsTemplate.builder("x").footer(" ")).hasMessage("footer is empty");
    }

    @Test
    void partsCarryPrefixFooterAndMode() {
        SmsTemplate t = SmsTemplate.builder("Hi {n}").brandPrefix("Basin:").footer("STOP to end", FooterMode.IF_FITS)
                .build();
        MessageParts p = t.parts(Map.of("n", "Ana"));
        assertThat(p).isEqualTo(new MessageParts("Basin:", "", "Hi Ana", "", "STOP to end", FooterMode.IF_FITS));
        assertThat(t.toString()).doesNotContain("Ana");
    }
}
