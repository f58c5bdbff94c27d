package io.consentkit.spring.boot;

import io.consentkit.config.ConfigKeys;
import io.consentkit.config.ConsentKitConfig;
import io.consentkit.consent.ConsentListener;
import io.consentkit.consent.ConsentTracker;
import io.consentkit.journal.ConsentStore;
import io.consentkit.send.GuardedSender;
import io.consentkit.send.SendListener;
import io.consentkit.send.SmsGateway;
import io.consentkit.store.CsvConsentStore;
import io.consentkit.store.InMemoryConsentStore;
import io.consentkit.twilio.PublicUrl;
import io.consentkit.twilio.TwilioCredentials;
import io.consentkit.twilio.TwilioSmsGateway;
import io.consentkit.twilio.TwilioWebhooks;
import io.consentkit.twilio.WebhookVerifier;
import io.micrometer.core.instrument.MeterRegistry;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Conditional;
import org.springframework.context.annotation.Configuration;
import org.springframework.context.annotation.Import;

import java.net.URI;

/**
 * ConsentKit on Spring Boot: the {@link ConsentKitConfig} bound from {@code consentkit.*}, the
 * {@link ConsentStore} it names (csv by default; memory; s3 and jdbc when their modules are on the
 * classpath), the {@link ConsentTracker}, the Twilio gateway and the {@link GuardedSender} when
 * credentials are set, and the webhook endpoints ({@link ConsentKitWebhooksConfiguration}), health and
 * metrics. Every bean backs off when the application defines its own.
 */
@AutoConfiguration(afterName = {
    "org.springframework.boot.jdbc.autoconfigure.DataSourceAutoConfiguration",
    "org.springframework.boot.micrometer.metrics.autoconfigure.MetricsAutoConfiguration",
    "org.springframework.boot.micrometer.metrics.autoconfigure.CompositeMeterRegistryAutoConfiguration",
    "org.springframework.boot.micrometer.metrics.autoconfigure.export.simple.SimpleMetricsExportAutoConfiguration"})
@EnableConfigurationProperties(ConsentKitProperties.class)
@Import({ConsentKitStoreConfiguration.Csv.class, ConsentKitStoreConfiguration.Memory.class,
    ConsentKitStoreConfiguration.S3.class, ConsentKitStoreConfiguration.Jdbc.class,
    ConsentKitAutoConfiguration.Metrics.class, ConsentKitAutoConfiguration.Gateway.class,
    ConsentKitAutoConfiguration.Sending.class, ConsentKitAutoConfiguration.Webhooks.class,
    ConsentKitWebhooksConfiguration.class, ConsentKitAutoConfiguration.HealthIndicator.class})
public class ConsentKitAutoConfiguration {

    /** The one configuration, checked by consent-core (bad values fail the start, naming the key). */
    @Bean
    @ConditionalOnMissingBean
    public ConsentKitConfig consentKitConfig(ConsentKitProperties properties) {
        return ConsentKitConfig.loader().resolvedValues(properties.toKeys(), "Spring environment").load();
    }

    /** The tracker over the store, with the brand, region and every {@link ConsentListener} bean. */
    @Bean(destroyMethod = "close")
    @ConditionalOnMissingBean
    @ConditionalOnBean(ConsentStore.class)
    public ConsentTracker consentTracker(ConsentStore store, ConsentKitConfig config,
                                         ObjectProvider<ConsentListener> listeners) {
        return config.applyTo(ConsentTracker.builder(store))
                .listener(Listeners.consent(listeners.orderedStream().toList())).build();
    }

    /** Meters in the app's registry (Micrometer on the classpath and a registry bean). */
    @Configuration(proxyBeanMethods = false)
    @ConditionalOnClass(MeterRegistry.class)
    @ConditionalOnBean(MeterRegistry.class)
    static class Metrics {
        @Bean
        @ConditionalOnMissingBean
        ConsentKitMetrics consentKitMetrics(MeterRegistry registry, ObjectProvider<ConsentStore> store) {
            ConsentStore s = store.getIfAvailable();
            return new ConsentKitMetrics(registry, s == null ? "application" : s.capabilities().name());
        }
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
                    stripSlash(base) + ConsentKitWebhooksConfiguration.path(config) + "/status")));
            return b.build();
        }
    }

    /** The guarded sender, when there is a gateway (Twilio's, or the app's own {@link SmsGateway} bean). */
    @Configuration(proxyBeanMethods = false)
    static class Sending {
        @Bean
        @ConditionalOnMissingBean
        @ConditionalOnBean({SmsGateway.class, ConsentTracker.class})
        GuardedSender guardedSender(ConsentTracker tracker, SmsGateway gateway, ConsentKitConfig config,
                                    ObjectProvider<SendListener> listeners) {
            return config.applyTo(GuardedSender.builder(tracker, gateway))
                    .listener(Listeners.send(listeners.orderedStream().toList())).build();
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

    /** Actuator's health indicator, shown as {@code consentKit}. */
    @Configuration(proxyBeanMethods = false)
    @ConditionalOnClass(name = "org.springframework.boot.health.contributor.AbstractHealthIndicator")
    static class HealthIndicator {
        @Bean
        @ConditionalOnMissingBean(name = "consentKitHealthIndicator")
        @ConditionalOnBean(ConsentTracker.class)
        ConsentKitHealthIndicator consentKitHealthIndicator(ConsentTracker tracker, ObjectProvider<ConsentStore> store,
                                                            ConsentKitConfig config, ObjectProvider<SmsGateway> gateway) {
            return new ConsentKitHealthIndicator(tracker, store.getIfAvailable(), config, gateway.getIfAvailable());
        }
    }

    static String stripSlash(String s) {
        return s.endsWith("/") ? s.substring(0, s.length() - 1) : s;
    }
}
