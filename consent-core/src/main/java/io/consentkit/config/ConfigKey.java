package io.consentkit.config;

import io.consentkit.InvalidInputException;
import io.consentkit.support.Masking;

import java.net.URI;
import java.net.URISyntaxException;
import java.time.DateTimeException;
import java.time.Duration;
import java.time.LocalTime;
import java.time.ZoneId;
import java.time.format.DateTimeParseException;
import java.util.Locale;
import java.util.Objects;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * One configuration key: its dotted name, the kind of value it takes, its default and what it sets.
 * The keys that exist are {@link ConfigKeys#ALL}. Immutable and thread-safe.
 *
 * @param name         the dotted, lower-case name, e.g. {@code consentkit.store.csv.path}
 * @param kind         what a value must look like
 * @param defaultValue the value when no source sets it; empty for "not set"
 * @param secret       true for a secret: never echoed, and not accepted from a configuration file
 * @param usedBy       who reads it besides {@link ConsentKitConfig}: {@code cli, spring} or {@code spring}
 * @param description  one line for the table of keys
 */
public record ConfigKey(String name, Kind kind, String defaultValue, boolean secret, String usedBy, String description) {

    private static final Pattern NAME = Pattern.compile("consentkit(\\.[a-z][a-z0-9-]*)+");
    private static final Pattern SIMPLE_DURATION = Pattern.compile("(\\d+)(ns|us|ms|s|m|h|d)?");

    /** What a value of a key must look like; {@link #check} turns a raw value into its canonical text. */
    public enum Kind {
        /** Any text. */
        TEXT,
        /** A file path. */
        PATH,
        /** {@code true} or {@code false}. */
        BOOLEAN,
        /** A whole number, zero or more. */
        COUNT,
        /** A number above 0 and at most 1. */
        FRACTION,
        /** ISO-8601 ({@code PT30M}) or a number with a unit: {@code 500ms}, {@code 30s}, {@code 10m}, {@code 2h}, {@code 1d}; a bare number is milliseconds. */
        DURATION,
        /** {@code csv}, {@code s3}, {@code jdbc} or {@code memory}. */
        STORE_TYPE,
        /** An absolute http(s) URL. */
        URL,
        /** A daily window {@code HH:mm-HH:mm}. */
        WINDOW,
        /** A time-zone id such as {@code America/Chicago}. */
        ZONE,
        /** A two-letter region code such as {@code US}. */
        REGION
    }

    public ConfigKey {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(kind, "kind");
        Objects.requireNonNull(defaultValue, "defaultValue");
        Objects.requireNonNull(usedBy, "usedBy");
        Objects.requireNonNull(description, "description");
        if (!NAME.matcher(name).matches()) {
            throw new IllegalArgumentException("not a configuration key name: " + name);
        }
    }

    /**
     * The environment variable that sets this key, as Spring Boot's relaxed binding derives it: dots
     * become underscores, dashes are dropped, upper case ({@code consentkit.twilio.account-sid} is
     * {@code CONSENTKIT_TWILIO_ACCOUNTSID}). {@link ConsentKitConfig.Loader#environment} also accepts an
     * underscore in place of a dash ({@code CONSENTKIT_TWILIO_ACCOUNT_SID}).
     */
    public String environmentVariable() {
        return name.replace('.', '_').replace("-", "").toUpperCase(Locale.ROOT);
    }

    /**
     * Checks {@code raw} for this key's kind and returns it in canonical form (trimmed; booleans,
     * store types lower-case; durations ISO-8601). An empty value means "not set" and is returned empty.
     *
     * @param origin where the value came from, for the message (e.g. {@code consentkit.yml})
     * @throws InvalidInputException naming the key and the origin
     */
    public String check(String raw, String origin) {
        String v = raw == null ? "" : raw.strip();
        if (v.isEmpty()) {
            return "";
        }
        try {
            return switch (kind) {
                case TEXT, PATH -> v;
                case BOOLEAN -> bool(v);
                case COUNT -> count(v);
                case FRACTION -> fraction(v);
                case DURATION -> parseDuration(v).toString();
                case STORE_TYPE -> StoreType.parse(name, v).configName();
                case URL -> url(v);
                case WINDOW -> window(v);
                case ZONE -> ZoneId.of(v).getId();
                case REGION -> region(v);
            };
        } catch (InvalidInputException e) {
            throw new InvalidInputException(field(origin), e.problem());
        } catch (DateTimeException e) {
            throw new InvalidInputException(field(origin), "is not a time-zone id: '" + shown(v) + "'");
        }
    }

    private String field(String origin) {
        return origin == null || origin.isEmpty() ? name : name + " (from " + origin + ")";
    }

    private String shown(String v) {
        return secret ? Masking.secret(v) : Masking.printable(v);
    }

    private String bool(String v) {
        String l = v.toLowerCase(Locale.ROOT);
        if (!l.equals("true") && !l.equals("false")) {
            throw new InvalidInputException(name, "must be true or false, was '" + shown(v) + "'");
        }
        return l;
    }

    private String count(String v) {
        try {
            long n = Long.parseLong(v);
            if (n < 0) {
                throw new InvalidInputException(name, "must be zero or positive, was " + n);
            }
            return Long.toString(n);
        } catch (NumberFormatException e) {
            throw new InvalidInputException(name, "must be a whole number, was '" + shown(v) + "'");
        }
    }

    private String fraction(String v) {
        try {
            double d = Double.parseDouble(v);
            if (!(d > 0 && d <= 1)) {
                throw new InvalidInputException(name, "must be above 0 and at most 1, was " + v);
            }
            return Double.toString(d);
        } catch (NumberFormatException e) {
            throw new InvalidInputException(name, "must be a number, was '" + shown(v) + "'");
        }
    }

    private String url(String v) {
        try {
            URI u = new URI(v);
            if (!u.isAbsolute() || u.getHost() == null
                    || !("http".equalsIgnoreCase(u.getScheme()) || "https".equalsIgnoreCase(u.getScheme()))) {
                throw new InvalidInputException(name, "must be an absolute http(s) URL, was '" + shown(v) + "'");
            }
            return v;
        } catch (URISyntaxException e) {
            throw new InvalidInputException(name, "is not a URL: '" + shown(v) + "'");
        }
    }

    private String window(String v) {
        int dash = v.indexOf('-');
        try {
            if (dash < 0) {
                throw new DateTimeParseException("no dash", v, 0);
            }
            LocalTime start = LocalTime.parse(v.substring(0, dash).strip());
            LocalTime end = LocalTime.parse(v.substring(dash + 1).strip());
            if (!start.isBefore(end)) {
                throw new InvalidInputException(name, "must start before it ends, was '" + shown(v) + "'");
            }
            return start + "-" + end;
        } catch (DateTimeParseException e) {
            throw new InvalidInputException(name, "must be HH:mm-HH:mm, was '" + shown(v) + "'");
        }
    }

    private String region(String v) {
        if (!v.matches("[A-Za-z]{2}")) {
            throw new InvalidInputException(name, "must be a two-letter region code, was '" + shown(v) + "'");
        }
        return v.toUpperCase(Locale.ROOT);
    }

    /**
     * Parses a duration as ISO-8601 ({@code PT30M}) or a number with a unit ({@code ns}, {@code us},
     * {@code ms}, {@code s}, {@code m}, {@code h}, {@code d}; none means milliseconds), the forms Spring
     * Boot accepts. Negative durations are refused.
     *
     * @throws InvalidInputException naming this key
     */
    Duration parseDuration(String v) {
        Duration d;
        Matcher m = SIMPLE_DURATION.matcher(v.toLowerCase(Locale.ROOT));
        try {
            if (m.matches()) {
                long n = Long.parseLong(m.group(1));
                String unit = m.group(2) == null ? "ms" : m.group(2);
                d = switch (unit) {
                    case "ns" -> Duration.ofNanos(n);
                    case "us" -> Duration.ofNanos(Math.multiplyExact(n, 1000L));
                    case "ms" -> Duration.ofMillis(n);
                    case "s" -> Duration.ofSeconds(n);
                    case "m" -> Duration.ofMinutes(n);
                    case "h" -> Duration.ofHours(n);
                    default -> Duration.ofDays(n);
                };
            } else {
                d = Duration.parse(v);
            }
        } catch (DateTimeParseException | ArithmeticException e) {
            throw new InvalidInputException(name, "must be a duration such as 30s, 10m or PT10M, was '" + shown(v) + "'");
        }
        if (d.isNegative()) {
            throw new InvalidInputException(name, "must not be negative, was '" + shown(v) + "'");
        }
        return d;
    }
}
