package io.consentkit.revocation;

import io.consentkit.phone.PhoneNumber;

import java.time.Instant;
import java.time.LocalDate;
import java.util.Objects;

/**
 * A revocation request as the queue holds it: what was received, its deadline and, once closed,
 * how. Immutable and thread-safe.
 *
 * @param id           the request id ({@code rv-} and 16 hex digits)
 * @param phone        the number that asked to stop
 * @param program      the program it names; empty = every program
 * @param brand        the brand it names; empty = every brand
 * @param channel      how it arrived
 * @param receivedAt   when it was received (what the deadline counts from)
 * @param evidenceText what the person said or wrote
 * @param evidenceBy   who took or forwarded it
 * @param deadline     the last business day to honour it ({@link BusinessDays#deadline})
 * @param overdueAt    the instant it becomes overdue (the start of the day after {@code deadline})
 * @param state        pending, applied or dismissed
 * @param closedAt     when it was applied or dismissed, or null while pending
 * @param closedBy     who applied or dismissed it ("" while pending or when not given)
 * @param closeReason  why it was dismissed, or notes on applying ("" while pending)
 */
public record RevocationRequest(String id, PhoneNumber phone, String program, String brand, RevocationChannel channel,
                                Instant receivedAt, String evidenceText, String evidenceBy, LocalDate deadline,
                                Instant overdueAt, State state, Instant closedAt, String closedBy,
                                String closeReason) {

    /** Where a request stands. */
    public enum State {
        /** Received, not yet applied or dismissed: marketing to the number is blocked meanwhile. */
        PENDING,
        /** Applied: the tracker revoked the number's consent. */
        APPLIED,
        /** Dismissed after review (e.g. "not an opt-out"); kept with its reason. */
        DISMISSED;

        /** The lower-case name ("pending"). */
        public String label() {
            return name().toLowerCase(java.util.Locale.ROOT);
        }
    }

    public RevocationRequest {
        Objects.requireNonNull(id, "id");
        Objects.requireNonNull(phone, "phone");
        Objects.requireNonNull(channel, "channel");
        Objects.requireNonNull(receivedAt, "receivedAt");
        Objects.requireNonNull(deadline, "deadline");
        Objects.requireNonNull(overdueAt, "overdueAt");
        Objects.requireNonNull(state, "state");
        program = program == null ? "" : program;
        brand = brand == null ? "" : brand;
        evidenceText = evidenceText == null ? "" : evidenceText;
        evidenceBy = evidenceBy == null ? "" : evidenceBy;
        closedBy = closedBy == null ? "" : closedBy;
        closeReason = closeReason == null ? "" : closeReason;
    }

    /** True while neither applied nor dismissed. */
    public boolean pending() {
        return state == State.PENDING;
    }

    /** True if still pending at {@code now} and past its deadline ({@code now >= overdueAt}). */
    public boolean isOverdue(Instant now) {
        return pending() && !now.isBefore(overdueAt);
    }

    /** "all", or the program and brand it names ("program alerts of brand Acme"). */
    public String scope() {
        if (program.isEmpty() && brand.isEmpty()) {
            return "all";
        }
        return (program.isEmpty() ? "every program" : "program " + program)
                + (brand.isEmpty() ? "" : " of brand " + brand);
    }

    static RevocationRequest submitted(RevocationEvent e) {
        return new RevocationRequest(e.requestId(), e.phone(), e.program(), e.brand(), e.channel(), e.receivedAt(),
                e.evidenceText(), e.evidenceBy(), e.deadline(), e.overdueAt(), State.PENDING, null, "", "");
    }

    RevocationRequest closed(RevocationEvent e) {
        return new RevocationRequest(id, phone, program, brand, channel, receivedAt, evidenceText, evidenceBy, deadline,
                overdueAt, e.kind() == RevocationEvent.Kind.APPLIED ? State.APPLIED : State.DISMISSED, e.at(), e.by(),
                e.reason());
    }

    /** Leaves the number masked and the evidence out. */
    @Override
    public String toString() {
        return "RevocationRequest[" + id + ", " + phone.masked() + ", " + scope() + ", " + channel.label() + ", "
                + state.label() + ", deadline " + deadline + "]";
    }
}
