package io.consentkit.message;

import java.util.Objects;

/**
 * What an {@link SmsTemplate.Builder} builds: the validated, immutable settings an
 * {@link SmsTemplate} reads (its parsed pattern is computed from {@link #pattern()}).
 *
 * @param pattern           the pattern as given (not blank)
 * @param brandPrefix       put before the body ("" for none)
 * @param footer            appended after the body ("" for none)
 * @param footerMode        whether a formatter may drop the footer
 * @param allowUnusedValues whether values for names the template does not use are accepted
 */
record TemplateSettings(String pattern, String brandPrefix, String footer, FooterMode footerMode,
                        boolean allowUnusedValues) {
    TemplateSettings {
        Objects.requireNonNull(pattern, "pattern");
        Objects.requireNonNull(brandPrefix, "brandPrefix");
        Objects.requireNonNull(footer, "footer");
        Objects.requireNonNull(footerMode, "footerMode");
    }
}
