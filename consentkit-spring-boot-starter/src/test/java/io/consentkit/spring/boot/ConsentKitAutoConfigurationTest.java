package io.consentkit.spring.boot;

import io.consentkit.config.ConfigKey;
import io.consentkit.config.ConfigKeys;
import io.consentkit.consent.ConsentTracker;
import io.consentkit.journal.ConsentStore;
import io.consentkit.send.GuardedSender;
import io.consentkit.send.SmsGateway;
import io.consentkit.store.CsvConsentStore;
import io.consentkit.store.InMemoryConsentStore;
import io.consentkit.testkit.FakeSmsGateway;
import io.consentkit.twilio.TwilioSmsGateway;
import io.consentkit.twilio.TwilioWebhooks;
import io.consentkit.twilio.WebhookVerifier;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.health.contributor.Health;
import org.springframework.boot.health.contributor.Status;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.boot.test.context.runner.WebApplicationContextRunner;
import org.springframework.boot.web.servlet.ServletRegistrationBean;

import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;

/** One context per auto-configuration condition. */
class ConsentKitAutoConfigurationTest {
    private static final String TOKEN = "12345678901234567890123456789012";
    private static final String SID = "AC" + "0123456789abcdef".repeat(2);

    @TempDir
    Path dir;

    private ApplicationContextRunner runner() {
        return new ApplicationContextRunner()
                .withConfiguration(AutoConfigurations.of(ConsentKitAutoConfiguration.class, ConsentKitTwilioAutoConfiguration.class,
                        ConsentKitWebhooksConfiguration.class, ConsentKitHealthAutoConfiguration.class))
                .withPropertyValues("consentkit.store.csv.path=" + dir.resolve("consents.csv"));
    }

    @Test
    void csvIsTheDefaultStoreAndTheBrandComesFromTheProperties() {
        runner().withPropertyValues("consentkit.brand=Chore Chart").run(ctx -> {
            assertThat(ctx).hasSingleBean(ConsentTracker.class);
            assertThat(ctx.getBean(ConsentStore.class)).isInstanceOf(CsvConsentStore.class);
            assertThat(ctx.getBean(ConsentTracker.class).texts().brand()).isEqualTo("Chore Chart");
        });
    }

    @Test
    void theStoreTypeSwitchesTheStore() {
        runner().withPropertyValues("consentkit.store.type=memory").run(ctx ->
                assertThat(ctx.getBean(ConsentStore.class)).isInstanceOf(InMemoryConsentStore.class));
    }

    @Test
    void aBadValueFailsTheStartNamingTheKey() {
        runner().withPropertyValues("consentkit.sender.quiet-hours.window=late").run(ctx -> {
            assertThat(ctx).hasFailed();
            assertThat(ctx.getStartupFailure()).rootCause().hasMessageContaining("consentkit.sender.quiet-hours.window");
        });
    }

    @Test
    void withoutCredentialsThereIsNoGatewayNoSenderAndNoWebhooks() {
        runner().run(ctx -> {
            assertThat(ctx).doesNotHaveBean(SmsGateway.class);
            assertThat(ctx).doesNotHaveBean(GuardedSender.class);
            assertThat(ctx).doesNotHaveBean(WebhookVerifier.class);
            assertThat(ctx).doesNotHaveBean(TwilioWebhooks.class);
        });
    }

    @Test
    void credentialsBringTheTwilioGatewayAndTheGuardedSender() {
        runner().withPropertyValues("consentkit.twilio.account-sid=" + SID, "consentkit.twilio.auth-token=" + TOKEN,
                "consentkit.twilio.from=+15125550199").run(ctx -> {
                    assertThat(ctx).hasSingleBean(TwilioSmsGateway.class);
                    assertThat(ctx).hasSingleBean(GuardedSender.class);
                    assertThat(ctx).hasSingleBean(TwilioWebhooks.class);
                    assertThat(ctx.getBean(TwilioSmsGateway.class).toString()).doesNotContain(TOKEN);
                });
    }

    @Test
    void aUserBeanReplacesOurs() {
        FakeSmsGateway fake = FakeSmsGateway.create();
        runner().withPropertyValues("consentkit.twilio.account-sid=" + SID, "consentkit.twilio.auth-token=" + TOKEN,
                "consentkit.twilio.from=+15125550199")
                .withBean(SmsGateway.class, () -> fake)
                .withBean(ConsentStore.class, InMemoryConsentStore::new)
                .run(ctx -> {
                    assertThat(ctx).doesNotHaveBean(TwilioSmsGateway.class);
                    assertThat(ctx.getBean(SmsGateway.class)).isSameAs(fake);
                    assertThat(ctx.getBean(ConsentStore.class)).isInstanceOf(InMemoryConsentStore.class);
                    assertThat(ctx).hasSingleBean(GuardedSender.class);
                });
    }

    @Test
    void anAppTrackerMeansWeOpenNoStore() {
        runner().withBean(ConsentTracker.class, () -> ConsentTracker.builder(new InMemoryConsentStore()).build())
                .run(ctx -> {
                    assertThat(ctx).doesNotHaveBean(ConsentStore.class);
                    assertThat(ctx).hasSingleBean(ConsentTracker.class);
                });
    }

    @Test
    void theWebhooksAreMountedInAServletAppWhenTheAuthTokenIsSet() {
        new WebApplicationContextRunner()
                .withConfiguration(AutoConfigurations.of(ConsentKitAutoConfiguration.class, ConsentKitTwilioAutoConfiguration.class,
                        ConsentKitWebhooksConfiguration.class, ConsentKitHealthAutoConfiguration.class))
                .withPropertyValues("consentkit.store.type=memory", "consentkit.twilio.auth-token=" + TOKEN,
                        "consentkit.webhooks.path=/hooks/")
                .run(ctx -> assertThat(ctx.getBeansOfType(ServletRegistrationBean.class).values())
                        .flatExtracting(ServletRegistrationBean::getUrlMappings)
                        .containsExactlyInAnyOrder("/hooks/inbound", "/hooks/status", "/hooks/debugger"));
        new WebApplicationContextRunner()
                .withConfiguration(AutoConfigurations.of(ConsentKitAutoConfiguration.class, ConsentKitTwilioAutoConfiguration.class,
                        ConsentKitWebhooksConfiguration.class, ConsentKitHealthAutoConfiguration.class))
                .withPropertyValues("consentkit.store.type=memory", "consentkit.twilio.auth-token=" + TOKEN,
                        "consentkit.webhooks.enabled=false")
                .run(ctx -> assertThat(ctx).doesNotHaveBean(ServletRegistrationBean.class));
    }

    @Test
    void metricsAndHealthWhenARegistryIsThere() {
        runner().withBean(MeterRegistry.class, SimpleMeterRegistry::new).run(ctx -> {
            ConsentTracker tracker = ctx.getBean(ConsentTracker.class);
            tracker.recordWebFormConsent("+15125550100", "", "", "", "", "");
            tracker.revoke("+15125550100", ConsentTracker.REVOKED_BY_KEYWORD, "");
            MeterRegistry registry = ctx.getBean(MeterRegistry.class);
            assertThat(registry.get(ConsentKitMetrics.OPT_INS).tag("method", "web_form").counter().count()).isEqualTo(1);
            assertThat(registry.get(ConsentKitMetrics.OPT_OUTS).tag("method", "stop_keyword").counter().count()).isEqualTo(1);
            assertThat(registry.get(ConsentKitMetrics.STORE_APPEND).timer().count()).isEqualTo(2);
            Health health = ctx.getBean(ConsentKitHealthIndicator.class).health(true);
            assertThat(health.getStatus()).isEqualTo(Status.UP);
            assertThat(health.getDetails()).containsEntry("store", "csv").containsEntry("gatewayConfigured", false);
        });
    }

    @Test
    void noTagValueIsAPhoneNumber() {
        runner().withBean(MeterRegistry.class, SimpleMeterRegistry::new).run(ctx -> {
            ctx.getBean(ConsentTracker.class).recordWebFormConsent("+15125550100", "c1", "Ann", "a@example.com", "", "");
            ctx.getBean(MeterRegistry.class).getMeters().forEach(m -> m.getId().getTags()
                    .forEach(t -> assertThat(t.getValue()).doesNotContain("5125550100").doesNotContain("Ann")));
        });
    }

    @Test
    void everyKeyOfTheVocabularyIsAPropertyAndTheDefaultsAgree() {
        ConsentKitProperties defaults = new ConsentKitProperties();
        assertThat(defaults.toKeys().keySet()).containsExactlyElementsOf(ConfigKeys.ALL.stream().map(ConfigKey::name).toList());
        for (ConfigKey k : ConfigKeys.ALL) {
            assertThat(k.check(defaults.toKeys().get(k.name()), "properties")).as(k.name())
                    .isEqualTo(k.check(k.defaultValue(), "table"));
        }
    }
}
