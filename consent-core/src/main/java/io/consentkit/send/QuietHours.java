package io.consentkit.send;

import io.consentkit.support.Masking;
import com.google.i18n.phonenumbers.NumberParseException;
import com.google.i18n.phonenumbers.PhoneNumberToTimeZonesMapper;
import com.google.i18n.phonenumbers.PhoneNumberUtil;
import com.google.i18n.phonenumbers.Phonenumber;
import io.consentkit.InvalidInputException;
import io.consentkit.phone.PhoneNumber;
import io.consentkit.send.internal.UsLocations;

import java.time.Instant;
import java.time.LocalTime;
import java.time.ZoneId;
import java.time.zone.ZoneRulesException;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;
import java.util.regex.Pattern;

/**
 * When a number may be texted, in the recipient's local time: an allowed window (default
 * {@value #DEFAULT_WINDOW_TEXT}) with overrides by number prefix, such as Florida's area codes
 * (08:00-20:00, Fla. Stat. 501.616(6)), and the rules of a {@link SendingRules} pack for the
 * recipient's country and state: windows by weekday, days closed for holidays, effective dates. The
 * most restrictive wins: a text may go only when the window and every rule in force allow it.
 *
 * <p><b>Time zones</b> come from the number, through libphonenumber's geocoding data
 * ({@link PhoneNumberToTimeZonesMapper}). A number whose prefix spans several zones (an Idaho
 * {@code +1 208} number is in both Mountain and Pacific time) may be texted only when the window
 * holds in <em>all</em> of them. A North American number that belongs to no place (toll-free
 * {@code +1 800/888/877...}, {@code +1 500} personal numbers, {@code +1 900}, {@code +1 600}) uses the
 * {@linkplain Builder#nonGeographicZones non-geographic zones} (by default the four contiguous-US
 * zones, so 11:00-21:00 Eastern), not the 42 zones from Adak to Guam its prefix maps to. When the data
 * knows no zone for a number, or its zones share no allowed time at all (an Australian mobile under a
 * two-hour override window), the {@linkplain Builder#fallbackZones fallback zones} are used instead
 * (by default the same four). If even the fallback zones share no time inside a narrow override
 * window, the number's first zone alone decides.
 *
 * <p><b>Jurisdictions</b>: the number's country (its libphonenumber region, {@code "US"}) and, for a
 * US number, its state from the area code ({@code us-area-codes.csv}, from the same geocoding data;
 * a toll-free number has none). {@link #check(PhoneNumber, String, Instant)} takes the state the app
 * knows for the recipient (from an address), which replaces the area-code guess and the number's
 * zones with that state's zones.
 *
 * <p>{@link #nextAllowed} gives the earliest instant at or after a given one at which the number
 * may be texted; it is exact across midnight and daylight-saving changes (the local window is
 * applied to each day's own offset). The window is {@code [start, end)}; a window whose start is
 * after its end wraps midnight.
 *
 * <p>These hours mirror the federal and state rules for telephone <em>solicitations</em>; applying
 * them to informational texts too (as {@link GuardedSender} does by default) is a product choice,
 * not legal advice.
 *
 * <pre>{@code
 * QuietHours hours = QuietHours.builder()
 *         .window(LocalTime.of(9, 0), LocalTime.of(20, 0))
 *         .rules(SendingRules.bundled("us-states-2026-12"))
 *         .override("+1405", LocalTime.of(8, 0), LocalTime.of(20, 0)) // an Oklahoma area code
 *         .build();
 * }</pre>
 *
 * <p>Immutable and thread-safe.
 */
public final class QuietHours {
    /** Default start of the allowed window: 08:00. */
    public static final LocalTime DEFAULT_START = LocalTime.of(8, 0);
    /** Default end of the allowed window: 21:00 (47 CFR 64.1200(c)(1)). */
    public static final LocalTime DEFAULT_END = LocalTime.of(21, 0);
    /** The default window as text: {@value}. */
    public static final String DEFAULT_WINDOW_TEXT = "08:00-21:00";
    /** End of the window in Florida, Fla. Stat. 501.616(6): 20:00. */
    public static final LocalTime FLORIDA_END = LocalTime.of(20, 0);

    /**
     * Florida's area codes, including overlays: every NANP area code that libphonenumber's
     * geocoding data (geocoder 3.23) places in Florida. Florida's FTSA presumes a Florida area code
     * reaches a Florida resident. New overlays are added from time to time; extend the list with
     * {@link Builder#areaCodes} if needed.
     */
    public static final List<String> FLORIDA_AREA_CODES = List.of("239", "305", "321", "324", "352", "386", "407",
            "448", "561", "645", "656", "689", "727", "754", "772", "786", "813", "850", "863", "904", "941", "954");

    /** Zones used when a number's own zones are unknown or share no window: the contiguous US. */
    public static final List<ZoneId> DEFAULT_FALLBACK_ZONES = List.of(ZoneId.of("America/New_York"),
            ZoneId.of("America/Chicago"), ZoneId.of("America/Denver"), ZoneId.of("America/Los_Angeles"));

    private static final Pattern PREFIX = Pattern.compile("\\+[1-9][0-9]{0,14}");
    private static final Pattern AREA_CODE = Pattern.compile("[2-9][0-9]{2}");
    private static final String UNKNOWN_ZONE = "Etc/Unknown";
    private static final int CACHE_LIMIT = 100_000;
    private static final String[] NO_JURISDICTIONS = new String[0];
    private static final SendingRule[][] NO_RULES = new SendingRule[0][];
    private static final QuietHours NONE = new QuietHours(new Settings(false, new Window(DEFAULT_START, DEFAULT_END),
            Map.of(), DEFAULT_FALLBACK_ZONES, DEFAULT_FALLBACK_ZONES, SendingRules.none()));

    private final Window window;
    private final Map<String, Window> overrides;
    private final int[] prefixLengths;
    private final List<ZoneId> fallbackZones;
    private final List<ZoneId> nonGeographicZones;
    private final SendingRules rules;
    private final boolean enabled;
    private final ConcurrentHashMap<String, Plan> plans = new ConcurrentHashMap<>();

    /**
     * An allowed sending window in local time, {@code [start, end)}; wraps midnight if
     * {@code start} is after {@code end}.
     *
     * @param start first allowed local time
     * @param end   first local time no longer allowed
     */
    public record Window(LocalTime start, LocalTime end) {
        public Window {
            Objects.requireNonNull(start, "start");
            Objects.requireNonNull(end, "end");
            if (start.equals(end)) {
                throw new InvalidInputException("window", "start and end are both " + start
                        + " (an empty window); use QuietHours.none() to send at any hour");
            }
        }

        /** True if {@code time} is inside the window. */
        public boolean allows(LocalTime time) {
            return start.isBefore(end)
                    ? !time.isBefore(start) && time.isBefore(end)
                    : !time.isBefore(start) || time.isBefore(end);
        }

        @Override
        public String toString() {
            return start + "-" + end;
        }
    }

    /**
     * What applies to one number (cached per number and given state): its zones, window,
     * jurisdictions and how they were found.
     */
    private record Plan(List<ZoneId> zones, Window window, boolean fallback, List<ZoneId> ownZones,
                        List<String> jurisdictions, SendingRule[][] rules, boolean capped, String basis) {
        Plan withZones(List<ZoneId> z) {
            return new Plan(z, window, true, ownZones, jurisdictions, rules, capped, basis);
        }
    }

    private Plan makePlan(List<ZoneId> zones, Window w, boolean fallback, List<ZoneId> own, String[] js, String basis) {
        SendingRule[][] rs = new SendingRule[js.length][];
        boolean capped = false;
        for (int i = 0; i < js.length; i++) {
            rs[i] = rules.candidates(js[i]);
            for (SendingRule r : rs[i]) {
                capped |= r.hasSubjectCap();
            }
        }
        return new Plan(zones, w, fallback, own, List.of(js), rs, capped, basis);
    }

    /**
     * What {@link Builder#build()} hands to the constructor: the rules, collections copied.
     *
     * @param enabled       false only for {@link #none()}
     * @param window        the window everywhere without an override
     * @param overrides     windows by E.164 prefix
     * @param fallbackZones zones used when a number's own zones are unknown or share no window
     * @param nonGeographicZones zones of North American numbers that belong to no place (toll-free)
     * @param rules         the sending rule pack
     */
    private record Settings(boolean enabled, Window window, Map<String, Window> overrides,
                            List<ZoneId> fallbackZones, List<ZoneId> nonGeographicZones, SendingRules rules) {
        private Settings {
            Objects.requireNonNull(window, "window");
            Objects.requireNonNull(rules, "rules");
            overrides = Map.copyOf(overrides);
            fallbackZones = List.copyOf(fallbackZones);
            nonGeographicZones = List.copyOf(nonGeographicZones);
        }
    }

    private QuietHours(Settings s) {
        this.enabled = s.enabled();
        this.window = s.window();
        this.overrides = s.overrides();
        TreeSet<Integer> lengths = new TreeSet<>((x, y) -> Integer.compare(y, x));
        for (String p : overrides.keySet()) {
            lengths.add(p.length());
        }
        this.prefixLengths = lengths.stream().mapToInt(Integer::intValue).toArray();
        this.fallbackZones = s.fallbackZones();
        this.nonGeographicZones = s.nonGeographicZones();
        this.rules = s.rules();
    }

    /**
     * The default rules: {@value #DEFAULT_WINDOW_TEXT} everywhere, 08:00-20:00 for
     * {@linkplain #FLORIDA_AREA_CODES Florida area codes}, the {@linkplain SendingRules#bundled() bundled
     * rule pack}, contiguous-US fallback and non-geographic zones.
     */
    public static QuietHours defaults() {
        return builder().floridaRule().rules(SendingRules.bundled()).build();
    }

    /** No quiet hours: every instant is allowed. */
    public static QuietHours none() {
        return NONE;
    }

    /** A builder starting from {@value #DEFAULT_WINDOW_TEXT} with no overrides and no rule pack. */
    public static Builder builder() {
        return new Builder();
    }

    /** False for {@link #none()}. */
    public boolean enabled() {
        return enabled;
    }

    /** The rule pack applied ({@link SendingRules#none()} if none). */
    public SendingRules rules() {
        return rules;
    }

    /** The window that applies to {@code number}: the longest matching override, else the default. */
    public Window windowFor(PhoneNumber number) {
        String e164 = number.e164();
        for (int len : prefixLengths) {
            if (e164.length() >= len) {
                Window w = overrides.get(e164.substring(0, len));
                if (w != null) {
                    return w;
                }
            }
        }
        return window;
    }

    /**
     * The time zones the window is checked in for {@code number}: its own zones from the geocoding
     * data, or the fallback zones when those are unknown.
     */
    public List<ZoneId> zonesOf(PhoneNumber number) {
        return enabled ? plan(number, "").zones() : List.of();
    }

    /** True if {@code number} may be texted at {@code instant}. */
    public boolean allows(PhoneNumber number, Instant instant) {
        return instant.equals(nextAllowed(number, instant));
    }

    /**
     * The earliest instant at or after {@code now} at which {@code number} may be texted: {@code now}
     * itself when it is allowed.
     */
    public Instant nextAllowed(PhoneNumber number, Instant now) {
        Objects.requireNonNull(now, "now");
        return enabled ? next(plan(number, ""), number, "", now) : now;
    }

    /**
     * When {@code number} may be texted, as of {@code now}, and what decided.
     *
     * @param recipientState the recipient's state as a USPS code ({@code "TX"}) when the app knows it,
     *                       which replaces the area-code guess; empty when unknown
     * @throws InvalidInputException naming "recipientState" for a code the tables do not know
     */
    public QuietHoursDecision check(PhoneNumber number, String recipientState, Instant now) {
        Objects.requireNonNull(now, "now");
        Objects.requireNonNull(recipientState, "recipientState");
        if (!recipientState.isEmpty() && !UsLocations.isKnownState(recipientState)) {
            throw new InvalidInputException("recipientState", "'" + Masking.printable(recipientState)
                    + "' is not a US state, DC or territory code");
        }
        if (!enabled) {
            return new QuietHoursDecision(now, now, window, List.of(), List.of(), "quiet hours off", List.of(), List.of(),
                    rules.version());
        }
        Plan plan = plan(number, recipientState);
        Instant next = next(plan, number, recipientState, now);
        List<SendingRule> closedBy = next.equals(now) ? List.of() : LocalHours.closedBy(plan.zones(), plan.rules(), now);
        List<SendingRule> caps = plan.capped() ? LocalHours.subjectCaps(plan.zones(), plan.rules(), now) : List.of();
        return new QuietHoursDecision(now, next, plan.window(), plan.zones(), plan.jurisdictions(), plan.basis(),
                closedBy, caps, rules.version());
    }

    private Instant next(Plan plan, PhoneNumber number, String state, Instant now) {
        Instant t = LocalHours.search(plan.zones(), plan.window(), plan.rules(), now);
        if (t != null) {
            return t;
        }
        if (!plan.fallback()) {
            // the number's own zones share no allowed time: use the fallback zones from now on
            Plan fb = plan.withZones(fallbackZones);
            plans.replace(key(number, state), plan, fb);
            t = LocalHours.search(fb.zones(), fb.window(), fb.rules(), now);
            if (t != null) {
                return t;
            }
        }
        // last resort (a narrow override over zones far apart): one zone always has a window
        ZoneId single = plan.ownZones().isEmpty() ? fallbackZones.get(0) : plan.ownZones().get(0);
        t = LocalHours.search(List.of(single), plan.window(), plan.rules(), now);
        return t != null ? t : LocalHours.search(List.of(single), plan.window(), NO_RULES, now);
    }

    private static String key(PhoneNumber number, String state) {
        return state.isEmpty() ? number.e164() : number.e164() + "|" + state;
    }

    private Plan plan(PhoneNumber number, String state) {
        String key = key(number, state);
        Plan p = plans.get(key);
        if (p != null) {
            return p;
        }
        p = newPlan(number, state);
        if (plans.size() < CACHE_LIMIT) {
            plans.putIfAbsent(key, p);
        }
        return p;
    }

    private Plan newPlan(PhoneNumber number, String state) {
        Window w = windowFor(number);
        if (!state.isEmpty()) {
            String[] js = rules.covers("US-" + state) ? new String[]{"US", "US-" + state} : new String[]{"US"};
            List<ZoneId> zones = UsLocations.zonesOf(state);
            return makePlan(zones, w, false, zones, js, "recipient state " + state);
        }
        Phonenumber.PhoneNumber pn;
        try {
            pn = PhoneNumberUtil.getInstance().parse(number.e164(), "ZZ");
        } catch (NumberParseException e) {
            return makePlan(fallbackZones, w, true, List.of(), NO_JURISDICTIONS, "no state");
        }
        PhoneNumberUtil util = PhoneNumberUtil.getInstance();
        String region = util.getRegionCodeForNumber(pn);
        String[] country = region != null && rules.covers(region) ? new String[]{region} : NO_JURISDICTIONS;
        if (pn.getCountryCode() == 1 && !util.isNumberGeographical(pn)) {
            // toll-free and other non-geographic NANP numbers map to every zone from Adak to Guam
            return makePlan(nonGeographicZones, w, true, List.of(), country, "non-geographic number");
        }
        List<ZoneId> zones = lookupZones(pn);
        String st = "US".equals(region) ? UsLocations.stateOfAreaCode((int) (pn.getNationalNumber() / 10_000_000L)) : "";
        String[] js = country;
        String basis = "no state";
        if (!st.isEmpty()) {
            basis = "area code " + pn.getNationalNumber() / 10_000_000L + " in " + st;
            if (rules.covers("US-" + st)) {
                js = new String[]{region, "US-" + st};
            }
        }
        return zones.isEmpty() ? makePlan(fallbackZones, w, true, zones, js, basis) : makePlan(zones, w, false, zones, js, basis);
    }

    private static List<ZoneId> lookupZones(Phonenumber.PhoneNumber pn) {
        List<ZoneId> out = new ArrayList<>();
        for (String id : PhoneNumberToTimeZonesMapper.getInstance().getTimeZonesForNumber(pn)) {
            if (UNKNOWN_ZONE.equals(id)) {
                return List.of();
            }
            try {
                out.add(ZoneId.of(id));
            } catch (ZoneRulesException e) {
                // a zone id newer than this JDK's tz data: ignore it, the others still apply
            }
        }
        return List.copyOf(out);
    }

    @Override
    public String toString() {
        return enabled ? "QuietHours[" + window + ", " + overrides.size() + " overrides]" : "QuietHours[none]";
    }

    /** Configures {@link QuietHours}. Setters validate at once. Not thread-safe. */
    public static final class Builder {
        private Window window = new Window(DEFAULT_START, DEFAULT_END);
        private final Map<String, Window> overrides = new LinkedHashMap<>();
        private List<ZoneId> fallbackZones = DEFAULT_FALLBACK_ZONES;
        private List<ZoneId> nonGeographicZones;
        private SendingRules rules = SendingRules.none();

        private Builder() {
        }

        /** The allowed window everywhere without an override. Default {@value #DEFAULT_WINDOW_TEXT}. */
        public Builder window(LocalTime start, LocalTime end) {
            this.window = new Window(start, end);
            return this;
        }

        /**
         * A window for every number starting with {@code e164Prefix} ({@code "+1305"}, {@code "+44"});
         * the longest matching prefix wins.
         */
        public Builder override(String e164Prefix, LocalTime start, LocalTime end) {
            if (e164Prefix == null || !PREFIX.matcher(e164Prefix).matches()) {
                throw new InvalidInputException("prefix", "'" + e164Prefix + "' is not '+' followed by 1 to 15 "
                        + "digits (e.g. +1305)");
            }
            overrides.put(e164Prefix, new Window(start, end));
            return this;
        }

        /** A window for North American numbers in these three-digit area codes. */
        public Builder areaCodes(Collection<String> areaCodes, LocalTime start, LocalTime end) {
            Objects.requireNonNull(areaCodes, "areaCodes");
            for (String code : areaCodes) {
                if (code == null || !AREA_CODE.matcher(code).matches()) {
                    throw new InvalidInputException("areaCode", "'" + Masking.printable(code) + "' is not a three-digit NANP area code");
                }
            }
            for (String code : areaCodes) {
                override("+1" + code, start, end);
            }
            return this;
        }

        /** The Florida example: {@link #FLORIDA_AREA_CODES} may be texted 08:00-20:00 only. */
        public Builder floridaRule() {
            return areaCodes(FLORIDA_AREA_CODES, DEFAULT_START, FLORIDA_END);
        }

        /**
         * Zones whose windows must all hold when a number's own zones are unknown or share no
         * allowed time. Default {@link #DEFAULT_FALLBACK_ZONES}.
         */
        public Builder fallbackZones(List<ZoneId> zones) {
            this.fallbackZones = zones(zones, "fallbackZones");
            return this;
        }

        private static List<ZoneId> zones(List<ZoneId> zones, String field) {
            if (zones == null || zones.isEmpty()) {
                throw new InvalidInputException(field, "is empty");
            }
            for (ZoneId z : zones) {
                Objects.requireNonNull(z, field + " element");
            }
            return List.copyOf(zones);
        }

        /**
         * Zones whose windows must all hold for a North American number that belongs to no place
         * (toll-free, {@code +1 500}, {@code +1 900}, {@code +1 600}). Default: the
         * {@linkplain #fallbackZones fallback zones}.
         */
        public Builder nonGeographicZones(List<ZoneId> zones) {
            this.nonGeographicZones = zones(zones, "nonGeographicZones");
            return this;
        }

        /**
         * The rule pack whose rules apply by the recipient's country and state, on top of the window.
         * Default {@link SendingRules#none()} ({@link QuietHours#defaults()} uses {@link SendingRules#bundled()}).
         */
        public Builder rules(SendingRules rules) {
            this.rules = Objects.requireNonNull(rules, "rules");
            return this;
        }

        /**
         * Builds the rules.
         *
         * @throws InvalidInputException naming "fallbackZones" if the default window holds at no time
         *                               in all fallback zones at once
         */
        public QuietHours build() {
            QuietHours q = new QuietHours(new Settings(true, window, overrides, fallbackZones,
                    nonGeographicZones != null ? nonGeographicZones : fallbackZones, rules));
            if (LocalHours.search(q.fallbackZones, q.window, NO_RULES, Instant.parse("2026-01-15T12:00:00Z")) == null) {
                throw new InvalidInputException("fallbackZones", q.fallbackZones + " share no time inside " + q.window);
            }
            return q;
        }
    }
}
