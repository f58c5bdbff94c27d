package io.consentkit.spring.boot;

import io.consentkit.send.SmsGateway;
import io.consentkit.testkit.FakeSmsGateway;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.test.context.FilteredClassLoader;
import org.springframework.boot.test.context.runner.WebApplicationContextRunner;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.boot.web.servlet.ServletRegistrationBean;
import org.springframework.security.web.csrf.CsrfToken;

import static org.assertj.core.api.Assertions.assertThat;

/** When the starter mounts the console and the front desk: asked for, and only behind Spring Security. */
@ExtendWith(OutputCaptureExtension.class)
class ConsoleConditionsTest {
    private WebApplicationContextRunner runner() {
        return new WebApplicationContextRunner()
                .withConfiguration(AutoConfigurations.of(ConsentKitAutoConfiguration.class,
                        ConsentKitTwilioAutoConfiguration.class, ConsentKitConsoleConfiguration.class))
                .withBean(SmsGateway.class, FakeSmsGateway::create)
                .withPropertyValues("consentkit.store.type=memory");
    }

    @Test
    void notAskedForNotMounted() {
        runner().run(ctx -> assertThat(ctx).doesNotHaveBean("consentKitConsole").doesNotHaveBean("consentKitFrontDesk")
                .doesNotHaveBean("consentKitConsoleStats"));
    }

    @Test
    void enabledMountsTheConsoleAndTheFrontDesk() {
        runner().withPropertyValues("consentkit.console.enabled=true").run(ctx -> {
            assertThat(ctx.getBean("consentKitConsole", ServletRegistrationBean.class).getUrlMappings())
                    .containsExactly("/console/*");
            assertThat(ctx.getBean("consentKitFrontDesk", ServletRegistrationBean.class).getUrlMappings())
                    .containsExactly("/frontdesk");
            assertThat(ctx.getBean("consentKitOperatorAccess")).isInstanceOf(SpringSecurityOperatorAccess.class);
        });
    }

    @Test
    void withoutSpringSecurityNothingIsMountedAndTheLogSaysWhy(CapturedOutput output) {
        runner().withPropertyValues("consentkit.console.enabled=true")
                .withClassLoader(new FilteredClassLoader(CsrfToken.class))
                .run(ctx -> {
                    assertThat(ctx).hasNotFailed().doesNotHaveBean("consentKitConsole").doesNotHaveBean("consentKitFrontDesk");
                    assertThat(ctx).hasBean("consentKitConsoleNotMounted");
                });
        assertThat(output).contains("Spring Security is not on the class path: the operator console and the front desk "
                + "are not mounted");
    }
}
