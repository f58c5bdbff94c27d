package io.consentkit.send;

import io.consentkit.InvalidInputException;
import io.consentkit.consent.ConsentTracker;
import io.consentkit.message.CostEstimate;
import io.consentkit.phone.InvalidPhoneNumberException;
import io.consentkit.phone.PhoneNumber;
import io.consentkit.phone.PhoneNumbers;
import io.consentkit.send.GatewayResult.FailureKind;
import io.consentkit.send.MessageContent.Content;
import io.consentkit.send.SendOutcome.Reason;
import io.consentkit.send.internal.DailyCounter;
import io.consentkit.send.internal.Days;
import io.consentkit.send.internal.RateLimiter;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.net.URI;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.BooleanSupplier;

/**
 * The default {@link GuardedSender}, built from the {@link SenderSettings} of
 * {@link GuardedSender.Builder#build()}. It runs the guards in order, reserves the limits, calls
 * the gateway and handles what the provider reports; the content guard is {@link MessageContent}
 * and every decision is recorded by {@link SendRecorder}. No lock is held across the whole
 * pipeline: the recipient limits lock one recipient's state briefly, the daily cap and the rate
 * limiter are atomic, and the send log and listener are called without any lock. Thread-safe.
 */
final class DefaultGuardedSender implements GuardedSender {
    private static final Logger LOG = LoggerFactory.getLogger(DefaultGuardedSender.class);

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
    /** Per-subject caps of the sending rules (marketing only); null when the rules have none. */
    private final SubjectLedger subjects;
    private final DailyCounter daily;
    private final long alertAt;
    private final RateLimiter rate;
    private final boolean dryRun;
    private final BooleanSupplier externalKillSwitch;
    private final String defaultFrom;
    private final URI defaultStatusCallback;
    private final MessageContent contents;
    private final SendRecorder recorder;
    /** Numbers the provider reported as opted out whose revocation is not yet recorded. */
    private final ConcurrentHashMap<String, Integer> pendingRevocations = new ConcurrentHashMap<>();
    private volatile String haltReason;

    DefaultGuardedSender(SenderSettings s) {
        this.tracker = s.tracker();
        this.phones = tracker.phoneNumbers();
        this.gateway = s.gateway();
        this.clock = s.clock();
        this.log = s.sendLog();
        this.listener = s.listener();
        this.quietHours = s.quietHours();
        this.quietExempt = s.quietHoursExempt();
        this.cooldownExempt = s.cooldownExempt();
        Days days = new Days(s.zone());
        RecipientLimits rl = new RecipientLimits(s.cooldown().toMillis(), s.recipientHourlyCap(),
                s.recipientDailyCap(), days);
        this.limits = rl.enabled() ? rl : null;
        this.subjects = quietHours.rules().rules().stream().anyMatch(SendingRule::hasSubjectCap) ? new SubjectLedger() : null;
        this.daily = s.globalDailyCap() > 0 ? new DailyCounter(days, s.globalDailyCap()) : null;
        this.alertAt = s.dailyCapAlertCount();
        this.rate = s.segmentsPerSecond() > 0 ? new RateLimiter(s.segmentsPerSecond()) : null;
        this.dryRun = s.dryRun();
        this.externalKillSwitch = s.killSwitch();
        this.defaultFrom = s.defaultFrom();
        this.defaultStatusCallback = s.defaultStatusCallback();
        this.contents = new MessageContent(s.formatters(), s.prices());
        this.recorder = new SendRecorder(log, listener, gateway);
    }

    @Override
    public SendOutcome send(OutboundMessage m) {
        java.util.Objects.requireNonNull(m, "message");
        if (subjects == null) {
            return send(m, null);
        }
        SubjectLedger.Hold[] hold = new SubjectLedger.Hold[1];
        SendOutcome outcome = send(m, hold);
        if (hold[0] != null) {
            subjects.settle(hold[0], outcome); // kept if sent (or maybe sent), given back otherwise
        }
        return outcome;
    }

    /** The guards and the gateway; {@code subjectHold} receives a per-subject cap reservation (may be null). */
    private SendOutcome send(OutboundMessage m, SubjectLedger.Hold[] subjectHold) {
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

        // 4. quiet hours and the sending rules (window, weekday, holidays, per-subject caps) in the
        // recipient's zones and state; every deferral names the rule that made it
        if (quietHours.enabled() && !quietExempt.contains(m.category())) {
            QuietHoursDecision q = quietHours.check(to, m.recipientState(), now);
            if (!q.allowed()) {
                return finish(m, to, now, null, new SendOutcome.Deferred(Reason.QUIET_HOURS, q.nextAllowed(),
                        q.explain()));
            }
            if (subjectHold != null && m.category() == MessageCategory.MARKETING && !q.subjectCaps().isEmpty()) {
                Object r = subjects.check(SubjectLedger.key(e164, m.capSubject()), q.subjectCaps(),
                        now.toEpochMilli(), !dryRun);
                if (r instanceof SubjectLedger.Denial d) {
                    return finish(m, to, now, null, new SendOutcome.Deferred(Reason.SUBJECT_CAP, d.until(),
                            d.count() + " messages on this subject within " + d.rule().capPeriod().toHours()
                            + " hours, the cap of rule " + d.rule().describe() + " of pack " + q.packVersion()
                            + " is " + d.rule().subjectCap() + " (" + q.basis() + ")"));
                }
                subjectHold[0] = (SubjectLedger.Hold) r;
            }
        }

        // 5. content: format within the segment budget, footer when required
        Content content;
        try {
            content = contents.format(m, to);
        } catch (InvalidInputException e) {
            return finish(m, to, now, null, new SendOutcome.Blocked(Reason.CONTENT, e.getMessage()));
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

        // 9. the gateway, fenced against opt-outs: consent checked again inside the fence, so an
        // opt-out that returned before this send entered it is seen, and one recorded meanwhile waits
        // for this call to return (ConsentTracker#withSendFence)
        GatewayRequest request = new GatewayRequest(to, m.from().isEmpty() ? defaultFrom : m.from(), content.body(),
                m.mediaUrls(), m.statusCallback() != null ? m.statusCallback() : defaultStatusCallback);
        Object fenced = tracker.withSendFence(to, () -> {
            SendOutcome.Blocked late = checkConsent(to, m.category());
            return late != null ? late : call(request);
        });
        if (fenced instanceof SendOutcome.Blocked late) {
            release(reservation, day);
            return finish(m, to, now, content, late);
        }
        GatewayResult result = (GatewayResult) fenced;
        if (result instanceof GatewayResult.Accepted a) {
            if (reservation != null) {
                limits.commit(reservation);
            }
            int segments = a.segments() > 0 ? a.segments() : content.segments();
            CostEstimate cost = segments == content.segments() ? content.cost() : contents.estimate(to, segments);
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

    /** The gateway's answer; a throw or a null (bugs of the gateway) is an unknown outcome. */
    private GatewayResult call(GatewayRequest request) {
        try {
            GatewayResult result = gateway.send(request);
            if (result == null) {
                throw new IllegalStateException("gateway returned null");
            }
            return result;
        } catch (RuntimeException e) {
            // the SPI returns failures; a throw is a bug, and we cannot know whether it sent
            LOG.error("gateway {} threw for {}; treating the outcome as unknown", gateway.name(), request.to().masked(), e);
            return new GatewayResult.Failed(FailureKind.UNKNOWN_OUTCOME, 0,
                    "gateway threw " + e.getClass().getSimpleName(), Duration.ZERO);
        }
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
        return recorder.record(m, to, now, content, outcome);
    }

    private void sendLogFailed(RuntimeException e) {
        recorder.sendLogFailed(e);
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
