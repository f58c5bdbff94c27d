package io.consentkit.spring.boot;

import io.consentkit.config.ConfigKeys;
import io.consentkit.config.ConsentKitConfig;
import io.consentkit.consent.ConsentTracker;
import io.consentkit.inbound.Confirmations;
import io.consentkit.send.GuardedSender;
import io.consentkit.web.HtmlSnapshots;
import io.consentkit.web.optin.OptInPage;
import io.consentkit.web.optin.OptInPageSettings;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.boot.autoconfigure.condition.ConditionalOnWebApplication;
import org.springframework.boot.web.servlet.ServletRegistrationBean;
import org.springframework.context.annotation.Bean;

import java.nio.file.Path;

/**
 * Mounts consent-web's public opt-in page ({@link OptInPage}) in the app's servlet container at
 * {@code consentkit.optin.path}, when consent-web is on the class path and there is a {@link GuardedSender} to send
 * its confirmation texts: the settings come from {@code consentkit.optin.*} and {@code consentkit.brand}, the
 * program is the tracker's default, the page snapshots go to {@code consentkit.optin.snapshot-dir}. The Y answers
 * arrive on the inbound webhook, whose handler resolves them from the journal. The page is public and keeps no
 * session; pages behind a login are not mounted by the starter.
 */
@AutoConfiguration(after = ConsentKitTwilioAutoConfiguration.class)
@ConditionalOnWebApplication(type = ConditionalOnWebApplication.Type.SERVLET)
@ConditionalOnClass(name = {"io.consentkit.web.optin.OptInPage", "org.springframework.boot.web.servlet.ServletRegistrationBean"})
@ConditionalOnProperty(name = "consentkit.optin.path")
public class ConsentKitOptInConfiguration {

    /** The Y/N flow the page asks through (closed with the context). */
    @Bean(destroyMethod = "close")
    @ConditionalOnBean({ConsentTracker.class, GuardedSender.class})
    @ConditionalOnMissingBean(name = "consentKitOptInConfirmations")
    Confirmations consentKitOptInConfirmations(ConsentTracker tracker, GuardedSender sender) {
        return Confirmations.builder(tracker).sender(sender).build();
    }

    @Bean
    @ConditionalOnBean(name = "consentKitOptInConfirmations")
    @ConditionalOnMissingBean(name = "consentKitOptInPage")
    ServletRegistrationBean<OptInPage> consentKitOptInPage(ConsentTracker tracker, ConsentKitConfig config,
                                                           Confirmations consentKitOptInConfirmations) {
        OptInPageSettings.Builder b = OptInPageSettings.builder(tracker.texts().brand(), tracker.programs().defaultProgram())
                .frequency(config.value(ConfigKeys.OPTIN_FREQUENCY));
        config.text(ConfigKeys.OPTIN_LABEL).ifPresent(b::programLabel);
        config.text(ConfigKeys.OPTIN_TERMS_URL).ifPresent(b::termsUrl);
        config.text(ConfigKeys.OPTIN_PRIVACY_URL).ifPresent(b::privacyUrl);
        OptInPage page = OptInPage.builder(b.build(), consentKitOptInConfirmations,
                HtmlSnapshots.open(Path.of(config.value(ConfigKeys.OPTIN_SNAPSHOT_DIR)))).build();
        String path = config.value(ConfigKeys.OPTIN_PATH).strip();
        ServletRegistrationBean<OptInPage> r = new ServletRegistrationBean<>(page, path.startsWith("/") ? path : "/" + path);
        r.setName("consentkit-optin");
        return r;
    }
}
