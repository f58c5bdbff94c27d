package io.consentkit.twilio;

import io.consentkit.InvalidInputException;
import io.consentkit.support.Json;

import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;

/**
 * One event from Twilio's Debugger webhook (Console &gt; Monitor &gt; Debugger &gt; Webhook): an error
 * or warning Twilio logged for the account, e.g. 30003 for an undelivered message or 11200 for a
 * webhook of ours that failed. Twilio posts {@code AccountSid}, {@code Sid}, {@code ParentAccountSid},
 * {@code Timestamp}, {@code Level}, {@code PayloadType} and {@code Payload} (JSON); the fields most
 * monitoring needs are read out of the payload. Immutable and thread-safe; {@link #toString()}
 * leaves the payload out (it may quote phone numbers and bodies).
 *
 * @param sid              the event's SID ({@code NO...})
 * @param accountSid       the account ({@code AC...})
 * @param parentAccountSid the parent account for a subaccount, else ""
 * @param timestamp        when Twilio logged it, or null if the field was missing or unreadable
 * @param level            {@link Level#ERROR}, {@link Level#WARNING}, or {@link Level#OTHER}
 * @param errorCode        Twilio's error code from the payload ({@code error_code}), or 0
 * @param resourceSid      the resource it concerns ({@code resource_sid}, e.g. a message {@code SM...}), or ""
 * @param payloadType      the payload's media type, usually {@code application/json}
 * @param payload          the raw payload text
 */
public record DebuggerEvent(String sid, String accountSid, String parentAccountSid, Instant timestamp, Level level,
                            int errorCode, String resourceSid, String payloadType, String payload) {

    /** Severity. */
    public enum Level {
        ERROR, WARNING, OTHER
    }

    public DebuggerEvent {
        sid = InvalidInputException.optionalText(sid);
        accountSid = InvalidInputException.optionalText(accountSid);
        parentAccountSid = InvalidInputException.optionalText(parentAccountSid);
        Objects.requireNonNull(level, "level");
        resourceSid = InvalidInputException.optionalText(resourceSid);
        payloadType = InvalidInputException.optionalText(payloadType);
        payload = payload == null ? "" : payload;
    }

    /**
     * Reads an event from the webhook's form parameters. Fields Twilio did not send are empty; a
     * payload that is not JSON is kept as text with {@code errorCode} 0.
     *
     * @throws InvalidInputException if {@code Sid} and {@code Payload} are both missing (not a debugger event)
     */
    public static DebuggerEvent fromParameters(Map<String, List<String>> params) {
        String sid = first(params, "Sid");
        String payload = first(params, "Payload");
        if (sid.isEmpty() && payload.isEmpty()) {
            throw new InvalidInputException("Sid", "is missing: not a Twilio debugger event");
        }
        Instant ts = null;
        String t = first(params, "Timestamp");
        if (!t.isEmpty()) {
            try {
                ts = Instant.parse(t);
            } catch (DateTimeParseException e) {
                ts = null;
            }
        }
        Level level = switch (first(params, "Level").toUpperCase(Locale.ROOT)) {
            case "ERROR" -> Level.ERROR;
            case "WARNING" -> Level.WARNING;
            default -> Level.OTHER;
        };
        int code = 0;
        String resource = "";
        if (payload.strip().startsWith("{")) {
            try {
                Map<String, String> p = Json.parseObject(payload);
                code = parseCode(p.get("error_code"));
                resource = nullToEmpty(p.get("resource_sid"));
            } catch (IllegalArgumentException notJson) {
                code = 0;
            }
        }
        return new DebuggerEvent(sid, first(params, "AccountSid"), first(params, "ParentAccountSid"), ts, level, code,
                resource, first(params, "PayloadType"), payload);
    }

    private static int parseCode(String raw) {
        if (raw == null) {
            return 0;
        }
        try {
            return Integer.parseInt(raw.replace("\"", "").strip());
        } catch (NumberFormatException e) {
            return 0;
        }
    }

    private static String nullToEmpty(String s) {
        return s == null || s.equals("null") ? "" : s;
    }

    private static String first(Map<String, List<String>> params, String name) {
        List<String> vs = params.get(name);
        return vs == null || vs.isEmpty() || vs.get(0) == null ? "" : vs.get(0).strip();
    }

    @Override
    public String toString() {
        return "DebuggerEvent[" + sid + ", " + level + (errorCode == 0 ? "" : ", code " + errorCode)
                + (resourceSid.isEmpty() ? "" : ", resource " + resourceSid) + ", at " + timestamp + "]";
    }
}
