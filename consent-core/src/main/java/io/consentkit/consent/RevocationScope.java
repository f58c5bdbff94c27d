package io.consentkit.consent;

import io.consentkit.InvalidInputException;

import java.util.Arrays;
import java.util.Objects;
import java.util.Set;

/**
 * What a revocation covers: everything, every program of one or more brands, or one or more
 * programs. {@link ConsentTracker#revoke(RevocationRequest)} revokes the active and pending consents
 * in scope; when none was active it writes one suppression row per brand or program in scope (one
 * row with an empty program and brand for {@link #all()}), so the scope stays blocked. Immutable and
 * thread-safe.
 *
 * @param kind  what {@code names} name
 * @param names brand or program names (lower-case identifiers); empty for {@link Kind#ALL}
 */
public record RevocationScope(Kind kind, Set<String> names) {
    /** The kinds of scope. */
    public enum Kind {
        /** Every program of every brand (a STOPALL; the unscoped {@code revoke}). */
        ALL,
        /** Every program of the brands named. */
        BRANDS,
        /** The programs named. */
        PROGRAMS
    }

    private static final RevocationScope ALL_SCOPE = new RevocationScope(Kind.ALL, Set.of());

    public RevocationScope {
        Objects.requireNonNull(kind, "kind");
        names = Set.copyOf(Objects.requireNonNull(names, "names"));
        if (kind == Kind.ALL && !names.isEmpty()) {
            throw new InvalidInputException("names", "must be empty for scope ALL");
        }
        if (kind != Kind.ALL && names.isEmpty()) {
            throw new InvalidInputException(kind == Kind.BRANDS ? "brand" : "program", "is empty: name at least one");
        }
        String field = kind == Kind.BRANDS ? "brand" : "program";
        names.forEach(n -> Program.identifier(field, n));
    }

    /** Everything: every program of every brand. */
    public static RevocationScope all() {
        return ALL_SCOPE;
    }

    /** Every program of {@code brands}. */
    public static RevocationScope brand(String... brands) {
        return new RevocationScope(Kind.BRANDS, Set.copyOf(Arrays.asList(brands)));
    }

    /** The programs named. */
    public static RevocationScope program(String... programs) {
        return new RevocationScope(Kind.PROGRAMS, Set.copyOf(Arrays.asList(programs)));
    }

    /** True if this scope covers {@code program} of {@code brand}. */
    public boolean covers(String program, String brand) {
        return switch (kind) {
            case ALL -> true;
            case BRANDS -> names.contains(brand);
            case PROGRAMS -> names.contains(program);
        };
    }

    @Override
    public String toString() {
        return kind == Kind.ALL ? "all" : kind.name().toLowerCase(java.util.Locale.ROOT) + names;
    }
}
