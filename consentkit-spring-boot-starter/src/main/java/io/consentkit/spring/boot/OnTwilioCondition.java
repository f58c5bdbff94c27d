package io.consentkit.spring.boot;

import io.consentkit.config.ConfigKeys;
import org.springframework.boot.autoconfigure.condition.ConditionOutcome;
import org.springframework.boot.autoconfigure.condition.SpringBootCondition;
import org.springframework.context.annotation.ConditionContext;
import org.springframework.core.env.Environment;
import org.springframework.core.type.AnnotatedTypeMetadata;

/**
 * Matches when the Twilio Auth Token is configured ({@code consentkit.twilio.auth-token} or
 * {@code consentkit.twilio.auth-token-file}), and for {@link Account} the Account SID too. Never puts
 * a value in its message.
 */
abstract class OnTwilioCondition extends SpringBootCondition {
    private final boolean needsAccount;

    OnTwilioCondition(boolean needsAccount) {
        this.needsAccount = needsAccount;
    }

    @Override
    public ConditionOutcome getMatchOutcome(ConditionContext context, AnnotatedTypeMetadata metadata) {
        Environment env = context.getEnvironment();
        boolean token = set(env, ConfigKeys.TWILIO_AUTH_TOKEN.name()) || set(env, ConfigKeys.TWILIO_AUTH_TOKEN_FILE.name());
        if (!token) {
            return ConditionOutcome.noMatch("no Twilio Auth Token (consentkit.twilio.auth-token or auth-token-file)");
        }
        if (needsAccount && !set(env, ConfigKeys.TWILIO_ACCOUNT_SID.name())) {
            return ConditionOutcome.noMatch("no Twilio Account SID (consentkit.twilio.account-sid)");
        }
        return ConditionOutcome.match("Twilio " + (needsAccount ? "credentials" : "Auth Token") + " configured");
    }

    private static boolean set(Environment env, String key) {
        String v = env.getProperty(key);
        return v != null && !v.isBlank();
    }

    /** Auth Token set: webhook verification. */
    static final class Token extends OnTwilioCondition {
        Token() {
            super(false);
        }
    }

    /** Account SID and Auth Token set: the REST gateway. */
    static final class Account extends OnTwilioCondition {
        Account() {
            super(true);
        }
    }
}
