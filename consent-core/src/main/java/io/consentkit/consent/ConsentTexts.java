package io.consentkit.consent;

import io.consentkit.InvalidInputException;

import java.util.Locale;
import java.util.Objects;

/**
 * The standardized consent texts recorded with each opt-in method: the exact words the person
 * agreed to. Brand, frequency wording, the rates line and the STOP/HELP line are configurable;
 * the defaults follow the texts the existing tools used. Immutable and thread-safe.
 *
 * <pre>{@code
 * ConsentTexts texts = ConsentTexts.builder("Basin Climbing").frequency("Up to 4 msgs/month.").build();
 * }</pre>
 */
public final class ConsentTexts {
    /** Default frequency wording. */
    public static final String DEFAULT_FREQUENCY = "Message frequency varies.";
    /** Default rates disclosure. */
    public static final String DEFAULT_RATES = "Message and data rates may apply.";
    /** Default purpose named in the keyword opt-in text. */
    public static final String DEFAULT_PURPOSE = "SMS messages";
    /** Default STOP/HELP instructions. */
    public static final String DEFAULT_STOP_HELP = "Reply STOP to opt out or HELP for help.";

    private final String brand;
    private final String purpose;
    private final String frequency;
    private final String rates;
    private final String stopHelp;

    private ConsentTexts(Builder b) {
        this.brand = b.brand;
        this.purpose = b.purpose;
        this.frequency = b.frequency;
        this.rates = b.rates;
        this.stopHelp = b.stopHelp;
    }

    /** Texts for {@code brand} with the default wording. */
    public static ConsentTexts of(String brand) {
        return builder(brand).build();
    }

    public static Builder builder(String brand) {
        return new Builder(brand);
    }

    public String brand() {
        return brand;
    }

    /** What the person signs up for, e.g. "SMS messages" or "class reminders and member offers". */
    public String purpose() {
        return purpose;
    }

    public String frequency() {
        return frequency;
    }

    public String rates() {
        return rates;
    }

    public String stopHelp() {
        return stopHelp;
    }

    /** "By checking this box, I agree to receive marketing text messages from {brand} at the phone number provided. ..." */
    public String webForm() {
        return "By checking this box, I agree to receive marketing text messages from " + brand
                + " at the phone number provided. " + tail();
    }

    /** "You texted 'START' to opt in to {brand} {purpose}. ..." (keyword upper-cased; purpose default "SMS messages"). */
    public String keyword(String keyword) {
        return "You texted '" + keyword.strip().toUpperCase(Locale.ROOT) + "' to opt in to " + brand
                + " " + purpose + ". " + tail();
    }

    /** "By providing your phone number, you agree to receive marketing text messages from {brand}. ..." */
    public String inPerson() {
        return "By providing your phone number, you agree to receive marketing text messages from " + brand
                + ". " + tail();
    }

    private String tail() {
        StringBuilder sb = new StringBuilder();
        for (String part : new String[] {frequency, rates, stopHelp}) {
            if (!part.isEmpty()) {
                if (sb.length() > 0) {
                    sb.append(' ');
                }
                sb.append(part);
            }
        }
        return sb.toString();
    }

    /** Builds {@link ConsentTexts}; each setter validates at once. Not thread-safe. */
    public static final class Builder {
        private final String brand;
        private String purpose = DEFAULT_PURPOSE;
        private String frequency = DEFAULT_FREQUENCY;
        private String rates = DEFAULT_RATES;
        private String stopHelp = DEFAULT_STOP_HELP;

        private Builder(String brand) {
            this.brand = InvalidInputException.requireText("brand", brand);
        }

        /** What the person signs up for, named in the keyword text, e.g. "class reminders and member offers". */
        public Builder purpose(String purpose) {
            this.purpose = InvalidInputException.requireText("purpose", purpose);
            return this;
        }

        /** e.g. "Up to 4 msgs/month." */
        public Builder frequency(String frequency) {
            this.frequency = InvalidInputException.requireText("frequency", frequency);
            return this;
        }

        /** e.g. "Msg &amp; data rates may apply." */
        public Builder rates(String rates) {
            this.rates = InvalidInputException.requireText("rates", rates);
            return this;
        }

        /** e.g. "Reply STOP to cancel, HELP for help." Must mention STOP. */
        public Builder stopHelp(String stopHelp) {
            String s = InvalidInputException.requireText("stopHelp", stopHelp);
            if (!s.toUpperCase(Locale.ROOT).contains("STOP")) {
                throw new InvalidInputException("stopHelp", "must tell the reader how to opt out (mention STOP)");
            }
            this.stopHelp = s;
            return this;
        }

        public ConsentTexts build() {
            return new ConsentTexts(this);
        }
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof ConsentTexts t && brand.equals(t.brand) && purpose.equals(t.purpose)
                && frequency.equals(t.frequency)
                && rates.equals(t.rates) && stopHelp.equals(t.stopHelp);
    }

    @Override
    public int hashCode() {
        return Objects.hash(brand, purpose, frequency, rates, stopHelp);
    }

    @Override
    public String toString() {
        return "ConsentTexts[brand=" + brand + "]";
    }
}
