package io.consentkit.web.console;

import io.consentkit.InvalidInputException;
import io.consentkit.consent.ConsentChannel;
import io.consentkit.consent.ConsentTracker;
import io.consentkit.consent.RevocationRequest;
import io.consentkit.consent.RevocationScope;
import io.consentkit.inbound.Confirmations;
import io.consentkit.inbound.PendingConfirmation;
import io.consentkit.journal.ConsentRecord;
import io.consentkit.journal.JournalCodec;
import io.consentkit.journal.RevocationMethod;
import io.consentkit.phone.PhoneNumber;
import io.consentkit.revocation.RevocationQueue;
import io.consentkit.send.SendLogEntry;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.io.Writer;
import java.time.Clock;
import java.time.LocalDate;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * What the operator console reads and the one thing it writes (a revocation), over the app's own parts:
 * the {@link ConsentTracker} (a number's journal rows are one index probe), the {@link ConsoleStats}
 * (daily opt-in and opt-out counters), a {@link ConsoleSendLog} (sends per day and per recipient), the
 * {@link RevocationQueue} and the {@link Confirmations}. None of the lookups scans the journal or the
 * send log; {@link #pendingConfirmations()} walks the tracker's index (as the CLI's {@code pending} does).
 * Built with {@link #builder}; thread-safe as its parts are.
 */
public final class ConsoleQueries {
    /** The metadata key of a console revocation naming the operator who made it. */
    public static final String OPERATOR_KEY = "operator";
    /** The longest dashboard window, in days. */
    public static final int MAX_DAYS = 366;

    private final ConsentTracker tracker;
    private final ConsoleStats stats;
    private final ConsoleSendLog sends;
    private final RevocationQueue revocations;
    private final Confirmations confirmations;
    private final Clock clock;

    private ConsoleQueries(Builder b) {
        this.tracker = b.tracker;
        this.stats = b.stats;
        this.sends = b.sends;
        this.revocations = b.revocations;
        this.confirmations = b.confirmations;
        this.clock = b.clock != null ? b.clock : tracker.clock();
    }

    /** A builder over {@code tracker} and the statistics {@code stats} loaded for it. */
    public static Builder builder(ConsentTracker tracker, ConsoleStats stats) {
        return new Builder(tracker, stats);
    }

    /** The tracker. */
    public ConsentTracker tracker() {
        return tracker;
    }

    /** The clock "now" (overdue, the dashboard's last day) is read from. */
    public Clock clock() {
        return clock;
    }

    /**
     * One number's timeline: every journal row (oldest first, with all its evidence), its current status,
     * the send-log entries for it and the revocation requests naming it.
     *
     * @throws io.consentkit.phone.InvalidPhoneNumberException (an {@link InvalidInputException}) if
     *         {@code phone} is not a number
     */
    public Timeline timeline(String phone) {
        PhoneNumber pn = tracker.phoneNumbers().parse(phone, "phone_number");
        List<ConsentRecord> rows = tracker.history(pn);
        List<SendLogEntry> sent = sends == null ? List.of() : sends.forRecipient(pn.e164());
        List<io.consentkit.revocation.RevocationRequest> requests = revocations == null ? List.of()
                : revocations.all().stream().filter(r -> r.phone().equals(pn)).toList();
        return new Timeline(pn, tracker.status(pn).orElse(null), tracker.isActive(pn), tracker.isOptedOut(pn),
                rows, sent, requests);
    }

    /**
     * Revokes every consent of the number in every program, through the tracker's scoped revocation with
     * channel {@link ConsentChannel#AGENT}, method {@link RevocationMethod#CUSTOMER_REQUEST} and the
     * operator's name in the rows' metadata ({@code revoke_operator}).
     *
     * @throws InvalidInputException if {@code operator} is blank or {@code phone} is not a number
     */
    public List<ConsentRecord> revoke(String phone, String operator, String notes) {
        String who = InvalidInputException.requireText(OPERATOR_KEY, operator);
        PhoneNumber pn = tracker.phoneNumbers().parse(phone, "phone_number");
        return tracker.revoke(new RevocationRequest(pn, RevocationScope.all(), ConsentChannel.AGENT,
                RevocationMethod.CUSTOMER_REQUEST, notes, Map.of(OPERATOR_KEY, who)));
    }

    /** Every Y/N confirmation waiting for its answer, by request time. */
    public List<PendingConfirmation> pendingConfirmations() {
        if (confirmations != null) {
            return confirmations.pendingConfirmations();
        }
        try (Confirmations c = Confirmations.builder(tracker).build()) {
            return c.pendingConfirmations();
        }
    }

    /** The revocation requests not applied or dismissed yet (empty without a queue). */
    public List<io.consentkit.revocation.RevocationRequest> pendingRevocations() {
        return revocations == null ? List.of() : revocations.pending();
    }

    /** The pending revocation requests past their deadline now (empty without a queue). */
    public List<io.consentkit.revocation.RevocationRequest> overdueRevocations() {
        return revocations == null ? List.of() : revocations.overdue();
    }

    /** True if a revocation queue is configured. */
    public boolean hasRevocationQueue() {
        return revocations != null;
    }

    /** True if a send log is configured. */
    public boolean hasSendLog() {
        return sends != null;
    }

    /** The newest {@code max} send-log decisions (empty without a send log). */
    public List<SendLogEntry> recentSends(int max) {
        return sends == null ? List.of() : sends.recent(max);
    }

    /**
     * The dashboard's series for the {@code days} days ending today (in the statistics' zone): opt-ins and
     * opt-outs per day by method and by program, and the send log per day. Reads counters only.
     *
     * @throws InvalidInputException if {@code days} is not 1 to {@link #MAX_DAYS}
     */
    public Dashboard dashboard(int days) {
        if (days < 1 || days > MAX_DAYS) {
            throw new InvalidInputException("days", "must be 1 to " + MAX_DAYS + ", was " + days);
        }
        LocalDate last = clock.instant().atZone(stats.zone()).toLocalDate();
        LocalDate first = last.minusDays(days - 1L);
        return new Dashboard(first, last,
                stats.byMethod(ConsoleStats.Kind.OPT_IN, first, last),
                stats.byProgram(ConsoleStats.Kind.OPT_IN, first, last),
                stats.byMethod(ConsoleStats.Kind.OPT_OUT, first, last),
                stats.byProgram(ConsoleStats.Kind.OPT_OUT, first, last),
                sends == null ? List.of() : sends.days(first, last));
    }

    /** Writes the audit CSV (the tracker's {@link ConsentTracker#exportAudit(Writer)}); returns the rows written. */
    public int exportAudit(Writer out) {
        return tracker.exportAudit(out);
    }

    /**
     * Writes one number's evidence: every journal row of it, in the journal schema (header first),
     * spreadsheet-safe as the audit export is; returns the rows written.
     */
    public int exportEvidence(String phone, Writer out) {
        List<ConsentRecord> rows = timeline(phone).rows();
        StringBuilder sb = new StringBuilder(JournalCodec.HEADER_LINE).append('\n');
        int[] map = JournalCodec.identityMap();
        for (ConsentRecord r : rows) {
            JournalCodec.appendLine(sb, r, map, true);
        }
        try {
            out.append(sb);
            out.flush();
        } catch (IOException e) {
            throw new UncheckedIOException("evidence export failed", e);
        }
        return rows.size();
    }

    /** Configures {@link ConsoleQueries}; the optional parts may be left out (their pages then say so). */
    public static final class Builder {
        private final ConsentTracker tracker;
        private final ConsoleStats stats;
        private ConsoleSendLog sends;
        private RevocationQueue revocations;
        private Confirmations confirmations;
        private Clock clock;

        private Builder(ConsentTracker tracker, ConsoleStats stats) {
            this.tracker = Objects.requireNonNull(tracker, "tracker");
            this.stats = Objects.requireNonNull(stats, "stats");
        }

        /** The send log the app's sender writes to (wrapped). */
        public Builder sendLog(ConsoleSendLog sends) {
            this.sends = Objects.requireNonNull(sends, "sendLog");
            return this;
        }

        /** The revocation queue (requests received by email, phone, web...). */
        public Builder revocations(RevocationQueue revocations) {
            this.revocations = Objects.requireNonNull(revocations, "revocations");
            return this;
        }

        /** The app's confirmations (else one is made per listing, as the CLI does). */
        public Builder confirmations(Confirmations confirmations) {
            this.confirmations = Objects.requireNonNull(confirmations, "confirmations");
            return this;
        }

        /** The clock for "now" (default: the tracker's). */
        public Builder clock(Clock clock) {
            this.clock = Objects.requireNonNull(clock, "clock");
            return this;
        }

        /** The query service. */
        public ConsoleQueries build() {
            return new ConsoleQueries(this);
        }
    }
}
