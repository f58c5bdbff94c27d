package io.consentkit.web.optin;

import io.consentkit.InvalidInputException;
import io.consentkit.consent.Program;

import java.net.URI;
import java.time.Duration;
import java.util.Locale;
import java.util.Objects;

/**
 * What the opt-in page says: the brand, the program, the exact consent text beside an unchecked box, the
 * message frequency, "Msg &amp; data rates may apply", STOP/HELP instructions, the links to terms and privacy,
 * and the text of the SMS confirmation (the double opt-in question). Built with {@link #builder}, which refuses
 * a page carriers would reject (Twilio errors 30513, 30475, 30841): a missing disclosure or link, a consent
 * text without the rates, STOP or HELP wording, or a box checked in advance. Immutable and thread-safe.
 *
 * @param brand                the business's name as people know it ("Basin Climbing")
 * @param program              the program signed up for (its brand and name are recorded)
 * @param programLabel         what the person signs up for, in words ("class reminders and member offers")
 * @param consentText          the exact text beside the box, recorded verbatim with the consent
 * @param frequency            the message frequency ("Up to 4 msgs/month.")
 * @param termsUrl             the terms and conditions page
 * @param privacyUrl           the privacy policy page
 * @param confirmationQuestion the SMS that asks for the Y answer (the double opt-in)
 * @param confirmationTtl      how long a Y is accepted
 */
public record OptInPageSettings(String brand, Program program, String programLabel, String consentText,
                                String frequency, URI termsUrl, URI privacyUrl, String confirmationQuestion,
                                Duration confirmationTtl) {
    /** The rates disclosure every page and consent text carries: {@value}. */
    public static final String RATES = "Msg & data rates may apply.";
    /** The STOP/HELP instructions the page shows: {@value}. */
    public static final String STOP_HELP = "Reply STOP to cancel, HELP for help.";
    /** Default frequency: {@value}. */
    public static final String DEFAULT_FREQUENCY = "Message frequency varies.";
    /** Default time a Y is accepted: 48 hours. */
    public static final Duration DEFAULT_CONFIRMATION_TTL = Duration.ofHours(48);

    public OptInPageSettings {
        Objects.requireNonNull(program, "program");
        Objects.requireNonNull(confirmationTtl, "confirmationTtl");
        checkUrl("termsUrl", termsUrl);
        checkUrl("privacyUrl", privacyUrl);
        brand = InvalidInputException.requireText("brand", brand);
        programLabel = InvalidInputException.requireText("programLabel", programLabel);
        frequency = InvalidInputException.requireText("frequency", frequency);
        consentText = disclosing("consentText", consentText, brand);
        confirmationQuestion = disclosing("confirmationQuestion", confirmationQuestion, brand);
        if (!confirmationQuestion.toUpperCase(Locale.ROOT).matches("(?s).*\\bY\\b.*")) {
            throw new InvalidInputException("confirmationQuestion", "must ask the person to reply Y");
        }
    }

    /** A builder for a page of {@code brand} signing people up to {@code program}. */
    public static Builder builder(String brand, Program program) {
        return new Builder(brand, program);
    }

    private static URI checkUrl(String field, URI u) {
        if (u == null) {
            throw new InvalidInputException(field, "is required: the page must link to the "
                    + (field.equals("termsUrl") ? "terms" : "privacy policy"));
        }
        if (!u.isAbsolute() || u.getHost() == null
                || !("https".equalsIgnoreCase(u.getScheme()) || "http".equalsIgnoreCase(u.getScheme()))) {
            throw new InvalidInputException(field, "must be an absolute http(s) URL");
        }
        return u;
    }

    private static String disclosing(String field, String text, String brand) {
        String t = InvalidInputException.requireText(field, text);
        String upper = t.toUpperCase(Locale.ROOT);
        if (!t.contains(brand)) {
            throw new InvalidInputException(field, "must name the brand '" + brand + "'");
        }
        if (!upper.contains("MSG & DATA RATES MAY APPLY") && !upper.contains("MESSAGE AND DATA RATES MAY APPLY")) {
            throw new InvalidInputException(field, "must say '" + RATES + "'");
        }
        if (!upper.matches("(?s).*\\bSTOP\\b.*") || !upper.matches("(?s).*\\bHELP\\b.*")) {
            throw new InvalidInputException(field, "must say how to opt out (STOP) and get help (HELP)");
        }
        return t;
    }

    /** Builds {@link OptInPageSettings}; setters check at once, {@link #build()} checks the whole. Not thread-safe. */
    public static final class Builder {
        private final String brand;
        private final Program program;
        private String programLabel;
        private String frequency = DEFAULT_FREQUENCY;
        private String consentText;
        private URI termsUrl;
        private URI privacyUrl;
        private String confirmationQuestion;
        private Duration confirmationTtl = DEFAULT_CONFIRMATION_TTL;

        private Builder(String brand, Program program) {
            this.brand = InvalidInputException.requireText("brand", brand);
            this.program = Objects.requireNonNull(program, "program");
            this.programLabel = program.name() + " text messages";
        }

        /** What the person signs up for, in words. Default {@code "<program name> text messages"}. */
        public Builder programLabel(String label) {
            this.programLabel = InvalidInputException.requireText("programLabel", label);
            return this;
        }

        /** The message frequency, e.g. "Up to 4 msgs/month." Default {@value OptInPageSettings#DEFAULT_FREQUENCY} */
        public Builder frequency(String frequency) {
            this.frequency = InvalidInputException.requireText("frequency", frequency);
            return this;
        }

        /**
         * The exact text beside the box. It must name the brand and say "Msg &amp; data rates may apply", STOP and
         * HELP. Default: "By checking this box, I agree to receive {label} from {brand} at the phone number
         * provided. {frequency} Msg &amp; data rates may apply. Reply STOP to cancel, HELP for help. Consent is not
         * a condition of purchase."
         */
        public Builder consentText(String text) {
            this.consentText = InvalidInputException.requireText("consentText", text);
            return this;
        }

        /** The terms and conditions page: an absolute http(s) URL. Required. */
        public Builder termsUrl(String url) {
            this.termsUrl = url("termsUrl", url);
            return this;
        }

        /** The privacy policy page: an absolute http(s) URL. Required. */
        public Builder privacyUrl(String url) {
            this.privacyUrl = url("privacyUrl", url);
            return this;
        }

        /**
         * The SMS asking for the Y answer; must name the brand, ask for Y and carry the rates, STOP and HELP
         * wording. Default: "{brand}: reply Y to confirm you want {label}. {frequency} Msg &amp; data rates may
         * apply. Reply N to decline, STOP to cancel, HELP for help."
         */
        public Builder confirmationQuestion(String question) {
            this.confirmationQuestion = InvalidInputException.requireText("confirmationQuestion", question);
            return this;
        }

        /** How long a Y is accepted, 5 minutes to 30 days. Default 48 hours. */
        public Builder confirmationTtl(Duration ttl) {
            Objects.requireNonNull(ttl, "confirmationTtl");
            if (ttl.compareTo(Duration.ofMinutes(5)) < 0 || ttl.compareTo(Duration.ofDays(30)) > 0) {
                throw new InvalidInputException("confirmationTtl", "must be 5 minutes to 30 days, was " + ttl);
            }
            this.confirmationTtl = ttl;
            return this;
        }

        /**
         * Whether the box starts checked. Only {@code false} is accepted: carriers reject opt-ins whose box is
         * checked in advance, so such a page cannot be built.
         *
         * @throws InvalidInputException naming {@code checkbox} for {@code true}
         */
        public Builder preChecked(boolean preChecked) {
            if (preChecked) {
                throw new InvalidInputException("checkbox", "must start unchecked: a pre-checked opt-in box is not "
                        + "consent and carriers reject it (Twilio 30513, 30475, 30841)");
            }
            return this;
        }

        /**
         * Builds the settings.
         *
         * @throws InvalidInputException naming {@code termsUrl} or {@code privacyUrl} when missing, or the text
         *                               that lacks a disclosure
         */
        public OptInPageSettings build() {
            checkUrl("termsUrl", termsUrl);
            checkUrl("privacyUrl", privacyUrl);
            String text = consentText != null ? consentText : "By checking this box, I agree to receive " + programLabel
                    + " from " + brand + " at the phone number provided. " + frequency + " " + RATES + " " + STOP_HELP
                    + " Consent is not a condition of purchase.";
            String question = confirmationQuestion != null ? confirmationQuestion : brand + ": reply Y to confirm you "
                    + "want " + programLabel + ". " + frequency + " " + RATES + " Reply N to decline, STOP to cancel, "
                    + "HELP for help.";
            return new OptInPageSettings(brand, program, programLabel, text, frequency, termsUrl, privacyUrl, question,
                    confirmationTtl);
        }

        private static URI url(String field, String url) {
            String s = InvalidInputException.requireText(field, url);
            try {
                return checkUrl(field, URI.create(s));
            } catch (IllegalArgumentException e) {
                throw new InvalidInputException(field, "is not a URL");
            }
        }
    }
}
