package io.consentkit.phone;

import com.google.i18n.phonenumbers.NumberParseException;
import com.google.i18n.phonenumbers.PhoneNumberUtil;
import com.google.i18n.phonenumbers.Phonenumber;
import io.consentkit.phone.InvalidPhoneNumberException.Reason;

import java.util.Locale;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Normalises phone numbers as people type them into E.164, on libphonenumber.
 *
 * <p>National input ("512-555-1234", "(206) 555-0199") is read in the default region (US
 * unless configured); international input ("+44 20 7946 0958") in its own. Input that is already
 * canonical E.164 ({@code +} and {@value #MIN_DIGITS} to 15 digits, nothing else) takes a fast path: the country
 * code is split off directly and the number checked with libphonenumber's metadata, skipping the
 * string parser. Input that passes, in any form, is cached (bounded: {@value #CACHE_LIMIT}
 * entries), so checking the same input again is a map lookup.
 *
 * <p>Immutable and thread-safe.
 */
public final class PhoneNumbers {
    /** The region used for national numbers unless configured: {@value}. */
    public static final String DEFAULT_REGION = "US";
    /** Longest input examined, in characters; longer input is rejected as too long. */
    public static final int MAX_INPUT_LENGTH = 64;

    /**
     * Fewest digits (country code included) a canonical E.164 number may have: {@value}. E.164 sets
     * only a maximum (15); the shortest numbers in service are a country code and a 4-digit subscriber
     * number (Germany and Austria +49/+43 with 4-digit national numbers, Saint Helena +290, Tokelau
     * +690, Niue +683, Luxembourg +352), the shortest length libphonenumber's metadata calls
     * possible for any region. This floor only decides the <em>shape</em>; whether a number is
     * assigned is still libphonenumber's check, so short garbage is rejected as before.
     */
    public static final int MIN_DIGITS = 6;

    /** Most inputs remembered as valid. */
    public static final int CACHE_LIMIT = 65_536;
    private static final PhoneNumberUtil UTIL = PhoneNumberUtil.getInstance();
    private static final PhoneNumbers DEFAULTS = new PhoneNumbers(DEFAULT_REGION);

    private final String defaultRegion;
    private final ConcurrentHashMap<String, PhoneNumber> valid = new ConcurrentHashMap<>();

    private PhoneNumbers(String defaultRegion) {
        this.defaultRegion = defaultRegion;
    }

    /** The shared normaliser for region {@value #DEFAULT_REGION}. */
    public static PhoneNumbers defaults() {
        return DEFAULTS;
    }

    /**
     * A normaliser that reads national numbers in {@code region} (ISO 3166 alpha-2, e.g. "GB").
     *
     * @throws IllegalArgumentException if libphonenumber does not know the region
     */
    public static PhoneNumbers forRegion(String region) {
        Objects.requireNonNull(region, "region");
        String r = region.toUpperCase(Locale.ROOT);
        if (!UTIL.getSupportedRegions().contains(r)) {
            throw new IllegalArgumentException("region '" + region + "' is not a supported ISO 3166 region code");
        }
        return DEFAULT_REGION.equals(r) ? DEFAULTS : new PhoneNumbers(r);
    }

    /** The region national numbers are read in. */
    public String defaultRegion() {
        return defaultRegion;
    }

    /**
     * Parses and validates a number.
     *
     * @throws InvalidPhoneNumberException naming field "phone_number", with the reason and the masked input
     */
    public PhoneNumber parse(String input) {
        return parse(input, "phone_number");
    }

    /**
     * Parses and validates a number held in {@code field} (used in the error message).
     *
     * @throws InvalidPhoneNumberException with the reason and the masked input
     */
    public PhoneNumber parse(String input, String field) {
        if (input == null || input.isBlank()) {
            throw new InvalidPhoneNumberException(field, input, Reason.EMPTY);
        }
        if (input.length() > MAX_INPUT_LENGTH) {
            throw new InvalidPhoneNumberException(field, input, Reason.TOO_LONG);
        }
        PhoneNumber cached = valid.get(input);
        if (cached != null) {
            return cached;
        }
        PhoneNumber parsed = looksCanonical(input) ? fastPath(input, field) : slowPath(input, field);
        if (valid.size() < CACHE_LIMIT) {
            valid.putIfAbsent(input, parsed); // only valid input is cached; errors are computed each time
        }
        return parsed;
    }

    /**
     * Reads a number back from a journal that ConsentKit wrote, where every number was fully
     * validated when it was recorded: canonical E.164 is checked for an assigned country code and a
     * possible length only (no pattern matching against the numbering plan), which makes opening a
     * large journal several times faster. Anything not canonical is parsed in full.
     *
     * @throws InvalidPhoneNumberException if the number is not even possible
     */
    public PhoneNumber parseStored(String input, String field) {
        if (input == null || !looksCanonical(input)) {
            return parse(input, field);
        }
        return canonical(input, field, false);
    }

    /** True if {@code input} parses to a valid number. Never throws. */
    public boolean isValid(String input) {
        try {
            parse(input);
            return true;
        } catch (InvalidPhoneNumberException e) {
            return false;
        }
    }

    /** '+' then {@value #MIN_DIGITS}..15 ASCII digits, the first not 0. */
    static boolean looksCanonical(String s) {
        int n = s.length();
        if (n < MIN_DIGITS + 1 || n > 16 || s.charAt(0) != '+' || s.charAt(1) == '0') {
            return false;
        }
        for (int i = 1; i < n; i++) {
            char c = s.charAt(i);
            if (c < '0' || c > '9') {
                return false;
            }
        }
        return true;
    }

    private PhoneNumber fastPath(String e164, String field) {
        return canonical(e164, field, true);
    }

    /**
     * Checks canonical E.164 without the string parser: splits off the country code directly and
     * asks libphonenumber whether the number is valid ({@code full}) or merely possible.
     */
    private PhoneNumber canonical(String e164, String field, boolean full) {
        // Country calling codes are 1 to 3 digits and prefix-free: at most one split is assigned.
        for (int ccLen = 1; ccLen <= 3; ccLen++) {
            int cc = Integer.parseInt(e164, 1, 1 + ccLen, 10);
            if ("ZZ".equals(UTIL.getRegionCodeForCountryCode(cc))) {
                continue;
            }
            String national = e164.substring(1 + ccLen);
            if (national.isEmpty() || national.charAt(0) == '0') {
                // a leading zero is significant only in a few regions (e.g. Italy): let the full parser decide
                return slowPath(e164, field);
            }
            Phonenumber.PhoneNumber pn = new Phonenumber.PhoneNumber()
                    .setCountryCode(cc)
                    .setNationalNumber(Long.parseLong(national));
            if (full ? UTIL.isValidNumber(pn) : UTIL.isPossibleNumber(pn)) {
                return new PhoneNumber(e164); // canonical already: keep the caller's string
            }
            return validate(pn, e164, field);
        }
        throw new InvalidPhoneNumberException(field, e164, Reason.INVALID_COUNTRY_CODE);
    }

    private PhoneNumber slowPath(String input, String field) {
        boolean hasDigit = false;
        for (int i = 0; i < input.length(); i++) {
            if (Character.isDigit(input.charAt(i))) {
                hasDigit = true;
                break;
            }
        }
        if (!hasDigit) {
            throw new InvalidPhoneNumberException(field, input, Reason.NOT_A_NUMBER);
        }
        Phonenumber.PhoneNumber pn;
        try {
            pn = UTIL.parse(input, defaultRegion);
        } catch (NumberParseException e) {
            throw new InvalidPhoneNumberException(field, input, switch (e.getErrorType()) {
                case INVALID_COUNTRY_CODE -> Reason.INVALID_COUNTRY_CODE;
                case TOO_SHORT_AFTER_IDD, TOO_SHORT_NSN -> Reason.TOO_SHORT;
                case TOO_LONG -> Reason.TOO_LONG;
                case NOT_A_NUMBER -> Reason.NOT_A_NUMBER;
            });
        }
        return validate(pn, input, field);
    }

    private static PhoneNumber validate(Phonenumber.PhoneNumber pn, String input, String field) {
        if (UTIL.isValidNumber(pn)) {
            return new PhoneNumber(UTIL.format(pn, PhoneNumberUtil.PhoneNumberFormat.E164));
        }
        Reason reason = switch (UTIL.isPossibleNumberWithReason(pn)) {
            case TOO_SHORT, INVALID_LENGTH -> Reason.TOO_SHORT;
            case TOO_LONG -> Reason.TOO_LONG;
            case INVALID_COUNTRY_CODE -> Reason.INVALID_COUNTRY_CODE;
            case IS_POSSIBLE, IS_POSSIBLE_LOCAL_ONLY -> Reason.INVALID_FOR_REGION;
        };
        throw new InvalidPhoneNumberException(field, input, reason);
    }
}
