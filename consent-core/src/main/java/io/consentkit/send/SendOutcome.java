package io.consentkit.send;

import io.consentkit.message.CostEstimate;
import io.consentkit.send.GatewayResult.FailureKind;

import java.time.Duration;
import java.time.Instant;
import java.util.Objects;

/**
 * What {@link GuardedSender#send} decided and, if it sent, what the gateway said. Exactly one of:
 * {@link Sent}, {@link DryRun} (dry-run mode: every guard passed, nothing was sent),
 * {@link Blocked} (a guard refused; sending later will not help until something changes),
 * {@link Deferred} (a time-based guard refused; sending at {@link Deferred#until()} may succeed)
 * or {@link Failed} (the guards passed but the gateway failed).
 *
 * <pre>{@code
 * SendOutcome outcome = sender.send(message);
 * if (outcome instanceof SendOutcome.Sent s) {
 *     markSent(s.providerId());
 * } else if (outcome instanceof SendOutcome.Deferred d) {
 *     retryAt(d.until());
 * }
 * }</pre>
 *
 * <p>Immutable and thread-safe.
 */
public sealed interface SendOutcome
        permits SendOutcome.Sent, SendOutcome.DryRun, SendOutcome.Blocked, SendOutcome.Deferred, SendOutcome.Failed {

    /** True only for {@link Sent}: the provider accepted the message. */
    default boolean sent() {
        return this instanceof Sent;
    }

    /** Why a guard refused, in guard order; each constant says whether it blocks or defers. */
    enum Reason {
        /**
         * Blocks: the kill switch is on; nothing is sent but categories that
         * {@link CategoryPolicy#sendsDuringKillSwitch() send during it} (emergency).
         */
        KILL_SWITCH,
        /**
         * Blocks: the message is older than its category's time-to-live, or a guard would defer it past
         * that (an OTP is sent now or not at all, never late).
         */
        EXPIRED_TTL,
        /** Blocks: the number is not a valid phone number. */
        INVALID_NUMBER,
        /**
         * Blocks: the message names a program the tracker does not know ({@link OutboundMessage#program}).
         */
        UNKNOWN_PROGRAM,
        /**
         * Blocks: the number opted out of the message's program (STOP, or the provider said so). Nothing
         * overrides it but the one {@link MessageCategory#OPT_OUT_CONFIRMATION} right after the opt-out.
         */
        OPTED_OUT,
        /** Blocks: a message whose category needs consent, to a number without an active consent. */
        NO_CONSENT,
        /**
         * Blocks: a consent-gated message to a number with a revocation request pending review (received
         * by email, phone or another reasonable means, not applied yet).
         */
        REVOCATION_PENDING,
        /**
         * Blocks: the consent store could not be read, so consent cannot be proven, or the
         * {@link LimitStore} could not check the limits (fail closed).
         */
        STORE_UNAVAILABLE,
        /**
         * Defers: outside the allowed window in the recipient's local time, or a day closed by a rule
         * (the detail names the rule, its jurisdiction and source).
         */
        QUIET_HOURS,
        /**
         * Defers: a rule's per-subject cap for the recipient is used up (Florida: 3 marketing messages
         * per 24 hours on the same subject); the detail names the rule and the count.
         */
        SUBJECT_CAP,
        /** Blocks: the message does not fit the segment budget or is otherwise malformed. */
        CONTENT,
        /** Defers: the recipient was texted less than the cooldown ago. */
        COOLDOWN,
        /** Defers: the recipient's cap for the last hour is used up. */
        RECIPIENT_HOURLY_CAP,
        /** Defers: the recipient's cap for today (in the sender's zone) is used up. */
        RECIPIENT_DAILY_CAP,
        /** Defers: the cap for all messages today is used up. */
        GLOBAL_DAILY_CAP,
        /** Defers: the global per-second rate is used up. */
        RATE_LIMIT,
        /** Defers: the global segments per minute, hour or day are used up (until the window ends). */
        SEGMENT_LIMIT,
        /**
         * Defers: the day's money budget is used up (until midnight); blocks a message that costs
         * more than the whole budget.
         */
        DAILY_BUDGET
    }

    /**
     * The provider accepted the message.
     *
     * @param providerId     the provider's message id (Twilio: SM...)
     * @param providerStatus the provider's initial status ("queued", "accepted")
     * @param segments       segments billed: the provider's count if it gave one, else ours (0 for
     *                       media-only messages)
     * @param estimatedCost  segments times the price for the destination, or null if the sender has no
     *                       price table
     * @param gateway        the gateway's {@link SmsGateway#name() name}
     */
    record Sent(String providerId, String providerStatus, int segments, CostEstimate estimatedCost, String gateway)
            implements SendOutcome {
        public Sent {
            Objects.requireNonNull(providerId, "providerId");
            providerStatus = providerStatus == null ? "" : providerStatus;
            gateway = gateway == null ? "" : gateway;
        }
    }

    /**
     * Dry-run mode: every guard passed and this is what would have been sent; nothing was sent and no
     * cooldown, cap or rate budget was used.
     *
     * @param body          the text that would be sent, as formatted
     * @param segments      segments it would be billed
     * @param estimatedCost estimated cost, or null if the sender has no price table
     */
    record DryRun(String body, int segments, CostEstimate estimatedCost) implements SendOutcome {
        public DryRun {
            Objects.requireNonNull(body, "body");
        }

        /** Leaves the body out. */
        @Override
        public String toString() {
            return "DryRun[body=<" + body.length() + " chars>, segments=" + segments + ", estimatedCost="
                    + estimatedCost + "]";
        }
    }

    /**
     * A guard refused the message.
     *
     * @param reason which guard
     * @param detail a sentence for people (numbers masked)
     * @param rule   the rule that decided, as a short name: the guard ({@link Reason#name()}) unless a
     *               more precise one is known
     */
    record Blocked(Reason reason, String detail, String rule) implements SendOutcome {
        public Blocked {
            Objects.requireNonNull(reason, "reason");
            detail = detail == null ? "" : detail;
            rule = rule == null || rule.isBlank() ? reason.name() : rule;
        }

        /** A refusal whose rule is its guard. */
        public Blocked(Reason reason, String detail) {
            this(reason, detail, "");
        }
    }

    /**
     * A time-based guard refused the message; sending at {@code until} may pass (other guards may
     * still refuse then).
     *
     * @param reason which guard
     * @param until  the earliest instant the guard that refused would allow it
     * @param detail a sentence for people (numbers masked)
     * @param rule   the rule that decided, as a short name: the sending rule's id for quiet hours and
     *               per-subject caps ({@code us-fl-501-616}; {@code window 08:00-21:00} when the window
     *               alone decided), the limit and its cap for the limits ({@code RECIPIENT_DAILY_CAP 3}),
     *               else the guard ({@link Reason#name()})
     */
    record Deferred(Reason reason, Instant until, String detail, String rule) implements SendOutcome {
        public Deferred {
            Objects.requireNonNull(reason, "reason");
            Objects.requireNonNull(until, "until");
            detail = detail == null ? "" : detail;
            rule = rule == null || rule.isBlank() ? reason.name() : rule;
        }

        /** A deferral whose rule is its guard. */
        public Deferred(Reason reason, Instant until, String detail) {
            this(reason, until, detail, "");
        }
    }

    /**
     * Every guard passed but the gateway failed.
     *
     * @param kind       what the failure means
     * @param code       the provider's error code, or 0
     * @param message    the provider's message (numbers masked)
     * @param retryAfter how long the provider asked us to wait, or zero
     */
    record Failed(FailureKind kind, int code, String message, Duration retryAfter) implements SendOutcome {
        public Failed {
            Objects.requireNonNull(kind, "kind");
            message = message == null ? "" : message;
            retryAfter = retryAfter == null ? Duration.ZERO : retryAfter;
        }

        /** True if sending the same message again cannot text the person twice. */
        public boolean retryable() {
            return kind.retryable();
        }

        /**
         * True if the provider may have accepted the message (e.g. a timeout after the request was
         * sent). Such a message is never retried automatically and counts against caps.
         */
        public boolean unknownOutcome() {
            return kind == FailureKind.UNKNOWN_OUTCOME;
        }

        /** True if the provider said the recipient opted out; consent was revoked. */
        public boolean recipientOptedOut() {
            return kind == FailureKind.OPTED_OUT;
        }
    }
}
