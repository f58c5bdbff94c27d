package io.consentkit.send;

import io.consentkit.InvalidInputException;
import io.consentkit.revocation.FederalHolidays;

import java.net.URI;
import java.time.DayOfWeek;
import java.time.Duration;
import java.time.LocalDate;
import java.time.LocalTime;
import java.util.EnumMap;
import java.util.Map;
import java.util.Objects;
import java.util.regex.Pattern;

/**
 * One rule of a {@link SendingRules} pack: when texts may reach a recipient in one jurisdiction, in
 * the recipient's local time, from which date, and how many on one subject. Immutable and
 * thread-safe.
 *
 * <pre>{@code
 * SendingRule texas = SendingRule.builder("us-tx-sb-140", "US-TX")
 *         .window(LocalTime.of(9, 0), LocalTime.of(21, 0))
 *         .window(DayOfWeek.SUNDAY, LocalTime.of(12, 0), LocalTime.of(21, 0))
 *         .effectiveFrom(LocalDate.of(2025, 9, 1))
 *         .source(URI.create("https://www.morganlewis.com/pubs/2025/09/texas-telephone-solicitation-law-now-covers-text-messages"))
 *         .build();
 * }</pre>
 *
 * @param id            the rule's name in the pack and in every decision it makes ({@code "us-fl-501-616"})
 * @param jurisdiction  {@code "US"} (federal), {@code "US-XX"} for a state (USPS code) or an ISO 3166-1
 *                      country code ({@code "IN"})
 * @param effectiveFrom the first day (in the recipient's zone) the rule applies, or null when it was in
 *                      force before the pack and its date is not recorded
 * @param windows       the allowed window per weekday, {@code [start, end)} with start before end; a day
 *                      that is absent is closed all day
 * @param holidays      the holidays on which the rule is closed all day
 * @param subjectCap    most messages to one number on the same subject within {@code capPeriod}; 0 for
 *                      no cap
 * @param capPeriod     the sliding period of the subject cap; zero when there is no cap
 * @param source        where the rule is published or summarised
 * @param note          what the rule is, for people (statute, caveats); may be empty
 */
public record SendingRule(String id, String jurisdiction, LocalDate effectiveFrom, Map<DayOfWeek, QuietHours.Window> windows,
                          Holidays holidays, int subjectCap, Duration capPeriod, URI source, String note) {

    /** Rule ids: lower-case letters, digits, '-', '.' and '_', starting with a letter or digit. */
    static final Pattern ID = Pattern.compile("[a-z0-9][a-z0-9._-]{0,63}");
    /** Jurisdictions: a country code, or a country code, '-' and a subdivision. */
    static final Pattern JURISDICTION = Pattern.compile("[A-Z]{2}(-[A-Z0-9]{1,3})?");

    /** Holiday lists a rule may be closed on. */
    public enum Holidays {
        /** Open on holidays (the weekday's window applies). */
        NONE("none"),
        /** Closed on US federal holidays and the days they are observed (5 U.S.C. 6103). */
        US_FEDERAL("us-federal");

        private final String label;

        Holidays(String label) {
            this.label = label;
        }

        /** The name used in rule pack files: {@code none}, {@code us-federal}. */
        public String label() {
            return label;
        }

        /**
         * True if {@code date} is a holiday of this list. For {@code us-federal}: a legal public
         * holiday of 5 U.S.C. 6103(a) on its own date or on the day it is observed (both count, the
         * cautious reading of a state's "legal holiday"), from {@link FederalHolidays}.
         */
        public boolean contains(LocalDate date) {
            if (this != US_FEDERAL) {
                return false;
            }
            for (int y = date.getYear() - 1; y <= date.getYear(); y++) {
                if (y < FederalHolidays.FIRST_YEAR || y > FederalHolidays.LAST_YEAR) {
                    continue;
                }
                for (FederalHolidays.Holiday h : FederalHolidays.observed(y)) {
                    if (h.date().equals(date) || h.observed().equals(date)) {
                        return true;
                    }
                }
            }
            return false;
        }

        /** The list named {@code label} in a pack file, or null if none is. */
        static Holidays byLabel(String label) {
            for (Holidays h : values()) {
                if (h.label.equals(label)) {
                    return h;
                }
            }
            return null;
        }
    }

    public SendingRule {
        if (id == null || !ID.matcher(id).matches()) {
            throw new InvalidInputException("id", "'" + id + "' is not a rule id (lower-case letters, digits, '.', '_' "
                    + "and '-', at most 64)");
        }
        if (jurisdiction == null || !JURISDICTION.matcher(jurisdiction).matches()) {
            throw new InvalidInputException("jurisdiction", "of rule " + id + ": '" + jurisdiction + "' is not a country "
                    + "code or country-subdivision code (US, US-TX, IN)");
        }
        EnumMap<DayOfWeek, QuietHours.Window> copy = new EnumMap<>(DayOfWeek.class);
        for (Map.Entry<DayOfWeek, QuietHours.Window> e : Objects.requireNonNull(windows, "windows").entrySet()) {
            QuietHours.Window w = Objects.requireNonNull(e.getValue(), "window");
            if (!w.start().isBefore(w.end())) {
                throw new InvalidInputException("window", "of rule " + id + " on " + e.getKey() + ": " + w
                        + " wraps midnight; a rule's window must start before it ends");
            }
            copy.put(Objects.requireNonNull(e.getKey(), "day"), w);
        }
        if (copy.isEmpty()) {
            throw new InvalidInputException("window", "of rule " + id + ": closed every day (set a window for at least "
                    + "one weekday)");
        }
        windows = java.util.Collections.unmodifiableMap(copy);
        Objects.requireNonNull(holidays, "holidays");
        capPeriod = capPeriod == null ? Duration.ZERO : capPeriod;
        if (subjectCap < 0 || (subjectCap > 0) == (capPeriod.isZero() || capPeriod.isNegative())) {
            throw new InvalidInputException("subjectCap", "of rule " + id + ": " + subjectCap + " per " + capPeriod
                    + " (a cap needs a positive count and a positive period, no cap needs both zero)");
        }
        Objects.requireNonNull(source, "source");
        note = note == null ? "" : note.strip();
    }

    /** A builder with no window yet: {@link Builder#build()} needs one for at least one weekday. */
    public static Builder builder(String id, String jurisdiction) {
        return new Builder(id, jurisdiction);
    }

    /** True if the rule is in force on {@code date}. */
    public boolean inForceOn(LocalDate date) {
        return effectiveFrom == null || !date.isBefore(effectiveFrom);
    }

    /** The window on {@code date}, or null when the rule is closed all that day (a closed weekday or a holiday). */
    public QuietHours.Window windowOn(LocalDate date) {
        QuietHours.Window w = windows.get(date.getDayOfWeek());
        return w == null || holidays.contains(date) ? null : w;
    }

    /** True if the rule allows a text at {@code time} on {@code date}, local time. */
    public boolean allows(LocalDate date, LocalTime time) {
        QuietHours.Window w = windowOn(date);
        return w != null && w.allows(time);
    }

    /** True if the rule caps messages on the same subject. */
    public boolean hasSubjectCap() {
        return subjectCap > 0;
    }

    /** The rule as people read it in a decision: {@code us-fl-501-616 (US-FL, <source>)}. */
    public String describe() {
        return id + " (" + jurisdiction + ", " + source + ")";
    }

    /** Configures a {@link SendingRule}; {@link #build()} validates. Not thread-safe. */
    public static final class Builder {
        private final String id;
        private final String jurisdiction;
        private final EnumMap<DayOfWeek, QuietHours.Window> windows = new EnumMap<>(DayOfWeek.class);
        private LocalDate effectiveFrom;
        private Holidays holidays = Holidays.NONE;
        private int subjectCap;
        private Duration capPeriod = Duration.ZERO;
        private URI source;
        private String note = "";

        private Builder(String id, String jurisdiction) {
            this.id = id;
            this.jurisdiction = jurisdiction;
        }

        /** The same window every day of the week. */
        public Builder window(LocalTime start, LocalTime end) {
            QuietHours.Window w = new QuietHours.Window(start, end);
            for (DayOfWeek d : DayOfWeek.values()) {
                windows.put(d, w);
            }
            return this;
        }

        /** The window on one weekday. */
        public Builder window(DayOfWeek day, LocalTime start, LocalTime end) {
            windows.put(Objects.requireNonNull(day, "day"), new QuietHours.Window(start, end));
            return this;
        }

        /** Closed all day on these weekdays. */
        public Builder closed(DayOfWeek... days) {
            for (DayOfWeek d : days) {
                windows.remove(Objects.requireNonNull(d, "day"));
            }
            return this;
        }

        /** Closed all day on these holidays. Default {@link Holidays#NONE}. */
        public Builder closedOn(Holidays holidays) {
            this.holidays = Objects.requireNonNull(holidays, "holidays");
            return this;
        }

        /** At most {@code count} messages per {@code period} to one number on the same subject. */
        public Builder subjectCap(int count, Duration period) {
            this.subjectCap = count;
            this.capPeriod = period;
            return this;
        }

        /** The first day the rule applies. Default: always. */
        public Builder effectiveFrom(LocalDate date) {
            this.effectiveFrom = date;
            return this;
        }

        public Builder source(URI source) {
            this.source = source;
            return this;
        }

        public Builder note(String note) {
            this.note = note;
            return this;
        }

        /**
         * @throws InvalidInputException naming the field when the rule is incomplete or inconsistent
         */
        public SendingRule build() {
            if (source == null) {
                throw new InvalidInputException("source", "of rule " + id + " is missing (every rule cites where it comes from)");
            }
            return new SendingRule(id, jurisdiction, effectiveFrom, windows, holidays, subjectCap, capPeriod, source, note);
        }
    }
}
