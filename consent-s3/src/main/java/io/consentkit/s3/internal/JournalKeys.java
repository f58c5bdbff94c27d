package io.consentkit.s3.internal;

/**
 * Object key layout of an S3 consent journal under a prefix:
 *
 * <pre>
 * &lt;prefix&gt;/manifest.json                                   the manifest (compare-and-swap)
 * &lt;prefix&gt;/journal/&lt;millis:13&gt;-&lt;writer&gt;-&lt;seq:12&gt;.csv       one object per append batch
 * &lt;prefix&gt;/snapshots/&lt;millis:13&gt;-&lt;writer&gt;-&lt;nonce&gt;.csv      compacted journal
 * &lt;prefix&gt;/probe/&lt;writer&gt;-&lt;nonce&gt;.txt                       conditional-write probe, deleted at once
 * &lt;prefix&gt;/erasure/&lt;millis&gt;-&lt;writer&gt;-&lt;nonce&gt;/...            an erasure's staged objects and plan
 * </pre>
 *
 * Journal keys sort by time (zero-padded epoch millis), then writer, then the writer's sequence,
 * so lexical order is journal order. Nothing but journal objects is ever listed (listings use
 * the journal prefix), so snapshots and probe objects never reach a reader. Not public API.
 * Thread-safe (immutable).
 */
public final class JournalKeys {
    /** Digits of the millis field: epoch millis fit until the year 2286. */
    public static final int MILLIS_DIGITS = 13;
    private static final int SEQ_DIGITS = 12;

    private final String root;
    private final String journalPrefix;
    private final String snapshotPrefix;
    private final String probePrefix;
    private final String erasurePrefix;
    private final String manifestKey;

    /** @param prefix normalised prefix without leading or trailing '/', may be empty */
    public JournalKeys(String prefix) {
        this.root = prefix.isEmpty() ? "" : prefix + "/";
        this.journalPrefix = root + "journal/";
        this.snapshotPrefix = root + "snapshots/";
        this.probePrefix = root + "probe/";
        this.erasurePrefix = root + "erasure/";
        this.manifestKey = root + "manifest.json";
    }

    public String journalPrefix() {
        return journalPrefix;
    }

    public String snapshotPrefix() {
        return snapshotPrefix;
    }

    /** The prefix every key of this journal starts with ("" or {@code <prefix>/}). */
    public String root() {
        return root;
    }

    /** Where erasures stage their objects ({@link JournalEraser}); never listed by readers. */
    public String erasurePrefix() {
        return erasurePrefix;
    }

    /** A new erasure's staging prefix (ends with '/'). */
    public String erasureStaging(long millis, String writerId, String nonce) {
        return erasurePrefix + pad(millis, MILLIS_DIGITS) + "-" + writerId + "-" + nonce + "/";
    }

    public String manifestKey() {
        return manifestKey;
    }

    /** The key of one journal object. */
    public String journalKey(long millis, String writerId, long seq) {
        return journalPrefix + pad(millis, MILLIS_DIGITS) + "-" + writerId + "-" + pad(seq, SEQ_DIGITS) + ".csv";
    }

    /** A key for a snapshot covering journal keys up to one written at {@code coveredMillis}. */
    public String snapshotKey(long coveredMillis, String writerId, String nonce) {
        return snapshotPrefix + pad(coveredMillis, MILLIS_DIGITS) + "-" + writerId + "-" + nonce + ".csv";
    }

    /** A key for one conditional-write probe object, outside every listed prefix. */
    public String probeKey(String writerId, String nonce) {
        return probePrefix + writerId + "-" + nonce + ".txt";
    }

    /**
     * The {@code start-after} bound that lists every journal key written at {@code millis} or
     * later (a bare time prefix sorts before every key that starts with it).
     */
    public String startAfterMillis(long millis) {
        return journalPrefix + pad(Math.max(0, millis), MILLIS_DIGITS);
    }

    /** The time field of a journal key, or -1 if the key is not one of ours. */
    public long millisOf(String key) {
        if (!key.startsWith(journalPrefix) || !key.endsWith(".csv")) {
            return -1;
        }
        int start = journalPrefix.length();
        int end = start + MILLIS_DIGITS;
        if (key.length() <= end + 1 || key.charAt(end) != '-') {
            return -1;
        }
        long v = 0;
        for (int i = start; i < end; i++) {
            char c = key.charAt(i);
            if (c < '0' || c > '9') {
                return -1;
            }
            v = v * 10 + (c - '0');
        }
        return v;
    }

    private static String pad(long v, int digits) {
        String s = Long.toString(v);
        if (s.length() >= digits) {
            return s;
        }
        return "0".repeat(digits - s.length()) + s;
    }
}
