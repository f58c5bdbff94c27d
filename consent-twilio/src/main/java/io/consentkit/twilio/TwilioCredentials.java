package io.consentkit.twilio;

import io.consentkit.InvalidInputException;
import io.consentkit.support.Masking;

import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * Credentials for Twilio's REST API: the Account SID with either its Auth Token or an API key
 * (SID {@code SK...} and secret). Webhook signatures are always made with the Auth Token, so a
 * {@link WebhookVerifier} needs {@link #authToken()}.
 *
 * <p>{@link #toString()} never shows a secret. Immutable and thread-safe.
 */
public final class TwilioCredentials {
    /** Environment variable for the Account SID ({@code AC...}). */
    public static final String ENV_ACCOUNT_SID = "TWILIO_ACCOUNT_SID";
    /** Environment variable for the Auth Token. */
    public static final String ENV_AUTH_TOKEN = "TWILIO_AUTH_TOKEN";
    /** Environment variable for an API key SID ({@code SK...}), used with {@link #ENV_API_KEY_SECRET}. */
    public static final String ENV_API_KEY_SID = "TWILIO_API_KEY_SID";
    /** Environment variable for the API key's secret. */
    public static final String ENV_API_KEY_SECRET = "TWILIO_API_KEY_SECRET";

    private static final Pattern ACCOUNT_SID = Pattern.compile("AC[0-9a-fA-F]{32}");
    private static final Pattern API_KEY_SID = Pattern.compile("SK[0-9a-fA-F]{32}");

    private final String accountSid;
    private final String authToken;
    private final String apiKeySid;
    private final String apiKeySecret;

    private TwilioCredentials(String accountSid, String authToken, String apiKeySid, String apiKeySecret) {
        this.accountSid = accountSid;
        this.authToken = authToken;
        this.apiKeySid = apiKeySid;
        this.apiKeySecret = apiKeySecret;
    }

    /**
     * Account SID and Auth Token.
     *
     * @throws InvalidInputException naming the field if either is missing or malformed
     */
    public static TwilioCredentials ofAuthToken(String accountSid, String authToken) {
        return new TwilioCredentials(checkAccountSid(accountSid), requireSecret(ENV_AUTH_TOKEN, authToken), "", "");
    }

    /**
     * Account SID and an API key; requests authenticate as the key. Add the Auth Token with
     * {@link #withAuthToken(String)} if the same credentials must also verify webhooks.
     *
     * @throws InvalidInputException naming the field if any is missing or malformed
     */
    public static TwilioCredentials ofApiKey(String accountSid, String apiKeySid, String apiKeySecret) {
        String sid = InvalidInputException.requireText(ENV_API_KEY_SID, apiKeySid);
        if (!API_KEY_SID.matcher(sid).matches()) {
            throw new InvalidInputException(ENV_API_KEY_SID, "must be SK followed by 32 hex digits");
        }
        return new TwilioCredentials(checkAccountSid(accountSid), "", sid, requireSecret(ENV_API_KEY_SECRET, apiKeySecret));
    }

    /**
     * Reads {@code TWILIO_ACCOUNT_SID} and either {@code TWILIO_API_KEY_SID} +
     * {@code TWILIO_API_KEY_SECRET} (preferred for REST calls when both are set) or
     * {@code TWILIO_AUTH_TOKEN}; the Auth Token is kept too when present, for webhook checks.
     *
     * @param env the environment, e.g. {@code System.getenv()}; tests pass a plain map
     * @throws InvalidInputException naming the variable that is missing or malformed
     */
    public static TwilioCredentials fromEnvironment(Map<String, String> env) {
        Objects.requireNonNull(env, "env");
        String account = env.get(ENV_ACCOUNT_SID);
        String token = blankToEmpty(env.get(ENV_AUTH_TOKEN));
        String keySid = blankToEmpty(env.get(ENV_API_KEY_SID));
        String keySecret = blankToEmpty(env.get(ENV_API_KEY_SECRET));
        if (!keySid.isEmpty() || !keySecret.isEmpty()) {
            TwilioCredentials key = ofApiKey(account, keySid, keySecret);
            return token.isEmpty() ? key : key.withAuthToken(token);
        }
        if (token.isEmpty()) {
            checkAccountSid(account);
            throw new InvalidInputException(ENV_AUTH_TOKEN,
                    "is not set (set it, or " + ENV_API_KEY_SID + " and " + ENV_API_KEY_SECRET + ")");
        }
        return ofAuthToken(account, token);
    }

    /** The same credentials with the Auth Token added (for webhook verification). */
    public TwilioCredentials withAuthToken(String token) {
        return new TwilioCredentials(accountSid, requireSecret(ENV_AUTH_TOKEN, token), apiKeySid, apiKeySecret);
    }

    /** The Account SID ({@code AC...}). */
    public String accountSid() {
        return accountSid;
    }

    /** The Auth Token, if these credentials have one. */
    public Optional<String> authToken() {
        return authToken.isEmpty() ? Optional.empty() : Optional.of(authToken);
    }

    /** True if REST requests authenticate with an API key rather than the Auth Token. */
    public boolean usesApiKey() {
        return !apiKeySid.isEmpty();
    }

    /** The user name for HTTP Basic authentication: the API key SID, or the Account SID. */
    String username() {
        return usesApiKey() ? apiKeySid : accountSid;
    }

    /** The password for HTTP Basic authentication: the API key secret, or the Auth Token. */
    String password() {
        return usesApiKey() ? apiKeySecret : authToken;
    }

    /** Shows the SIDs and hides every secret. */
    @Override
    public String toString() {
        return "TwilioCredentials[accountSid=" + accountSid
                + (usesApiKey() ? ", apiKeySid=" + apiKeySid + ", apiKeySecret=" + Masking.secret(apiKeySecret) : "")
                + ", authToken=" + Masking.secret(authToken) + "]";
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof TwilioCredentials c && c.accountSid.equals(accountSid) && c.authToken.equals(authToken)
                && c.apiKeySid.equals(apiKeySid) && c.apiKeySecret.equals(apiKeySecret);
    }

    @Override
    public int hashCode() {
        return Objects.hash(accountSid, apiKeySid);
    }

    private static String checkAccountSid(String accountSid) {
        String sid = InvalidInputException.requireText(ENV_ACCOUNT_SID, accountSid);
        if (!ACCOUNT_SID.matcher(sid).matches()) {
            throw new InvalidInputException(ENV_ACCOUNT_SID, "must be AC followed by 32 hex digits");
        }
        return sid;
    }

    private static String requireSecret(String field, String secret) {
        if (secret == null || secret.isBlank()) {
            throw new InvalidInputException(field, "is empty");
        }
        return secret.strip();
    }

    private static String blankToEmpty(String s) {
        return s == null || s.isBlank() ? "" : s.strip();
    }
}
