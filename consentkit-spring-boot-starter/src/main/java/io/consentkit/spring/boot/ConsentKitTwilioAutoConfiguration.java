package io.consentkit.spring.boot;

import io.consentkit.config.ConfigKeys;
import io.consentkit.config.ConsentKitConfig;
import io.consentkit.consent.ConsentTracker;
import io.consentkit.send.GuardedSender;
import io.consentkit.send.SendListener;
import io.consentkit.send.SendLog;
import io.consentkit.send.SmsGateway;
import io.consentkit.twilio.PublicUrl;
import io.consentkit.twilio.TwilioCredentials;
import io.consentkit.twilio.TwilioSmsGateway;
import io.consentkit.twilio.TwilioWebhooks;
import io.consentkit.twilio.WebhookVerifier;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Conditional;
import org.springframework.context.annotation.Configuration;
import org.springframework.context.annotation.Import;

import java.net.URI;

/**
 * Sending and webhook handling: the Twilio gateway when the Account SID and Auth Token are set, the
 * {@link GuardedSender} over any {@link SmsGateway} bean (Twilio's or the app's own, e.g. a fake in
 * tests), and signature verification with the webhook handlers when the Auth Token is set.
 */
@AutoConfiguration(after = ConsentKitAutoConfiguration.class)
@Import({ConsentKitTwilioAutoConfiguration.Gateway.class, ConsentKitTwilioAutoConfiguration.Webhooks.class})
public class ConsentKitTwilioAutoConfiguration {

    /**
     * The guarded sender, when there is a gateway (Twilio's, or the app's own {@link SmsGateway} bean); it records
     * its decisions in the app's {@link SendLog} bean when there is one (wrapped for the console's counters when
     * the console is mounted).
     */
    @Bean
    @ConditionalOnMissingBean
    @ConditionalOnBean({SmsGateway.class, ConsentTracker.class})
    public GuardedSender guardedSender(ConsentTracker tracker, SmsGateway gateway, ConsentKitConfig config,
                                       ObjectProvider<SendListener> listeners, ObjectProvider<SendLog> sendLog,
                                       ObjectProvider<SendLogWrapper> wrappers) {
        GuardedSender.Builder b = config.applyTo(GuardedSender.builder(tracker, gateway))
                .listener(Listeners.send(listeners.orderedStream().toList()));
        SendLog log = sendLog.getIfUnique();
        if (log != null) {
            for (SendLogWrapper w : wrappers.orderedStream().toList()) {
                log = w.wrap(log);
            }
            b.sendLog(log);
        }
        return b.build();
    }

    /** The Twilio REST gateway, when the Account SID and Auth Token are set. */
    @Configuration(proxyBeanMethods = false)
    @Conditional(OnTwilioCondition.Account.class)
    static class Gateway {
        @Bean(destroyMethod = "close")
        @ConditionalOnMissingBean(SmsGateway.class)
        TwilioSmsGateway twilioSmsGateway(ConsentKitConfig config) {
            TwilioSmsGateway.Builder b = TwilioSmsGateway.builder().credentials(TwilioCredentials.ofAuthToken(
                    config.value(ConfigKeys.TWILIO_ACCOUNT_SID), config.twilioAuthToken().orElseThrow()));
            config.text(ConfigKeys.TWILIO_FROM).ifPresent(b::from);
            config.text(ConfigKeys.TWILIO_MESSAGING_SERVICE_SID).ifPresent(b::messagingServiceSid);
            config.text(ConfigKeys.TWILIO_PUBLIC_URL).ifPresent(base -> b.statusCallback(URI.create(
                    ConsentKitAutoConfiguration.stripSlash(base) + ConsentKitWebhooksConfiguration.path(config) + "/status")));
            return b.build();
        }
    }

    /** Signature verification and the webhook handlers, when the Auth Token is set. */
    @Configuration(proxyBeanMethods = false)
    @Conditional(OnTwilioCondition.Token.class)
    static class Webhooks {
        @Bean
        @ConditionalOnMissingBean
        WebhookVerifier webhookVerifier(ConsentKitConfig config) {
            WebhookVerifier.Builder b = WebhookVerifier.builder(config.twilioAuthToken().orElseThrow());
            config.text(ConfigKeys.TWILIO_PUBLIC_URL).ifPresent(u -> b.publicUrl(PublicUrl.base(URI.create(u))));
            return b.build();
        }

        @Bean
        @ConditionalOnMissingBean
        @ConditionalOnBean(ConsentTracker.class)
        TwilioWebhooks twilioWebhooks(WebhookVerifier verifier, ConsentTracker tracker,
                                      ObjectProvider<GuardedSender> sender) {
            TwilioWebhooks.Builder b = TwilioWebhooks.builder(verifier, tracker);
            sender.ifAvailable(b::statusUpdates);
            return b.build();
        }
    }

}
