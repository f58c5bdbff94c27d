package io.consentkit.twilio.internal;

import com.twilio.http.HttpClient;
import com.twilio.http.Request;
import com.twilio.http.Response;

/**
 * The twilio-java {@link HttpClient} the gateway hands to {@code TwilioRestClient} for one send
 * attempt. twilio-java's {@code reliableRequest} repeats any 5xx up to three times, which would
 * send a message twice when Twilio had in fact created it; both overloads are replaced here by a
 * single request, so every retry is the gateway's own decision. Used by one thread. Not public API.
 */
public final class SingleAttemptHttpClient extends HttpClient {
    private final HttpTransport transport;
    private final CallTrace trace;

    public SingleAttemptHttpClient(HttpTransport transport, CallTrace trace) {
        this.transport = transport;
        this.trace = trace;
    }

    @Override
    public Response reliableRequest(Request request) {
        return makeRequest(request);
    }

    @Override
    public Response reliableRequest(Request request, int[] retryCodes, int retries, long delayMillis) {
        return makeRequest(request);
    }

    @Override
    public Response makeRequest(Request request) {
        return transport.execute(request, trace);
    }
}
