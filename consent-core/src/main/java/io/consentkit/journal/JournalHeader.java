package io.consentkit.journal;

import io.consentkit.support.Masking;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * Header mapping behind {@link JournalCodec#mapHeader}: a header is schema version 1 (exactly the 14
 * legacy columns, in any order) or version 2 (those and {@code program}, {@code brand},
 * {@code channel}, in any order); anything else names what is missing, unknown or repeated.
 * Stateless and thread-safe.
 */
final class JournalHeader {
    private JournalHeader() {
    }

    static int[] map(List<String> names, String source) {
        List<String> columns = ConsentRecord.COLUMNS;
        int legacy = ConsentRecord.LEGACY_COLUMNS.size();
        int[] map = new int[columns.size()];
        Arrays.fill(map, -1);
        List<String> unknown = new ArrayList<>();
        Set<String> seen = new HashSet<>();
        for (int i = 0; i < names.size(); i++) {
            String name = names.get(i).strip();
            if (i == 0 && !name.isEmpty() && name.charAt(0) == '\uFEFF') {
                name = name.substring(1);
            }
            if (!seen.add(name)) {
                throw new JournalFormatException(source, 1, "header", "repeats column '" + Masking.printable(name) + "'");
            }
            int idx = columns.indexOf(name);
            if (idx < 0) {
                unknown.add(Masking.printable(name));
            } else {
                map[idx] = i;
            }
        }
        List<String> missing = new ArrayList<>();
        int scopeColumns = 0;
        for (int i = legacy; i < columns.size(); i++) {
            scopeColumns += map[i] >= 0 ? 1 : 0;
        }
        for (int i = 0; i < columns.size(); i++) {
            if (map[i] < 0 && (i < legacy || scopeColumns > 0)) {
                missing.add(columns.get(i));
            }
        }
        if (!missing.isEmpty() || !unknown.isEmpty()) {
            StringBuilder sb = new StringBuilder("does not match the journal schema:");
            if (!missing.isEmpty()) {
                sb.append(" missing ").append(missing);
            }
            if (!unknown.isEmpty()) {
                sb.append(missing.isEmpty() ? "" : ";").append(" unknown ").append(unknown);
            }
            sb.append(" (version 1 is the 14 legacy columns; version 2 adds program, brand and channel)");
            throw new JournalFormatException(source, 1, "header", sb.toString());
        }
        return map;
    }
}
