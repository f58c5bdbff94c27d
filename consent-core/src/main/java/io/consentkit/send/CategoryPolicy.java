package io.consentkit.send;

import io.consentkit.InvalidInputException;

import java.time.Duration;
import java.util.Objects;

/**
 * Which guards a {@link MessageCategory} passes through: consent, quiet hours, caps, time-to-live and
 * the kill switch. An opt-out for the message's program blocks every category, except
 * {@link #optOutConfirmation() the one confirmation} allowed right after an opt-out. Built with
 * {@link #builder(Consent)}; immutable and thread-safe.
 *
 * <pre>{@code
 * CategoryPolicy survey = CategoryPolicy.builder(CategoryPolicy.Consent.PROGRAM)
 *         .timeToLive(Duration.ofHours(2))
 *         .build();
 * }</pre>
 *
 * @param consent               what consent the recipient needs
 * @param quietHours            {@link QuietHoursRule#APPLY}: deferred outside the recipient's window;
 *                              {@link QuietHoursRule#SKIP}: sent at any hour
 * @param caps                  {@link Caps#APPLY}: per-recipient caps, global caps, windows, budget and
 *                              rate; {@link Caps#EXEMPT}: none of them (not checked and not counted)
 * @param cooldown              true if the sender's per-recipient cooldown applies (only with caps)
 * @param timeToLive            how long after its creation the message is still worth sending; a message
 *                              older at decision time, or one that would be deferred past it, is blocked
 *                              with {@link SendOutcome.Reason#EXPIRED_TTL}; {@link Duration#ZERO} for
 *                              no limit
 * @param sendsDuringKillSwitch true if the message goes while the kill switch is on (emergency-only mode)
 * @param optOutConfirmation    how long after an opt-out of its program one message of this category
 *                              may still reach the number (the confirmation of 47 CFR 64.1200(a)(12));
 *                              {@link Duration#ZERO} for none
 */
public record CategoryPolicy(Consent consent, QuietHoursRule quietHours, Caps caps, boolean cooldown,
                             Duration timeToLive, boolean sendsDuringKillSwitch, Duration optOutConfirmation) {
    /** Longest time-to-live accepted: {@value #MAX_TTL_HOURS} hours (Twilio's longest validity is 10 h). */
    public static final int MAX_TTL_HOURS = 72;

    /** What consent a category needs. */
    public enum Consent {
        /** No consent needed (but never to an opted-out number). */
        NONE,
        /** An active consent of the number in any program. */
        ANY,
        /** An active consent for the message's program. */
        PROGRAM
    }

    /** Whether quiet hours apply. */
    public enum QuietHoursRule {
        APPLY, SKIP
    }

    /** Whether the caps and rate limits apply. */
    public enum Caps {
        APPLY, EXEMPT
    }

    public CategoryPolicy {
        Objects.requireNonNull(consent, "consent");
        Objects.requireNonNull(quietHours, "quietHours");
        Objects.requireNonNull(caps, "caps");
        Objects.requireNonNull(timeToLive, "timeToLive");
        Objects.requireNonNull(optOutConfirmation, "optOutConfirmation");
        if (timeToLive.isNegative() || timeToLive.compareTo(Duration.ofHours(MAX_TTL_HOURS)) > 0) {
            throw new InvalidInputException("timeToLive", "must be zero (none) or positive and at most "
                    + MAX_TTL_HOURS + " hours (" + timeToLive + ")");
        }
        if (optOutConfirmation.isNegative() || optOutConfirmation.compareTo(Duration.ofMinutes(5)) > 0) {
            throw new InvalidInputException("optOutConfirmation", "must be between zero and 5 minutes, the window "
                    + "47 CFR 64.1200(a)(12) presumes reasonable (" + optOutConfirmation + ")");
        }
        if (optOutConfirmation.compareTo(Duration.ZERO) > 0 && consent != Consent.NONE) {
            throw new InvalidInputException("optOutConfirmation", "needs consent NONE: the number has just opted out");
        }
        cooldown = cooldown && caps == Caps.APPLY;
    }

    /** A builder: quiet hours and caps apply, cooldown applies, no time-to-live, stopped by the kill switch. */
    public static Builder builder(Consent consent) {
        return new Builder(consent);
    }

    /** True if the message has a time-to-live. */
    public boolean expires() {
        return !timeToLive.isZero();
    }

    /** Builds a {@link CategoryPolicy}. Not thread-safe. */
    public static final class Builder {
        private final Consent consent;
        private QuietHoursRule quietHours = QuietHoursRule.APPLY;
        private Caps caps = Caps.APPLY;
        private boolean cooldown = true;
        private Duration timeToLive = Duration.ZERO;
        private boolean sendsDuringKillSwitch;
        private Duration optOutConfirmation = Duration.ZERO;

        private Builder(Consent consent) {
            this.consent = Objects.requireNonNull(consent, "consent");
        }

        public Builder quietHours(QuietHoursRule rule) {
            this.quietHours = Objects.requireNonNull(rule, "quietHours");
            return this;
        }

        public Builder caps(Caps caps) {
            this.caps = Objects.requireNonNull(caps, "caps");
            return this;
        }

        /** Whether the sender's per-recipient cooldown applies (with caps). Default true. */
        public Builder cooldown(boolean cooldown) {
            this.cooldown = cooldown;
            return this;
        }

        /** Time-to-live after the message's creation; zero for none. */
        public Builder timeToLive(Duration ttl) {
            this.timeToLive = Objects.requireNonNull(ttl, "timeToLive");
            return this;
        }

        public Builder sendsDuringKillSwitch(boolean sends) {
            this.sendsDuringKillSwitch = sends;
            return this;
        }

        /** The window after an opt-out in which one message of this category may still go. */
        public Builder optOutConfirmation(Duration window) {
            this.optOutConfirmation = Objects.requireNonNull(window, "optOutConfirmation");
            return this;
        }

        public CategoryPolicy build() {
            return new CategoryPolicy(consent, quietHours, caps, cooldown, timeToLive, sendsDuringKillSwitch,
                    optOutConfirmation);
        }
    }
}
