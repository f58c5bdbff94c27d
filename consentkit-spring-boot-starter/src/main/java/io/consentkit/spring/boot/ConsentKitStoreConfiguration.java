package io.consentkit.spring.boot;

import io.consentkit.config.ConfigKeys;
import io.consentkit.config.ConsentKitConfig;
import io.consentkit.consent.ConsentTracker;
import io.consentkit.jdbc.JdbcConsentStore;
import io.consentkit.journal.ConsentStore;
import io.consentkit.s3.S3ConsentStore;
import io.consentkit.store.CsvConsentStore;
import io.consentkit.store.InMemoryConsentStore;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

import javax.sql.DataSource;

/**
 * The {@link ConsentStore} that {@code consentkit.store.type} names, unless the app defines a store or
 * a tracker of its own. The tracker closes the store, so these beans have no destroy method.
 */
final class ConsentKitStoreConfiguration {
    private static final String TYPE = "consentkit.store.type";

    private ConsentKitStoreConfiguration() {
    }

    /** The embedded default: one CSV journal ({@code consentkit.store.csv.path}). */
    @Configuration(proxyBeanMethods = false)
    @ConditionalOnProperty(name = TYPE, havingValue = "csv", matchIfMissing = true)
    static class Csv {
        @Bean(destroyMethod = "")
        @ConditionalOnMissingBean({ConsentStore.class, ConsentTracker.class})
        ConsentStore consentStore(ConsentKitConfig config) {
            return CsvConsentStore.open(config.csvPath());
        }
    }

    /** Memory only: nothing survives a restart. */
    @Configuration(proxyBeanMethods = false)
    @ConditionalOnProperty(name = TYPE, havingValue = "memory")
    static class Memory {
        @Bean(destroyMethod = "")
        @ConditionalOnMissingBean({ConsentStore.class, ConsentTracker.class})
        ConsentStore consentStore() {
            return new InMemoryConsentStore();
        }
    }

    /**
     * S3 (consent-s3 on the classpath) with the app's {@code S3Client} bean, or the SDK's default
     * client (region and credentials from the SDK's default chains). The one place outside consent-s3
     * that names an AWS type: Spring wiring needs the client's type to find the app's bean.
     */
    @Configuration(proxyBeanMethods = false)
    @ConditionalOnClass(name = {"io.consentkit.s3.S3ConsentStore", "software.amazon.awssdk.services.s3.S3Client"})
    @ConditionalOnProperty(name = TYPE, havingValue = "s3")
    static class S3 {
        @Bean(destroyMethod = "")
        @ConditionalOnMissingBean({ConsentStore.class, ConsentTracker.class})
        ConsentStore consentStore(ConsentKitConfig config,
                                  ObjectProvider<software.amazon.awssdk.services.s3.S3Client> client) {
            return S3ConsentStore.builder(client.getIfAvailable(software.amazon.awssdk.services.s3.S3Client::create))
                    .bucket(config.value(ConfigKeys.STORE_S3_BUCKET))
                    .prefix(config.value(ConfigKeys.STORE_S3_PREFIX))
                    .visibilityBound(config.duration(ConfigKeys.STORE_S3_VISIBILITY_BOUND)).build();
        }
    }

    /** PostgreSQL (consent-jdbc on the classpath) over the app's {@link DataSource}. */
    @Configuration(proxyBeanMethods = false)
    @ConditionalOnClass(name = "io.consentkit.jdbc.JdbcConsentStore")
    @ConditionalOnProperty(name = TYPE, havingValue = "jdbc")
    static class Jdbc {
        @Bean(destroyMethod = "")
        @ConditionalOnBean(DataSource.class)
        @ConditionalOnMissingBean({ConsentStore.class, ConsentTracker.class})
        ConsentStore consentStore(ConsentKitConfig config, DataSource dataSource) {
            return JdbcConsentStore.builder(dataSource)
                    .tablePrefix(config.value(ConfigKeys.STORE_JDBC_TABLE_PREFIX))
                    .createSchema(config.flag(ConfigKeys.STORE_JDBC_CREATE_SCHEMA))
                    .visibilityBound(config.duration(ConfigKeys.STORE_JDBC_VISIBILITY_BOUND)).build();
        }
    }
}
