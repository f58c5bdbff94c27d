package io.consentkit.consent;

import io.consentkit.journal.OptInMethod;
import io.consentkit.InvalidInputException;

import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * A consent to record with {@link ConsentTracker#recordConsent(ConsentRequest)}: any method
 * ({@code qr_code}, a custom one), the exact consent text, optional evidence, and optionally an
 * explicit historical timestamp for a documented back-fill. Immutable; build with
 * {@link #builder(String, String, String)}.
 *
 * @param phone          the number as given (normalised when recorded)
 * @param optInMethod    lower-case word, see {@link OptInMethod}
 * @param consentMessage the exact text the person agreed to
 * @param customerId     optional
 * @param customerName   optional
 * @param customerEmail  optional
 * @param ipAddress      optional
 * @param screenshotUrl  optional
 * @param metadata       optional evidence
 * @param timestamp      when consent was given; null means "now" from the tracker's clock
 * @param program        the {@link Program} consented to, by name; empty (or null) means the tracker's
 *                       default program ({@link Programs#defaultProgram()}). An unknown name is
 *                       rejected when recorded ({@link UnknownScopeException}).
 */
public record ConsentRequest(
        String phone,
        String optInMethod,
        String consentMessage,
        String customerId,
        String customerName,
        String customerEmail,
        String ipAddress,
        String screenshotUrl,
        Map<String, String> metadata,
        Instant timestamp,
        String program) {

    /** A request in the default program (the ten components before programs existed). */
    public ConsentRequest(String phone, String optInMethod, String consentMessage, String customerId,
                          String customerName, String customerEmail, String ipAddress, String screenshotUrl,
                          Map<String, String> metadata, Instant timestamp) {
        this(phone, optInMethod, consentMessage, customerId, customerName, customerEmail, ipAddress, screenshotUrl,
                metadata, timestamp, "");
    }

    /** A copy in {@code newProgram} (empty: the default program). */
    public ConsentRequest withProgram(String newProgram) {
        return new ConsentRequest(phone, optInMethod, consentMessage, customerId, customerName, customerEmail,
                ipAddress, screenshotUrl, metadata, timestamp, newProgram);
    }

    /** Largest consent text accepted, in characters. */
    public static final int MAX_CONSENT_MESSAGE = 10_000;

    public ConsentRequest {
        if (!OptInMethod.isWellFormed(optInMethod)) {
            throw new InvalidInputException("opt_in_method",
                    "must be a lower-case word of letters, digits and '_' (at most 64), got '"
                            + (optInMethod == null ? "null" : io.consentkit.support.Masking.printable(optInMethod)) + "'");
        }
        consentMessage = InvalidInputException.requireText("consent_message", consentMessage);
        if (consentMessage.length() > MAX_CONSENT_MESSAGE) {
            throw new InvalidInputException("consent_message", "is longer than " + MAX_CONSENT_MESSAGE + " characters");
        }
        customerId = InvalidInputException.optionalText(customerId);
        customerName = InvalidInputException.optionalText(customerName);
        customerEmail = InvalidInputException.optionalText(customerEmail);
        ipAddress = InvalidInputException.optionalText(ipAddress);
        screenshotUrl = InvalidInputException.optionalText(screenshotUrl);
        program = program == null || program.isBlank() ? "" : Program.identifier("program", program.strip());
        metadata = metadata == null ? Map.of() : java.util.Collections.unmodifiableMap(new LinkedHashMap<>(metadata));
        for (Map.Entry<String, String> e : metadata.entrySet()) {
            if (e.getKey().isBlank()) {
                throw new InvalidInputException("metadata", "has an empty key");
            }
        }
    }

    public static Builder builder(String phone, String optInMethod, String consentMessage) {
        return new Builder(phone, optInMethod, consentMessage);
    }

    /** Builds a {@link ConsentRequest}. Not thread-safe. */
    public static final class Builder {
        private final String phone;
        private final String optInMethod;
        private final String consentMessage;
        private String customerId;
        private String customerName;
        private String customerEmail;
        private String ipAddress;
        private String screenshotUrl;
        private final LinkedHashMap<String, String> metadata = new LinkedHashMap<>();
        private Instant timestamp;
        private String program = "";

        private Builder(String phone, String optInMethod, String consentMessage) {
            this.phone = phone;
            this.optInMethod = optInMethod;
            this.consentMessage = consentMessage;
        }

        public Builder customerId(String v) {
            this.customerId = v;
            return this;
        }

        public Builder customerName(String v) {
            this.customerName = v;
            return this;
        }

        public Builder customerEmail(String v) {
            this.customerEmail = v;
            return this;
        }

        public Builder ipAddress(String v) {
            this.ipAddress = v;
            return this;
        }

        public Builder screenshotUrl(String v) {
            this.screenshotUrl = v;
            return this;
        }

        public Builder metadata(String key, String value) {
            this.metadata.put(InvalidInputException.requireText("metadata key", key), value == null ? "" : value);
            return this;
        }

        public Builder metadata(Map<String, String> entries) {
            entries.forEach(this::metadata);
            return this;
        }

        /** An explicit historical timestamp, for a documented back-fill. */
        public Builder timestamp(Instant v) {
            this.timestamp = v;
            return this;
        }

        /**
         * The program consented to, by name (a lower-case identifier). Default: empty, the tracker's
         * default program.
         */
        public Builder program(String v) {
            this.program = v == null || v.isBlank() ? "" : Program.identifier("program", v.strip());
            return this;
        }

        public ConsentRequest build() {
            return new ConsentRequest(phone, optInMethod, consentMessage, customerId, customerName, customerEmail,
                    ipAddress, screenshotUrl, metadata, timestamp, program);
        }
    }
}
