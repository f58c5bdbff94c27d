package io.consentkit.send;

import io.consentkit.InvalidInputException;
import io.consentkit.support.Masking;
import org.apache.commons.csv.CSVFormat;
import org.apache.commons.csv.CSVParser;
import org.apache.commons.csv.CSVRecord;

import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.Reader;
import java.io.StringReader;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.time.DateTimeException;
import java.time.DayOfWeek;
import java.time.Duration;
import java.time.LocalDate;
import java.time.LocalTime;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A versioned pack of {@link SendingRule}s: the federal, state and country rules on when a text may
 * reach a recipient, each with its source and effective date. The pack is data: ConsentKit ships it
 * as {@code io/consentkit/send/rules/<version>.csv} in consent-core's jar, and {@link #parse} reads
 * one of your own in the same form. {@link QuietHours#defaults()} applies {@link #bundled()};
 * {@link QuietHours.Builder#rules} takes any pack.
 *
 * <pre>{@code
 * SendingRules pinned = SendingRules.bundled("us-states-2026-12");   // not moved by an upgrade
 * SendingRules mine = pinned.toBuilder()
 *         .version("us-states-2026-12+acme")
 *         .put(SendingRule.builder("acme-us-ca", "US-CA").window(LocalTime.of(9, 0), LocalTime.of(20, 0))
 *                 .source(URI.create("https://acme.example/policy/sms-hours")).build())
 *         .remove("us-ct")
 *         .build();
 * }</pre>
 *
 * <p>Of several rules for one jurisdiction, the one with the latest {@link SendingRule#effectiveFrom}
 * on or before the day in question applies; a rule not yet in force does not. Immutable and
 * thread-safe.
 */
public final class SendingRules {
    /** The pack {@link #bundled()} loads: {@value}. */
    public static final String CURRENT_VERSION = "us-states-2026-12";
    /** Every pack version in this jar, oldest first. */
    public static final List<String> BUNDLED_VERSIONS = List.of(CURRENT_VERSION);

    static final List<String> COLUMNS = List.of("id", "jurisdiction", "effective_from", "mon", "tue", "wed", "thu",
            "fri", "sat", "sun", "holidays", "subject_cap", "cap_hours", "source", "note");
    private static final Pattern VERSION_LINE = Pattern.compile("#\\s*version:\\s*(\\S+)\\s*");
    private static final Pattern VERSION = Pattern.compile("[a-z0-9][a-z0-9._+-]{0,63}");
    private static final Pattern WINDOW = Pattern.compile("([0-2][0-9]:[0-5][0-9])-([0-2][0-9]:[0-5][0-9])");
    private static final Pattern DIGITS = Pattern.compile("[0-9]{1,4}");
    private static final int MAX_RULES = 10_000;
    private static final ConcurrentHashMap<String, SendingRules> BUNDLED = new ConcurrentHashMap<>();
    private static final Comparator<SendingRule> NEWEST_FIRST = Comparator.comparing(SendingRule::effectiveFrom,
            Comparator.nullsFirst(Comparator.<LocalDate>naturalOrder())).reversed();

    private final String version;
    private final List<SendingRule> rules;
    private final Map<String, SendingRule[]> byJurisdiction;

    private SendingRules(String version, List<SendingRule> rules) {
        this.version = version;
        this.rules = List.copyOf(rules);
        Map<String, List<SendingRule>> m = new HashMap<>();
        for (SendingRule r : this.rules) {
            m.computeIfAbsent(r.jurisdiction(), k -> new ArrayList<>()).add(r);
        }
        Map<String, SendingRule[]> sorted = new HashMap<>();
        m.forEach((k, v) -> {
            v.sort(NEWEST_FIRST);
            sorted.put(k, v.toArray(new SendingRule[0]));
        });
        this.byJurisdiction = Map.copyOf(sorted);
    }

    /** The pack shipped in this jar as {@link #CURRENT_VERSION}. */
    public static SendingRules bundled() {
        return bundled(CURRENT_VERSION);
    }

    /**
     * A pack shipped in this jar, by version, so an upgrade of ConsentKit does not change the rules
     * until you move the pin.
     *
     * @throws InvalidInputException naming "version" if this jar has no such pack
     */
    public static SendingRules bundled(String version) {
        if (!BUNDLED_VERSIONS.contains(version)) {
            throw new InvalidInputException("version", "'" + Masking.printable(version) + "' is not a rule pack in this "
                    + "jar (" + String.join(", ", BUNDLED_VERSIONS) + ")");
        }
        return BUNDLED.computeIfAbsent(version, SendingRules::load);
    }

    /** A pack with no rules: only {@link QuietHours}' own window applies. */
    public static SendingRules none() {
        return new SendingRules("none", List.of());
    }

    /** An empty pack to fill: {@code builder("acme-2027-01").put(rule).build()}. */
    public static Builder builder(String version) {
        return new Builder(version, List.of());
    }

    /**
     * Reads a pack in the bundled form: a first line {@code # version: <version>}, then CSV with
     * the header {@code id,jurisdiction,effective_from,mon,tue,wed,thu,fri,sat,sun,holidays,subject_cap,cap_hours,source,note}
     * ({@code #} lines are comments). Days are {@code HH:MM-HH:MM} or {@code closed}.
     *
     * @param name   what to call the pack in errors (a file or resource name)
     * @throws RulePackException naming the line, the rule and the column of the first bad value;
     *                           nothing is returned then
     */
    public static SendingRules parse(String name, Reader reader) {
        Objects.requireNonNull(name, "name");
        String text;
        try {
            StringBuilder sb = new StringBuilder();
            char[] buf = new char[8192];
            for (int n; (n = reader.read(buf)) > 0; ) {
                sb.append(buf, 0, n);
            }
            text = sb.toString();
        } catch (IOException e) {
            throw new UncheckedIOException("could not read rule pack " + name, e);
        }
        return new Loader(name, text).load();
    }

    /** The pack's version, from its file or its builder. */
    public String version() {
        return version;
    }

    /** Every rule, in file order. */
    public List<SendingRule> rules() {
        return rules;
    }

    /** The rule named {@code id}. */
    public Optional<SendingRule> rule(String id) {
        return rules.stream().filter(r -> r.id().equals(id)).findFirst();
    }

    /** The rule of {@code jurisdiction} in force on {@code date}, if any. */
    public Optional<SendingRule> inForce(String jurisdiction, LocalDate date) {
        return Optional.ofNullable(ruleInForce(jurisdiction, date));
    }

    /** As {@link #inForce} without the Optional, for the send path: null if none. */
    SendingRule ruleInForce(String jurisdiction, LocalDate date) {
        SendingRule[] candidates = byJurisdiction.get(jurisdiction);
        return candidates == null ? null : inForce(candidates, date);
    }

    /** The rules of {@code jurisdiction}, newest first (shared; callers do not change it), or an empty array. */
    SendingRule[] candidates(String jurisdiction) {
        SendingRule[] c = byJurisdiction.get(jurisdiction);
        return c == null ? new SendingRule[0] : c;
    }

    /** The first of {@code candidates} (newest first) in force on {@code date}, or null. */
    static SendingRule inForce(SendingRule[] candidates, LocalDate date) {
        for (SendingRule r : candidates) {
            if (r.inForceOn(date)) {
                return r;
            }
        }
        return null;
    }

    /** True if some rule of {@code jurisdiction} exists (in force or not). */
    boolean covers(String jurisdiction) {
        return byJurisdiction.containsKey(jurisdiction);
    }

    /** A builder holding this pack's version and rules. */
    public Builder toBuilder() {
        return new Builder(version, rules);
    }

    @Override
    public String toString() {
        return "SendingRules[" + version + ", " + rules.size() + " rules]";
    }

    private static SendingRules load(String version) {
        String resource = "/io/consentkit/send/rules/" + version + ".csv";
        try (InputStream in = SendingRules.class.getResourceAsStream(resource)) {
            if (in == null) {
                throw new IllegalStateException("rule pack " + resource + " is missing from the jar");
            }
            SendingRules pack = parse(resource, new InputStreamReader(in, StandardCharsets.UTF_8));
            if (!pack.version().equals(version)) {
                throw new IllegalStateException(resource + " says it is version " + pack.version());
            }
            return pack;
        } catch (IOException e) {
            throw new UncheckedIOException("could not read " + resource, e);
        }
    }

    /** Changes a pack's rules; {@link #build()} copies them. Not thread-safe. */
    public static final class Builder {
        private String version;
        private final LinkedHashMap<String, SendingRule> rules = new LinkedHashMap<>();

        private Builder(String version, List<SendingRule> start) {
            version(version);
            for (SendingRule r : start) {
                rules.put(r.id(), r);
            }
        }

        /** The version the built pack reports (and every decision names). */
        public Builder version(String version) {
            if (version == null || !VERSION.matcher(version).matches()) {
                throw new InvalidInputException("version", "'" + Masking.printable(version) + "' is not a pack version "
                        + "(lower-case letters, digits, '.', '_', '+' and '-')");
            }
            this.version = version;
            return this;
        }

        /** Adds {@code rule}, replacing a rule with the same id. */
        public Builder put(SendingRule rule) {
            rules.put(Objects.requireNonNull(rule, "rule").id(), rule);
            return this;
        }

        /** Removes the rule named {@code id}, if there is one. */
        public Builder remove(String id) {
            rules.remove(Objects.requireNonNull(id, "id"));
            return this;
        }

        public SendingRules build() {
            return new SendingRules(version, new ArrayList<>(rules.values()));
        }
    }

    /** One pass over a pack's text. */
    private static final class Loader {
        private final String name;
        private final String text;
        private long line;
        private String id = "";

        Loader(String name, String text) {
            this.name = name;
            this.text = text;
        }

        SendingRules load() {
            String version = version();
            CSVFormat format = CSVFormat.DEFAULT.builder().setCommentMarker('#').setHeader().setSkipHeaderRecord(true)
                    .setIgnoreSurroundingSpaces(true).get();
            try (CSVParser parser = format.parse(new StringReader(text))) {
                for (String c : COLUMNS) {
                    if (!parser.getHeaderMap().containsKey(c)) {
                        throw error("header", "has no column '" + c + "' (expected " + String.join(",", COLUMNS) + ")");
                    }
                }
                Builder b = new Builder(version, List.of());
                for (CSVRecord r : parser) {
                    line = parser.getCurrentLineNumber();
                    id = "";
                    if (!r.isConsistent()) {
                        throw error("row", "has " + r.size() + " values, the header has " + parser.getHeaderNames().size());
                    }
                    SendingRule rule = rule(r);
                    if (b.rules.containsKey(rule.id())) {
                        throw error("id", "appears twice");
                    }
                    if (b.rules.size() >= MAX_RULES) {
                        throw error("row", "is past the limit of " + MAX_RULES + " rules");
                    }
                    b.put(rule);
                }
                return b.build();
            } catch (IOException | UncheckedIOException | IllegalArgumentException e) {
                throw error("csv", "is not valid CSV: " + e.getMessage());
            }
        }

        private String version() {
            int i = 0;
            for (String l : text.split("\n", -1)) {
                i++;
                String s = l.strip();
                if (s.isEmpty()) {
                    continue;
                }
                Matcher m = VERSION_LINE.matcher(s);
                line = i;
                if (!m.matches() || !VERSION.matcher(m.group(1)).matches()) {
                    throw error("version", "line is missing: the first line must be '# version: <version>' "
                            + "(lower-case letters, digits, '.', '_', '+' and '-')");
                }
                return m.group(1);
            }
            throw error("version", "line is missing: the pack is empty");
        }

        private SendingRule rule(CSVRecord r) {
            id = r.get("id");
            if (!SendingRule.ID.matcher(id).matches()) {
                String bad = Masking.printable(id);
                id = "";
                throw error("id", "'" + bad + "' is not a rule id (lower-case letters, digits, '.', '_' and '-')");
            }
            String jurisdiction = r.get("jurisdiction");
            if (!SendingRule.JURISDICTION.matcher(jurisdiction).matches()) {
                throw error("jurisdiction", "'" + Masking.printable(jurisdiction) + "' is not a country or "
                        + "country-subdivision code (US, US-TX, IN)");
            }
            LocalDate from = null;
            String f = r.get("effective_from");
            if (!f.isEmpty()) {
                try {
                    from = LocalDate.parse(f);
                } catch (DateTimeException e) {
                    throw error("effective_from", "'" + Masking.printable(f) + "' is not a date (YYYY-MM-DD) or empty");
                }
            }
            EnumMap<DayOfWeek, QuietHours.Window> windows = new EnumMap<>(DayOfWeek.class);
            for (DayOfWeek d : DayOfWeek.values()) {
                String column = COLUMNS.get(3 + d.ordinal());
                QuietHours.Window w = window(column, r.get(column));
                if (w != null) {
                    windows.put(d, w);
                }
            }
            SendingRule.Holidays holidays = SendingRule.Holidays.byLabel(r.get("holidays"));
            if (holidays == null) {
                throw error("holidays", "'" + Masking.printable(r.get("holidays")) + "' is not a holiday list (none, us-federal)");
            }
            int cap = number("subject_cap", r.get("subject_cap"));
            int hours = number("cap_hours", r.get("cap_hours"));
            URI source;
            try {
                source = new URI(r.get("source"));
            } catch (URISyntaxException e) {
                throw error("source", "'" + Masking.printable(r.get("source")) + "' is not a URL: " + e.getReason());
            }
            if (!"https".equals(source.getScheme()) && !"http".equals(source.getScheme())) {
                throw error("source", "'" + Masking.printable(r.get("source")) + "' is not an http(s) URL (every rule cites "
                        + "where it comes from)");
            }
            try {
                return new SendingRule(id, jurisdiction, from, windows, holidays, cap, Duration.ofHours(hours), source,
                        r.get("note"));
            } catch (RulePackException e) {
                throw e;
            } catch (InvalidInputException e) {
                throw error(column(e.field()), e.problem());
            }
        }

        private QuietHours.Window window(String column, String value) {
            if (value.equals("closed")) {
                return null;
            }
            Matcher m = WINDOW.matcher(value);
            try {
                if (m.matches()) {
                    QuietHours.Window w = new QuietHours.Window(LocalTime.parse(m.group(1)), LocalTime.parse(m.group(2)));
                    if (w.start().isBefore(w.end())) {
                        return w;
                    }
                }
            } catch (DateTimeException | InvalidInputException e) {
                // reported below
            }
            throw error(column, "'" + Masking.printable(value) + "' is not a window (HH:MM-HH:MM, start before end) "
                    + "or 'closed'");
        }

        private int number(String column, String value) {
            if (!DIGITS.matcher(value).matches()) {
                throw error(column, "'" + Masking.printable(value) + "' is not a whole number from 0 to 9999");
            }
            return Integer.parseInt(value);
        }

        private static String column(String field) {
            return switch (field) {
                case "subjectCap" -> "subject_cap";
                case "window" -> "mon..sun";
                default -> field;
            };
        }

        private RulePackException error(String field, String problem) {
            return new RulePackException(name, line, id, field, problem);
        }
    }
}
