package io.consentkit.consent;

import io.consentkit.InvalidInputException;

import java.util.LinkedHashSet;
import java.util.Locale;
import java.util.Objects;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * A program: one campaign or subscription ({@code marketing}, {@code alerts}, {@code cdg-enrollment})
 * of one brand (the business), and the senders it texts from, so an inbound STOP to a sender knows
 * which programs it is about. Consent is given to a program; see {@link Programs}. Immutable and
 * thread-safe.
 *
 * @param name    the program's name, a lower-case identifier (letters, digits, {@code _} and {@code -},
 *                starting with a letter, at most 64), unique among the tracker's programs
 * @param brand   the brand's name, a lower-case identifier too
 * @param senders the program's senders: E.164 numbers ({@code +15125550100}), short codes (3 to 8
 *                digits) and Messaging Service SIDs ({@code MG} and 32 hex digits), kept normalised
 *                (a channel prefix such as {@code sms:} taken off, SIDs' hex in lower case); may be empty
 */
public record Program(String name, String brand, Set<String> senders) {
    private static final Pattern IDENTIFIER = Pattern.compile("[a-z][a-z0-9_-]{0,63}");
    private static final Pattern E164 = Pattern.compile("\\+[1-9][0-9]{5,14}");
    private static final Pattern SHORT_CODE = Pattern.compile("[0-9]{3,8}");
    private static final Pattern SERVICE_SID = Pattern.compile("MG[0-9a-fA-F]{32}");

    public Program {
        name = identifier("program", name);
        brand = identifier("brand", brand);
        Objects.requireNonNull(senders, "senders");
        LinkedHashSet<String> s = new LinkedHashSet<>();
        for (String raw : senders) {
            String n = sender(raw);
            if (n == null) {
                throw new InvalidInputException("senders", "of program '" + name + "': '"
                        + (raw == null ? "null" : io.consentkit.support.Masking.printable(raw))
                        + "' is not an E.164 number, a short code or a Messaging Service SID");
            }
            s.add(n);
        }
        senders = java.util.Collections.unmodifiableSet(s);
    }

    /** A program of {@code brand} texting from {@code senders}. */
    public static Program of(String name, String brand, String... senders) {
        return new Program(name, brand, Set.of(senders));
    }

    /**
     * Checks a program or brand name.
     *
     * @throws InvalidInputException naming {@code field} if it is not a lower-case identifier
     */
    static String identifier(String field, String value) {
        if (value == null || !IDENTIFIER.matcher(value).matches()) {
            throw new InvalidInputException(field, "must be a lower-case identifier (a letter, then letters, digits,"
                    + " '_' or '-', at most 64), got '" + (value == null ? "null"
                    : io.consentkit.support.Masking.printable(value)) + "'");
        }
        return value;
    }

    /**
     * A sender address in its normalised form, or null if it is none of the three kinds: surrounding
     * space and a leading {@code word:} channel prefix ({@code sms:}, {@code whatsapp:}) are taken off,
     * a Messaging Service SID's hex is lower-cased.
     */
    static String sender(String raw) {
        if (raw == null) {
            return null;
        }
        String s = raw.strip();
        int colon = s.indexOf(':');
        if (colon > 0 && s.substring(0, colon).chars().allMatch(Character::isLetter)) {
            s = s.substring(colon + 1).strip();
        }
        if (E164.matcher(s).matches() || SHORT_CODE.matcher(s).matches()) {
            return s;
        }
        if (SERVICE_SID.matcher(s).matches()) {
            return "MG" + s.substring(2).toLowerCase(Locale.ROOT);
        }
        return null;
    }
}
