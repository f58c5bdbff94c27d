package io.consentkit.journal;

import io.consentkit.support.Masking;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * Header mapping behind {@link JournalCodec#mapHeader}: a header is schema version 1 (exactly the 14
 * legacy columns, in any order), version 2 (those and {@code program}, {@code brand},
 * {@code channel}, in any order) or version 3 (the 17 of version 2 in any order, then
 * {@link JournalChain#COLUMNS} {@code row_digest,chain_link}, last and in that order, so that a writer
 * can add a row's chain cells after its other cells); anything else names what is missing, unknown,
 * repeated or misplaced. Stateless and thread-safe.
 */
final class JournalHeader {
    private JournalHeader() {
    }

    static int[] map(List<String> names, String source) {
        List<String> columns = new ArrayList<>(ConsentRecord.COLUMNS);
        columns.addAll(JournalChain.COLUMNS);
        int legacy = ConsentRecord.LEGACY_COLUMNS.size();
        int scoped = ConsentRecord.COLUMNS.size();
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
        for (int i = legacy; i < scoped; i++) {
            scopeColumns += map[i] >= 0 ? 1 : 0;
        }
        int chainColumns = 0;
        for (int i = scoped; i < columns.size(); i++) {
            chainColumns += map[i] >= 0 ? 1 : 0;
        }
        for (int i = 0; i < columns.size(); i++) {
            if (map[i] < 0 && (i < legacy || i < scoped && scopeColumns + chainColumns > 0 || chainColumns > 0)) {
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
            sb.append(" (version 1 is the 14 legacy columns; version 2 adds program, brand and channel; version 3 "
                    + "adds row_digest and chain_link)");
            throw new JournalFormatException(source, 1, "header", sb.toString());
        }
        if (chainColumns > 0 && (map[scoped] != names.size() - 2 || map[scoped + 1] != names.size() - 1)) {
            throw new JournalFormatException(source, 1, "header", "has row_digest and chain_link, but not as its last "
                    + "two columns in that order (schema version 3 keeps the chain cells last)");
        }
        return map;
    }
}
