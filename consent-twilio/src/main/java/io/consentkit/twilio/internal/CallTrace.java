package io.consentkit.twilio.internal;

import java.util.Arrays;
import java.util.Locale;
import java.util.Optional;

/**
 * What happened on the wire during one send attempt: how many HTTP requests were made, whether
 * the request body was handed to the socket, and the last response's status and headers (the
 * twilio-java exceptions do not carry headers such as {@code Retry-After}). One instance per
 * attempt, used by one thread. Not public API.
 */
public final class CallTrace {
    private int requests;
    private boolean bodyWritten;
    private int status;
    private String[][] headers = new String[0][];

    void requestStarted() {
        requests++;
        bodyWritten = false;
        status = 0;
        headers = new String[0][];
    }

    void bodyWritten() {
        bodyWritten = true;
    }

    void response(int status, String[][] headers) {
        this.status = status;
        this.headers = headers;
    }

    /** HTTP requests made in this attempt (1 unless something retried behind our back). */
    public int requests() {
        return requests;
    }

    /** True once the whole request body was written to the connection. */
    public boolean wasBodyWritten() {
        return bodyWritten;
    }

    /** The last response's HTTP status, or 0 if no response arrived. */
    public int status() {
        return status;
    }

    /** The first value of a response header, by case-insensitive name. */
    public Optional<String> header(String name) {
        String lower = name.toLowerCase(Locale.ROOT);
        return Arrays.stream(headers).filter(h -> h[0].toLowerCase(Locale.ROOT).equals(lower))
                .map(h -> h[1]).findFirst();
    }
}
