package io.consentkit.spring.boot;

import io.consentkit.config.ConfigKeys;
import io.consentkit.config.ConsentKitConfig;
import io.consentkit.twilio.TwilioWebhooks;
import io.consentkit.twilio.WebhookHandler;
import io.consentkit.twilio.WebhookServlet;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.boot.autoconfigure.condition.ConditionalOnWebApplication;
import org.springframework.boot.web.servlet.ServletRegistrationBean;
import org.springframework.context.annotation.Bean;
import org.springframework.boot.autoconfigure.AutoConfiguration;

/**
 * Mounts the three Twilio webhooks in the app's servlet container through consent-twilio's
 * {@link WebhookServlet} (async body reads, size limit, signature checked by {@link TwilioWebhooks}):
 * {@code <consentkit.webhooks.path>/inbound}, {@code /status} and {@code /debugger}, default under
 * {@code /twilio}. Each is counted in {@link ConsentKitMetrics#WEBHOOK_REQUESTS} when metrics are on.
 */
@AutoConfiguration(after = ConsentKitTwilioAutoConfiguration.class)
@ConditionalOnWebApplication(type = ConditionalOnWebApplication.Type.SERVLET)
@ConditionalOnClass(name = {"jakarta.servlet.Servlet", "org.springframework.boot.web.servlet.ServletRegistrationBean"})
@ConditionalOnProperty(name = "consentkit.webhooks.enabled", havingValue = "true", matchIfMissing = true)
public class ConsentKitWebhooksConfiguration {

    static String path(ConsentKitConfig config) {
        String p = ConsentKitAutoConfiguration.stripSlash(config.value(ConfigKeys.WEBHOOKS_PATH).strip());
        return p.startsWith("/") ? p : "/" + p;
    }

    @Bean
    @ConditionalOnBean(TwilioWebhooks.class)
    @ConditionalOnMissingBean(name = "consentKitInboundWebhook")
    ServletRegistrationBean<WebhookServlet> consentKitInboundWebhook(TwilioWebhooks webhooks, ConsentKitConfig config,
                                                                     ObjectProvider<ConsentKitMetrics> metrics) {
        return register("inbound", webhooks::inbound, config, metrics);
    }

    @Bean
    @ConditionalOnBean(TwilioWebhooks.class)
    @ConditionalOnMissingBean(name = "consentKitStatusWebhook")
    ServletRegistrationBean<WebhookServlet> consentKitStatusWebhook(TwilioWebhooks webhooks, ConsentKitConfig config,
                                                                    ObjectProvider<ConsentKitMetrics> metrics) {
        return register("status", webhooks::status, config, metrics);
    }

    @Bean
    @ConditionalOnBean(TwilioWebhooks.class)
    @ConditionalOnMissingBean(name = "consentKitDebuggerWebhook")
    ServletRegistrationBean<WebhookServlet> consentKitDebuggerWebhook(TwilioWebhooks webhooks, ConsentKitConfig config,
                                                                      ObjectProvider<ConsentKitMetrics> metrics) {
        return register("debugger", webhooks::debugger, config, metrics);
    }

    private static ServletRegistrationBean<WebhookServlet> register(String route, WebhookHandler handler,
                                                                    ConsentKitConfig config,
                                                                    ObjectProvider<ConsentKitMetrics> metrics) {
        ConsentKitMetrics m = metrics.getIfAvailable();
        WebhookHandler h = m == null ? handler : m.counted(route, handler);
        ServletRegistrationBean<WebhookServlet> r = new ServletRegistrationBean<>(new WebhookServlet(h),
                path(config) + "/" + route);
        r.setName("consentkit-" + route);
        r.setAsyncSupported(true);
        return r;
    }
}
