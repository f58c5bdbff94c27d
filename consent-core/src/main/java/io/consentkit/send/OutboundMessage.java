package io.consentkit.send;

import io.consentkit.InvalidInputException;
import io.consentkit.support.Masking;
import io.consentkit.message.MessageParts;
import io.consentkit.message.SmsTemplate;
import io.consentkit.send.internal.UsLocations;

import java.net.URI;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.regex.Pattern;

/**
 * One message an application wants sent, before the {@link GuardedSender}'s checks. The number is
 * kept as given and validated by the sender (an invalid number is a {@code Blocked} outcome, not
 * an exception). Immutable and thread-safe.
 *
 * <pre>{@code
 * OutboundMessage reminder = OutboundMessage.builder("+15125551234")
 *         .category(MessageCategory.TRANSACTIONAL)
 *         .parts(MessageParts.of("Take out trash by 6pm.").withSubject("Chore due")
 *                 .withLink("https://short.link/abc123"))
 *         .templateId("chore_due")
 *         .build();
 *
 * SmsTemplate delivered = SmsTemplate.builder("Shipment {tracking_number} delivered to {recipient_name}.")
 *         .brandPrefix("SafeShipper:").build();
 * OutboundMessage update = OutboundMessage.builder("+15125551234")
 *         .category(MessageCategory.TRANSACTIONAL)
 *         .template("shipment_delivered", delivered, Map.of("tracking_number", "SH123", "recipient_name", "Ana"))
 *         .build();
 * }</pre>
 *
 * <p>The sender turns the body (or the parts) into the text it sends with its
 * {@link io.consentkit.message.MessageFormatter}: segment budget, overflow policy, prefix and
 * footer.
 *
 * @param to             the recipient as given (any form the tracker's normaliser accepts)
 * @param category       decides which guards apply
 * @param body           the text, or for a message built from parts, the parts' body; empty only when
 *                       media is given
 * @param parts          prefix, subject, body, link and footer for the formatter, or null for a plain
 *                       body
 * @param templateId     the template that produced the body, for the send log; empty if none
 * @param from           sender number, short code or alphanumeric sender id; empty for the
 *                       gateway's default
 * @param mediaUrls      MMS media, at most {@value #MAX_MEDIA}
 * @param statusCallback where the provider posts delivery updates, or null for the gateway's default
 * @param recipientState the recipient's US state (USPS code, {@code "TX"}) when the app knows it from an
 *                       address; it replaces the area-code guess of the quiet-hour and state rules. Empty
 *                       when unknown
 * @param program        the consent program (campaign, subscription) the message belongs to, whose
 *                       consent and opt-outs decide; empty for the tracker's default program
 * @param correlationId  the app's own id for the message (user, household, order), kept in the send
 *                       log; empty if none. 1 to 64 of letters, digits and {@code . _ : @ / -}; it
 *                       must not hold personal data (the log keeps it in clear)
 * @param createdAt      when the message was created, from which its category's time-to-live runs;
 *                       null for "at the decision"
 */
public record OutboundMessage(String to, MessageCategory category, String body, MessageParts parts,
                              String templateId, String from, List<URI> mediaUrls, URI statusCallback,
                              String recipientState, String program, String correlationId,
                              Instant createdAt) {
    /** Most media URLs one message may carry: {@value}. */
    public static final int MAX_MEDIA = 10;
    /** Longest body accepted, in UTF-16 units: {@value} (the provider's own limit is 1600). */
    public static final int MAX_BODY_LENGTH = 1600;
    private static final java.util.regex.Pattern ZIP = java.util.regex.Pattern.compile("[0-9]{5}(-[0-9]{4})?");

    private static final Pattern PROGRAM = Pattern.compile("[a-z][a-z0-9_-]{0,63}");
    private static final Pattern CORRELATION = Pattern.compile("[A-Za-z0-9._:@/-]{1,64}");

    public OutboundMessage {
        to = InvalidInputException.requireText("to", to);
        program = program == null ? "" : program.strip();
        if (!program.isEmpty() && !PROGRAM.matcher(program).matches()) {
            throw new InvalidInputException("program", "'" + program + "' is not a program name (a lower-case "
                    + "letter, then letters, digits, _ or -; at most 64)");
        }
        correlationId = correlationId == null ? "" : correlationId.strip();
        if (!correlationId.isEmpty() && !CORRELATION.matcher(correlationId).matches()) {
            throw new InvalidInputException("correlationId", "must be 1 to 64 of letters, digits and . _ : @ / - ("
                    + correlationId.length() + " characters given)");
        }
        Objects.requireNonNull(category, "category");
        body = parts != null ? parts.body() : body == null ? "" : body;
        templateId = InvalidInputException.optionalText(templateId);
        from = InvalidInputException.optionalText(from);
        mediaUrls = mediaUrls == null ? List.of() : List.copyOf(mediaUrls);
        if (body.isBlank() && mediaUrls.isEmpty()) {
            throw new InvalidInputException("body", "is empty (a message needs a body or media)");
        }
        if (body.length() > MAX_BODY_LENGTH) {
            throw new InvalidInputException("body", "is longer than " + MAX_BODY_LENGTH + " characters ("
                    + body.length() + ")");
        }
        if (mediaUrls.size() > MAX_MEDIA) {
            throw new InvalidInputException("mediaUrls", "has " + mediaUrls.size() + " entries, at most "
                    + MAX_MEDIA + " are allowed");
        }
        recipientState = InvalidInputException.optionalText(recipientState).toUpperCase(java.util.Locale.ROOT);
        if (!recipientState.isEmpty() && !UsLocations.isKnownState(recipientState)) {
            throw new InvalidInputException("recipientState", "'" + Masking.printable(recipientState)
                    + "' is not a US state, DC or territory code (USPS, e.g. TX)");
        }
    }

    /**
     * The subject the per-subject caps count this message under (Florida's 3 per 24 hours on the same
     * subject): the parts' subject, else the template id, else "" (every such message counts as one
     * subject, the strictest reading).
     */
    public String capSubject() {
        if (parts != null && !parts.subject().isEmpty()) {
            return parts.subject();
        }
        return templateId;
    }

    /**
     * A message of the default program whose recipient's state is not known (the area code decides),
     * with no correlation id or creation time (as before programs and state rules).
     */
    public OutboundMessage(String to, MessageCategory category, String body, MessageParts parts, String templateId,
                           String from, List<URI> mediaUrls, URI statusCallback) {
        this(to, category, body, parts, templateId, from, mediaUrls, statusCallback, "", "", "", null);
    }

    /** A marketing text (needs active consent). */
    public static OutboundMessage marketing(String to, String body) {
        return builder(to).category(MessageCategory.MARKETING).body(body).build();
    }

    /** A transactional text (needs no opt-in, never to an opted-out number). */
    public static OutboundMessage transactional(String to, String body) {
        return builder(to).category(MessageCategory.TRANSACTIONAL).body(body).build();
    }

    /** An emergency alert (bypasses quiet hours and cooldown, never an opt-out). */
    public static OutboundMessage emergency(String to, String body) {
        return builder(to).category(MessageCategory.EMERGENCY).body(body).build();
    }

    /** A builder; the category defaults to {@link MessageCategory#MARKETING}, the strictest. */
    public static Builder builder(String to) {
        return new Builder(to);
    }

    /** This message with another plain body (no parts); everything else is kept. */
    public OutboundMessage withBody(String newBody) {
        return new OutboundMessage(to, category, newBody, null, templateId, from, mediaUrls, statusCallback,
                recipientState, program, correlationId, createdAt);
    }

    /** Masks the number and leaves the body out. */
    @Override
    public String toString() {
        return "OutboundMessage[to=" + Masking.phone(to) + ", category=" + category.label() + ", body="
                + Masking.body(body) + (templateId.isEmpty() ? "" : ", template=" + templateId)
                + (mediaUrls.isEmpty() ? "" : ", media=" + mediaUrls.size())
                + (recipientState.isEmpty() ? "" : ", state=" + recipientState)
                + (program.isEmpty() ? "" : ", program=" + program)
                + (correlationId.isEmpty() ? "" : ", correlationId=" + correlationId) + "]";
    }

    /** Builds an {@link OutboundMessage}; {@link #build()} validates. Not thread-safe. */
    public static final class Builder {
        private final String to;
        private MessageCategory category = MessageCategory.MARKETING;
        private String body = "";
        private MessageParts parts;
        private String templateId = "";
        private String from = "";
        private final List<URI> media = new ArrayList<>();
        private URI statusCallback;
        private String recipientState = "";
        private String program = "";
        private String correlationId = "";
        private Instant createdAt;
        private Clock clock;

        private Builder(String to) {
            this.to = InvalidInputException.requireText("to", to);
        }

        public Builder category(MessageCategory category) {
            this.category = Objects.requireNonNull(category, "category");
            return this;
        }

        /** A plain body (replaces parts or a template set before). */
        public Builder body(String body) {
            this.body = body == null ? "" : body;
            this.parts = null;
            return this;
        }

        /**
         * A body with a subject, link, prefix or footer, joined and fitted by the sender's formatter
         * (replaces a body set before).
         */
        public Builder parts(MessageParts parts) {
            this.parts = Objects.requireNonNull(parts, "parts");
            return this;
        }

        /**
         * Renders {@code template} with {@code values} now (its prefix and footer become parts) and
         * names it {@code templateId} in the send log.
         *
         * @throws io.consentkit.message.PlaceholderException if a value is missing or unknown
         */
        public Builder template(String templateId, SmsTemplate template, Map<String, ?> values) {
            Objects.requireNonNull(template, "template");
            this.parts = template.parts(values);
            return templateId(InvalidInputException.requireText("templateId", templateId));
        }

        /** Names the template the body came from (kept in the send log). */
        public Builder templateId(String templateId) {
            this.templateId = InvalidInputException.optionalText(templateId);
            return this;
        }

        public Builder from(String from) {
            this.from = InvalidInputException.optionalText(from);
            return this;
        }

        public Builder media(URI url) {
            media.add(Objects.requireNonNull(url, "url"));
            return this;
        }

        public Builder statusCallback(URI url) {
            this.statusCallback = url;
            return this;
        }

        /**
         * The recipient's US state (USPS code, {@code "TX"}), when the app knows it from an address:
         * the state's rules and time zones apply instead of those of the number's area code.
         */
        public Builder recipientState(String state) {
            this.recipientState = InvalidInputException.optionalText(state);
            return this;
        }

        /**
         * The recipient's US ZIP code ({@code "73301"} or ZIP+4), when the app knows it: sets
         * {@link #recipientState} to the state of its 3-digit prefix (USPS prefix table, see
         * docs/sending.md).
         *
         * @throws InvalidInputException naming "recipientZip" if it is not a ZIP code of a state or territory
         */
        public Builder recipientZip(String zip) {
            String z = InvalidInputException.requireText("recipientZip", zip);
            if (!ZIP.matcher(z).matches()) {
                throw new InvalidInputException("recipientZip", "'" + Masking.printable(z.length() > 3
                        ? z.substring(0, 3) + "..." : z) + "' is not a US ZIP code (5 digits, or ZIP+4)");
            }
            String state = UsLocations.stateOfZip(z);
            if (state.isEmpty()) {
                throw new InvalidInputException("recipientZip", "prefix " + z.substring(0, 3)
                        + " is not assigned to a US state or territory");
            }
            this.recipientState = state;
            return this;
        }

        /** The consent program the message belongs to. Default: the tracker's default program. */
        public Builder program(String program) {
            this.program = InvalidInputException.requireText("program", program);
            return this;
        }

        /** The app's own id for the message (user, household, order), kept in the send log. */
        public Builder correlationId(String correlationId) {
            this.correlationId = InvalidInputException.requireText("correlationId", correlationId);
            return this;
        }

        /** When the message was created: its time-to-live runs from here. Default: {@link #clock}, else none. */
        public Builder createdAt(Instant createdAt) {
            this.createdAt = Objects.requireNonNull(createdAt, "createdAt");
            return this;
        }

        /** Stamps {@link #build()}'s instant as the creation time (unless {@link #createdAt} is set). */
        public Builder clock(Clock clock) {
            this.clock = Objects.requireNonNull(clock, "clock");
            return this;
        }

        public OutboundMessage build() {
            Instant created = createdAt != null ? createdAt : clock != null ? clock.instant() : null;
            return new OutboundMessage(to, category, body, parts, templateId, from, media, statusCallback,
                    recipientState, program, correlationId, created);
        }
    }
}
