package io.consentkit.twilio;

import com.twilio.security.RequestValidator;
import io.consentkit.InvalidInputException;
import io.consentkit.twilio.internal.Signatures;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.net.URI;
import java.net.URISyntaxException;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

import io.consentkit.twilio.internal.FormCodec;

/**
 * Checks {@code X-Twilio-Signature} on webhook requests, with twilio-java's
 * {@code RequestValidator}:
 * <ul>
 *   <li>form posts: HMAC-SHA1 over the URL Twilio requested followed by every parameter's name
 *       and value, names sorted. A repeated name (which {@code RequestValidator}'s
 *       {@code Map<String,String>} cannot hold) is checked here by the same algorithm with each
 *       value appended in turn, in received order, sorted, and sorted without duplicates
 *       (the orders Twilio's SDKs use);</li>
 *   <li>GET requests: the URL alone (the parameters are in it);</li>
 *   <li>JSON bodies: the URL alone, which carries {@code bodySHA256}; the body must hash to it.</li>
 * </ul>
 * The URL is tried as given and with its port toggled (Twilio has signed both ways), the raw
 * path and query kept byte for byte (twilio-java's own toggle decodes them, which breaks URLs with
 * percent-escapes such as {@code ?b=%C3%A9}). Rejections are logged at most
 * {@value RateLimitedLog#DEFAULT_LINES} lines per {@value RateLimitedLog#DEFAULT_WINDOW_SECONDS} s
 * (see {@link RateLimitedLog}). Which URL
 * Twilio requested is decided by the {@link PublicUrl} strategy: set it when the app runs behind
 * a proxy. Requests without a signature, or with a wrong one, are rejected.
 *
 * <p>The Auth Token is needed (API keys cannot verify). Several tokens can be given for a token
 * rotation: a signature made with any of them is valid. Thread-safe.
 */
public final class WebhookVerifier {
    /** The header Twilio signs requests with. */
    public static final String SIGNATURE_HEADER = "X-Twilio-Signature";

    private static final Logger LOG = LoggerFactory.getLogger(WebhookVerifier.class);

    private final List<String> tokens;
    private final List<RequestValidator> validators;
    private final PublicUrl publicUrl;
    private final boolean enabled;

    /**
     * What {@link Builder#build()} (or {@link #disabled()}) hands to the constructor.
     *
     * @param tokens    the Auth Tokens accepted; empty only when disabled
     * @param publicUrl how the requested URL is worked out
     * @param enabled   false for {@link #disabled()}
     */
    private record Settings(List<String> tokens, PublicUrl publicUrl, boolean enabled) {
        private Settings {
            tokens = List.copyOf(tokens);
            Objects.requireNonNull(publicUrl, "publicUrl");
        }
    }

    private WebhookVerifier(Settings s) {
        this.tokens = s.tokens();
        List<RequestValidator> v = new ArrayList<>();
        for (String t : tokens) {
            v.add(new RequestValidator(t));
        }
        this.validators = Collections.unmodifiableList(v);
        this.publicUrl = s.publicUrl();
        this.enabled = s.enabled();
    }

    /** A builder for verification with {@code authToken} (the account's primary Auth Token). */
    public static Builder builder(String authToken) {
        return new Builder(authToken);
    }

    /**
     * A verifier with the Auth Token from {@code credentials}.
     *
     * @throws InvalidInputException if the credentials hold only an API key
     */
    public static Builder builder(TwilioCredentials credentials) {
        return new Builder(credentials.authToken().orElseThrow(() -> new InvalidInputException(
                TwilioCredentials.ENV_AUTH_TOKEN, "is needed to verify webhook signatures (API keys cannot)")));
    }

    /**
     * A verifier that checks nothing and accepts every request ({@link SignatureCheck.Outcome#NOT_CHECKED}),
     * for local development only. Logs a warning when made.
     */
    public static WebhookVerifier disabled() {
        LOG.warn("Twilio webhook signature verification is DISABLED: anyone can forge webhooks");
        return new WebhookVerifier(new Settings(List.of(), PublicUrl.asReceived(), false));
    }

    /** True unless made by {@link #disabled()}. */
    public boolean enabled() {
        return enabled;
    }

    /** Checks {@code request}'s signature. Never throws for a bad request: the result says what is wrong. */
    public SignatureCheck verify(WebhookRequest request) {
        Objects.requireNonNull(request, "request");
        if (!enabled) {
            return new SignatureCheck(SignatureCheck.Outcome.NOT_CHECKED, request.url().toString(), "verification disabled");
        }
        String url;
        try {
            url = publicUrl.resolve(request).toString();
        } catch (RuntimeException e) {
            return reject(SignatureCheck.Outcome.MALFORMED_REQUEST, request.url().toString(),
                    "cannot work out the public URL: " + e.getMessage());
        }
        String signature = request.header(SIGNATURE_HEADER).orElse("").strip();
        if (signature.isEmpty()) {
            return reject(SignatureCheck.Outcome.MISSING_SIGNATURE, url, "no " + SIGNATURE_HEADER + " header");
        }
        if (request.isJson()) {
            return verifyJson(request, url, signature);
        }
        if (!request.parseError().isEmpty()) {
            return reject(SignatureCheck.Outcome.MALFORMED_REQUEST, url, request.parseError());
        }
        Map<String, List<String>> params = request.isForm() ? request.parameters() : Map.of();
        boolean repeated = params.values().stream().anyMatch(vs -> vs.size() > 1);
        if (!repeated) {
            Map<String, String> single = new LinkedHashMap<>();
            params.forEach((k, vs) -> single.put(k, vs.get(0)));
            // RequestValidator toggles the port by rebuilding the URL from decoded parts, which
            // changes a percent-escaped path or query; give it both raw forms instead
            for (RequestValidator v : validators) {
                for (String candidateUrl : Signatures.portVariants(url)) {
                    if (v.validate(candidateUrl, single, signature)) {
                        return valid(url);
                    }
                }
            }
        } else {
            for (String token : tokens) {
                for (String candidateUrl : Signatures.portVariants(url)) {
                    for (List<Map.Entry<String, String>> order : Signatures.candidateOrders(params)) {
                        if (Signatures.constantTimeEquals(Signatures.sign(token, candidateUrl, order), signature)) {
                            return valid(url);
                        }
                    }
                }
            }
        }
        return reject(SignatureCheck.Outcome.INVALID_SIGNATURE, url,
                "signature does not match (" + params.size() + " parameters" + (repeated ? ", some repeated" : "")
                        + "); check the public URL Twilio calls");
    }

    private SignatureCheck verifyJson(WebhookRequest request, String url, String signature) {
        String expected = "";
        try {
            String query = new URI(url).getRawQuery();
            for (Map.Entry<String, String> p : FormCodec.parse(query)) {
                if (p.getKey().equals("bodySHA256")) {
                    expected = p.getValue();
                    break;
                }
            }
        } catch (URISyntaxException | IllegalArgumentException e) {
            return reject(SignatureCheck.Outcome.MALFORMED_REQUEST, url, "URL is not valid: " + e.getMessage());
        }
        if (expected.isEmpty()) {
            return reject(SignatureCheck.Outcome.MALFORMED_REQUEST, url, "JSON webhook without a bodySHA256 query parameter");
        }
        if (!Signatures.constantTimeEquals(Signatures.sha256Hex(request.body()), expected.toLowerCase(java.util.Locale.ROOT))) {
            return reject(SignatureCheck.Outcome.BODY_HASH_MISMATCH, url, "body does not match bodySHA256");
        }
        String body = request.bodyText();
        for (RequestValidator v : validators) {
            for (String candidateUrl : Signatures.portVariants(url)) {
                try {
                    if (v.validate(candidateUrl, body, signature)) {
                        return valid(url);
                    }
                } catch (URISyntaxException e) {
                    return reject(SignatureCheck.Outcome.MALFORMED_REQUEST, url, "URL is not valid: " + e.getMessage());
                }
            }
        }
        return reject(SignatureCheck.Outcome.INVALID_SIGNATURE, url, "signature does not match; check the public URL Twilio calls");
    }

    private static SignatureCheck valid(String url) {
        return new SignatureCheck(SignatureCheck.Outcome.VALID, url, "");
    }

    private static SignatureCheck reject(SignatureCheck.Outcome outcome, String url, String detail) {
        RateLimitedLog.REJECTED_REQUESTS.warn(LOG, "Twilio webhook rejected: {} for {} ({})", outcome, pathOf(url), detail);
        return new SignatureCheck(outcome, url, detail);
    }

    private static String pathOf(String url) {
        try {
            URI u = new URI(url);
            return u.getScheme() + "://" + u.getRawAuthority() + u.getRawPath();
        } catch (URISyntaxException e) {
            return "<unparseable URL>";
        }
    }

    /** Token count and URL strategy; never a token. */
    @Override
    public String toString() {
        return enabled ? "WebhookVerifier[" + tokens.size() + " token(s), authToken=<redacted>]" : "WebhookVerifier[DISABLED]";
    }

    /** Builds a {@link WebhookVerifier}; setters check their argument at once. Not thread-safe. */
    public static final class Builder {
        private final List<String> tokens = new ArrayList<>();
        private PublicUrl publicUrl = PublicUrl.asReceived();

        private Builder(String authToken) {
            tokens.add(token(authToken));
        }

        /** Another Auth Token also accepted (e.g. the secondary token during a rotation). */
        public Builder additionalAuthToken(String authToken) {
            tokens.add(token(authToken));
            return this;
        }

        /** How to work out the URL Twilio requested; default {@link PublicUrl#asReceived()}. */
        public Builder publicUrl(PublicUrl publicUrl) {
            this.publicUrl = Objects.requireNonNull(publicUrl, "publicUrl");
            return this;
        }

        /** Shorthand for {@code publicUrl(PublicUrl.base(publicBase))}. */
        public Builder publicBaseUrl(URI publicBase) {
            return publicUrl(PublicUrl.base(publicBase));
        }

        public WebhookVerifier build() {
            return new WebhookVerifier(new Settings(tokens, publicUrl, true));
        }

        private static String token(String t) {
            if (t == null || t.isBlank()) {
                throw new InvalidInputException(TwilioCredentials.ENV_AUTH_TOKEN, "is empty");
            }
            return t.strip();
        }
    }
}
