package io.consentkit.message;

import io.consentkit.InvalidInputException;
import io.consentkit.phone.PhoneNumber;
import org.junit.jupiter.api.Test;

import java.math.BigDecimal;
import java.util.Currency;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class PriceTableTest {
    @Test
    void theExampleTableIsMarkedAsAnExample() {
        CostEstimate us = PriceTable.example().estimate(PhoneNumber.of("+15125551234"), 2);
        assertThat(us.regionCode()).isEqualTo("US");
        assertThat(us.total()).isEqualByComparingTo("0.0166");
        assertThat(us.examplePrices()).isTrue();
        assertThat(us.fallbackPrice()).isFalse();
        assertThat(us.currency().getCurrencyCode()).isEqualTo("USD");
        assertThat(us.toString()).contains("EXAMPLE");
        assertThat(PriceTable.example().isExample()).isTrue();
    }

    @Test
    void canadianNumbersAreFoundFromTheNumber() {
        CostEstimate ca = PriceTable.example().estimate(PhoneNumber.of("+14165550123"), 1);
        assertThat(ca.regionCode()).isEqualTo("CA");
        assertThat(ca.fallbackPrice()).isFalse();
    }

    @Test
    void otherCountriesUseTheFallback() {
        CostEstimate de = PriceTable.example().estimate(PhoneNumber.of("+493012345678"), 3);
        assertThat(de.regionCode()).isEqualTo("DE");
        assertThat(de.fallbackPrice()).isTrue();
        assertThat(de.total()).isEqualByComparingTo("0.15");
    }

    @Test
    void aConfiguredTableIsNotAnExample() {
        PriceTable prices = PriceTable.builder(Currency.getInstance("EUR"), new BigDecimal("0.09"))
                .price("de", new BigDecimal("0.08"))
                .build();
        CostEstimate de = prices.estimate("DE", 2);
        assertThat(de.total()).isEqualByComparingTo("0.16");
        assertThat(de.examplePrices()).isFalse();
        assertThat(prices.price("de")).contains(new BigDecimal("0.08"));
        assertThat(prices.estimate("FR", 1).fallbackPrice()).isTrue();
        assertThat(prices.estimate("", 1).regionCode()).isEqualTo("ZZ");
    }

    @Test
    void estimatesAFormattedMessage() {
        FormattedMessage m = MessageFormatter.builder().segmentBudget(3).build().format("a".repeat(200));
        assertThat(PriceTable.example().estimate(PhoneNumber.of("+15125551234"), m).segments()).isEqualTo(2);
    }

    @Test
    void settersValidateAtOnce() {
        PriceTable.Builder b = PriceTable.builder(Currency.getInstance("USD"), BigDecimal.ONE);
        assertThatThrownBy(() -> b.price("USA", BigDecimal.ONE)).isInstanceOf(InvalidInputException.class)
                .hasMessageContaining("regionCode");
        assertThatThrownBy(() -> b.price("US", new BigDecimal("-1"))).hasMessageContaining("perSegment");
        assertThatThrownBy(() -> PriceTable.builder(Currency.getInstance("USD"), null))
                .hasMessageContaining("fallbackPerSegment");
        assertThatThrownBy(() -> PriceTable.example().estimate("US", -1)).hasMessageContaining("segments");
    }
}
