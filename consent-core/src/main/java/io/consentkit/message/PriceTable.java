package io.consentkit.message;

import com.google.i18n.phonenumbers.NumberParseException;
import com.google.i18n.phonenumbers.PhoneNumberUtil;
import io.consentkit.InvalidInputException;
import io.consentkit.phone.PhoneNumber;

import java.math.BigDecimal;
import java.util.Collections;
import java.util.Currency;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.TreeMap;

/**
 * Prices per SMS segment by recipient country, for cost estimates: {@code segments x price}.
 * Configure your own with {@link #builder(Currency, BigDecimal)}; {@link #example()} is a small
 * table for illustration whose estimates are flagged {@link CostEstimate#examplePrices()}.
 *
 * <pre>{@code
 * PriceTable prices = PriceTable.builder(Currency.getInstance("USD"), new BigDecimal("0.05"))
 *         .price("US", new BigDecimal("0.0083"))
 *         .price("CA", new BigDecimal("0.0083"))
 *         .build();
 * CostEstimate cost = prices.estimate(PhoneNumber.of("+15125551234"), 2); // 0.0166 USD
 * }</pre>
 *
 * <p>Immutable and thread-safe.
 */
public final class PriceTable {
    /** Example price per segment to US numbers, USD: {@value}. An illustration, not a quote. */
    public static final String EXAMPLE_US_PRICE = "0.0083";
    /** Example price per segment to Canadian numbers, USD: {@value}. An illustration, not a quote. */
    public static final String EXAMPLE_CA_PRICE = "0.0083";
    /** Example price per segment to any other country, USD: {@value}. An illustration, not a quote. */
    public static final String EXAMPLE_FALLBACK_PRICE = "0.05";

    private static final PriceTable EXAMPLE = new Builder(Currency.getInstance("USD"),
            new BigDecimal(EXAMPLE_FALLBACK_PRICE), true)
            .price("US", new BigDecimal(EXAMPLE_US_PRICE))
            .price("CA", new BigDecimal(EXAMPLE_CA_PRICE))
            .build();

    private final Currency currency;
    private final BigDecimal fallback;
    private final Map<String, BigDecimal> prices;
    private final boolean example;

    private PriceTable(Settings s) {
        this.currency = s.currency();
        this.fallback = s.fallback();
        this.prices = s.prices();
        this.example = s.example();
    }

    /** What a {@link Builder} builds: the settings a table reads, validated and frozen. */
    private record Settings(Currency currency, BigDecimal fallback, Map<String, BigDecimal> prices, boolean example) {
        Settings {
            Objects.requireNonNull(currency, "currency");
            Objects.requireNonNull(fallback, "fallback");
            prices = Collections.unmodifiableMap(new TreeMap<>(prices));
        }
    }

    /**
     * EXAMPLE prices in USD: US {@value #EXAMPLE_US_PRICE}, CA {@value #EXAMPLE_CA_PRICE}, every
     * other country {@value #EXAMPLE_FALLBACK_PRICE} per segment. Roughly the order of Twilio's
     * list prices when written, for demos and tests only: check
     * https://www.twilio.com/en-us/sms/pricing and configure your own table.
     */
    public static PriceTable example() {
        return EXAMPLE;
    }

    /** A table in {@code currency} whose countries without a price cost {@code fallbackPerSegment}. */
    public static Builder builder(Currency currency, BigDecimal fallbackPerSegment) {
        return new Builder(currency, fallbackPerSegment, false);
    }

    public Currency currency() {
        return currency;
    }

    /** The price for countries without their own. */
    public BigDecimal fallbackPrice() {
        return fallback;
    }

    /** The countries with their own price (ISO 3166 alpha-2, upper case). Unmodifiable. */
    public Map<String, BigDecimal> prices() {
        return prices;
    }

    /** True for {@link #example()}. */
    public boolean isExample() {
        return example;
    }

    /** The price configured for {@code regionCode}, if any. */
    public Optional<BigDecimal> price(String regionCode) {
        return Optional.ofNullable(prices.get(normalise(regionCode)));
    }

    /**
     * Estimates {@code segments} segments to a number in {@code regionCode}.
     *
     * @throws InvalidInputException if segments is negative
     */
    public CostEstimate estimate(String regionCode, int segments) {
        if (segments < 0) {
            throw new InvalidInputException("segments", "must be >= 0, got " + segments);
        }
        String region = normalise(regionCode);
        BigDecimal own = prices.get(region);
        BigDecimal unit = own == null ? fallback : own;
        return new CostEstimate(region, segments, unit, unit.multiply(BigDecimal.valueOf(segments)), currency,
                own == null, example);
    }

    /** Estimates {@code segments} segments to {@code to}; the country comes from the number. */
    public CostEstimate estimate(PhoneNumber to, int segments) {
        return estimate(regionOf(to), segments);
    }

    /** Estimates a formatted message to {@code to}. */
    public CostEstimate estimate(PhoneNumber to, FormattedMessage message) {
        return estimate(regionOf(to), message.segments());
    }

    /** The ISO 3166 region of a number ("US", "CA", ...), or "ZZ" if libphonenumber cannot tell. */
    public static String regionOf(PhoneNumber number) {
        PhoneNumberUtil util = PhoneNumberUtil.getInstance();
        try {
            String region = util.getRegionCodeForNumber(util.parse(number.e164(), null));
            return region == null ? "ZZ" : region;
        } catch (NumberParseException e) {
            return "ZZ";
        }
    }

    private static String normalise(String regionCode) {
        return regionCode == null || regionCode.isBlank() ? "ZZ" : regionCode.strip().toUpperCase(Locale.ROOT);
    }

    @Override
    public String toString() {
        return "PriceTable[" + currency.getCurrencyCode() + ", " + prices + ", fallback=" + fallback
                + (example ? ", EXAMPLE" : "") + "]";
    }

    /**
     * Builds a {@link PriceTable}; each setter validates at once, {@link #build()} freezes the
     * settings and the builder has no getters. Not thread-safe.
     */
    public static final class Builder {
        private final Currency currency;
        private final BigDecimal fallback;
        private final Map<String, BigDecimal> prices = new TreeMap<>();
        private final boolean example;

        private Builder(Currency currency, BigDecimal fallback, boolean example) {
            this.currency = Objects.requireNonNull(currency, "currency");
            this.fallback = checkPrice("fallbackPerSegment", fallback);
            this.example = example;
        }

        /** Price per segment to numbers of {@code regionCode} (ISO 3166 alpha-2, e.g. "US"). */
        public Builder price(String regionCode, BigDecimal perSegment) {
            String r = InvalidInputException.requireText("regionCode", regionCode).toUpperCase(Locale.ROOT);
            if (r.length() != 2 || !Character.isLetter(r.charAt(0)) || !Character.isLetter(r.charAt(1))) {
                throw new InvalidInputException("regionCode", "must be an ISO 3166 alpha-2 code such as US, got '"
                        + regionCode + "'");
            }
            prices.put(r, checkPrice("perSegment", perSegment));
            return this;
        }

        private static BigDecimal checkPrice(String field, BigDecimal price) {
            if (price == null || price.signum() < 0) {
                throw new InvalidInputException(field, "must be a price >= 0, got " + price);
            }
            return price;
        }

        public PriceTable build() {
            return new PriceTable(new Settings(currency, fallback, prices, example));
        }
    }
}
