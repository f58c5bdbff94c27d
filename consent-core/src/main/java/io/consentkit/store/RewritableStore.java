package io.consentkit.store;

/**
 * A consent store whose written rows can be changed whole by a {@link JournalRewrite}: the one way a
 * row already written is changed (an erasure's redaction, {@link io.consentkit.retention.Erasure}).
 * The CSV journal does it through {@link CsvConsentStore#rewrite}; a shared store (S3, a database)
 * implements this interface so that {@link io.consentkit.retention.Erasure#builder(RewritableStore)}
 * erases from it.
 *
 * <p>Contract of {@link #rewrite}: the rows are shown to {@link JournalRewrite#inspect} in journal
 * order; if {@link JournalRewrite#check} refuses (throws) or returns false nothing is changed; then
 * every row goes through {@link JournalRewrite#replace} and {@link JournalRewrite#appended} adds
 * rows at the end. The change is all or nothing: a crash, a lost race or a failure at any point
 * leaves the store as it was or wholly rewritten, and no row any writer appended (before or during)
 * is lost. A replaced row keeps its recorded chain digest and link (the erasure row among the
 * appended ones vouches for it); appended rows continue the chain. Where an old copy of a replaced
 * row would stay readable (old objects, object versions, table rows), the implementation removes it
 * once the rewrite is committed, and says in its documentation what it cannot remove.
 * Implementations are thread-safe; rewrites of one store run one at a time.
 */
public interface RewritableStore {
    /**
     * Applies {@code rewrite} to the whole store.
     *
     * @return the number of rows in the store after the rewrite (when nothing changed, the rows read)
     * @throws io.consentkit.ConsentKitException the rewrite's own refusal, unchanged; or a
     *         {@link io.consentkit.journal.ConsentStoreException} when the store cannot be rewritten
     *         (then nothing was changed)
     */
    long rewrite(JournalRewrite rewrite);
}
