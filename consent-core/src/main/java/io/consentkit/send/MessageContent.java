package io.consentkit.send;

import io.consentkit.InvalidInputException;
import io.consentkit.message.CostEstimate;
import io.consentkit.message.FormattedMessage;
import io.consentkit.message.MessageFormatter;
import io.consentkit.message.PriceTable;
import io.consentkit.phone.PhoneNumber;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The sender's content guard: formats a message with its category's {@link MessageFormatter}
 * and estimates its cost from the {@link PriceTable}, caching the price region per number.
 * Thread-safe (the formatters and prices are immutable, the region cache is concurrent).
 */
final class MessageContent {
    private static final int REGION_CACHE_LIMIT = 100_000;

    /**
     * What the content guard produced: the text to send, its segments and estimated cost (or null).
     *
     * @param body     the formatted text; empty for a media-only message
     * @param segments the text's segments; 0 for a media-only message
     * @param cost     the estimate, or null without a price table
     */
    record Content(String body, int segments, CostEstimate cost) {
    }

    private final Map<MessageCategory, MessageFormatter> formatters;
    private final MessageFormatter defaultFormatter;
    private final PriceTable prices;
    private final ConcurrentHashMap<String, String> regions = new ConcurrentHashMap<>();

    /**
     * @param formatters       the formatter of each category that has its own
     * @param defaultFormatter the formatter of any other category
     * @param prices           prices for estimates, or null for none
     */
    MessageContent(Map<MessageCategory, MessageFormatter> formatters, MessageFormatter defaultFormatter,
                   PriceTable prices) {
        this.formatters = Map.copyOf(formatters);
        this.defaultFormatter = defaultFormatter;
        this.prices = prices;
    }

    /**
     * The text to send to {@code to}: the body (or parts) formatted within the category's segment
     * budget, with its segments and cost.
     *
     * @throws InvalidInputException if the text cannot fit the budget
     */
    Content format(OutboundMessage m, PhoneNumber to) {
        if (m.body().isEmpty()) {
            return new Content("", 0, null); // media only: billed as MMS, no segments
        }
        MessageFormatter f = formatters.getOrDefault(m.category(), defaultFormatter);
        FormattedMessage fm = m.parts() != null ? f.format(m.parts()) : f.format(m.body());
        return new Content(fm.text(), fm.segments(), estimate(to, fm.segments()));
    }

    /** The cost of {@code segments} segments to {@code to}, or null without a price table. */
    CostEstimate estimate(PhoneNumber to, int segments) {
        if (prices == null) {
            return null;
        }
        // the region lookup walks libphonenumber's patterns for every NANP region: cache it per number
        String region = regions.get(to.e164());
        if (region == null) {
            region = PriceTable.regionOf(to);
            if (regions.size() < REGION_CACHE_LIMIT) {
                regions.putIfAbsent(to.e164(), region);
            }
        }
        return prices.estimate(region, segments);
    }
}
