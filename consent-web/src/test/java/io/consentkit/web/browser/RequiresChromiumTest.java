package io.consentkit.web.browser;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ConditionEvaluationResult;

import static org.assertj.core.api.Assertions.assertThat;

/** Where Chromium or its driver is missing, the browser tests skip and say how to enable them. */
class RequiresChromiumTest {
    @Test
    void aMissingBinaryDisablesWithTheInstallCommand() {
        ConditionEvaluationResult r = RequiresChromium.Condition.evaluate("/bin/sh", "/nonexistent/chromedriver");
        assertThat(r.isDisabled()).isTrue();
        assertThat(r.getReason()).hasValueSatisfying(reason -> assertThat(reason).contains("/nonexistent/chromedriver",
                "install Debian's chromium and chromium-driver (apt-get install chromium chromium-driver) to run the "
                        + "browser tests"));
        assertThat(RequiresChromium.Condition.evaluate("/bin/sh").isDisabled()).isFalse();
    }
}
