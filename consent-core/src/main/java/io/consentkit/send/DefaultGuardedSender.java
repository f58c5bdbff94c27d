package io.consentkit.send;

import io.consentkit.send.internal.DailyCounter;
import io.consentkit.send.internal.Days;
import io.consentkit.send.internal.RateLimiter;
import io.consentkit.InvalidInputException;
import io.consentkit.consent.ConsentTracker;
import io.consentkit.support.Masking;
import io.consentkit.message.CostEstimate;
import io.consentkit.message.FormattedMessage;
import io.consentkit.message.MessageFormatter;
import io.consentkit.message.PriceTable;
import io.consentkit.phone.InvalidPhoneNumberException;
import io.consentkit.phone.PhoneNumber;
import io.consentkit.phone.PhoneNumbers;
import io.consentkit.send.DeliveryStatus;
import io.consentkit.send.DeliveryUpdate;
import io.consentkit.send.GatewayRequest;
import io.consentkit.send.GatewayResult;
import io.consentkit.send.GatewayResult.FailureKind;
import io.consentkit.send.GuardedSender;
import io.consentkit.send.MessageCategory;
import io.consentkit.send.OutboundMessage;
import io.consentkit.send.QuietHours;
import io.consentkit.send.SendListener;
import io.consentkit.send.SendLog;
import io.consentkit.send.SendLogEntry;
import io.consentkit.send.SendOutcome;
import io.consentkit.send.SendOutcome.Reason;
import io.consentkit.send.SmsGateway;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.EnumMap;
import java.util.HexFormat;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.BooleanSupplier;

/**
 * The default {@link GuardedSender}. No lock is held across the whole pipeline: the recipient
 * limits lock one recipient's state briefly, the daily cap and the rate limiter are atomic, and
 * the send log and listener are called without any lock. Thread-safe.
 */
public final class DefaultGuardedSender implements GuardedSender {
    private static final Logger LOG = LoggerFactory.getLogger(DefaultGuardedSender.class);
    private static final int REGION_CACHE_LIMIT = 100_000;
    private static final ThreadLocal<MessageDigest> SHA256 = ThreadLocal.withInitial(() -> {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is required of every Java runtime", e);
        }
    });

    private final ConsentTracker tracker;
    private final PhoneNumbers phones;
    private final SmsGateway gateway;
    private final Clock clock;
    private final SendLog log;
    private final SendListener listener;
    private final QuietHours quietHours;
    private final Set<MessageCategory> quietExempt;
    private final Set<MessageCategory> cooldownExempt;
    private final RecipientLimits limits;
    private final DailyCounter daily;
    private final long alertAt;
    private final RateLimiter rate;
    private final boolean dryRun;
    private final BooleanSupplier externalKillSwitch;
    private final String defaultFrom;
    private final URI defaultStatusCallback;
    /** Numbers the provider reported as opted out whose revocation is not yet recorded. */
    private final EnumMap<MessageCategory, MessageFormatter> formatters = new EnumMap<>(MessageCategory.class);
    private final PriceTable prices;
    private final ConcurrentHashMap<String, String> regions = new ConcurrentHashMap<>();
    private final ConcurrentHashMap<String, Integer> pendingRevocations = new ConcurrentHashMap<>();
    private volatile String haltReason;

    public DefaultGuardedSender(GuardedSender.Builder b) {
        this.tracker = b.tracker();
        this.phones = tracker.phoneNumbers();
        this.gateway = b.gateway();
        this.clock = b.clock();
        this.log = b.sendLog();
        this.listener = b.listener();
        this.quietHours = b.quietHours();
        this.quietExempt = b.quietHoursExemptions();
        this.cooldownExempt = b.cooldownExemptions();
        Days days = new Days(b.zone());
        RecipientLimits rl = new RecipientLimits(b.cooldown().toMillis(), b.recipientHourlyCap(),
                b.recipientDailyCap(), days);
        this.limits = rl.enabled() ? rl : null;
        this.daily = b.globalDailyCap() > 0 ? new DailyCounter(days, b.globalDailyCap()) : null;
        this.alertAt = Math.max(1, (long) Math.ceil(b.dailyCapAlertAt() * b.globalDailyCap()));
        this.rate = b.segmentsPerSecond() > 0 ? new RateLimiter(b.segmentsPerSecond()) : null;
        this.dryRun = b.isDryRun();
        this.externalKillSwitch = b.killSwitch();
        this.defaultFrom = b.defaultFrom();
        this.defaultStatusCallback = b.defaultStatusCallback();
        for (MessageCategory c : MessageCategory.values()) {
            MessageFormatter f = b.formatterFor(c);
            formatters.put(c, f != null ? f : NO_BUDGET);
        }
        this.prices = b.prices();
    }

    /** Counts segments and joins parts, with no budget (Twilio's 1,600-character limit still holds). */
    private static final MessageFormatter NO_BUDGET = MessageFormatter.builder().segmentBudget(Integer.MAX_VALUE)
            .build();

    /** What the content guard produced: the text to send, its segments and estimated cost (or null). */
    private record Content(String body, int segments, CostEstimate cost) {
    }

    @Override
    public SendOutcome send(OutboundMessage m) {
        java.util.Objects.requireNonNull(m, "message");
        Instant now = clock.instant();

        // 1. kill switch
        String halt = haltReason;
        if (halt != null || externalKillSwitch.getAsBoolean()) {
            return finish(m, null, now, null, new SendOutcome.Blocked(Reason.KILL_SWITCH,
                    "sending is halted" + (halt != null && !halt.isEmpty() ? ": " + halt : "")));
        }

        // 2. valid number
        PhoneNumber to;
        try {
            to = phones.parse(m.to(), "to");
        } catch (InvalidPhoneNumberException e) {
            return finish(m, null, now, null, new SendOutcome.Blocked(Reason.INVALID_NUMBER, e.getMessage()));
        }
        String e164 = to.e164();

        // 3. opted out, consent for marketing, fail closed
        SendOutcome.Blocked consent = checkConsent(to, m.category());
        if (consent != null) {
            return finish(m, to, now, null, consent);
        }

        // 4. quiet hours in the recipient's zones
        if (quietHours.enabled() && !quietExempt.contains(m.category())) {
            Instant next = quietHours.nextAllowed(to, now);
            if (!next.equals(now)) {
                return finish(m, to, now, null, new SendOutcome.Deferred(Reason.QUIET_HOURS, next,
                        "outside " + quietHours.windowFor(to) + " in " + quietHours.zonesOf(to)));
            }
        }

        // 5. content: format within the segment budget, footer when required
        Content content;
        if (m.body().isEmpty()) {
            content = new Content("", 0, null); // media only: billed as MMS, no segments
        } else {
            try {
                MessageFormatter f = formatters.get(m.category());
                FormattedMessage fm = m.parts() != null ? f.format(m.parts()) : f.format(m.body());
                content = new Content(fm.text(), fm.segments(), estimate(to, fm.segments()));
            } catch (InvalidInputException e) {
                return finish(m, to, now, null, new SendOutcome.Blocked(Reason.CONTENT, e.getMessage()));
            }
        }

        // 6. recipient cooldown and caps (reserved)
        long nowMillis = now.toEpochMilli();
        RecipientLimits.Reservation reservation = null;
        if (limits != null) {
            Object r = limits.check(e164, nowMillis, !cooldownExempt.contains(m.category()), !dryRun);
            if (r instanceof RecipientLimits.Denial d) {
                return finish(m, to, now, content, new SendOutcome.Deferred(d.reason(),
                        Instant.ofEpochMilli(d.untilMillis()), describe(d.reason())));
            }
            reservation = (RecipientLimits.Reservation) r;
        }

        // 7. global daily cap (reserved)
        DailyCounter.Count day = null;
        if (daily != null) {
            DailyCounter.Count c = daily.count(nowMillis);
            long used = dryRun ? (c.used() < daily.cap() ? c.used() : -1) : daily.tryReserve(c);
            if (used < 0) {
                release(reservation, null);
                return finish(m, to, now, content, new SendOutcome.Deferred(Reason.GLOBAL_DAILY_CAP,
                        Instant.ofEpochMilli(c.day().endMillis()), "the daily cap of " + daily.cap()
                        + " messages is used up for " + c.day().date()));
            }
            if (!dryRun) {
                day = c;
                alerts(c, used);
            }
        }

        // 8. global rate, weighted by segments
        if (rate != null) {
            long nowNanos = now.getEpochSecond() * 1_000_000_000L + now.getNano();
            int weight = Math.max(1, content.segments());
            long r = dryRun ? rate.peek(nowNanos, weight) : rate.tryAcquire(nowNanos, weight);
            if (r != RateLimiter.ACQUIRED) {
                release(reservation, day);
                return finish(m, to, now, content, new SendOutcome.Deferred(Reason.RATE_LIMIT,
                        Instant.ofEpochSecond(0, r), "over " + rate.perSecond() + " segments per second"));
            }
        }

        if (dryRun) {
            return finish(m, to, now, content, new SendOutcome.DryRun(content.body(), content.segments(),
                    content.cost()));
        }

        // 9. the gateway
        GatewayRequest request = new GatewayRequest(to, m.from().isEmpty() ? defaultFrom : m.from(), content.body(),
                m.mediaUrls(), m.statusCallback() != null ? m.statusCallback() : defaultStatusCallback);
        GatewayResult result;
        try {
            result = gateway.send(request);
            if (result == null) {
                throw new IllegalStateException("gateway returned null");
            }
        } catch (RuntimeException e) {
            // the SPI returns failures; a throw is a bug, and we cannot know whether it sent
            LOG.error("gateway {} threw for {}; treating the outcome as unknown", gateway.name(), to.masked(), e);
            result = new GatewayResult.Failed(FailureKind.UNKNOWN_OUTCOME, 0,
                    "gateway threw " + e.getClass().getSimpleName(), Duration.ZERO);
        }
        if (result instanceof GatewayResult.Accepted a) {
            if (reservation != null) {
                limits.commit(reservation);
            }
            int segments = a.segments() > 0 ? a.segments() : content.segments();
            CostEstimate cost = segments == content.segments() ? content.cost() : estimate(to, segments);
            return finish(m, to, now, new Content(content.body(), segments, cost),
                    new SendOutcome.Sent(a.providerId(), a.status(), segments, cost, gateway.name()));
        }
        GatewayResult.Failed f = (GatewayResult.Failed) result;
        if (f.kind() == FailureKind.UNKNOWN_OUTCOME) {
            if (reservation != null) {
                limits.commit(reservation); // it may have been sent: keep it counted
            }
        } else {
            release(reservation, day);
        }
        if (f.kind() == FailureKind.OPTED_OUT) {
            providerOptOut(to, f.code());
        }
        return finish(m, to, now, content, new SendOutcome.Failed(f.kind(), f.code(), f.message(), f.retryAfter()));
    }

    private CostEstimate estimate(PhoneNumber to, int segments) {
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

    private SendOutcome.Blocked checkConsent(PhoneNumber to, MessageCategory category) {
        String e164 = to.e164();
        Integer pending = pendingRevocations.get(e164);
        if (pending != null) {
            recordRevocation(to, pending);
            return new SendOutcome.Blocked(Reason.OPTED_OUT, "the provider reported an opt-out (code " + pending + ")");
        }
        try {
            if (tracker.isOptedOut(to)) {
                return new SendOutcome.Blocked(Reason.OPTED_OUT, "the number opted out");
            }
            if (category == MessageCategory.MARKETING && !tracker.isActive(to)) {
                return new SendOutcome.Blocked(Reason.NO_CONSENT, "no active consent for marketing");
            }
        } catch (RuntimeException e) {
            LOG.error("consent for {} could not be checked; blocking (fail closed)", to.masked(), e);
            return new SendOutcome.Blocked(Reason.STORE_UNAVAILABLE,
                    "consent could not be checked, so the message is blocked: " + e.getMessage());
        }
        return null;
    }

    private static String describe(Reason r) {
        return switch (r) {
            case COOLDOWN -> "the recipient was texted within the cooldown";
            case RECIPIENT_HOURLY_CAP -> "the recipient's hourly cap is used up";
            case RECIPIENT_DAILY_CAP -> "the recipient's daily cap is used up";
            default -> r.name();
        };
    }

    private void release(RecipientLimits.Reservation reservation, DailyCounter.Count day) {
        if (reservation != null) {
            limits.release(reservation);
        }
        if (day != null) {
            daily.release(day);
        }
    }

    private void alerts(DailyCounter.Count c, long used) {
        if (used >= alertAt && c.firstThresholdAlert()) {
            try {
                listener.onDailyCapThreshold(c.day().date(), used, daily.cap());
            } catch (RuntimeException e) {
                LOG.warn("send listener failed in onDailyCapThreshold", e);
            }
        }
        if (used >= daily.cap() && c.firstCapAlert()) {
            try {
                listener.onDailyCapReached(c.day().date(), daily.cap());
            } catch (RuntimeException e) {
                LOG.warn("send listener failed in onDailyCapReached", e);
            }
        }
    }

    // ---- opt-outs reported by the provider ----------------------------------------------------

    private void providerOptOut(PhoneNumber to, int code) {
        if (pendingRevocations.putIfAbsent(to.e164(), code) != null) {
            return; // another thread is recording it
        }
        recordRevocation(to, code);
        try {
            listener.onProviderOptOut(to, code);
        } catch (RuntimeException e) {
            LOG.warn("send listener failed in onProviderOptOut", e);
        }
    }

    /** Revokes through the tracker; on failure the number stays suppressed here and is retried. */
    private void recordRevocation(PhoneNumber to, int code) {
        try {
            tracker.revokeByProvider(to, gateway.name(), code, "");
            pendingRevocations.remove(to.e164());
        } catch (RuntimeException e) {
            LOG.error("provider opt-out of {} could not be recorded; the number stays blocked in memory and the "
                    + "revocation is retried on the next send to it", to.masked(), e);
        }
    }

    @Override
    public void onDeliveryStatus(DeliveryUpdate update) {
        java.util.Objects.requireNonNull(update, "update");
        try {
            log.recordStatus(update);
        } catch (RuntimeException e) {
            sendLogFailed(e);
        }
        if (update.recipientOptedOut()) {
            if (update.to().isEmpty()) {
                LOG.warn("status for {} says the recipient opted out but names no recipient; consent not revoked",
                        update.providerId());
                return;
            }
            PhoneNumber to;
            try {
                to = phones.parse(update.to(), "to");
            } catch (InvalidPhoneNumberException e) {
                LOG.warn("status for {} says the recipient opted out but the number is invalid: {}",
                        update.providerId(), e.getMessage());
                return;
            }
            providerOptOut(to, update.errorCode());
        }
    }

    // ---- logging ------------------------------------------------------------------------------

    private SendOutcome finish(OutboundMessage m, PhoneNumber to, Instant now, Content content, SendOutcome outcome) {
        String body = content != null ? content.body() : m.body();
        int segments = content != null ? content.segments() : 0;
        CostEstimate cost = content != null ? content.cost() : null;
        SendLogEntry.Decision decision;
        String reason = "";
        String providerId = "";
        int errorCode = 0;
        String detail = "";
        Instant until = null;
        String gatewayName = "";
        DeliveryStatus status = null;
        if (outcome instanceof SendOutcome.Sent s) {
            decision = SendLogEntry.Decision.SENT;
            providerId = s.providerId();
            gatewayName = s.gateway();
            status = DeliveryStatus.find(s.providerStatus()).orElse(null);
        } else if (outcome instanceof SendOutcome.DryRun) {
            decision = SendLogEntry.Decision.DRY_RUN;
        } else if (outcome instanceof SendOutcome.Blocked b) {
            decision = SendLogEntry.Decision.BLOCKED;
            reason = b.reason().name();
            detail = b.detail();
        } else if (outcome instanceof SendOutcome.Deferred d) {
            decision = SendLogEntry.Decision.DEFERRED;
            reason = d.reason().name();
            detail = d.detail();
            until = d.until();
        } else {
            SendOutcome.Failed f = (SendOutcome.Failed) outcome;
            decision = SendLogEntry.Decision.FAILED;
            reason = f.kind().name();
            errorCode = f.code();
            detail = f.message();
            gatewayName = gateway.name();
        }
        String masked = to != null ? to.masked() : Masking.phone(m.to());
        SendLogEntry entry = new SendLogEntry(now, decision, reason, masked, m.category(), m.templateId(), sha256(body),
                body.length(), segments, cost == null ? null : cost.total(),
                cost == null ? "" : cost.currency().getCurrencyCode(), providerId, errorCode, detail, until, gatewayName, status, 0,
                status == null ? null : now);
        try {
            log.record(entry);
        } catch (RuntimeException e) {
            sendLogFailed(e);
        }
        if (LOG.isDebugEnabled()) {
            LOG.debug("{} {} to {}: {}", decision, m.category().label(), masked, outcome);
        }
        try {
            listener.onOutcome(m, outcome);
        } catch (RuntimeException e) {
            LOG.warn("send listener failed in onOutcome", e);
        }
        return outcome;
    }

    private void sendLogFailed(RuntimeException e) {
        LOG.error("send log could not record a decision: {}", e.getMessage(), e);
        try {
            listener.onSendLogFailure(e);
        } catch (RuntimeException le) {
            LOG.warn("send listener failed in onSendLogFailure", le);
        }
    }

    static String sha256(String body) {
        MessageDigest md = SHA256.get();
        md.reset();
        return HexFormat.of().formatHex(md.digest(body.getBytes(StandardCharsets.UTF_8)));
    }

    // ---- controls -----------------------------------------------------------------------------

    @Override
    public void halt(String reason) {
        haltReason = reason == null ? "" : reason;
        LOG.warn("sending halted{}", reason == null || reason.isEmpty() ? "" : ": " + reason);
    }

    @Override
    public void resume() {
        haltReason = null;
        LOG.info("sending resumed");
    }

    @Override
    public boolean halted() {
        return haltReason != null || externalKillSwitch.getAsBoolean();
    }

    @Override
    public boolean dryRun() {
        return dryRun;
    }

    @Override
    public long usedToday() {
        return daily == null ? 0 : daily.count(clock.millis()).used();
    }

    @Override
    public SendLog sendLog() {
        return log;
    }

    @Override
    public String toString() {
        return "GuardedSender[" + gateway.name() + (dryRun ? ", dry run" : "") + "]";
    }
}
