package io.consentkit.send;

import io.consentkit.InvalidInputException;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * One provider call of a send: which gateway was tried, what it answered and its error code. A
 * {@link FallbackGateway} reports every attempt of its chain in
 * {@link GatewayResult#attempts()}; the send log keeps them in {@link SendLogEntry#attempts()}.
 * Immutable and thread-safe.
 *
 * @param gateway the gateway's {@link SmsGateway#name() name} ({@code twilio})
 * @param outcome {@value #ACCEPTED} if the provider accepted the message, else the
 *                {@link GatewayResult.FailureKind} name ({@code TEMPORARY})
 * @param code    the provider's error code, or 0
 */
public record GatewayAttempt(String gateway, String outcome, int code) {
    /** The {@link #outcome} of an attempt the provider accepted: {@value}. */
    public static final String ACCEPTED = "accepted";

    public GatewayAttempt {
        Objects.requireNonNull(gateway, "gateway");
        Objects.requireNonNull(outcome, "outcome");
    }

    /** The attempt that gave {@code result}, made through {@code gateway}. */
    public static GatewayAttempt of(String gateway, GatewayResult result) {
        if (result instanceof GatewayResult.Failed f) {
            return new GatewayAttempt(gateway, f.kind().name(), f.code());
        }
        return new GatewayAttempt(gateway, ACCEPTED, 0);
    }

    /** True if the provider accepted the message on this attempt. */
    public boolean accepted() {
        return ACCEPTED.equals(outcome);
    }

    /**
     * The attempts as one text cell: {@code twilio TEMPORARY 30500;aws_sns accepted 0}, each part
     * percent-escaped ({@code %}, space and {@code ;}), so any gateway name round-trips.
     */
    public static String encode(List<GatewayAttempt> attempts) {
        StringBuilder sb = new StringBuilder();
        for (GatewayAttempt a : attempts) {
            if (sb.length() > 0) {
                sb.append(';');
            }
            sb.append(escape(a.gateway)).append(' ').append(escape(a.outcome)).append(' ').append(a.code);
        }
        return sb.toString();
    }

    /**
     * Parses what {@link #encode} wrote; an empty cell is no attempts.
     *
     * @throws InvalidInputException naming {@code attempts} if the cell is not in that form
     */
    public static List<GatewayAttempt> decode(String cell) {
        List<GatewayAttempt> out = new ArrayList<>();
        if (cell.isEmpty()) {
            return out;
        }
        for (String part : cell.split(";", -1)) {
            String[] f = part.split(" ", -1);
            if (f.length != 3) {
                throw new InvalidInputException("attempts", "each attempt needs a gateway, an outcome and a code");
            }
            try {
                out.add(new GatewayAttempt(unescape(f[0]), unescape(f[1]), Integer.parseInt(f[2])));
            } catch (IllegalArgumentException e) {
                throw new InvalidInputException("attempts", "an attempt's code is not a whole number or an escape is bad");
            }
        }
        return out;
    }

    private static String escape(String s) {
        return s.replace("%", "%25").replace(" ", "%20").replace(";", "%3B");
    }

    private static String unescape(String s) {
        return java.net.URLDecoder.decode(s.replace("+", "%2B"), java.nio.charset.StandardCharsets.UTF_8);
    }
}
