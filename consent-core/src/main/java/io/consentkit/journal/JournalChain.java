package io.consentkit.journal;

import io.consentkit.internal.HashChain;
import io.consentkit.support.Masking;

import java.util.List;

/**
 * The journal's tamper-evidence chain (schema version 3), for stores, exports and verifiers.
 *
 * <p><b>Format.</b> Every version 3 row ends with two cells, {@link #COLUMNS}
 * {@code row_digest,chain_link}, each 64 lower-case hex digits:
 * <ul>
 *   <li>{@code row_digest} = SHA-256 over the row's <i>canonical bytes</i>: the UTF-8 of its 17 record
 *       cells in {@link ConsentRecord#COLUMNS} order (whatever the file's column order), each written as
 *       {@link JournalCodec#appendCell} writes it (RFC 4180 quoting only where needed), separated by
 *       {@code ,}, without the chain cells and without a line end. The cells are the values as that file
 *       holds them: a journal's raw cells, an audit export's spreadsheet-safe ones.</li>
 *   <li>{@code chain_link} = SHA-256(previous row's link (32 bytes) || this row's digest (32 bytes)); the
 *       first chained row's previous link is the {@link #GENESIS_HEX genesis}, 32 zero bytes.</li>
 * </ul>
 * A row with both chain cells empty is <i>unchained</i>: rows carried over by an upgrade from version 1
 * or 2 are, and they come before the first chained row (which links from the genesis). Because each row
 * records its own digest, a row whose personal cells were later redacted can still be linked by its
 * recorded digest (see {@link JournalVerifier.Options#redactedRows}). Stateless and thread-safe, but
 * {@link Linker} is one writer's running head: not thread-safe.
 */
public final class JournalChain {
    /** The two chain columns of schema version 3, last in its header, in this order. */
    public static final List<String> COLUMNS = List.of("row_digest", "chain_link");
    /** How many bytes end a chained row: {@code ,<digest>,<link>} and a line feed. */
    public static final int TAIL_BYTES = 2 * HashChain.HEX_LENGTH + 3;
    /** The genesis link, the first chained row's "previous link": 32 zero bytes, in hex. */
    public static final String GENESIS_HEX = "0".repeat(HashChain.HEX_LENGTH);

    private JournalChain() {
    }

    /** A copy of the genesis link (32 zero bytes). */
    public static byte[] genesis() {
        return HashChain.genesis();
    }

    /** The canonical bytes (as text) of {@code r} as a journal writes it: its 17 cells in schema order. */
    public static String canonical(ConsentRecord r, boolean formulaSafe) {
        return JournalCodec.appendCells(new StringBuilder(256), r, JournalCodec.identityMap(), formulaSafe).toString();
    }

    /**
     * The canonical bytes (as text) of a row read from a file with column map {@code map}
     * ({@link JournalCodec#mapHeader}): its record cells as the file holds them, in schema order.
     */
    public static String canonical(JournalCodec.Cells cells, int[] map) {
        StringBuilder sb = new StringBuilder(256);
        for (int i = 0; i < JournalCodec.COLUMN_COUNT; i++) {
            if (i > 0) {
                sb.append(',');
            }
            JournalCodec.appendCell(sb, map[i] < 0 ? "" : cells.get(map[i]));
        }
        return sb.toString();
    }

    /** The row digest of canonical text: SHA-256 of its UTF-8. */
    public static byte[] digest(CharSequence canonical) {
        return HashChain.digest(canonical);
    }

    /** The row digest of canonical bytes (the UTF-8 of the canonical text): their SHA-256. */
    public static byte[] digest(byte[] canonicalUtf8) {
        return HashChain.digest(canonicalUtf8, 0, canonicalUtf8.length);
    }

    /** The link after a row: SHA-256(previous link || row digest). */
    public static byte[] link(byte[] previous, byte[] rowDigest) {
        return HashChain.link(previous, rowDigest);
    }

    /** 64 lower-case hex digits of a digest or link. */
    public static String hex(byte[] value) {
        return HashChain.hex(value);
    }

    /** Parses 64 lower-case hex digits; null if {@code s} is not that. */
    public static byte[] parseHex(CharSequence s) {
        return HashChain.parseHex(s);
    }

    /**
     * The link a version 3 file continues from, read from its last bytes (at least the last
     * {@link #TAIL_BYTES}, or all of them after the header): the last row's {@code chain_link} when the
     * file ends with {@code ,<64 hex>,<64 hex>} and a line feed (chain cells, written by this library, are
     * never quoted), the genesis when it ends with {@code ,,} and a line feed (an unchained row), or null
     * for anything else (the file was edited). The caller handles a file with no row at all.
     */
    public static byte[] trailingLink(byte[] tail, int from, int to) {
        int n = to - from;
        if (n >= 3 && tail[to - 1] == '\n' && tail[to - 2] == ',' && tail[to - 3] == ',') {
            return HashChain.genesis();
        }
        if (n < TAIL_BYTES || tail[to - 1] != '\n' || tail[to - TAIL_BYTES] != ','
                || tail[to - HashChain.HEX_LENGTH - 2] != ',') {
            return null;
        }
        String digest = new String(tail, to - TAIL_BYTES + 1, HashChain.HEX_LENGTH, java.nio.charset.StandardCharsets.ISO_8859_1);
        String link = new String(tail, to - HashChain.HEX_LENGTH - 1, HashChain.HEX_LENGTH,
                java.nio.charset.StandardCharsets.ISO_8859_1);
        return HashChain.isHex(digest) ? HashChain.parseHex(link) : null;
    }

    /**
     * Checks a version 3 row's chain cells: both empty (an unchained row) or both 64 lower-case hex digits.
     *
     * @throws JournalFormatException naming {@code row_digest} or {@code chain_link} otherwise
     */
    static void checkCells(String digest, String link, String source, long line) {
        boolean emptyDigest = digest.isEmpty();
        if (emptyDigest != link.isEmpty()) {
            throw new JournalFormatException(source, line, emptyDigest ? "row_digest" : "chain_link",
                    "is empty while " + (emptyDigest ? "chain_link" : "row_digest") + " is not");
        }
        if (!emptyDigest && !HashChain.isHex(digest)) {
            throw new JournalFormatException(source, line, "row_digest", "'" + Masking.printable(digest)
                    + "' is not 64 lower-case hex digits");
        }
        if (!emptyDigest && !HashChain.isHex(link)) {
            throw new JournalFormatException(source, line, "chain_link", "'" + Masking.printable(link)
                    + "' is not 64 lower-case hex digits");
        }
    }

    /**
     * One writer's running chain head: writes version 3 lines (schema order, chain cells last) and
     * advances the head. For single-threaded writers (exports, a store's batch); not thread-safe.
     */
    public static final class Linker {
        private byte[] head;
        private long rows;

        /** A chain starting at the genesis. */
        public Linker() {
            this(HashChain.genesis());
        }

        /** A chain continuing from {@code head} (the last row's link). */
        public Linker(byte[] head) {
            if (head == null || head.length != HashChain.BYTES) {
                throw new IllegalArgumentException("a chain link is " + HashChain.BYTES + " bytes");
            }
            this.head = head.clone();
        }

        /**
         * Appends {@code r} as one version 3 line (its 17 cells in schema order, its digest, its link,
         * LF) and makes its link the head.
         *
         * @param formulaSafe neutralise cells a spreadsheet would run (audit exports); the digest covers
         *                    the cells as written
         */
        public StringBuilder appendLine(StringBuilder sb, ConsentRecord r, boolean formulaSafe) {
            int from = sb.length();
            JournalCodec.appendCells(sb, r, JournalCodec.identityMap(), formulaSafe);
            byte[] digest = HashChain.digest(sb.subSequence(from, sb.length()));
            head = HashChain.link(head, digest);
            rows++;
            return sb.append(',').append(HashChain.hex(digest)).append(',').append(HashChain.hex(head)).append('\n');
        }

        /** The last row's link (the genesis before any row). */
        public byte[] head() {
            return head.clone();
        }

        /** How many rows this linker wrote. */
        public long rows() {
            return rows;
        }
    }
}
