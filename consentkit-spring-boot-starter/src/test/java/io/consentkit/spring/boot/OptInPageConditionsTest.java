package io.consentkit.spring.boot;

import io.consentkit.InvalidInputException;
import io.consentkit.send.SmsGateway;
import io.consentkit.testkit.FakeSmsGateway;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.test.context.runner.WebApplicationContextRunner;
import org.springframework.boot.web.servlet.ServletRegistrationBean;

import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;

/** When the starter mounts the opt-in page, and that it refuses a page without its links. */
class OptInPageConditionsTest {
    @TempDir
    Path dir;

    private WebApplicationContextRunner runner() {
        return new WebApplicationContextRunner()
                .withConfiguration(AutoConfigurations.of(ConsentKitAutoConfiguration.class,
                        ConsentKitTwilioAutoConfiguration.class, ConsentKitOptInConfiguration.class))
                .withBean(SmsGateway.class, FakeSmsGateway::create)
                .withPropertyValues("consentkit.store.type=memory", "consentkit.optin.snapshot-dir=" + dir);
    }

    @Test
    void noPathNoPage() {
        runner().run(ctx -> assertThat(ctx).doesNotHaveBean("consentKitOptInPage"));
    }

    @Test
    void aPathMountsThePageThere() {
        runner().withPropertyValues("consentkit.optin.path=/join", "consentkit.optin.terms-url=https://b.example/terms",
                        "consentkit.optin.privacy-url=https://b.example/privacy")
                .run(ctx -> assertThat(ctx.getBean("consentKitOptInPage", ServletRegistrationBean.class).getUrlMappings())
                        .containsExactly("/join"));
    }

    @Test
    void aPageWithoutItsPrivacyLinkDoesNotStart() {
        runner().withPropertyValues("consentkit.optin.path=/join", "consentkit.optin.terms-url=https://b.example/terms")
                .run(ctx -> assertThat(ctx).hasFailed().getFailure().rootCause()
                        .isInstanceOf(InvalidInputException.class).hasMessageContaining("privacyUrl"));
    }
}
