package io.consentkit.message;

import java.math.BigDecimal;
import java.util.Currency;
import java.util.Objects;

/**
 * What a message is estimated to cost: segments &times; the price per segment for the
 * recipient's country. An estimate only: carrier surcharges, taxes and negotiated prices are
 * not included. Immutable and thread-safe.
 *
 * @param regionCode      ISO 3166 region of the recipient ("US", "CA", ...), or "ZZ" if unknown
 * @param segments        segments billed
 * @param pricePerSegment the price used
 * @param total           {@code segments * pricePerSegment}
 * @param currency        currency of both prices
 * @param fallbackPrice   true if the region had no price of its own and the fallback was used
 * @param examplePrices   true if the prices come from {@link PriceTable#example()}: illustration
 *                        only, not Twilio's current price list
 */
public record CostEstimate(String regionCode, int segments, BigDecimal pricePerSegment, BigDecimal total,
                           Currency currency, boolean fallbackPrice, boolean examplePrices) {
    public CostEstimate {
        Objects.requireNonNull(regionCode, "regionCode");
        Objects.requireNonNull(pricePerSegment, "pricePerSegment");
        Objects.requireNonNull(total, "total");
        Objects.requireNonNull(currency, "currency");
        if (segments < 0) {
            throw new IllegalArgumentException("segments must be >= 0, got " + segments);
        }
    }

    @Override
    public String toString() {
        return total.toPlainString() + " " + currency.getCurrencyCode() + " (" + segments + " x "
                + pricePerSegment.toPlainString() + ", " + regionCode + (fallbackPrice ? ", fallback price" : "")
                + (examplePrices ? ", EXAMPLE prices" : "") + ")";
    }
}
