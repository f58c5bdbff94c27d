package io.consentkit.consent;

import io.consentkit.journal.ConsentRecord;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * What a revocation writes, apart from the locking and the store: its metadata, which consents a
 * {@link RevocationScope} covers, and the scope columns of its suppression rows. Stateless.
 */
final class RevocationRows {
    private RevocationRows() {
    }

    /** The metadata of revoked rows: {@code revoke_notes} and the evidence, prefixed {@code revoke_}. */
    static Map<String, String> metadata(String notes, Map<String, String> evidence) {
        Map<String, String> extra = new LinkedHashMap<>();
        if (notes != null && !notes.isBlank()) {
            extra.put("revoke_notes", notes.strip());
        }
        if (evidence != null) {
            evidence.forEach((k, v) -> extra.put(k.startsWith("revoke_") ? k : "revoke_" + k, v == null ? "" : v));
        }
        return extra;
    }

    /** Whether a consent row belongs to {@code scope} (an empty program or brand is the default one). */
    static boolean inScope(Programs programs, ConsentRecord r, RevocationScope scope) {
        String program = r.program().isEmpty() ? programs.defaultProgram().name() : r.program();
        String brand = r.brand().isEmpty() ? programs.defaultBrand() : r.brand();
        if (scope.kind() == RevocationScope.Kind.PROGRAMS) {
            return scope.names().contains(program) && programs.find(program).map(p -> p.brand().equals(brand))
                    .orElse(false);
        }
        return scope.covers(program, brand);
    }

    /** The {program, brand} columns of the suppression rows of {@code scope}, named explicitly (see {@link Programs}). */
    static List<String[]> suppressionScopes(Programs programs, RevocationScope scope) {
        return switch (scope.kind()) {
            case ALL -> List.<String[]>of(new String[] {"", ""});
            case BRANDS -> scope.names().stream().sorted().map(b -> new String[] {"", b}).toList();
            case PROGRAMS -> scope.names().stream().sorted()
                    .map(p -> new String[] {p, programs.program(p).brand()}).toList();
        };
    }

}
