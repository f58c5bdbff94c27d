package io.consentkit.retention;

import io.consentkit.InvalidInputException;
import io.consentkit.consent.Programs;
import io.consentkit.journal.ConsentRecord;
import io.consentkit.journal.ConsentStatus;
import io.consentkit.journal.ConsentStore;
import io.consentkit.journal.Redaction;
import io.consentkit.send.SendLog;
import io.consentkit.send.SendLogEntry;
import io.consentkit.support.Masking;

import java.time.Clock;
import java.time.Instant;
import java.time.Period;
import java.time.ZoneOffset;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * How long consent proof is kept: by default {@link #DEFAULT_KEEP} (5 years: the Telemarketing Sales
 * Rule's record keeping, 16 CFR 310.5, outlasting the TCPA's 4-year limitation period, 28 U.S.C. 1658)
 * after the consent ended or was last relied on for a send, whichever is later; a program may keep
 * its own period. A consent that is still active or pending is never due. A suppression of every
 * program is kept for the longest period configured.
 *
 * <p>{@link #due} lists the people whose whole proof has outlived the policy: the erasure candidates
 * of {@code consent retention --dry-run}. Immutable and thread-safe.
 */
public final class RetentionPolicy {
    /** The default period: 5 years. */
    public static final Period DEFAULT_KEEP = Period.ofYears(5);

    private final Period keep;
    private final Map<String, Period> perProgram;

    private RetentionPolicy(Period keep, Map<String, Period> perProgram) {
        this.keep = keep;
        this.perProgram = Map.copyOf(perProgram);
    }

    /** The default policy: every program keeps {@link #DEFAULT_KEEP}. */
    public static RetentionPolicy defaults() {
        return new RetentionPolicy(DEFAULT_KEEP, Map.of());
    }

    /** A builder starting from the defaults. */
    public static Builder builder() {
        return new Builder();
    }

    /**
     * The policy of configuration text: {@code keep} an ISO-8601 period ({@code P5Y}; empty for the
     * default), {@code programs} a comma-separated list of {@code program=period} (may be empty).
     *
     * @throws InvalidInputException naming {@code keepField} or {@code programsField} for a bad value
     */
    public static RetentionPolicy parse(String keep, String keepField, String programs, String programsField) {
        Builder b = builder();
        if (keep != null && !keep.isBlank()) {
            b.keep(period(keepField, keep));
        }
        if (programs != null && !programs.isBlank()) {
            for (String part : programs.split(",")) {
                int eq = part.indexOf('=');
                if (eq <= 0) {
                    throw new InvalidInputException(programsField, "'" + Masking.printable(part.strip())
                            + "' is not program=period (marketing=P2Y)");
                }
                b.keep(part.substring(0, eq).strip(), period(programsField, part.substring(eq + 1)));
            }
        }
        return b.build();
    }

    private static Period period(String field, String text) {
        try {
            return Period.parse(text.strip());
        } catch (DateTimeParseException e) {
            throw new InvalidInputException(field, "'" + Masking.printable(text.strip())
                    + "' is not an ISO-8601 period (P5Y, P18M, P400D)");
        }
    }

    /** The period kept for {@code program} (its own, else the default). */
    public Period keep(String program) {
        return perProgram.getOrDefault(program, keep);
    }

    /** The default period. */
    public Period keep() {
        return keep;
    }

    /** The programs with their own period. */
    public Map<String, Period> programKeeps() {
        return perProgram;
    }

    /** The longest period of any program (what a suppression of everything keeps). */
    private Instant longest(Instant from) {
        Instant out = from.atOffset(ZoneOffset.UTC).plus(keep).toInstant();
        for (Period p : perProgram.values()) {
            Instant t = from.atOffset(ZoneOffset.UTC).plus(p).toInstant();
            out = t.isAfter(out) ? t : out;
        }
        return out;
    }

    /**
     * The people whose whole proof has outlived this policy at {@code clock}'s now, in order of first
     * appearance in the journal. Reads the journal and the send log (null for none; then only the
     * consents' own ends count); numbers already erased are not listed again.
     *
     * @throws io.consentkit.journal.ConsentStoreException if the store cannot be read
     */
    public List<RetentionCandidate> due(ConsentStore store, SendLog sendLog, Programs programs, Clock clock) {
        Objects.requireNonNull(store, "store");
        Objects.requireNonNull(programs, "programs");
        Instant now = clock.instant();
        Map<String, Map<String, ConsentRecord>> byNumber = new LinkedHashMap<>();
        store.replay(r -> {
            if (!Redaction.isRedacted(r)) {
                byNumber.computeIfAbsent(r.phoneNumber().e164(), k -> new LinkedHashMap<>()).put(r.consentId(), r);
            }
        });
        Map<String, Instant> byConsent = new HashMap<>();
        Map<String, Instant> byRecipient = new HashMap<>();
        if (sendLog != null) {
            for (SendLogEntry e : sendLog.entries()) {
                if (e.mayHaveSent()) {
                    later(byConsent, e.consentId(), e.time());
                    later(byRecipient, e.recipientKey(), e.time());
                }
            }
        }
        List<RetentionCandidate> out = new ArrayList<>();
        for (Map.Entry<String, Map<String, ConsentRecord>> n : byNumber.entrySet()) {
            // a log written before recipient keys has none to match (and may have no key to make them)
            Instant toNumber = byRecipient.isEmpty() ? null : byRecipient.get(sendLog.recipientKey(n.getKey()));
            Instant relied = Instant.EPOCH;
            Instant until = Instant.EPOCH;
            boolean live = false;
            for (ConsentRecord r : n.getValue().values()) {
                if (r.status() == ConsentStatus.ACTIVE || r.status() == ConsentStatus.PENDING) {
                    live = true;
                    break;
                }
                Instant c = r.revokedAt() != null ? r.revokedAt() : r.timestamp();
                c = max(c, byConsent.get(r.consentId()));
                c = max(c, toNumber);
                relied = max(relied, c);
                Instant kept = r.optInMethod().isEmpty() && r.program().isEmpty() ? longest(c)
                        : c.atOffset(ZoneOffset.UTC).plus(keep(programOf(r, programs))).toInstant();
                until = max(until, kept);
            }
            if (!live && !until.isAfter(now)) {
                out.add(new RetentionCandidate(n.getValue().values().iterator().next().phoneNumber(),
                        List.copyOf(n.getValue().keySet()), relied, until));
            }
        }
        return out;
    }

    private static String programOf(ConsentRecord r, Programs programs) {
        return r.program().isEmpty() ? programs.defaultProgram().name() : r.program();
    }

    private static void later(Map<String, Instant> m, String key, Instant t) {
        if (!key.isEmpty()) {
            m.merge(key, t, (a, b) -> a.isAfter(b) ? a : b);
        }
    }

    private static Instant max(Instant a, Instant b) {
        return b == null || !b.isAfter(a) ? a : b;
    }

    @Override
    public String toString() {
        return "RetentionPolicy[keep " + keep + (perProgram.isEmpty() ? "" : ", " + perProgram) + "]";
    }

    /** Builds a {@link RetentionPolicy}; setters validate at once. Not thread-safe. */
    public static final class Builder {
        private Period keep = DEFAULT_KEEP;
        private final Map<String, Period> perProgram = new LinkedHashMap<>();

        private Builder() {
        }

        /** The default period (default {@link #DEFAULT_KEEP}); must be positive. */
        public Builder keep(Period period) {
            this.keep = positive("keep", period);
            return this;
        }

        /** The period of one program; must be positive. */
        public Builder keep(String program, Period period) {
            perProgram.put(InvalidInputException.requireText("program", program), positive("keep", period));
            return this;
        }

        private static Period positive(String field, Period p) {
            Objects.requireNonNull(p, field);
            if (p.isNegative() || p.isZero()) {
                throw new InvalidInputException(field, "must be a positive period, was " + p);
            }
            return p;
        }

        public RetentionPolicy build() {
            return new RetentionPolicy(keep, perProgram);
        }
    }
}
