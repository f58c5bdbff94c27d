package io.consentkit.cli;

import io.consentkit.InvalidInputException;
import io.consentkit.journal.ConsentRecord;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

import java.util.Locale;
import java.util.concurrent.Callable;

/**
 * {@code consent search <text>}: consents (current state) whose customer id, name, email or phone
 * number contains the text, case-insensitively; read-only, printed like {@code list}.
 */
@Command(name = "search", mixinStandardHelpOptions = true,
        description = {"Finds consents (current state) whose customer id, name, email or phone number contains the "
                + "text (case-insensitive; for numbers, the digits). Read-only.",
            "Exit codes: 0 at least one found, 1 none found, 2 bad input, 3 journal missing or unreadable."})
final class SearchCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;
    @Mixin
    StoreOptions opts;
    @Parameters(paramLabel = "<text>", description = "At least 2 characters.")
    String text;
    @Option(names = "--program", paramLabel = "<program>",
            description = "Only consents of this program, and suppressions covering it.")
    String program;
    @Option(names = "--limit", defaultValue = "0", paramLabel = "<n>", description = "Print at most n (0: all).")
    int limit;

    @Override
    public Integer call() {
        int max = JournalReads.limit(limit);
        String needle = text.strip().toLowerCase(Locale.ROOT);
        if (needle.length() < 2) {
            throw new InvalidInputException("text", "needs at least 2 characters");
        }
        String digits = needle.replaceAll("[^0-9]", "");
        boolean byDigits = digits.length() >= 3 && needle.matches("[0-9+()\\-. ]+");
        java.util.function.Predicate<ConsentRecord> scoped = JournalReads.inProgram(program, opts.programs());
        int n = JournalReads.print(spec.commandLine().getOut(), opts.format, JournalReads.fold(opts.csvPath(),
                r -> scoped.test(r) && matches(r, needle, byDigits ? digits : null)).values(), max, opts.programs());
        return n > 0 ? 0 : ConsentCli.EXIT_FAILURE;
    }

    private static boolean matches(ConsentRecord r, String needle, String digits) {
        return contains(r.customerId(), needle) || contains(r.customerName(), needle)
                || contains(r.customerEmail(), needle) || digits != null && r.phoneNumber().e164().contains(digits);
    }

    /**
     * {@code field.toLowerCase(Locale.ROOT).contains(needle)}: for an ASCII field (the usual one) compared
     * in place, without a lower-cased copy of every field of every row.
     */
    static boolean contains(String field, String needle) {
        int n = field.length();
        int m = needle.length();
        for (int i = 0; i < n; i++) {
            if (field.charAt(i) >= 0x80) {
                return field.toLowerCase(Locale.ROOT).contains(needle); // Unicode case rules
            }
        }
        outer:
        for (int i = 0; i + m <= n; i++) {
            for (int k = 0; k < m; k++) {
                char c = field.charAt(i + k);
                if (c >= 'A' && c <= 'Z') {
                    c += 'a' - 'A'; // what toLowerCase(Locale.ROOT) does to ASCII
                }
                if (c != needle.charAt(k)) {
                    continue outer;
                }
            }
            return true;
        }
        return false;
    }
}
