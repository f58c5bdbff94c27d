package io.consentkit.consent;

import io.consentkit.journal.ConsentRecord;
import io.consentkit.journal.ConsentStatus;
import io.consentkit.phone.PhoneNumber;

import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;

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

    /**
     * The rows a revocation of {@code scope} writes: the {@code live} consents in scope, revoked (with
     * {@code channel} unless it is empty, which keeps them legacy-shaped), and one suppression row per
     * scope part, each with an id from {@code newId}, when nothing was revoked or when the scope covers
     * a configured program none of the revoked consents belongs to: a STOP to one brand's sender under
     * {@code ALL}, or STOPALL, opts the number out of the brand's (or every) program, also of those it
     * never opted in to, so a message of such a program that needs no consent is still blocked. A
     * tracker with only its default program keeps the legacy rows (its revoked consents are the whole
     * scope). The caller holds the number's lock and commits.
     */
    static List<ConsentRecord> rows(Programs programs, Iterable<ConsentRecord> live, Supplier<String> newId,
                                    PhoneNumber pn, RevocationScope scope, String channel, String how,
                                    Map<String, String> extra, Instant now) {
        List<ConsentRecord> rows = new ArrayList<>();
        for (ConsentRecord r : live) {
            if ((r.status() == ConsentStatus.ACTIVE || r.status() == ConsentStatus.PENDING) && inScope(programs, r, scope)) {
                ConsentRecord revoked = r.withStatus(ConsentStatus.REVOKED, now, how, extra);
                rows.add(channel.isEmpty() ? revoked : revoked.withScope(r.program(), r.brand(), channel));
            }
        }
        if (rows.isEmpty() || uncovered(programs, rows, scope)) {
            for (String[] s : suppressionScopes(programs, scope)) {
                rows.add(new ConsentRecord(newId.get(), now, pn, "", "", "", "", "", "", "", extra,
                        ConsentStatus.REVOKED, now, how, s[0], s[1], channel));
            }
        }
        return rows;
    }

    /** True if {@code scope} covers a configured program that none of the {@code revoked} rows is in. */
    private static boolean uncovered(Programs programs, List<ConsentRecord> revoked, RevocationScope scope) {
        if (programs.all().size() <= 1) {
            return false;
        }
        java.util.Set<String> done = new java.util.HashSet<>();
        for (ConsentRecord r : revoked) {
            done.add(r.program().isEmpty() ? programs.defaultProgram().name() : r.program());
        }
        for (Program p : programs.all()) {
            if (scope.covers(p.name(), p.brand()) && !done.contains(p.name())) {
                return true;
            }
        }
        return false;
    }
}
