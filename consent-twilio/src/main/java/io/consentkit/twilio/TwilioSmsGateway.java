package io.consentkit.twilio;

import com.twilio.exception.TwilioException;
import com.twilio.http.TwilioRestClient;
import com.twilio.rest.api.v2010.account.Message;
import com.twilio.rest.api.v2010.account.MessageCreator;
import io.consentkit.InvalidInputException;
import io.consentkit.support.Masking;
import io.consentkit.send.GatewayRequest;
import io.consentkit.send.GatewayResult;
import io.consentkit.send.GatewayResult.FailureKind;
import io.consentkit.send.SmsGateway;
import io.consentkit.twilio.internal.CallTrace;
import io.consentkit.twilio.internal.HttpTransport;
import io.consentkit.twilio.internal.ProviderText;
import io.consentkit.twilio.internal.SingleAttemptHttpClient;
import io.consentkit.twilio.internal.TransportFailure;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.net.URI;
import java.time.Clock;
import java.time.Duration;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * {@link SmsGateway} on twilio-java 13: sends with Twilio's Messages API and turns every answer
 * into a {@link GatewayResult}. Failures are values, mapped by {@link TwilioErrors}; nothing
 * Twilio- or network-related is thrown.
 *
 * <p>Each attempt makes exactly one HTTP request: twilio-java's own 5xx retry loop and Apache
 * HttpClient's automatic retries are off, and the gateway retries only what its
 * {@link RetryPolicy} allows, i.e. only failures that certainly created no message.
 *
 * <pre>{@code
 * TwilioSmsGateway twilio = TwilioSmsGateway.builder()
 *     .credentials(TwilioCredentials.ofAuthToken(accountSid, authToken))
 *     .messagingServiceSid("MG...")            // or .from("+15017122661") / .from("ACME")
 *     .statusCallback(URI.create("https://example.com/twilio/status"))
 *     .build();
 * // or: TwilioSmsGateway.fromEnvironment(System.getenv())
 * }</pre>
 *
 * <p>Thread-safe; share one instance and {@link #close()} it at shutdown (it owns a connection pool).
 * {@link #toString()} shows no secret.
 */
public final class TwilioSmsGateway implements SmsGateway, AutoCloseable {
    /** Twilio's longest {@code ValidityPeriod}, in seconds (its default). */
    static final int MAX_VALIDITY_SECONDS = 36_000;
    /** Environment variable for the default sender (number, short code or alphanumeric id). */
    public static final String ENV_FROM_NUMBER = "TWILIO_FROM_NUMBER";
    /** Older name for {@link #ENV_FROM_NUMBER}, read when that one is not set. */
    public static final String ENV_PHONE_NUMBER = "TWILIO_PHONE_NUMBER";
    /** Environment variable for the Messaging Service SID ({@code MG...}). */
    public static final String ENV_MESSAGING_SERVICE_SID = "TWILIO_MESSAGING_SERVICE_SID";
    /** Default time to open a connection: {@value} seconds. */
    public static final int DEFAULT_CONNECT_TIMEOUT_SECONDS = 10;
    /** Default time to wait for Twilio's answer once the request is sent: {@value} seconds. */
    public static final int DEFAULT_RESPONSE_TIMEOUT_SECONDS = 30;

    private static final Logger LOG = LoggerFactory.getLogger(TwilioSmsGateway.class);
    private static final Pattern SERVICE_SID = Pattern.compile("MG[0-9a-fA-F]{32}");
    private static final Pattern E164 = Pattern.compile("\\+[1-9][0-9]{6,14}");
    private static final Pattern SHORT_CODE = Pattern.compile("[0-9]{3,8}");
    private static final Pattern ALPHANUMERIC_ID = Pattern.compile("(?=.*[A-Za-z])[A-Za-z0-9 ]{1,11}");
    private static final Pattern CHANNEL_ADDRESS = Pattern.compile("[a-z]+:\\S{1,64}");
    private static final Duration MAX_RETRY_AFTER = Duration.ofDays(1);

    private final TwilioCredentials credentials;
    private final String from;
    private final String messagingServiceSid;
    private final URI statusCallback;
    private final Boolean smartEncoded;
    private final RetryPolicy retryPolicy;
    private final Sleeper sleeper;
    private final Clock clock;
    private final HttpTransport transport;
    private final URI apiBaseUrl;

    /**
     * What {@link Builder#build()} hands to the constructor, validated there.
     *
     * @param credentials         account and secret
     * @param from                default sender; empty when a messaging service sends
     * @param messagingServiceSid {@code MG...}; empty for none
     * @param statusCallback      default status callback, or null
     * @param smartEncoded        {@code SmartEncoded}, or null for the account's setting
     * @param retryPolicy         which failures are retried, how often
     * @param sleeper             pauses between attempts
     * @param clock               for {@code Retry-After} dates
     * @param connectTimeout      limit for opening a connection
     * @param responseTimeout     limit for waiting on the answer
     * @param apiBaseUrl          replaces {@code https://api.twilio.com}, or null
     */
    private record Settings(TwilioCredentials credentials, String from, String messagingServiceSid, URI statusCallback,
                            Boolean smartEncoded, RetryPolicy retryPolicy, Sleeper sleeper, Clock clock,
                            Duration connectTimeout, Duration responseTimeout, URI apiBaseUrl) {
        private Settings {
            Objects.requireNonNull(credentials, "credentials");
            Objects.requireNonNull(from, "from");
            Objects.requireNonNull(messagingServiceSid, "messagingServiceSid");
            Objects.requireNonNull(retryPolicy, "retryPolicy");
            Objects.requireNonNull(sleeper, "sleeper");
            Objects.requireNonNull(clock, "clock");
            Objects.requireNonNull(connectTimeout, "connectTimeout");
            Objects.requireNonNull(responseTimeout, "responseTimeout");
        }
    }

    private TwilioSmsGateway(Settings s) {
        this.credentials = s.credentials();
        this.from = s.from();
        this.messagingServiceSid = s.messagingServiceSid();
        this.statusCallback = s.statusCallback();
        this.smartEncoded = s.smartEncoded();
        this.retryPolicy = s.retryPolicy();
        this.sleeper = s.sleeper();
        this.clock = s.clock();
        this.apiBaseUrl = s.apiBaseUrl();
        this.transport = new HttpTransport(s.connectTimeout(), s.responseTimeout(), s.apiBaseUrl());
    }

    /** A builder; {@link Builder#credentials} and a sender ({@code from} or a messaging service) are required. */
    public static Builder builder() {
        return new Builder();
    }

    /**
     * A gateway configured from environment variables: {@code TWILIO_ACCOUNT_SID},
     * {@code TWILIO_AUTH_TOKEN} or {@code TWILIO_API_KEY_SID} + {@code TWILIO_API_KEY_SECRET},
     * and {@code TWILIO_MESSAGING_SERVICE_SID} and/or {@code TWILIO_FROM_NUMBER}
     * ({@code TWILIO_PHONE_NUMBER} is read when {@code TWILIO_FROM_NUMBER} is not set).
     *
     * @param env usually {@code System.getenv()}; tests pass a plain map
     * @throws InvalidInputException naming the variable that is missing or malformed
     */
    public static TwilioSmsGateway fromEnvironment(Map<String, String> env) {
        return builder().environment(env).build();
    }

    @Override
    public String name() {
        return "twilio";
    }

    /**
     * Sends one message, retrying only as the {@link RetryPolicy} allows. Returns
     * {@link GatewayResult.Accepted} with Twilio's message SID ({@code SM...}), or
     * {@link GatewayResult.Failed} with the mapped kind, Twilio's code and a masked message.
     */
    @Override
    public GatewayResult send(GatewayRequest request) {
        Objects.requireNonNull(request, "request");
        int attempt = 1;
        while (true) {
            GatewayResult result = attempt(request, attempt);
            if (!(result instanceof GatewayResult.Failed failed) || !failed.retryable()) {
                return result;
            }
            Duration pause = retryPolicy.pauseBefore(attempt + 1, failed.retryAfter());
            if (pause == null) {
                return result;
            }
            LOG.debug("twilio: retrying send to {} after {} ms ({} {})", request.to().masked(), pause.toMillis(),
                    failed.kind(), failed.code());
            try {
                sleeper.sleep(pause);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return result;
            }
            attempt++;
        }
    }

    private GatewayResult attempt(GatewayRequest request, int attempt) {
        CallTrace trace = new CallTrace();
        TwilioRestClient client = new TwilioRestClient.Builder(credentials.username(), credentials.password())
                .accountSid(credentials.accountSid())
                .httpClient(new SingleAttemptHttpClient(transport, trace))
                .build();
        try {
            Message m = creator(request).create(client);
            GatewayResult.Accepted ok = new GatewayResult.Accepted(m.getSid(),
                    m.getStatus() == null ? "" : m.getStatus().toString(), segments(m.getNumSegments()));
            LOG.debug("twilio: sent to {} as {} ({}, attempt {})", request.to().masked(), ok.providerId(), ok.status(),
                    attempt);
            return ok;
        } catch (TransportFailure f) {
            FailureKind kind = f.mayHaveReachedTwilio() ? FailureKind.UNKNOWN_OUTCOME : FailureKind.TEMPORARY;
            String message = (f.mayHaveReachedTwilio()
                    ? "no answer after the request was sent (the message may have been created): "
                    : "request not sent: ") + ProviderText.safe(f.getMessage());
            return failed(request, kind, 0, trace.status(), message, Duration.ZERO);
        } catch (TwilioException e) {
            int status = trace.status();
            if (status >= 200 && status < 400) {
                return failed(request, FailureKind.UNKNOWN_OUTCOME, 0, status,
                        "Twilio answered HTTP " + status + " but the response could not be read (the message was"
                                + " probably created): " + ProviderText.safe(e.getMessage()), Duration.ZERO);
            }
            int code = e instanceof com.twilio.exception.ApiException api && api.getCode() != null ? api.getCode() : 0;
            FailureKind kind = TwilioErrors.forRestError(code, status);
            String message = "HTTP " + status + (code != 0 ? " code " + code : "") + ": " + ProviderText.safe(e.getMessage());
            return failed(request, kind, code, status, message, retryAfter(trace));
        }
    }

    private GatewayResult.Failed failed(GatewayRequest request, FailureKind kind, int code, int status, String message,
                                        Duration retryAfter) {
        GatewayResult.Failed f = new GatewayResult.Failed(kind, code, message, retryAfter);
        LOG.info("twilio: send to {} failed: {} (HTTP {}, code {})", request.to().masked(), kind, status, code);
        return f;
    }

    /**
     * Twilio's {@code ValidityPeriod}: whole seconds within 1 to 36,000, rounded down so the provider
     * never keeps a message longer than it is valid.
     */
    static int validitySeconds(java.time.Duration validity) {
        long s = validity.getSeconds();
        return (int) Math.max(1, Math.min(MAX_VALIDITY_SECONDS, s));
    }

    private MessageCreator creator(GatewayRequest r) {
        com.twilio.type.PhoneNumber to = new com.twilio.type.PhoneNumber(r.to().e164());
        String sender = r.from().isEmpty() ? from : r.from();
        boolean useFrom = !r.from().isEmpty() || messagingServiceSid.isEmpty();
        MessageCreator c;
        if (useFrom) {
            com.twilio.type.PhoneNumber f = new com.twilio.type.PhoneNumber(sender);
            c = r.body().isEmpty() ? Message.creator(to, f, r.mediaUrls()) : Message.creator(to, f, r.body());
            if (!messagingServiceSid.isEmpty()) {
                c.setMessagingServiceSid(messagingServiceSid);
            }
        } else {
            c = r.body().isEmpty() ? Message.creator(to, messagingServiceSid, r.mediaUrls())
                    : Message.creator(to, messagingServiceSid, r.body());
        }
        if (!r.body().isEmpty() && !r.mediaUrls().isEmpty()) {
            c.setMediaUrl(r.mediaUrls());
        }
        URI callback = r.statusCallback() != null ? r.statusCallback() : statusCallback;
        if (callback != null) {
            c.setStatusCallback(callback);
        }
        if (smartEncoded != null) {
            c.setSmartEncoded(smartEncoded);
        }
        if (r.validity() != null) {
            c.setValidityPeriod(validitySeconds(r.validity()));
        }
        return c;
    }

    private static int segments(String numSegments) {
        try {
            return numSegments == null ? 0 : Math.max(0, Integer.parseInt(numSegments.strip()));
        } catch (NumberFormatException e) {
            return 0;
        }
    }

    private Duration retryAfter(CallTrace trace) {
        Optional<String> header = trace.header("Retry-After");
        if (header.isEmpty()) {
            return Duration.ZERO;
        }
        String v = header.get().strip();
        Duration d;
        try {
            d = Duration.ofSeconds(Long.parseLong(v));
        } catch (NumberFormatException notSeconds) {
            try {
                d = Duration.between(clock.instant(), ZonedDateTime.parse(v, DateTimeFormatter.RFC_1123_DATE_TIME).toInstant());
            } catch (DateTimeParseException notDate) {
                return Duration.ZERO;
            }
        }
        if (d.isNegative()) {
            return Duration.ZERO;
        }
        return d.compareTo(MAX_RETRY_AFTER) > 0 ? MAX_RETRY_AFTER : d;
    }

    /** Closes the connection pool. Sends after this fail. */
    @Override
    public void close() {
        transport.close();
    }

    /** Account, sender and settings; never a secret. */
    @Override
    public String toString() {
        return "TwilioSmsGateway[account=" + credentials.accountSid()
                + (from.isEmpty() ? "" : ", from=" + (E164.matcher(from).matches() ? Masking.phone(from) : from))
                + (messagingServiceSid.isEmpty() ? "" : ", messagingService=" + messagingServiceSid)
                + ", auth=" + (credentials.usesApiKey() ? "api-key" : "auth-token") + " " + Masking.secret(credentials.password())
                + (apiBaseUrl == null ? "" : ", apiBaseUrl=" + apiBaseUrl)
                + ", retry=" + retryPolicy.maxAttempts() + " attempts]";
    }

    /** Builds a {@link TwilioSmsGateway}; each setter checks its argument at once. Not thread-safe. */
    public static final class Builder {
        private TwilioCredentials credentials;
        private String from = "";
        private String messagingServiceSid = "";
        private URI statusCallback;
        private Boolean smartEncoded;
        private RetryPolicy retryPolicy = RetryPolicy.DEFAULT;
        private Sleeper sleeper = Sleeper.SYSTEM;
        private Clock clock = Clock.systemUTC();
        private Duration connectTimeout = Duration.ofSeconds(DEFAULT_CONNECT_TIMEOUT_SECONDS);
        private Duration responseTimeout = Duration.ofSeconds(DEFAULT_RESPONSE_TIMEOUT_SECONDS);
        private URI apiBaseUrl;

        private Builder() {
        }

        /** Account SID with Auth Token or API key. Required. */
        public Builder credentials(TwilioCredentials credentials) {
            this.credentials = Objects.requireNonNull(credentials, "credentials");
            return this;
        }

        /**
         * Reads credentials, {@code TWILIO_FROM_NUMBER} (or {@code TWILIO_PHONE_NUMBER}) and
         * {@code TWILIO_MESSAGING_SERVICE_SID} from {@code env}; variables that are not set leave
         * the builder's value as it is.
         */
        public Builder environment(Map<String, String> env) {
            Objects.requireNonNull(env, "env");
            credentials(TwilioCredentials.fromEnvironment(env));
            String f = env.get(ENV_FROM_NUMBER);
            if (f == null || f.isBlank()) {
                f = env.get(ENV_PHONE_NUMBER);
            }
            if (f != null && !f.isBlank()) {
                from(f);
            }
            String mg = env.get(ENV_MESSAGING_SERVICE_SID);
            if (mg != null && !mg.isBlank()) {
                messagingServiceSid(mg);
            }
            return this;
        }

        /**
         * Default sender: an E.164 number ({@code +15017122661}), a short code, an alphanumeric
         * sender id (up to 11 letters, digits, spaces) or a channel address ({@code whatsapp:+1...}).
         * With a messaging service set too, the service is the default sender and this one is not used.
         */
        public Builder from(String from) {
            String f = InvalidInputException.requireText("from", from);
            if (!(E164.matcher(f).matches() || SHORT_CODE.matcher(f).matches() || ALPHANUMERIC_ID.matcher(f).matches()
                    || CHANNEL_ADDRESS.matcher(f).matches())) {
                throw new InvalidInputException("from",
                        "must be an E.164 number, a short code, an alphanumeric sender id (1-11 letters/digits) or"
                                + " a channel address, was " + Masking.phone(f));
            }
            this.from = f;
            return this;
        }

        /** Messaging Service SID ({@code MG} + 32 hex digits): Twilio picks the sender from its pool. */
        public Builder messagingServiceSid(String sid) {
            String s = InvalidInputException.requireText("messagingServiceSid", sid);
            if (!SERVICE_SID.matcher(s).matches()) {
                throw new InvalidInputException("messagingServiceSid", "must be MG followed by 32 hex digits");
            }
            this.messagingServiceSid = s;
            return this;
        }

        /** Default {@code StatusCallback} URL (a request's own callback wins); null for none. */
        public Builder statusCallback(URI url) {
            if (url != null && !isHttpUrl(url)) {
                throw new InvalidInputException("statusCallback", "must be an absolute http(s) URL");
            }
            this.statusCallback = url;
            return this;
        }

        /** Sends {@code SmartEncoded=true|false}; null (the default) leaves it to the account's setting. */
        public Builder smartEncoded(Boolean smartEncoded) {
            this.smartEncoded = smartEncoded;
            return this;
        }

        /** Retry policy; default {@link RetryPolicy#DEFAULT}. */
        public Builder retryPolicy(RetryPolicy policy) {
            this.retryPolicy = Objects.requireNonNull(policy, "retryPolicy");
            return this;
        }

        /** How the gateway pauses between attempts; default {@link Sleeper#SYSTEM}. */
        public Builder sleeper(Sleeper sleeper) {
            this.sleeper = Objects.requireNonNull(sleeper, "sleeper");
            return this;
        }

        /** Clock for {@code Retry-After} dates; default UTC system clock. */
        public Builder clock(Clock clock) {
            this.clock = Objects.requireNonNull(clock, "clock");
            return this;
        }

        /** Limit for opening a connection (then nothing was sent: retryable). Default 10 s. */
        public Builder connectTimeout(Duration timeout) {
            this.connectTimeout = positive("connectTimeout", timeout);
            return this;
        }

        /**
         * Limit for waiting on Twilio's answer once the request is sent. Past it the send is
         * {@code UNKNOWN_OUTCOME} and is not retried. Default 30 s.
         */
        public Builder responseTimeout(Duration timeout) {
            this.responseTimeout = positive("responseTimeout", timeout);
            return this;
        }

        /**
         * Sends API requests to this base URL instead of {@code https://api.twilio.com}: its
         * scheme, host and port replace Twilio's, and its path is put before Twilio's path. For
         * tests against a local server and for API proxies; the credentials are sent there too.
         */
        public Builder apiBaseUrl(URI baseUrl) {
            if (baseUrl != null && (!isHttpUrl(baseUrl) || baseUrl.getRawQuery() != null)) {
                throw new InvalidInputException("apiBaseUrl", "must be an absolute http(s) URL without a query");
            }
            this.apiBaseUrl = baseUrl;
            return this;
        }

        /**
         * Builds the gateway.
         *
         * @throws InvalidInputException if credentials or a sender are missing
         */
        public TwilioSmsGateway build() {
            if (credentials == null) {
                throw new InvalidInputException("credentials", "are not set");
            }
            if (from.isEmpty() && messagingServiceSid.isEmpty()) {
                throw new InvalidInputException("from",
                        "is not set: set from (" + ENV_FROM_NUMBER + ") or messagingServiceSid (" + ENV_MESSAGING_SERVICE_SID + ")");
            }
            return new TwilioSmsGateway(new Settings(credentials, from, messagingServiceSid, statusCallback, smartEncoded,
                    retryPolicy, sleeper, clock, connectTimeout, responseTimeout, apiBaseUrl));
        }

        private static boolean isHttpUrl(URI u) {
            return u.isAbsolute() && ("https".equalsIgnoreCase(u.getScheme()) || "http".equalsIgnoreCase(u.getScheme()))
                    && u.getHost() != null;
        }

        private static Duration positive(String field, Duration d) {
            if (d == null || d.isNegative() || d.isZero()) {
                throw new InvalidInputException(field, "must be a positive duration, was " + d);
            }
            return d;
        }
    }
}
