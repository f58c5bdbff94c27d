package io.consentkit.twilio;

import io.consentkit.send.GatewayResult.FailureKind;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * How Twilio's error codes map to {@link FailureKind}s: for a rejected create call
 * ({@link #forRestError(int, int)}) and for a message that failed later, reported by a status
 * callback's {@code ErrorCode} ({@link #forDeliveryError(int)}).
 *
 * <p>Rules for a rejected create call, in order:
 * <ol>
 *   <li>HTTP 429 or code 20429: {@link FailureKind#RATE_LIMITED} (Twilio did not process it).</li>
 *   <li>HTTP 503: {@link FailureKind#TEMPORARY} (the service refused the request before
 *       processing it). Every other 5xx (500, 502, 504, ...): {@link FailureKind#UNKNOWN_OUTCOME},
 *       because the message may have been created before the error; it is never retried.</li>
 *   <li>A code in {@link #table()}: its kind.</li>
 *   <li>HTTP 401 or 403: {@link FailureKind#NOT_PERMITTED}; anything else: {@link FailureKind#OTHER}.</li>
 * </ol>
 *
 * <p>Stateless and thread-safe.
 */
public final class TwilioErrors {

    /**
     * One row of the table.
     *
     * @param code    Twilio's error code
     * @param kind    what it means for the sender
     * @param meaning Twilio's meaning, in a few words
     */
    public record Entry(int code, FailureKind kind, String meaning) {
    }

    private static final Map<Integer, Entry> TABLE;

    static {
        Map<Integer, Entry> t = new LinkedHashMap<>();
        put(t, 20003, FailureKind.NOT_PERMITTED, "authentication failed");
        put(t, 20429, FailureKind.RATE_LIMITED, "too many concurrent requests");
        put(t, 21211, FailureKind.INVALID_NUMBER, "invalid 'To' number");
        put(t, 21212, FailureKind.NOT_PERMITTED, "invalid 'From' number");
        put(t, 21408, FailureKind.UNREACHABLE, "region not enabled (geo permissions)");
        put(t, 21602, FailureKind.REJECTED_CONTENT, "message body required");
        put(t, 21606, FailureKind.NOT_PERMITTED, "'From' cannot send to this destination");
        put(t, 21608, FailureKind.NOT_PERMITTED, "trial account: 'To' not verified");
        put(t, 21610, FailureKind.OPTED_OUT, "recipient unsubscribed (replied STOP)");
        put(t, 21611, FailureKind.RATE_LIMITED, "sender's queue is full");
        put(t, 21612, FailureKind.UNREACHABLE, "'To'/'From' combination cannot be routed");
        put(t, 21614, FailureKind.INVALID_NUMBER, "'To' is not a mobile number");
        put(t, 21617, FailureKind.REJECTED_CONTENT, "body exceeds 1600 characters");
        put(t, 21635, FailureKind.INVALID_NUMBER, "'To' is a landline");
        put(t, 30001, FailureKind.RATE_LIMITED, "queue overflow");
        put(t, 30002, FailureKind.NOT_PERMITTED, "account suspended");
        put(t, 30003, FailureKind.UNREACHABLE, "unreachable handset");
        put(t, 30004, FailureKind.OPTED_OUT, "message blocked (recipient block or prior opt-out)");
        put(t, 30005, FailureKind.INVALID_NUMBER, "unknown or inactive number");
        put(t, 30006, FailureKind.INVALID_NUMBER, "landline or unreachable carrier");
        put(t, 30007, FailureKind.REJECTED_CONTENT, "filtered as spam or by policy");
        put(t, 30008, FailureKind.OTHER, "unknown error");
        put(t, 30032, FailureKind.NOT_PERMITTED, "toll-free number not verified");
        put(t, 30034, FailureKind.NOT_PERMITTED, "unregistered US A2P 10DLC number");
        put(t, 30450, FailureKind.RATE_LIMITED, "SMS pumping protection (temporary)");
        put(t, 30500, FailureKind.TEMPORARY, "Twilio internal error");
        TABLE = Collections.unmodifiableMap(t);
    }

    private TwilioErrors() {
    }

    private static void put(Map<Integer, Entry> t, int code, FailureKind kind, String meaning) {
        t.put(code, new Entry(code, kind, meaning));
    }

    /** Every error code with a specific mapping, in code order. */
    public static List<Entry> table() {
        return List.copyOf(TABLE.values());
    }

    /** The table row for {@code code}, if it has one. */
    public static Optional<Entry> lookup(int code) {
        return Optional.ofNullable(TABLE.get(code));
    }

    /**
     * What a rejected Messages create call means.
     *
     * @param code       Twilio's error code from the JSON body, or 0 if there was none
     * @param httpStatus the HTTP status of the response
     */
    public static FailureKind forRestError(int code, int httpStatus) {
        if (httpStatus == 429 || code == 20429) {
            return FailureKind.RATE_LIMITED;
        }
        if (httpStatus == 503) {
            return FailureKind.TEMPORARY;
        }
        if (httpStatus >= 500 && httpStatus <= 599) {
            return FailureKind.UNKNOWN_OUTCOME;
        }
        Entry e = TABLE.get(code);
        if (e != null) {
            return e.kind();
        }
        if (httpStatus == 401 || httpStatus == 403) {
            return FailureKind.NOT_PERMITTED;
        }
        return FailureKind.OTHER;
    }

    /** What a status callback's {@code ErrorCode} on a failed or undelivered message means. */
    public static FailureKind forDeliveryError(int code) {
        Entry e = TABLE.get(code);
        return e == null ? FailureKind.OTHER : e.kind();
    }

    /**
     * True if the code says the recipient blocked us (21610 unsubscribed, 30004 blocked): the
     * number's consent is to be revoked, and nothing is sent to it again until it opts back in.
     */
    public static boolean revokesConsent(int code) {
        Entry e = TABLE.get(code);
        return e != null && e.kind() == FailureKind.OPTED_OUT;
    }
}
