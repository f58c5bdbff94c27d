package io.consentkit.store;

import io.consentkit.journal.ConsentRecord;

import java.util.List;

/**
 * A change to a whole journal, applied by {@link CsvConsentStore#rewrite} or a {@link RewritableStore}:
 * the one way a row already written is changed (an erasure's redaction). Two passes over the rows under the writer
 * lock: {@link #inspect} sees every row, {@link #check} may refuse (nothing is written), then
 * {@link #replace} decides row by row and {@link #appended} adds rows at the end. A row kept as it is
 * is copied cell for cell. Implementations are used by one rewrite at a time.
 */
public interface JournalRewrite {
    /** First pass: every row, in journal order. */
    void inspect(ConsentRecord row);

    /**
     * After the first pass, before anything is written: false when there is nothing to change (the
     * journal is left as it is); throw to refuse.
     *
     * @throws RuntimeException (a {@link io.consentkit.ConsentKitException}) to refuse the rewrite
     */
    boolean check();

    /** Second pass: the row to write instead of {@code row}, or null to keep it as it is. */
    ConsentRecord replace(ConsentRecord row);

    /** Rows to add after the last one. */
    List<ConsentRecord> appended();
}
