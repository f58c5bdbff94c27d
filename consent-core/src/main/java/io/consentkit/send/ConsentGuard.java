package io.consentkit.send;

import io.consentkit.consent.ConsentTracker;
import io.consentkit.consent.Program;
import io.consentkit.consent.Programs;
import io.consentkit.journal.ConsentRecord;
import io.consentkit.phone.PhoneNumber;
import io.consentkit.revocation.RevocationQueue;
import io.consentkit.send.SendOutcome.Reason;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Instant;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The consent step of {@link DefaultGuardedSender}: the opt-out of the message's program, the
 * consent its {@link CategoryPolicy} needs, a pending revocation request, the one opt-out
 * confirmation, and the consent id the send log names. Fails closed: a store that cannot be read
 * blocks. Logs under {@link DefaultGuardedSender}'s name. Thread-safe.
 */
final class ConsentGuard {
    private static final Logger LOG = LoggerFactory.getLogger(DefaultGuardedSender.class);

    private final ConsentTracker tracker;
    private final Programs programs;
    private final RevocationQueue revocationRequests;
    /** Opt-outs (number, program, when) a confirmation was sent for: one each. */
    private final ConcurrentHashMap<String, Instant> confirmations = new ConcurrentHashMap<>();

    /** @param revocationRequests requests that block consent-gated messages while pending, or null */
    ConsentGuard(ConsentTracker tracker, Programs programs, RevocationQueue revocationRequests) {
        this.tracker = tracker;
        this.programs = programs;
        this.revocationRequests = revocationRequests;
    }

    /**
     * Null if {@code to} may get a message of {@code policy} for {@code program}, else why not.
     *
     * @param claim true inside the send fence: an opt-out confirmation takes its one place here
     */
    SendOutcome.Blocked check(PhoneNumber to, String program, CategoryPolicy policy, Instant now, boolean claim) {
        try {
            if (tracker.isOptedOut(to, program)) {
                return policy.optOutConfirmation().isZero() ? new SendOutcome.Blocked(Reason.OPTED_OUT,
                        "the number opted out of program " + program) : confirmation(to, program, policy, now, claim);
            }
            CategoryPolicy.Consent needs = policy.consent();
            if (needs == CategoryPolicy.Consent.NONE) {
                return null;
            }
            if (needs == CategoryPolicy.Consent.PROGRAM ? !tracker.isActive(to, program) : anyActive(to) == null) {
                return new SendOutcome.Blocked(Reason.NO_CONSENT, needs == CategoryPolicy.Consent.PROGRAM
                        ? "no active consent for program " + program : "no active consent in any program");
            }
            if (revocationRequests != null && revocationRequests.isPending(to)) {
                return new SendOutcome.Blocked(Reason.REVOCATION_PENDING, "a revocation request is pending review");
            }
        } catch (RuntimeException e) {
            LOG.error("consent for {} could not be checked; blocking (fail closed)", to.masked(), e);
            return new SendOutcome.Blocked(Reason.STORE_UNAVAILABLE,
                    "consent could not be checked, so the message is blocked: " + e.getMessage());
        }
        return null;
    }

    /** The opt-out confirmation: allowed once per opt-out, within the policy's window after it. */
    private SendOutcome.Blocked confirmation(PhoneNumber to, String program, CategoryPolicy policy, Instant now,
                                             boolean claim) {
        Optional<ConsentRecord> r = tracker.status(to, program);
        Instant optedOut = r.map(c -> c.revokedAt() != null ? c.revokedAt() : c.timestamp()).orElse(null);
        if (optedOut == null || now.isBefore(optedOut) || !now.isBefore(optedOut.plus(policy.optOutConfirmation()))) {
            return new SendOutcome.Blocked(Reason.OPTED_OUT, "the number opted out of program " + program
                    + " more than " + policy.optOutConfirmation() + " ago, too long for a confirmation");
        }
        String key = to.e164() + '|' + program + '|' + optedOut;
        boolean taken = claim ? confirmations.putIfAbsent(key, optedOut) != null : confirmations.containsKey(key);
        if (taken) {
            return new SendOutcome.Blocked(Reason.OPTED_OUT, "the one confirmation of this opt-out of program "
                    + program + " was sent already");
        }
        if (claim) {
            Instant stale = now.minus(policy.optOutConfirmation());
            confirmations.values().removeIf(at -> at.isBefore(stale));
        }
        return null;
    }

    /** The first program {@code to} has an active consent in, or null. */
    private String anyActive(PhoneNumber to) {
        for (Program p : programs.all()) {
            if (tracker.isActive(to, p.name())) {
                return p.name();
            }
        }
        return null;
    }

    /** The id of the consent a consent-gated send relies on, or empty. */
    String consentId(PhoneNumber to, String program, CategoryPolicy policy) {
        if (policy.consent() == CategoryPolicy.Consent.NONE) {
            return "";
        }
        try {
            String p = policy.consent() == CategoryPolicy.Consent.PROGRAM ? program : anyActive(to);
            return p == null ? "" : tracker.status(to, p).map(ConsentRecord::consentId).orElse("");
        } catch (RuntimeException e) {
            LOG.warn("the consent id for {} could not be read for the send log", to.masked(), e);
            return "";
        }
    }
}
