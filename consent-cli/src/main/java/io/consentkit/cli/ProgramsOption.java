package io.consentkit.cli;

import io.consentkit.InvalidInputException;
import io.consentkit.consent.Program;
import io.consentkit.consent.Programs;
import io.consentkit.consent.RevocationPolicy;
import io.consentkit.journal.ConsentRecord;
import io.consentkit.support.Masking;
import picocli.CommandLine.Option;

import java.io.IOException;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Properties;
import java.util.TreeSet;

/**
 * {@code --programs <file>}: the consent scopes (programs, their brands and senders, the default
 * program, the revocation policy) a store-backed command's tracker uses, read from a properties file
 * (format in docs/cli.md, "Programs file"). Without it the tracker has the one program
 * {@code default} ({@link Programs#defaults()}). The file is read once per run and only read. Also
 * the helpers that show and filter journal rows by program. Not thread-safe: one run per instance.
 */
final class ProgramsOption {
    /** The keys of the file outside the {@code program.<name>.*} ones. */
    private static final List<String> TOP_KEYS = List.of("default", "default.brand", "policy", "revoke-all-from");

    @Option(names = "--programs", paramLabel = "<file>",
            description = "Programs file (properties: program.<name>.brand, program.<name>.senders, default, policy, "
                    + "revoke-all-from; docs/cli.md). Default: the one program 'default'.")
    Path file;

    private Programs loaded;

    /** The programs of {@code --programs}, or {@link Programs#defaults()} without it. */
    Programs programs() {
        if (loaded == null) {
            loaded = file == null ? Programs.defaults() : load(file);
        }
        return loaded;
    }

    /**
     * Reads a programs file.
     *
     * @throws InvalidInputException naming {@code programs} (the file: missing, unreadable, an unknown
     *                               key, a bad value) or the field of {@link Programs} that is wrong
     */
    static Programs load(Path file) {
        Properties p = new Properties();
        try (Reader in = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
            p.load(in);
        } catch (IOException | IllegalArgumentException e) {
            throw new InvalidInputException("programs", file + (Files.exists(file) ? " cannot be read: "
                    + e.getMessage() : " does not exist"));
        }
        return parse(p);
    }

    /** The programs a loaded properties file describes; see {@link #load}. */
    static Programs parse(Properties p) {
        TreeSet<String> names = new TreeSet<>();
        for (String key : p.stringPropertyNames()) {
            if (TOP_KEYS.contains(key)) {
                continue;
            }
            String[] parts = key.split("\\.", -1);
            if (parts.length != 3 || !parts[0].equals("program")
                    || !(parts[2].equals("brand") || parts[2].equals("senders"))) {
                throw new InvalidInputException("programs", "unknown key '" + Masking.printable(key)
                        + "' (expected program.<name>.brand, program.<name>.senders, " + String.join(", ", TOP_KEYS)
                        + ")");
            }
            names.add(parts[1]);
        }
        Programs.Builder b = Programs.builder();
        List<Program> programs = new ArrayList<>();
        for (String name : names) {
            String brand = p.getProperty("program." + name + ".brand");
            if (brand == null || brand.isBlank()) {
                throw new InvalidInputException("programs", "program." + Masking.printable(name)
                        + ".brand is missing: every program names its brand");
            }
            String senders = p.getProperty("program." + name + ".senders", "");
            String[] list = senders.isBlank() ? new String[0]
                    : Arrays.stream(senders.split(",")).map(String::strip).toArray(String[]::new);
            programs.add(Program.of(name, brand.strip(), list));
        }
        // in file order is not known to Properties: programs are added by name, the default first
        String def = p.getProperty("default");
        if (def != null) {
            String name = def.strip();
            String brand = p.getProperty("default.brand");
            Program listed = programs.stream().filter(x -> x.name().equals(name)).findFirst().orElse(null);
            if (listed == null && (brand == null || brand.isBlank())) {
                throw new InvalidInputException("programs", "default '" + Masking.printable(name)
                        + "' is no program of the file; list it (program." + Masking.printable(name)
                        + ".brand) or give default.brand");
            }
            b.defaultProgram(name, listed != null ? listed.brand() : brand.strip());
        } else if (p.getProperty("default.brand") != null) {
            throw new InvalidInputException("programs", "default.brand needs default (the default program's name)");
        }
        programs.forEach(b::add);
        String policy = p.getProperty("policy");
        if (policy != null) {
            try {
                b.policy(RevocationPolicy.valueOf(policy.strip().toUpperCase(Locale.ROOT)));
            } catch (IllegalArgumentException e) {
                throw new InvalidInputException("programs", "policy must be all or sender, got '"
                        + Masking.printable(policy) + "'");
            }
        }
        String from = p.getProperty("revoke-all-from");
        if (from != null) {
            if (from.strip().equalsIgnoreCase("off")) {
                b.revokeAllOff();
            } else {
                try {
                    b.revokeAllFrom(Instant.parse(from.strip()));
                } catch (DateTimeParseException e) {
                    throw new InvalidInputException("programs", "revoke-all-from must be an ISO-8601 instant or off, "
                            + "got '" + Masking.printable(from) + "'");
                }
            }
        }
        return b.build();
    }

    /** True for a suppression row (an opt-out with no consent of its own: no opt-in method). */
    static boolean isSuppression(ConsentRecord r) {
        return r.optInMethod().isEmpty();
    }

    /**
     * The program a row is about, by name: a consent's program (the default program's name for an
     * empty one); a suppression's program, or null when it covers every program (of a brand, or of all).
     */
    static String programOf(ConsentRecord r, Programs programs) {
        if (!r.program().isEmpty()) {
            return r.program();
        }
        return isSuppression(r) ? null : programs.defaultProgram().name();
    }

    /** The brand a row is about: its brand, the default brand for an empty one, null for a suppression of everything. */
    static String brandOf(ConsentRecord r, Programs programs) {
        if (!r.brand().isEmpty()) {
            return r.brand();
        }
        return isSuppression(r) && r.program().isEmpty() ? null : programs.defaultBrand();
    }

    /**
     * True if the row bears on {@code program} (a configured program): a consent of it, or a
     * suppression of it, of its brand or of everything (the rows {@code isActive(phone, program)} reads).
     */
    static boolean covers(ConsentRecord r, Program program, Programs programs) {
        return programs.covers(r, program.name());
    }
}
