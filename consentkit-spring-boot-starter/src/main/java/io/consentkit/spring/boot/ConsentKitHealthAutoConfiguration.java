package io.consentkit.spring.boot;

import io.consentkit.config.ConsentKitConfig;
import io.consentkit.consent.ConsentTracker;
import io.consentkit.journal.ConsentStore;
import io.consentkit.send.SmsGateway;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.context.annotation.Bean;

/** Actuator's health indicator, shown as {@code consentKit} (spring-boot-health on the classpath). */
@AutoConfiguration(after = ConsentKitTwilioAutoConfiguration.class)
@ConditionalOnClass(name = "org.springframework.boot.health.contributor.AbstractHealthIndicator")
public class ConsentKitHealthAutoConfiguration {
    @Bean
    @ConditionalOnMissingBean(name = "consentKitHealthIndicator")
    @ConditionalOnBean(ConsentTracker.class)
    public ConsentKitHealthIndicator consentKitHealthIndicator(ConsentTracker tracker, ObjectProvider<ConsentStore> store,
                                                        ConsentKitConfig config, ObjectProvider<SmsGateway> gateway) {
        return new ConsentKitHealthIndicator(tracker, store.getIfAvailable(), config, gateway.getIfAvailable());
    }
}
