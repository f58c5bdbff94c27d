package io.consentkit.send;

import io.consentkit.InvalidInputException;
import io.consentkit.consent.ConsentTracker;
import io.consentkit.consent.Programs;
import io.consentkit.message.CostEstimate;
import io.consentkit.phone.InvalidPhoneNumberException;
import io.consentkit.phone.PhoneNumber;
import io.consentkit.phone.PhoneNumbers;
import io.consentkit.revocation.RevocationQueue;
import io.consentkit.send.GatewayResult.FailureKind;
import io.consentkit.send.MessageContent.Content;
import io.consentkit.send.SendOutcome.Reason;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.net.URI;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.BooleanSupplier;

/**
 * The default {@link GuardedSender}, built from the {@link SenderSettings} of
 * {@link GuardedSender.Builder#build()}. It runs the guards in order, reserves the limits, calls
 * the gateway and handles what the provider reports; the content guard is {@link MessageContent}
 * and every decision is recorded by {@link SendRecorder}. No lock is held across the whole
 * pipeline: the {@link LimitStore} reserves every limit in one step (in memory: one recipient's
 * state locked briefly, the global windows atomic), and the send log and listener are called
 * without any lock. Thread-safe.
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
    private final LimitStore limits;
    private final boolean recipientKeys;
    /** True if the sending rules have per-subject caps (counted by the limit store, marketing only). */
    private final boolean subjectCaps;
    private final boolean dryRun;
    private final BooleanSupplier externalKillSwitch;
    private final String defaultFrom;
    private final URI defaultStatusCallback;
    private final MessageContent contents;
    private final SendRecorder recorder;
    private final RevocationQueue revocationRequests;
    private final Programs programs;
    private final String defaultProgram;
    /** The app's categories by name, to read send-log rows with their policy. */
    private final Map<String, MessageCategory> categories = new HashMap<>();
    private final ConsentGuard consents;
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
        LimitPolicy policy = s.limitPolicy();
        LimitStore store = s.limitStores().apply(policy);
        if (store == null || !store.policy().equals(policy)) {
            throw new InvalidInputException("limitStore", "must return a store for the policy it is given");
        }
        this.limits = store;
        this.recipientKeys = policy.recipientLimits();
        this.programs = tracker.programs();
        this.defaultProgram = programs.defaultProgram().name();
        for (MessageCategory c : s.categories()) {
            categories.put(c.name(), c);
        }
        this.subjectCaps = quietHours.rules().rules().stream().anyMatch(SendingRule::hasSubjectCap);
        if (store.startsEmpty()) {
            seed(clock.instant(), quietHours.rules().rules().stream().filter(SendingRule::hasSubjectCap)
                    .map(SendingRule::capPeriod).max(Duration::compareTo).orElse(Duration.ZERO));
        }
        this.dryRun = s.dryRun();
        this.externalKillSwitch = s.killSwitch();
        this.defaultFrom = s.defaultFrom();
        this.defaultStatusCallback = s.defaultStatusCallback();
        this.contents = new MessageContent(s.formatters(), s.defaultFormatter(), s.prices());
        this.recorder = new SendRecorder(log, listener, gateway, defaultProgram);
        this.revocationRequests = s.pendingRevocations();
        this.consents = new ConsentGuard(tracker, programs, revocationRequests);
    }

    @Override
    public SendOutcome send(OutboundMessage m) {
        java.util.Objects.requireNonNull(m, "message");
        Instant now = clock.instant();
        MessageCategory category = m.category();
        CategoryPolicy policy = category.policy();

        // 1. kill switch (emergency-only mode: categories that send during it go on)
        String halt = haltReason;
        if ((halt != null || externalKillSwitch.getAsBoolean()) && !policy.sendsDuringKillSwitch()) {
            return finish(m, null, now, null, new SendOutcome.Blocked(Reason.KILL_SWITCH,
                    "sending is halted" + (halt != null && !halt.isEmpty() ? ": " + halt : "")));
        }

        // 1b. time-to-live: a message too old is dropped, never sent late
        Instant expires = expiry(m, now);
        if (expires != null && !now.isBefore(expires)) {
            return finish(m, null, now, null, new SendOutcome.Blocked(Reason.EXPIRED_TTL, "created at "
                    + (m.createdAt() != null ? m.createdAt() : now) + ", older than the " + category.name()
                    + " time-to-live of " + policy.timeToLive()));
        }

        // 2. valid number
        PhoneNumber to;
        try {
            to = phones.parse(m.to(), "to");
        } catch (InvalidPhoneNumberException e) {
            return finish(m, null, now, null, new SendOutcome.Blocked(Reason.INVALID_NUMBER, e.getMessage()));
        }
        String e164 = to.e164();

        // 2b. the program whose consent and opt-outs decide
        String program = m.program().isEmpty() ? defaultProgram : m.program();
        if (!m.program().isEmpty() && programs.find(program).isEmpty()) {
            return finish(m, to, now, null, new SendOutcome.Blocked(Reason.UNKNOWN_PROGRAM,
                    "program '" + program + "' is not one of the tracker's programs"));
        }

        // 3. opted out of the program, consent as the category needs it, fail closed
        SendOutcome.Blocked consent = checkConsent(to, program, policy, now, false);
        if (consent != null) {
            return finish(m, to, now, null, consent);
        }

        // 4. quiet hours and the sending rules (window, weekday, holidays) in the recipient's zones
        // and state; every deferral names the rule that made it; the per-subject caps that apply
        QuietHoursDecision capped = null;
        if (quietHours.enabled() && policy.quietHours() == CategoryPolicy.QuietHoursRule.APPLY
                && !quietExempt.contains(category)) {
            QuietHoursDecision q = quietHours.check(to, m.recipientState(), now);
            if (!q.allowed()) {
                return finish(m, to, now, null, new SendOutcome.Deferred(Reason.QUIET_HOURS, q.nextAllowed(),
                        q.explain(), q.rule()));
            }
            if (subjectCaps && MessageCategory.MARKETING.equals(category) && !q.subjectCaps().isEmpty()) {
                capped = q; // counted with the other limits in step 6
            }
        }
        // 5. content: format within the segment budget, footer when required
        Content content;
        try {
            content = contents.format(m, to);
        } catch (InvalidInputException e) {
            return finish(m, to, now, null, new SendOutcome.Blocked(Reason.CONTENT, e.getMessage()));
        }

        // 6-8. recipient cooldown and caps, per-subject caps, global caps, windows, budget and rate:
        // one reservation, unless the category is exempt from caps (then nothing is checked or counted)
        String key = recipientKeys ? log.recipientKey(e164) : "";
        String subjectKey = "";
        LimitStore.Reservation reservation = null;
        if (policy.caps() == CategoryPolicy.Caps.APPLY) {
            subjectKey = capped == null ? "" : log.subjectKey(e164, m.capSubject());
            LimitStore.Usage usage = new LimitStore.Usage(key, now, policy.cooldown() && !cooldownExempt.contains(category),
                    content.segments(), content.cost() == null ? null : content.cost().total(), subjectKey,
                    capped == null ? List.of() : capped.subjectCaps());
            LimitStore.Decision decision;
            try {
                decision = dryRun ? limits.check(usage) : limits.reserve(usage);
            } catch (RuntimeException e) {
                LOG.error("the sending limits for {} could not be checked; blocking (fail closed)", to.masked(), e);
                return finish(m, to, now, content, new SendOutcome.Blocked(Reason.STORE_UNAVAILABLE,
                        "the sending limits could not be checked, so the message is blocked: " + e.getMessage()));
            }
            if (decision instanceof LimitStore.Denial d) {
                String detail = d.reason() == Reason.SUBJECT_CAP && capped != null
                        ? d.detail() + " (pack " + capped.packVersion() + "; " + capped.basis() + ")" : d.detail();
                String rule = rule(d, capped);
                SendOutcome refused = d.until().equals(Instant.MAX)
                        ? new SendOutcome.Blocked(d.reason(), detail, rule)
                        : new SendOutcome.Deferred(d.reason(), d.until(), detail, rule);
                return finish(m, to, now, content, refused);
            }
            reservation = (LimitStore.Reservation) decision;
            alerts(reservation);
        }

        if (dryRun) {
            return finish(m, to, now, content, new SendOutcome.DryRun(content.body(), content.segments(),
                    content.cost()));
        }

        // 9. the gateway, fenced against opt-outs: consent checked again inside the fence, so an
        // opt-out that returned before this send entered it is seen, and one recorded meanwhile waits
        // for this call to return (ConsentTracker#withSendFence)
        GatewayRequest request = new GatewayRequest(to, m.from().isEmpty() ? defaultFrom : m.from(), content.body(),
                m.mediaUrls(), m.statusCallback() != null ? m.statusCallback() : defaultStatusCallback,
                expires == null ? null : Duration.between(now, expires));
        String[] consentId = {""};
        Object fenced = tracker.withSendFence(to, () -> {
            SendOutcome.Blocked late = checkConsent(to, program, policy, now, true);
            if (late != null) {
                return late;
            }
            consentId[0] = consents.consentId(to, program, policy);
            return call(request);
        });
        if (fenced instanceof SendOutcome.Blocked late) {
            settle(reservation, false);
            return finish(m, to, now, content, late);
        }
        GatewayResult result = (GatewayResult) fenced;
        if (!recipientKeys) {
            key = log.recipientKey(e164); // logged with what may have been sent, for a later sender's limits
        }
        List<GatewayAttempt> attempts = result.attempts();
        // the provider that answered last: the one that sent, or whose failure decided
        String provider = attempts.isEmpty() ? gateway.name() : attempts.get(attempts.size() - 1).gateway();
        if (result instanceof GatewayResult.Accepted a) {
            settle(reservation, true);
            int segments = a.segments() > 0 ? a.segments() : content.segments();
            CostEstimate cost = segments == content.segments() ? content.cost() : contents.estimate(to, segments);
            return recorder.record(m, to, now, new Content(content.body(), segments, cost),
                    new SendOutcome.Sent(a.providerId(), a.status(), segments, cost, provider), key, provider, attempts,
                    consentId[0], subjectKey);
        }
        GatewayResult.Failed f = (GatewayResult.Failed) result;
        settle(reservation, f.kind() == FailureKind.UNKNOWN_OUTCOME); // it may have been sent: keep it counted
        if (f.kind() == FailureKind.OPTED_OUT) {
            providerOptOut(to, f.code());
        }
        return recorder.record(m, to, now, content,
                new SendOutcome.Failed(f.kind(), f.code(), f.message(), f.retryAfter()), key, provider, attempts,
                consentId[0], subjectKey);
    }

    /** The short name of the limit that refused: the cap rule's id, or the limit and its cap. */
    private String rule(LimitStore.Denial d, QuietHoursDecision capped) {
        LimitPolicy p = limits.policy();
        return switch (d.reason()) {
            case SUBJECT_CAP -> capped == null ? "" : capped.subjectCaps().stream()
                    .filter(r -> d.detail().contains(r.describe())).map(SendingRule::id).findFirst().orElse("");
            case COOLDOWN -> "COOLDOWN " + p.cooldown();
            case RECIPIENT_HOURLY_CAP -> "RECIPIENT_HOURLY_CAP " + p.recipientHourlyCap();
            case RECIPIENT_DAILY_CAP -> "RECIPIENT_DAILY_CAP " + p.recipientDailyCap();
            case GLOBAL_DAILY_CAP -> "GLOBAL_DAILY_CAP " + p.globalDailyCap();
            case DAILY_BUDGET -> p.dailyBudget() == null ? "" : "DAILY_BUDGET " + p.dailyBudget().toPlainString() + " "
                    + p.currency();
            default -> "";
        };
    }

    /** When {@code m} stops being worth sending, or null if its category has no time-to-live. */
    private static Instant expiry(OutboundMessage m, Instant now) {
        CategoryPolicy p = m.category().policy();
        return p.expires() ? (m.createdAt() != null ? m.createdAt() : now).plus(p.timeToLive()) : null;
    }

    /**
     * Commits ({@code keep}) or releases a reservation. A limit store that fails here must not stop
     * the send being recorded: a failed release keeps the place counted (the safe side), so the
     * failure is logged, not thrown. A null reservation (a category exempt from caps) is nothing to settle.
     */
    private void settle(LimitStore.Reservation reservation, boolean keep) {
        if (reservation == null) {
            return;
        }
        try {
            if (keep) {
                limits.commit(reservation);
            } else {
                limits.release(reservation);
            }
        } catch (RuntimeException e) {
            LOG.warn("the limit store could not {} a reservation; its place stays counted", keep ? "commit" : "release", e);
        }
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

    /**
     * Null if {@code to} may get a message of {@code policy} for {@code program}, else why not.
     *
     * @param claim true inside the send fence: an opt-out confirmation takes its one place here
     */
    private SendOutcome.Blocked checkConsent(PhoneNumber to, String program, CategoryPolicy policy, Instant now,
                                             boolean claim) {
        String e164 = to.e164();
        Integer pending = pendingRevocations.get(e164);
        if (pending != null) {
            recordRevocation(to, pending);
            return new SendOutcome.Blocked(Reason.OPTED_OUT, "the provider reported an opt-out (code " + pending + ")");
        }
        return consents.check(to, program, policy, now, claim);
    }

    /**
     * Counts into the limits every send of the last day the send log holds that was or may have
     * been sent, so a new sender over a durable log (a restart, a deploy) holds what the last one used.
     */
    private void seed(Instant now, Duration longestSubjectCap) {
        int[] seeded = {0};
        Instant from = limits.policy().historyFrom(now);
        Instant subjectsFrom = now.minus(longestSubjectCap);
        if (subjectsFrom.isBefore(from)) {
            from = subjectsFrom;
        }
        Instant limitsFrom = limits.policy().historyFrom(now);
        log.replay(from, e -> {
            if (e.mayHaveSent() && !e.time().isAfter(now)
                    && categories.getOrDefault(e.category().name(), e.category()).policy().caps() == CategoryPolicy.Caps.APPLY) {
                boolean recent = !e.time().isBefore(limitsFrom);
                String subject = e.time().isAfter(subjectsFrom) ? e.subjectKey() : "";
                if (!recent && subject.isEmpty()) {
                    return; // older than every limit but a longer per-subject cap, and not counted by one
                }
                limits.seed(new LimitStore.Usage(recent ? e.recipientKey() : "", e.time(), true, e.segments(),
                        e.estimatedCost(), subject, List.of()));
                seeded[0]++;
            }
        });
        if (seeded[0] > 0) {
            LOG.info("limits seeded with {} sends of the last day from {}", seeded[0], log);
        }
    }

    private void alerts(LimitStore.Reservation r) {
        for (LimitStore.Alert a : r.alerts()) {
            LimitPolicy p = limits.policy();
            try {
                switch (a) {
                    case DAILY_CAP_THRESHOLD -> listener.onDailyCapThreshold(r.day(), r.messagesToday(), p.globalDailyCap());
                    case DAILY_CAP_REACHED -> listener.onDailyCapReached(r.day(), p.globalDailyCap());
                    case DAILY_BUDGET_THRESHOLD -> listener.onDailyBudgetThreshold(r.day(), r.spentToday(),
                            p.dailyBudget(), p.currency());
                    case DAILY_BUDGET_REACHED -> listener.onDailyBudgetReached(r.day(), p.dailyBudget(), p.currency());
                }
            } catch (RuntimeException e) {
                LOG.warn("send listener failed on {}", a, e);
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

    /** Records a refusal; a deferral past the message's time-to-live becomes an {@code EXPIRED_TTL} block. */
    private SendOutcome finish(OutboundMessage m, PhoneNumber to, Instant now, Content content, SendOutcome outcome) {
        if (outcome instanceof SendOutcome.Deferred d) {
            Instant expires = expiry(m, now);
            if (expires != null && !d.until().isBefore(expires)) {
                outcome = new SendOutcome.Blocked(Reason.EXPIRED_TTL, d.reason() + " would defer it to " + d.until()
                        + ", past its time-to-live (valid until " + expires + "), so it is dropped: " + d.detail());
            }
        }
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
        return limits.today(clock.instant()).messages();
    }

    @Override
    public LimitStore.Today today() {
        return limits.today(clock.instant());
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
