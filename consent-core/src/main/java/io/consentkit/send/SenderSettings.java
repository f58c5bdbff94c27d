package io.consentkit.send;

import io.consentkit.consent.ConsentTracker;
import io.consentkit.message.MessageFormatter;
import io.consentkit.message.PriceTable;
import io.consentkit.revocation.RevocationQueue;

import java.math.BigDecimal;
import java.net.URI;
import java.time.Clock;
import java.time.Duration;
import java.time.ZoneId;
import java.util.Collections;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.function.BooleanSupplier;
import java.util.function.Function;

/**
 * What {@link GuardedSender.Builder#build()} produces and {@link DefaultGuardedSender} reads: the
 * sender's configuration with every default resolved (clock, zone, send log, one formatter per
 * category) and every collection copied. The builder validated each value when it was set; the
 * compact constructor checks only what the record itself relies on. Immutable and thread-safe.
 *
 * @param tracker             consent checks and provider opt-out revocations
 * @param gateway             where messages go
 * @param clock               time for every guard
 * @param zone                whose midnight resets the daily caps
 * @param sendLog             where decisions are recorded
 * @param listener            outcome, alert and failure callbacks
 * @param quietHours          the quiet-hour rules ({@link QuietHours#none()} for none)
 * @param quietHoursExempt    categories sent during quiet hours whatever their policy says
 * @param cooldown            minimum time between two messages to one recipient; zero for none
 * @param cooldownExempt      categories the cooldown does not apply to whatever their policy says
 * @param recipientHourlyCap  most messages to one recipient in any 60 minutes; 0 for no cap
 * @param recipientDailyCap   most messages to one recipient per day; 0 for no cap
 * @param globalDailyCap      most messages in all per day; 0 for no cap
 * @param dailyCapAlertAt     fraction of the global daily cap at which the listener is alerted
 * @param segmentsPerSecond   global rate in segments per second; 0 for no limit
 * @param dryRun              evaluate and log, never send
 * @param killSwitch          an external kill switch, read on every send
 * @param defaultFrom         sender when a message names none; empty for the gateway's default
 * @param defaultStatusCallback status-callback URL when a message names none, or null
 * @param formatters          the formatter of every built-in category and of every app category given
 *                            one (a category without one set gets the builder's default formatter, or a
 *                            formatter with no budget)
 * @param prices              prices for cost estimates, or null for none
 * @param pendingRevocations  revocation requests that block marketing while pending, or null for none
 * @param segmentsPerMinute   global segments per clock minute; 0 for no limit
 * @param segmentsPerHour     global segments per clock hour; 0 for no limit
 * @param segmentsPerDay      global segments per calendar day; 0 for no limit
 * @param dailyBudget         most estimated cost per calendar day (in the price table's currency), or
 *                            null for no budget
 * @param limitStores         makes the {@link LimitStore} for the limits
 * @param defaultFormatter    the formatter of a category {@code formatters} does not name
 * @param categories          the app's own categories the sender knows by name (for send-log rows)
 */
record SenderSettings(ConsentTracker tracker, SmsGateway gateway, Clock clock, ZoneId zone, SendLog sendLog,
                      SendListener listener, QuietHours quietHours, Set<MessageCategory> quietHoursExempt,
                      Duration cooldown, Set<MessageCategory> cooldownExempt, int recipientHourlyCap,
                      int recipientDailyCap, long globalDailyCap, double dailyCapAlertAt, int segmentsPerSecond,
                      boolean dryRun, BooleanSupplier killSwitch, String defaultFrom, URI defaultStatusCallback,
                      Map<MessageCategory, MessageFormatter> formatters, PriceTable prices,
                      RevocationQueue pendingRevocations, long segmentsPerMinute, long segmentsPerHour,
                      long segmentsPerDay, BigDecimal dailyBudget, Function<LimitPolicy, LimitStore> limitStores,
                      MessageFormatter defaultFormatter, Set<MessageCategory> categories) {

    /** Counts segments and joins parts, with no budget (Twilio's 1,600-character limit still holds). */
    static final MessageFormatter NO_BUDGET = MessageFormatter.builder().segmentBudget(Integer.MAX_VALUE).build();

    SenderSettings {
        Objects.requireNonNull(tracker, "tracker");
        Objects.requireNonNull(gateway, "gateway");
        Objects.requireNonNull(clock, "clock");
        Objects.requireNonNull(zone, "zone");
        Objects.requireNonNull(sendLog, "sendLog");
        Objects.requireNonNull(listener, "listener");
        Objects.requireNonNull(quietHours, "quietHours");
        Objects.requireNonNull(cooldown, "cooldown");
        Objects.requireNonNull(killSwitch, "killSwitch");
        Objects.requireNonNull(defaultFrom, "defaultFrom");
        Objects.requireNonNull(limitStores, "limitStores");
        Objects.requireNonNull(defaultFormatter, "defaultFormatter");
        quietHoursExempt = categories(quietHoursExempt);
        cooldownExempt = categories(cooldownExempt);
        categories = categories(categories);
        Map<MessageCategory, MessageFormatter> all = new HashMap<>(formatters);
        for (MessageCategory c : MessageCategory.values()) {
            Objects.requireNonNull(all.get(c), "formatter for " + c);
        }
        formatters = Collections.unmodifiableMap(all);
    }

    /** The limits, for the {@link LimitStore}. */
    LimitPolicy limitPolicy() {
        return new LimitPolicy(zone, cooldown, recipientHourlyCap, recipientDailyCap, globalDailyCap, segmentsPerSecond,
                segmentsPerMinute, segmentsPerHour, segmentsPerDay, dailyBudget,
                dailyBudget == null ? null : prices.currency(), dailyCapAlertAt);
    }

    private static Set<MessageCategory> categories(Set<MessageCategory> given) {
        return Collections.unmodifiableSet(new LinkedHashSet<>(given));
    }
}
