package io.consentkit.journal;

/**
 * The vocabulary of an erasure in the journal. An erased person's rows stay where they were, with
 * their personal fields (customer id, name, email, IP address, screenshot URL, metadata values)
 * replaced by {@link #MARKER} and their number by {@link #NUMBER}, a number that is possible but not
 * valid (area code 555), so it reads back from a journal but can never be parsed as a recipient. The
 * consent text, method, status, times and scope stay: they are the business's evidence, not the
 * person's data. The erasure itself is one more row, a suppression ({@link #METHOD} as its
 * revocation method) whose metadata holds the keyed hash of the number ({@link #NUMBER_HASH}, see
 * {@link ErasureKey}), what was removed and why: a tracker with the key keeps the number opted out.
 */
public final class Redaction {
    /** What a redacted personal field holds. */
    public static final String MARKER = "[redacted]";
    /** The number a redacted row (and the erasure row) carries. */
    public static final String NUMBER = "+15550000000";
    /** The revocation method of the erasure row. */
    public static final String METHOD = "erasure";
    /** Metadata key of the erasure row: the keyed hash of the erased number. */
    public static final String NUMBER_HASH = "erased_number";
    /** Metadata key of the erasure row: the fields that were replaced, comma-separated. */
    public static final String FIELDS = "redacted_fields";
    /** Metadata key of the erasure row: the consent ids whose rows were redacted, space-separated. */
    public static final String CONSENT_IDS = "redacted_consents";
    /** Metadata key of the erasure row: how many journal rows were redacted. */
    public static final String ROWS = "redacted_rows";
    /** Metadata key of the erasure row: why (the request, the retention policy). */
    public static final String REASON = "erasure_reason";

    private Redaction() {
    }

    /** True if {@code r} is an erasure row (the suppression an erasure leaves). */
    public static boolean isErasure(ConsentRecord r) {
        return METHOD.equals(r.revokedMethod()) && r.metadata().containsKey(NUMBER_HASH);
    }

    /**
     * Collects, from a journal's rows in file order, the rows its erasure rows vouch for: the rows of
     * the consents an erasure row lists ({@link #CONSENT_IDS}) that come before it. Their personal
     * cells were redacted after their digests were recorded, so {@link JournalVerifier} links them by
     * their recorded digests ({@link JournalVerifier.Options#withRedactedRows}). Not thread-safe.
     */
    public static final class Vouched implements java.util.function.Consumer<ConsentRecord> {
        private long position;
        private final java.util.Map<String, Long> before = new java.util.HashMap<>();

        @Override
        public void accept(ConsentRecord r) {
            position++;
            if (isErasure(r)) {
                for (String id : r.metadata().getOrDefault(CONSENT_IDS, "").split(" ")) {
                    if (!id.isEmpty()) {
                        before.put(id, position);
                    }
                }
            }
        }

        /** How many consents erasure rows vouch for. */
        public int consents() {
            return before.size();
        }

        /** The verifier's hook: a row is redacted if an erasure row after it lists its consent. */
        public JournalVerifier.RedactedRows redactedRows() {
            java.util.Map<String, Long> copy = java.util.Map.copyOf(before);
            return (row, consentId) -> {
                Long at = copy.get(consentId);
                return at != null && row < at;
            };
        }
    }

    /** True if {@code r} carries the redacted number (a redacted row or an erasure row). */
    public static boolean isRedacted(ConsentRecord r) {
        return NUMBER.equals(r.phoneNumber().e164());
    }
}
