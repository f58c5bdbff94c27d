package io.consentkit.send;

import io.consentkit.InvalidInputException;

import java.time.Duration;
import java.util.Arrays;
import java.util.Locale;
import java.util.Objects;
import java.util.regex.Pattern;

import static io.consentkit.send.CategoryPolicy.Caps;
import static io.consentkit.send.CategoryPolicy.Consent;
import static io.consentkit.send.CategoryPolicy.QuietHoursRule;

/**
 * What kind of message is sent, and so which guards apply: a name and a {@link CategoryPolicy}. The
 * built-ins ({@link #MARKETING}, {@link #REMINDER}, {@link #TRANSACTIONAL}, {@link #OTP},
 * {@link #EMERGENCY}, {@link #INTERNAL}, {@link #OPT_OUT_CONFIRMATION}) cover most apps; an app
 * defines its own with {@link #of(String, CategoryPolicy)}. Categories are identified by name: two
 * with the same name are equal (the send log keeps the name). An opt-out always blocks, whatever the
 * category, but for the one confirmation an {@link #OPT_OUT_CONFIRMATION} may send. Immutable and
 * thread-safe.
 *
 * <pre>{@code
 * MessageCategory survey = MessageCategory.of("survey", CategoryPolicy.builder(CategoryPolicy.Consent.PROGRAM)
 *         .timeToLive(Duration.ofHours(2)).build());
 * }</pre>
 *
 * @param name   lower-case identifier (a letter, then letters, digits, {@code _} or {@code -}; at most 32)
 * @param policy the guards it passes through
 */
public record MessageCategory(String name, CategoryPolicy policy) {
    private static final Pattern NAME = Pattern.compile("[a-z][a-z0-9_-]{0,31}");

    /** Promotions and offers: consent for the program, quiet hours, caps and cooldown. */
    public static final MessageCategory MARKETING = new MessageCategory("marketing",
            CategoryPolicy.builder(Consent.PROGRAM).build());
    /**
     * Opt-in reminders and updates that are not marketing (appointment, chore, class reminders):
     * consent for the program, quiet hours, caps and cooldown.
     */
    public static final MessageCategory REMINDER = new MessageCategory("reminder",
            CategoryPolicy.builder(Consent.PROGRAM).build());
    /**
     * Something the recipient asked for or expects (receipts, delivery updates): needs no opt-in but
     * never goes to a number that opted out; quiet hours, caps and cooldown apply.
     */
    public static final MessageCategory TRANSACTIONAL = new MessageCategory("transactional",
            CategoryPolicy.builder(Consent.NONE).build());
    /**
     * One-time passcodes (2FA, login, verification): no opt-in, sent at any hour or not at all: a
     * code older than 10 minutes is dropped, and the remaining validity goes to the provider. Caps
     * apply (against SMS pumping), the cooldown does not (a "resend code").
     */
    public static final MessageCategory OTP = new MessageCategory("otp",
            CategoryPolicy.builder(Consent.NONE).quietHours(QuietHoursRule.SKIP).cooldown(false)
                    .timeToLive(Duration.ofMinutes(10)).build());
    /**
     * Safety alerts: needs no opt-in, skips quiet hours, is not capped and goes while the kill switch
     * is on, but never to a number that opted out.
     */
    public static final MessageCategory EMERGENCY = new MessageCategory("emergency",
            CategoryPolicy.builder(Consent.NONE).quietHours(QuietHoursRule.SKIP).caps(Caps.EXEMPT)
                    .sendsDuringKillSwitch(true).build());
    /**
     * Notifications to the app's own staff (a new lead, a failed job): no consent, no quiet hours;
     * caps apply. Never to a number that opted out.
     */
    public static final MessageCategory INTERNAL = new MessageCategory("internal",
            CategoryPolicy.builder(Consent.NONE).quietHours(QuietHoursRule.SKIP).build());
    /**
     * The one confirmation allowed after an opt-out (47 CFR 64.1200(a)(12)): no marketing, within
     * 5 minutes of the opt-out of the message's program, once per opt-out; no quiet hours, caps or cooldown.
     */
    public static final MessageCategory OPT_OUT_CONFIRMATION = new MessageCategory("opt_out_confirmation",
            CategoryPolicy.builder(Consent.NONE).quietHours(QuietHoursRule.SKIP).caps(Caps.EXEMPT)
                    .optOutConfirmation(Duration.ofMinutes(5)).build());

    private static final MessageCategory[] BUILT_INS = {MARKETING, REMINDER, TRANSACTIONAL, OTP, EMERGENCY, INTERNAL,
            OPT_OUT_CONFIRMATION};

    public MessageCategory {
        Objects.requireNonNull(name, "name");
        if (!NAME.matcher(name).matches()) {
            throw new InvalidInputException("category", "'" + name + "' is not a lower-case name (a letter, then "
                    + "letters, digits, _ or -; at most 32)");
        }
        Objects.requireNonNull(policy, "policy");
    }

    /** An app's own category; its name must not be a built-in's. */
    public static MessageCategory of(String name, CategoryPolicy policy) {
        String n = InvalidInputException.requireText("category", name);
        if (builtIn(n) != null) {
            throw new InvalidInputException("category", "'" + n + "' is a built-in category");
        }
        return new MessageCategory(n, policy);
    }

    /** The built-in categories, in the order above. */
    public static MessageCategory[] values() {
        return Arrays.copyOf(BUILT_INS, BUILT_INS.length);
    }

    /** Parses a built-in category name in any case ("marketing", "OTP"). */
    public static MessageCategory parse(String name) {
        if (name == null || name.isBlank()) {
            throw new InvalidInputException("category", "is empty");
        }
        MessageCategory c = builtIn(name.strip().toLowerCase(Locale.ROOT));
        if (c == null) {
            throw new InvalidInputException("category", "'" + name.strip() + "' is not one of " + names());
        }
        return c;
    }

    /**
     * The built-in named {@code name} (any case), else a category of that name with
     * {@link #MARKETING}'s policy, the strictest: how a send log reads a category it does not know.
     */
    public static MessageCategory named(String name) {
        String n = InvalidInputException.requireText("category", name).toLowerCase(Locale.ROOT);
        MessageCategory c = builtIn(n);
        return c != null ? c : new MessageCategory(n, MARKETING.policy);
    }

    private static MessageCategory builtIn(String name) {
        for (MessageCategory c : BUILT_INS) {
            if (c.name.equals(name)) {
                return c;
            }
        }
        return null;
    }

    private static String names() {
        StringBuilder b = new StringBuilder();
        for (MessageCategory c : BUILT_INS) {
            b.append(b.length() == 0 ? "" : ", ").append(c.name);
        }
        return b.toString();
    }

    /** The name used in logs and files ("marketing"). */
    public String label() {
        return name;
    }

    /** Equal if the names are. */
    @Override
    public boolean equals(Object o) {
        return o instanceof MessageCategory c && c.name.equals(name);
    }

    @Override
    public int hashCode() {
        return name.hashCode();
    }

    @Override
    public String toString() {
        return name;
    }
}
