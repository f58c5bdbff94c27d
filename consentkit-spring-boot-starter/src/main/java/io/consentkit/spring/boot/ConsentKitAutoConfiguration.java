package io.consentkit.spring.boot;

import io.consentkit.config.ConsentKitConfig;
import io.consentkit.consent.ConsentListener;
import io.consentkit.consent.ConsentTracker;
import io.consentkit.journal.ConsentStore;
import io.micrometer.core.instrument.MeterRegistry;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.context.annotation.Import;


/**
 * ConsentKit on Spring Boot: the {@link ConsentKitConfig} bound from {@code consentkit.*}, the
 * {@link ConsentStore} it names (csv by default; memory; s3 and jdbc when their modules are on the
 * classpath), the {@link ConsentTracker} and the metrics; then {@link ConsentKitTwilioAutoConfiguration}
 * (gateway, guarded sender, webhook handlers) and {@link ConsentKitWebhooksConfiguration} (servlets,
 * health). Every bean backs off when the application defines its own.
 */
@AutoConfiguration(afterName = {
    "org.springframework.boot.jdbc.autoconfigure.DataSourceAutoConfiguration",
    "org.springframework.boot.micrometer.metrics.autoconfigure.MetricsAutoConfiguration",
    "org.springframework.boot.micrometer.metrics.autoconfigure.CompositeMeterRegistryAutoConfiguration",
    "org.springframework.boot.micrometer.metrics.autoconfigure.export.simple.SimpleMetricsExportAutoConfiguration"})
@EnableConfigurationProperties(ConsentKitProperties.class)
@Import({ConsentKitStoreConfiguration.Csv.class, ConsentKitStoreConfiguration.Memory.class,
    ConsentKitStoreConfiguration.S3.class, ConsentKitStoreConfiguration.Jdbc.class,
    ConsentKitAutoConfiguration.Metrics.class})
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

    static String stripSlash(String s) {
        return s.endsWith("/") ? s.substring(0, s.length() - 1) : s;
    }
}
