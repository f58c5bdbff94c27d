package io.consentkit.revocation;

import io.consentkit.InvalidInputException;
import io.consentkit.phone.PhoneNumber;

import java.time.Instant;
import java.time.LocalDate;
import java.util.Objects;

/**
 * One row of a revocation queue's append-only log: a request was submitted, applied or dismissed.
 * A {@link Kind#SUBMITTED} row carries the whole request (number, scope, channel, receipt, evidence,
 * deadline); an {@link Kind#APPLIED} or {@link Kind#DISMISSED} row only the request id, who closed it
 * and why. Rows are never rewritten: the state of a request is its submitted row and, once closed,
 * its closing row. Immutable and thread-safe.
 *
 * @param kind         what happened
 * @param at           when it happened
 * @param requestId    the request
 * @param phone        the number (submitted rows; null on the others)
 * @param program      the program the request names; empty = every program
 * @param brand        the brand the request names; empty = every brand
 * @param channel      how it arrived (submitted rows; null on the others)
 * @param receivedAt   when it was received (submitted rows; null on the others)
 * @param evidenceText what the person said or wrote, as received
 * @param evidenceBy   who took or forwarded it (an agent, a mailbox, a system)
 * @param deadline     the last business day to honour it (submitted rows; null on the others)
 * @param overdueAt    when it becomes overdue: the start of the day after {@code deadline} in the
 *                     queue's zone (submitted rows; null on the others)
 * @param by           who applied or dismissed it (closing rows; may be empty)
 * @param reason       why it was dismissed, or notes on applying (closing rows)
 */
public record RevocationEvent(Kind kind, Instant at, String requestId, PhoneNumber phone, String program, String brand,
                              RevocationChannel channel, Instant receivedAt, String evidenceText, String evidenceBy,
                              LocalDate deadline, Instant overdueAt, String by, String reason) {

    /** Longest text cell accepted (evidence, names, reasons), in characters. */
    public static final int MAX_TEXT = 8192;
    /** Longest request id, program or brand, in characters. */
    public static final int MAX_NAME = 128;

    /** What a row records. */
    public enum Kind {
        SUBMITTED, APPLIED, DISMISSED;

        /** The lower-case name used in the file. */
        public String label() {
            return name().toLowerCase(java.util.Locale.ROOT);
        }
    }

    public RevocationEvent {
        Objects.requireNonNull(kind, "kind");
        Objects.requireNonNull(at, "at");
        requestId = name("request_id", requestId);
        if (requestId.isEmpty()) {
            throw new InvalidInputException("request_id", "is empty");
        }
        program = name("program", program);
        brand = name("brand", brand);
        evidenceText = text("evidence_text", evidenceText);
        evidenceBy = text("evidence_by", evidenceBy);
        by = text("by", by);
        reason = text("reason", reason);
        if (kind == Kind.SUBMITTED) {
            require("phone_number", phone);
            require("channel", channel);
            require("received_at", receivedAt);
            require("deadline", deadline);
            require("overdue_at", overdueAt);
        } else if (phone != null || channel != null || receivedAt != null || deadline != null || overdueAt != null) {
            throw new InvalidInputException("event", kind.label() + " rows name only the request, who and why");
        }
        if (kind == Kind.DISMISSED && reason.isEmpty()) {
            throw new InvalidInputException("reason", "is empty: a dismissal says why (e.g. \"not an opt-out\")");
        }
    }

    private static void require(String field, Object value) {
        if (value == null) {
            throw new InvalidInputException(field, "is missing in a submitted row");
        }
    }

    private static String name(String field, String value) {
        String v = value == null ? "" : value.strip();
        if (v.length() > MAX_NAME) {
            throw new InvalidInputException(field, "is " + v.length() + " chars, over the limit of " + MAX_NAME);
        }
        check(field, v, false);
        return v;
    }

    private static String text(String field, String value) {
        String v = value == null ? "" : value;
        if (v.length() > MAX_TEXT) {
            throw new InvalidInputException(field, "is " + v.length() + " chars, over the limit of " + MAX_TEXT);
        }
        check(field, v, true);
        return v;
    }

    /** Refuses NUL and other C0 controls (line ends only in free text): they have no place in evidence. */
    private static void check(String field, String v, boolean lineEnds) {
        for (int i = 0; i < v.length(); i++) {
            char c = v.charAt(i);
            if (c < 0x20 && !(lineEnds && (c == '\n' || c == '\r' || c == '\t')) || c == 0x7f) {
                throw new InvalidInputException(field, "holds the control character U+" + String.format("%04X", (int) c));
            }
        }
    }
}
