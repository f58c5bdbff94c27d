package io.consentkit.consent.internal;

import java.util.List;
import java.util.Objects;

/**
 * The programs the index keeps precomputed answers for, by ordinal (0 is the default program), and
 * the one copy of the rule saying which journal rows a program's answers are folded from. A row's
 * empty program means the default program and its empty brand the default brand, except that a
 * suppression (an opt-out with no consent of its own) with an empty program covers every program of
 * its brand, and one with both empty covers every program of every brand (what a legacy
 * suppression means). Immutable and thread-safe.
 */
public final class ScopeTable {
    /** The most programs a table may hold (the ordinal lives in 13 bits of an index key). */
    public static final int MAX_PROGRAMS = 4096;

    /** One program, "default", of the brand "default": the table of a tracker without programs. */
    public static final ScopeTable SINGLE = new ScopeTable(List.of("default"), List.of("default"));

    private final String[] programs;
    private final String[] brands;

    /**
     * @param programs the program names by ordinal, the default program first
     * @param brands   each program's brand, in the same order
     */
    public ScopeTable(List<String> programs, List<String> brands) {
        if (programs.isEmpty() || programs.size() != brands.size() || programs.size() > MAX_PROGRAMS) {
            throw new IllegalArgumentException("programs and brands: 1 to " + MAX_PROGRAMS + " of each, same count");
        }
        this.programs = programs.stream().map(s -> Objects.requireNonNull(s, "program").intern()).toArray(String[]::new);
        this.brands = brands.stream().map(s -> Objects.requireNonNull(s, "brand").intern()).toArray(String[]::new);
    }

    public int size() {
        return programs.length;
    }

    String defaultProgram() {
        return programs[0];
    }

    String defaultBrand() {
        return brands[0];
    }

    /** True if the row is a suppression of everything (empty program and brand). */
    public static boolean coversAll(boolean suppression, String program, String brand) {
        return suppression && program.isEmpty() && brand.isEmpty();
    }

    /**
     * True if a row with this scope counts for the program of {@code ordinal}.
     *
     * @param suppression whether the row is a suppression ({@code ConsentRecord.isSuppression()})
     * @param program     the row's program column (empty: see the class comment)
     * @param brand       the row's brand column
     */
    public boolean covers(boolean suppression, String program, String brand, int ordinal) {
        if (coversAll(suppression, program, brand)) {
            return true;
        }
        String b = brand.isEmpty() ? brands[0] : brand;
        if (!b.equals(brands[ordinal])) {
            return false;
        }
        if (program.isEmpty()) {
            return suppression || programs[ordinal].equals(programs[0]);
        }
        return program.equals(programs[ordinal]);
    }

    /** True if some program other than by a suppression of everything is touched by the row (see {@link #covers}). */
    boolean touches(boolean suppression, String program, String brand, int ordinal) {
        return !coversAll(suppression, program, brand) && covers(suppression, program, brand, ordinal);
    }
}
