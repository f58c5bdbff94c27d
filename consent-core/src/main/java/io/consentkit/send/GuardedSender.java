package io.consentkit.send;

import io.consentkit.InvalidInputException;
import io.consentkit.consent.ConsentTracker;
import io.consentkit.message.MessageFormatter;
import io.consentkit.message.PriceTable;
import io.consentkit.revocation.RevocationQueue;

import java.math.BigDecimal;
import java.net.URI;
import java.time.Clock;
import java.time.Duration;
import java.time.ZoneId;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.function.BooleanSupplier;
import java.util.function.Function;

/**
 * Sends a message only if every guard allows it, and records every decision. Guards run in this
 * order, cheapest first; the first that refuses decides:
 *
 * <ol>
 *   <li><b>kill switch</b> ({@link #halt}) &rarr; blocked; in <b>dry-run</b> mode every guard is
 *       evaluated and logged but nothing is sent and no budget is used;</li>
 *   <li><b>valid number</b> &rarr; blocked;</li>
 *   <li><b>opted out</b> (always, every category) &rarr; blocked; <b>consent</b> for marketing
 *       (an active consent, and no revocation request pending in the
 *       {@linkplain Builder#pendingRevocations queue}) &rarr; blocked; <b>fail closed</b>: if the consent store cannot be read
 *       &rarr; blocked ({@code STORE_UNAVAILABLE});</li>
 *   <li><b>quiet hours</b> in the recipient's local time ({@link QuietHours}), with the state and
 *       country rules of its {@link SendingRules} pack (windows by weekday, Sundays, holidays, effective
 *       dates; most restrictive wins) &rarr; deferred to the next allowed instant, the detail naming the
 *       rule and its source; emergency messages are exempt by default;</li>
 *   <li><b>content</b>: the body (or parts, or rendered template) is formatted by the category's
 *       {@link MessageFormatter}: segment budget, overflow policy (reject or truncate), brand prefix
 *       and footer (always, or only if it fits) &rarr; blocked ({@code CONTENT}) if it cannot fit;
 *       segments and the cost estimate come from the formatted text;</li>
 *   <li><b>per-recipient cooldown</b> (emergency exempt by default), <b>hourly cap</b> and
 *       <b>daily cap</b> &rarr; deferred; the rule pack's <b>per-subject caps</b> for marketing
 *       (Florida, Oklahoma, Maryland: 3 per 24 hours on the same subject) &rarr; deferred
 *       ({@code SUBJECT_CAP});</li>
 *   <li><b>global daily cap</b> (with a listener alert at a fraction, default 90%) &rarr;
 *       deferred to the next day;</li>
 *   <li><b>daily budget</b> of estimated cost (alert at the same fraction) &rarr; deferred to the
 *       next day; <b>segments per minute, hour and day</b> &rarr; deferred to the end of the window;</li>
 *   <li><b>global rate</b> in segments per second &rarr; deferred by the time a token needs.</li>
 * </ol>
 *
 * <p>The limits (6-8) are kept by a {@link LimitStore} and are exact under concurrency: a send
 * reserves its place before calling the gateway and gives it back only if the message was
 * certainly not sent. There is no global lock: per-recipient state is locked per recipient, the
 * global counters are atomic. When the sender is built over a send log holding earlier sends (a
 * {@link CsvSendLog} after a restart), the in-memory store is seeded with the last day's sends
 * from it, so a restart changes no cap or cooldown.
 *
 * <p>After the gateway: a failure meaning the recipient opted out (Twilio 21610) revokes consent
 * through the tracker at once (method {@value #REVOKED_BY_PROVIDER}), so the next send is blocked
 * without calling the gateway. A failure after which the provider may have accepted the message
 * ({@code UNKNOWN_OUTCOME}, e.g. a timeout after the request was sent) is reported as such, keeps
 * its reservation and is never retried automatically.
 *
 * <pre>{@code
 * GuardedSender sender = GuardedSender.builder(tracker, gateway)
 *         .cooldown(Duration.ofMinutes(30))
 *         .recipientDailyCap(5)
 *         .globalDailyCap(1_000)
 *         .listener(new SendListener() {
 *             public void onDailyCapThreshold(LocalDate day, long used, long cap) { alertAdmin(used, cap); }
 *         })
 *         .build();
 * SendOutcome outcome = sender.send(OutboundMessage.transactional("+15125551234", "Chore due: trash by 6pm"));
 * }</pre>
 *
 * <p>Implementations are thread-safe.
 */
public interface GuardedSender {

    /**
     * Revocation method recorded when the provider reports an opt-out: {@value}. Alias of
     * {@link io.consentkit.journal.RevocationMethod#PROVIDER_OPT_OUT}, kept for existing code.
     */
    String REVOKED_BY_PROVIDER = io.consentkit.journal.RevocationMethod.PROVIDER_OPT_OUT;

    /**
     * Runs the guards and, if they all pass, sends. Never throws for a refused or failed send: those
     * are outcomes.
     */
    SendOutcome send(OutboundMessage message);

    /**
     * Applies a delivery status (from a provider's status callback) to the send log; if the update
     * says the recipient opted out and names the recipient, revokes consent as for a failed send.
     */
    void onDeliveryStatus(DeliveryUpdate update);

    /** Turns the kill switch on: every send is blocked until {@link #resume()}. */
    void halt(String reason);

    /** Turns the kill switch (set by {@link #halt}) off. A builder-supplied switch still applies. */
    void resume();

    /** True if the kill switch is on (by {@link #halt} or the builder's supplier). */
    boolean halted();

    /** True if this sender evaluates and logs but never sends. */
    boolean dryRun();

    /** Messages sent (or that may have been sent) today, as the global daily cap counts them. */
    long usedToday();

    /** What today has used: messages, segments and estimated spend. */
    LimitStore.Today today();

    /** The send log decisions go to. */
    SendLog sendLog();

    /** A builder over the tracker (consent) and the gateway (sending). */
    static Builder builder(ConsentTracker tracker, SmsGateway gateway) {
        return new Builder(tracker, gateway);
    }

    /**
     * Configures a {@link GuardedSender}. Setters validate at once, naming the field and the bad
     * value. {@link #build()} copies the settings, so changing the builder afterwards (or building
     * again) leaves the senders it built as they were. Not thread-safe.
     */
    final class Builder {
        /** Default fraction of the global daily cap at which the listener is alerted: {@value}. */
        public static final double DEFAULT_ALERT_FRACTION = 0.9;

        private final ConsentTracker tracker;
        private final SmsGateway gateway;
        private Clock clock;
        private ZoneId zone;
        private SendLog sendLog;
        private SendListener listener = SendListener.NO_OP;
        private QuietHours quietHours = QuietHours.defaults();
        private Set<MessageCategory> quietHoursExempt = Set.of();
        private Duration cooldown = Duration.ZERO;
        private Set<MessageCategory> cooldownExempt = Set.of();
        private final Set<MessageCategory> categories = new LinkedHashSet<>();
        private int recipientHourlyCap;
        private int recipientDailyCap;
        private long globalDailyCap;
        private double alertFraction = DEFAULT_ALERT_FRACTION;
        private int segmentsPerSecond;
        private boolean dryRun;
        private BooleanSupplier killSwitch = () -> false;
        private String defaultFrom = "";
        private URI defaultStatusCallback;
        private MessageFormatter formatter;
        private final Map<MessageCategory, MessageFormatter> formatters = new HashMap<>();
        private PriceTable prices;
        private RevocationQueue pendingRevocations;
        private long segmentsPerMinute;
        private long segmentsPerHour;
        private long segmentsPerDay;
        private BigDecimal dailyBudget;
        private Function<LimitPolicy, LimitStore> limitStores = LimitStore::inMemory;

        private Builder(ConsentTracker tracker, SmsGateway gateway) {
            this.tracker = Objects.requireNonNull(tracker, "tracker");
            this.gateway = Objects.requireNonNull(gateway, "gateway");
        }

        /** Where time comes from (quiet hours, cooldowns, caps). Default: the tracker's clock. */
        public Builder clock(Clock clock) {
            this.clock = Objects.requireNonNull(clock, "clock");
            return this;
        }

        /** The zone whose midnight resets the daily caps. Default: the clock's zone. */
        public Builder zone(ZoneId zone) {
            this.zone = Objects.requireNonNull(zone, "zone");
            return this;
        }

        /** Where decisions are recorded. Default: a new {@link InMemorySendLog} (last 10,000). */
        public Builder sendLog(SendLog sendLog) {
            this.sendLog = Objects.requireNonNull(sendLog, "sendLog");
            return this;
        }

        /** Told of every outcome, of daily-cap alerts and of provider opt-outs. Default {@link SendListener#NO_OP}. */
        public Builder listener(SendListener listener) {
            this.listener = Objects.requireNonNull(listener, "listener");
            return this;
        }

        /** The quiet-hour rules. Default {@link QuietHours#defaults()}; {@link QuietHours#none()} turns them off. */
        public Builder quietHours(QuietHours quietHours) {
            this.quietHours = Objects.requireNonNull(quietHours, "quietHours");
            return this;
        }

        /**
         * Categories sent during quiet hours even though their {@link CategoryPolicy#quietHours() policy}
         * applies them. Default none: the policies decide (emergency, otp, internal and the opt-out
         * confirmation skip quiet hours).
         */
        public Builder quietHoursExempt(MessageCategory... categories) {
            this.quietHoursExempt = categorySet(categories);
            return this;
        }

        /**
         * Minimum time between two messages to one recipient (any category but the exempt ones).
         * Default zero: none.
         */
        public Builder cooldown(Duration cooldown) {
            if (cooldown == null || cooldown.isNegative()) {
                throw new InvalidInputException("cooldown", "must be zero or positive (" + cooldown + ")");
            }
            this.cooldown = cooldown;
            return this;
        }

        /**
         * Categories the cooldown does not apply to even though their {@link CategoryPolicy#cooldown()
         * policy} applies it. Default none: the policies decide (emergency, otp and the opt-out
         * confirmation are not held by it).
         */
        public Builder cooldownExempt(MessageCategory... categories) {
            this.cooldownExempt = categorySet(categories);
            return this;
        }

        /** Most messages to one recipient in any 60 minutes. Default 0: no cap. */
        public Builder recipientHourlyCap(int cap) {
            this.recipientHourlyCap = nonNegative("recipientHourlyCap", cap);
            return this;
        }

        /** Most messages to one recipient per calendar day (in {@link #zone}). Default 0: no cap. */
        public Builder recipientDailyCap(int cap) {
            this.recipientDailyCap = nonNegative("recipientDailyCap", cap);
            return this;
        }

        /** Most messages in all per calendar day (in {@link #zone}). Default 0: no cap. */
        public Builder globalDailyCap(long cap) {
            if (cap < 0) {
                throw new InvalidInputException("globalDailyCap", "must be zero or positive (" + cap + ")");
            }
            this.globalDailyCap = cap;
            return this;
        }

        /**
         * The fraction of the global daily cap at which {@link SendListener#onDailyCapThreshold} fires
         * (once a day). Default {@value #DEFAULT_ALERT_FRACTION}.
         */
        public Builder dailyCapAlertAt(double fraction) {
            if (!(fraction > 0 && fraction <= 1)) {
                throw new InvalidInputException("dailyCapAlertAt", "must be above 0 and at most 1 (" + fraction + ")");
            }
            this.alertFraction = fraction;
            return this;
        }

        /**
         * Most segments sent per second over all recipients (providers meter segments, not
         * requests); at most this many in any one instant, refilled continuously. Default 0: no limit.
         */
        public Builder segmentsPerSecond(int rate) {
            this.segmentsPerSecond = nonNegative("segmentsPerSecond", rate);
            return this;
        }

        /**
         * Most segments sent per clock minute (UTC) over all recipients; a send that would pass it is
         * deferred to the next minute. A message heavier than the whole limit is sent only into an
         * empty minute. Default 0: no limit.
         */
        public Builder segmentsPerMinute(long limit) {
            this.segmentsPerMinute = nonNegative("segmentsPerMinute", limit);
            return this;
        }

        /** Most segments sent per clock hour (UTC) over all recipients, as {@link #segmentsPerMinute}. Default 0: no limit. */
        public Builder segmentsPerHour(long limit) {
            this.segmentsPerHour = nonNegative("segmentsPerHour", limit);
            return this;
        }

        /** Most segments sent per calendar day (in {@link #zone}) over all recipients. Default 0: no limit. */
        public Builder segmentsPerDay(long limit) {
            this.segmentsPerDay = nonNegative("segmentsPerDay", limit);
            return this;
        }

        /**
         * Most estimated cost per calendar day (in {@link #zone}), in the currency of the
         * {@link #prices price table}, which it needs: the listener is told at the
         * {@link #dailyCapAlertAt alert fraction} ({@link SendListener#onDailyBudgetThreshold}) and when
         * it is used up ({@link SendListener#onDailyBudgetReached}); a send that would pass it is
         * deferred to midnight ({@code DAILY_BUDGET}). Costs are the estimates at decision time.
         * Default none.
         */
        public Builder dailyBudget(BigDecimal budget) {
            if (budget == null || budget.signum() <= 0) {
                throw new InvalidInputException("dailyBudget", "must be positive (" + budget + ")");
            }
            this.dailyBudget = budget;
            return this;
        }

        /**
         * Where the limits are kept: a function from the configured {@link LimitPolicy} to a
         * {@link LimitStore} enforcing it. Default {@link LimitStore#inMemory}, seeded from the
         * send log when the sender is built.
         */
        public Builder limitStore(Function<LimitPolicy, LimitStore> stores) {
            this.limitStores = Objects.requireNonNull(stores, "limitStore");
            return this;
        }

        /** Evaluate and log every guard but never call the gateway or use any budget. Default false. */
        public Builder dryRun(boolean dryRun) {
            this.dryRun = dryRun;
            return this;
        }

        /** An external kill switch (e.g. a feature flag), read on every send. Default: never on. */
        public Builder killSwitch(BooleanSupplier killSwitch) {
            this.killSwitch = Objects.requireNonNull(killSwitch, "killSwitch");
            return this;
        }

        /** Sender used when a message names none. Default empty: the gateway's own default. */
        public Builder defaultFrom(String from) {
            this.defaultFrom = InvalidInputException.optionalText(from);
            return this;
        }

        /** Status-callback URL used when a message names none. Default none. */
        public Builder defaultStatusCallback(URI url) {
            this.defaultStatusCallback = url;
            return this;
        }

        /**
         * Formats every message (unless its category has its own formatter): segment budget, overflow
         * policy, brand prefix, footer. Default: no budget, no prefix or footer; the text is sent as
         * given (at most 1,600 characters) and only its segments are counted.
         */
        public Builder formatter(MessageFormatter formatter) {
            this.formatter = Objects.requireNonNull(formatter, "formatter");
            return this;
        }

        /**
         * Formats messages of one category, e.g. marketing with a required opt-out footer:
         * {@code formatter(MARKETING, MessageFormatter.builder().footer("Reply STOP to opt out").build())}.
         */
        public Builder formatter(MessageCategory category, MessageFormatter formatter) {
            formatters.put(Objects.requireNonNull(category, "category"), Objects.requireNonNull(formatter, "formatter"));
            categories.add(category);
            return this;
        }

        /**
         * Makes the app's own categories known by name, so rows of the send log naming them are read
         * with their policy when the limits are rebuilt at start (sends of a {@link CategoryPolicy.Caps#EXEMPT
         * cap-exempt} category are not counted). A category is usable without this; a row naming an
         * unknown category counts as {@link MessageCategory#MARKETING}'s policy, the strictest.
         */
        public Builder categories(MessageCategory... categories) {
            Objects.requireNonNull(categories, "categories");
            for (MessageCategory c : categories) {
                this.categories.add(Objects.requireNonNull(c, "category"));
            }
            return this;
        }

        /**
         * Prices for cost estimates (segments &times; price per segment for the recipient's country).
         * Default none: outcomes and log entries carry no estimate.
         */
        public Builder prices(PriceTable prices) {
            this.prices = Objects.requireNonNull(prices, "prices");
            return this;
        }

        /**
         * Blocks consent-gated messages (marketing, reminders: every category whose policy needs
         * consent) to a number while a revocation request for it is pending in {@code queue}
         * (received by email, phone or a text someone must review, not applied yet): such a send is
         * {@link SendOutcome.Reason#REVOCATION_PENDING}. Categories that need no consent
         * (transactional, otp, emergency, internal) are not affected. The check is one lookup in the queue's concurrent set. Default: no queue.
         */
        public Builder pendingRevocations(RevocationQueue queue) {
            this.pendingRevocations = Objects.requireNonNull(queue, "queue");
            return this;
        }

        /**
         * Builds the sender from these settings, resolving the defaults once: the tracker's clock,
         * that clock's zone, a new {@link InMemorySendLog}, and for every category its own formatter,
         * else the default formatter, else one with no segment budget.
         */
        public GuardedSender build() {
            if (dailyBudget != null && prices == null) {
                throw new InvalidInputException("dailyBudget", "needs a price table (prices(...)) to estimate costs");
            }
            Clock c = clock != null ? clock : tracker.clock();
            MessageFormatter fallback = formatter != null ? formatter : SenderSettings.NO_BUDGET;
            Map<MessageCategory, MessageFormatter> perCategory = new HashMap<>(formatters);
            for (MessageCategory category : MessageCategory.values()) {
                perCategory.putIfAbsent(category, fallback);
            }
            return new DefaultGuardedSender(new SenderSettings(tracker, gateway, c, zone != null ? zone : c.getZone(),
                    sendLog != null ? sendLog : new InMemorySendLog(), listener, quietHours, quietHoursExempt, cooldown,
                    cooldownExempt, recipientHourlyCap, recipientDailyCap, globalDailyCap, alertFraction,
                    segmentsPerSecond, dryRun, killSwitch, defaultFrom, defaultStatusCallback, perCategory, prices,
                    pendingRevocations, segmentsPerMinute, segmentsPerHour, segmentsPerDay, dailyBudget,
                    limitStores, fallback, categories));
        }

        private static Set<MessageCategory> categorySet(MessageCategory... categories) {
            Objects.requireNonNull(categories, "categories");
            Set<MessageCategory> s = new LinkedHashSet<>();
            for (MessageCategory c : categories) {
                s.add(Objects.requireNonNull(c, "category"));
            }
            return s;
        }

        private static long nonNegative(String field, long value) {
            if (value < 0) {
                throw new InvalidInputException(field, "must be zero or positive (" + value + ")");
            }
            return value;
        }

        private static int nonNegative(String field, int value) {
            if (value < 0) {
                throw new InvalidInputException(field, "must be zero or positive (" + value + ")");
            }
            return value;
        }
    }
}
