package io.consentkit.web.browser;

import org.junit.jupiter.api.extension.ConditionEvaluationResult;
import org.junit.jupiter.api.extension.ExecutionCondition;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.extension.ExtensionContext;

import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;
import java.nio.file.Files;

/**
 * Runs a browser test class only where Debian's {@code chromium} and {@code chromium-driver} are installed
 * ({@link Chromium#BROWSER}, {@link Chromium#DRIVER}); elsewhere it is skipped with a message saying how to enable
 * it. Selenium Manager never downloads a browser or a driver.
 */
@Target(ElementType.TYPE)
@Retention(RetentionPolicy.RUNTIME)
@ExtendWith(RequiresChromium.Condition.class)
public @interface RequiresChromium {
    /** Skips when a binary is missing. */
    final class Condition implements ExecutionCondition {
        static final String HOW = "install Debian's chromium and chromium-driver (apt-get install chromium "
                + "chromium-driver) to run the browser tests";

        @Override
        public ConditionEvaluationResult evaluateExecutionCondition(ExtensionContext context) {
            return evaluate(Chromium.BROWSER, Chromium.DRIVER);
        }

        /** Disabled, saying how to enable, unless every binary is an executable file. */
        static ConditionEvaluationResult evaluate(String... binaries) {
            for (String bin : binaries) {
                if (!Files.isExecutable(java.nio.file.Path.of(bin))) {
                    return ConditionEvaluationResult.disabled(bin + " is missing: " + HOW);
                }
            }
            return ConditionEvaluationResult.enabled("chromium and chromedriver found");
        }
    }
}
