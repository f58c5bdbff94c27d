package io.consentkit.send;

import java.util.Locale;

/**
 * What kind of message is sent; decides which guards apply. An opt-out always blocks, whatever
 * the category. Thread-safe.
 */
public enum MessageCategory {
    /** Promotions and offers: needs an active consent; quiet hours and cooldown apply. */
    MARKETING,
    /**
     * Something the recipient asked for or expects (reminders, delivery updates, codes): needs no
     * opt-in but never goes to a number that opted out; quiet hours and cooldown apply.
     */
    TRANSACTIONAL,
    /**
     * Safety alerts: needs no opt-in and by default bypasses quiet hours and the cooldown, but
     * never goes to a number that opted out; caps and the rate limit still apply.
     */
    EMERGENCY;

    /** Parses a category name in any case ("marketing", "EMERGENCY"). */
    public static MessageCategory parse(String name) {
        if (name == null || name.isBlank()) {
            throw new io.consentkit.InvalidInputException("category", "is empty");
        }
        try {
            return valueOf(name.strip().toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            throw new io.consentkit.InvalidInputException("category",
                    "'" + name.strip() + "' is not one of marketing, transactional, emergency");
        }
    }

    /** The lower-case name used in logs and files ("marketing"). */
    public String label() {
        return name().toLowerCase(Locale.ROOT);
    }
}
