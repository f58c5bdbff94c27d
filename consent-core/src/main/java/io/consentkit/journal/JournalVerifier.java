package io.consentkit.journal;

import io.consentkit.internal.HashChain;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;
import java.util.Set;

/**
 * Checks a CSV journal or an audit/journal export end to end against its tamper-evidence chain
 * ({@link JournalChain}) and reports the first broken row. Reads only; works while a writer appends
 * (it checks the rows present when it reads them).
 *
 * <p>For each row, in file order: a row with both chain cells empty before the first chained row is
 * <i>legacy</i> (carried over by an upgrade) and counted, not rejected; every later row must be chained.
 * A chained row's canonical bytes must hash to its recorded {@code row_digest} ({@link Problem#DIGEST}:
 * the row was changed), and its {@code chain_link} must be SHA-256(previous link || recorded digest)
 * ({@link Problem#LINK}: a row was deleted, inserted or moved before it). A row declared redacted by
 * {@link Options#redactedRows} is not rehashed: its recorded digest is trusted and only its link is
 * checked, which is how rows whose personal cells were erased stay verifiable. A file below schema
 * version 3 has no chain: all its rows are legacy and the result says so. With
 * {@link Options#expectedHead} (from a {@link SignedChainHead}) the chain must reach that head: fewer
 * rows is {@link Problem#TRUNCATED}, another link at that row {@link Problem#HEAD}. Stateless and
 * thread-safe.
 */
public final class JournalVerifier {
    /** What is wrong with the first broken row. */
    public enum Problem {
        /** Not a row of this file's schema: not CSV, wrong number of cells, or chain cells that are not hex. */
        FORMAT,
        /** The row's cells do not hash to its recorded digest: it was changed after it was written. */
        DIGEST,
        /** The row does not link to the row before it: a row was deleted, inserted or moved before here. */
        LINK,
        /** A row without chain cells after the chain began: added by something other than the writer. */
        UNCHAINED,
        /** The journal ends early: a last row cut short, or fewer rows than the expected head covers. */
        TRUNCATED,
        /** The link at the expected head's row is not the head's link. */
        HEAD
    }

    /**
     * Which rows an erasure redacted (declared by its redaction events): they are linked by their
     * recorded digest instead of being rehashed.
     */
    @FunctionalInterface
    public interface RedactedRows {
        /** No row is redacted. */
        RedactedRows NONE = (row, consentId) -> false;

        /**
         * @param row       the row's 1-based position among the data rows (the header is not a row)
         * @param consentId the row's {@code consent_id} cell as the file holds it
         */
        boolean isRedacted(long row, String consentId);

        /** Every row of these consent ids is redacted. */
        static RedactedRows consentIds(Set<String> ids) {
            Set<String> copy = Set.copyOf(ids);
            return (row, consentId) -> copy.contains(consentId);
        }

        /** These rows (1-based positions among the data rows) are redacted. */
        static RedactedRows rows(Set<Long> positions) {
            Set<Long> copy = Set.copyOf(positions);
            return (row, consentId) -> copy.contains(row);
        }
    }

    /**
     * How to verify. Immutable.
     *
     * @param redactedRows rows to link by their recorded digest ({@link RedactedRows#NONE} by default)
     * @param expectedHead the head the chain must reach (its row count and link), or null for none
     */
    public record Options(RedactedRows redactedRows, SignedChainHead expectedHead) {
        /** No redacted rows, no expected head. */
        public static final Options DEFAULTS = new Options(RedactedRows.NONE, null);

        public Options {
            Objects.requireNonNull(redactedRows, "redactedRows");
        }

        /** A copy with these redacted rows. */
        public Options withRedactedRows(RedactedRows rows) {
            return new Options(rows, expectedHead);
        }

        /** A copy that also requires the chain to reach {@code head} (check its signature first). */
        public Options withExpectedHead(SignedChainHead head) {
            return new Options(redactedRows, Objects.requireNonNull(head, "head"));
        }
    }

    /**
     * The first broken row.
     *
     * @param row       its 1-based position among the data rows
     * @param line      the 1-based line it starts on (the header is line 1)
     * @param consentId its {@code consent_id} cell, or empty if it has none
     * @param problem   what kind of break
     * @param detail    what is wrong, in words
     */
    public record Break(long row, long line, String consentId, Problem problem, String detail) {
        public Break {
            Objects.requireNonNull(consentId, "consentId");
            Objects.requireNonNull(problem, "problem");
            Objects.requireNonNull(detail, "detail");
        }

        /** One line: where and what. */
        public String describe() {
            return "row " + row + " (line " + line + (consentId.isEmpty() ? "" : ", consent " + consentId) + "): "
                    + problem.name().toLowerCase(java.util.Locale.ROOT) + ": " + detail;
        }
    }

    /**
     * What a verification found. Immutable.
     *
     * @param source        the file checked
     * @param schemaVersion its schema version (below 3: no chain)
     * @param rows          data rows read (up to and including a broken one)
     * @param legacyRows    unchained rows before the chain (all rows, below version 3)
     * @param chainedRows   rows checked against the chain
     * @param redactedRows  chained rows linked by their recorded digest
     * @param head          the last good row's link in hex (the genesis if none): what a signed head signs
     * @param firstBreak    the first broken row, or null if the chain holds
     */
    public record Result(String source, int schemaVersion, long rows, long legacyRows, long chainedRows,
                         long redactedRows, String head, Break firstBreak) {
        /** True if no row is broken. */
        public boolean ok() {
            return firstBreak == null;
        }

        /** True if the file has no chain at all (schema version below 3, or only legacy rows). */
        public boolean unchained() {
            return chainedRows == 0;
        }
    }

    private JournalVerifier() {
    }

    /** {@link #verify(Path, Options)} with {@link Options#DEFAULTS}. */
    public static Result verify(Path file) {
        return verify(file, Options.DEFAULTS);
    }

    /**
     * Verifies the journal or export at {@code file}.
     *
     * @throws JournalFormatException if its header is not a journal header (nothing to verify against)
     * @throws ConsentStoreException  if it does not exist or cannot be read
     */
    public static Result verify(Path file, Options options) {
        Objects.requireNonNull(options, "options");
        String source = file.toString();
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.READ)) {
            return new Pass(source, options).run(ch);
        } catch (NoSuchFileException e) {
            throw new ConsentStoreException("cannot verify " + source + ": it does not exist", e);
        } catch (IOException e) {
            throw new ConsentStoreException("cannot verify " + source + ": " + e.getMessage(), e);
        }
    }

    /**
     * Verifies a journal or export held in memory (an object of the S3 store, say), as
     * {@link #verify(Path, Options)} does.
     *
     * @throws JournalFormatException if its header is not a journal header
     */
    public static Result verify(byte[] body, String source, Options options) {
        Objects.requireNonNull(options, "options");
        Pass pass = new Pass(source, options);
        int bom = body.length >= 3 && (body[0] & 0xFF) == 0xEF && (body[1] & 0xFF) == 0xBB && (body[2] & 0xFF) == 0xBF
                ? 3 : 0;
        boolean endsWithLf = body.length > 0 && body[body.length - 1] == '\n';
        long line = 1;
        try (org.apache.commons.csv.CSVParser parser = org.apache.commons.csv.CSVFormat.RFC4180.builder().get()
                .parse(JournalCodec.utf8Reader(new java.io.ByteArrayInputStream(body, bom, body.length - bom), source))) {
            for (org.apache.commons.csv.CSVRecord rec : parser) {
                String[] cells = rec.values();
                pass.row(cells, cells.length, line);
                line = parser.getCurrentLineNumber() + 1;
            }
        } catch (JournalFormatException e) {
            pass.unreadable(e.line(), e.getMessage(), endsWithLf);
        } catch (IOException | java.io.UncheckedIOException e) {
            pass.unreadable(line, source + ": line " + line + ": row is not valid CSV (" + e.getMessage() + ")",
                    endsWithLf);
        }
        return pass.finish(endsWithLf);
    }

    /**
     * Verifies rows handed in one at a time (a database table's, say), in chain order: a header (the
     * column names) first, then each row's cells in the header's order. Not thread-safe.
     */
    public static final class Feed {
        private final Pass pass;

        /**
         * @throws JournalFormatException if {@code header} is not a journal header
         */
        public Feed(List<String> header, String source, Options options) {
            this.pass = new Pass(source, Objects.requireNonNull(options, "options"));
            pass.row(header.toArray(new String[0]), header.size(), 0);
        }

        /** The next row; {@code line} is what a break names as its line (a database row's id, say). */
        public void row(String[] cells, long line) {
            pass.row(cells, cells.length, line);
        }

        /** What the rows so far show. */
        public Result result() {
            return pass.finish(true);
        }
    }

    /** One verification's state. */
    private static final class Pass {
        private final String source;
        private final Options options;
        private int[] map;
        private int version;
        private long rows;
        private long legacy;
        private long chained;
        private long redacted;
        private byte[] link = HashChain.genesis();
        private byte[] linkAtHead;
        private Break broken;
        private long afterBreak; // records read after the first break (0: the break is the last record)

        Pass(String source, Options options) {
            this.source = source;
            this.options = options;
        }

        Result run(FileChannel ch) throws IOException {
            long size = ch.size();
            int bom = startsWithBom(ch) ? 3 : 0;
            boolean endsWithLf = size > 0 && lastByte(ch, size) == '\n';
            try {
                new CsvRecordReader(source).read(ch, bom, size, this::row);
            } catch (JournalFormatException e) {
                unreadable(e.line(), e.getMessage(), endsWithLf);
            }
            return finish(endsWithLf);
        }

        /** The input stopped being CSV at {@code line}. */
        void unreadable(long line, String message, boolean endsWithLf) {
            if (map == null) {
                throw new JournalFormatException(source, 1, "header", "cannot be read: " + message);
            }
            if (broken == null) {
                rows++;
                broken = new Break(rows, line, "", endsWithLf ? Problem.FORMAT : Problem.TRUNCATED, message);
            }
        }

        Result finish(boolean endsWithLf) {
            if (map == null) {
                throw new JournalFormatException(source, 1, "header", "is missing: the file is empty");
            }
            if (broken != null && broken.problem() == Problem.FORMAT && !endsWithLf && afterBreak == 0) {
                broken = new Break(broken.row(), broken.line(), broken.consentId(), Problem.TRUNCATED,
                        "the last row is cut short (no line end, " + broken.detail() + ")");
            }
            SignedChainHead head = options.expectedHead();
            if (broken == null && head != null) {
                if (rows < head.rows()) {
                    broken = new Break(rows + 1, 0, "", Problem.TRUNCATED, "the expected head covers " + head.rows()
                            + " rows but the file has " + rows + ": rows " + (rows + 1) + " to " + head.rows()
                            + " are missing");
                } else if (!HashChain.same(linkAtHead == null ? HashChain.genesis() : linkAtHead,
                        HashChain.parseHex(head.chainLink()))) {
                    broken = new Break(head.rows(), 0, "", Problem.HEAD, "the link after row " + head.rows()
                            + " is not the expected head's " + head.chainLink());
                }
            }
            return new Result(source, version, rows, legacy, chained, redacted, HashChain.hex(link), broken);
        }

        void row(String[] cells, int count, long line) {
            if (map == null) {
                map = JournalCodec.mapHeader(Arrays.asList(cells).subList(0, count), source);
                version = JournalCodec.schemaVersion(map);
                return;
            }
            if (broken != null) {
                afterBreak++;
                return;
            }
            rows++;
            String id = map[0] < count ? cells[map[0]].strip() : "";
            int expected = JournalCodec.fileColumnCount(map);
            if (count != expected) {
                fail(line, id, Problem.FORMAT, "has " + count + " cells, expected " + expected);
                return;
            }
            if (version < JournalCodec.SCHEMA_VERSION) {
                legacy++;
                return;
            }
            String digestCell = cells[map[JournalCodec.COLUMN_COUNT]];
            String linkCell = cells[map[JournalCodec.COLUMN_COUNT + 1]];
            if (digestCell.isEmpty() && linkCell.isEmpty()) {
                if (chained > 0) {
                    fail(line, id, Problem.UNCHAINED, "has no chain cells, but the chain began at an earlier row: it "
                            + "was not appended by the journal's writer");
                    return;
                }
                legacy++;
                return;
            }
            byte[] recorded = HashChain.parseHex(digestCell);
            byte[] recordedLink = HashChain.parseHex(linkCell);
            if (recorded == null || recordedLink == null) {
                fail(line, id, Problem.FORMAT, (recorded == null ? "row_digest" : "chain_link")
                        + " is not 64 lower-case hex digits");
                return;
            }
            if (options.redactedRows().isRedacted(rows, id)) {
                redacted++;
            } else {
                byte[] actual = JournalChain.digest(JournalChain.canonical(i -> cells[i], map));
                if (!HashChain.same(actual, recorded)) {
                    fail(line, id, Problem.DIGEST, "its cells do not match its recorded row_digest: the row was changed "
                            + "after it was written");
                    return;
                }
            }
            byte[] next = HashChain.link(link, recorded);
            if (!HashChain.same(next, recordedLink)) {
                fail(line, id, Problem.LINK, "its chain_link does not follow from the row before it"
                        + (chained == 0 ? " (the genesis)" : "") + ": a row before it was deleted, inserted or moved, "
                        + "or this row was");
                return;
            }
            chained++;
            link = next;
            SignedChainHead head = options.expectedHead();
            if (head != null && rows == head.rows()) {
                linkAtHead = next;
            }
        }

        private void fail(long line, String id, Problem problem, String detail) {
            broken = new Break(rows, line, id, problem, detail);
        }

        private static boolean startsWithBom(FileChannel ch) throws IOException {
            ByteBuffer b = ByteBuffer.allocate(3);
            while (b.hasRemaining() && ch.read(b, b.position()) > 0) {
                continue;
            }
            return b.position() == 3 && (b.get(0) & 0xFF) == 0xEF && (b.get(1) & 0xFF) == 0xBB && (b.get(2) & 0xFF) == 0xBF;
        }

        private static int lastByte(FileChannel ch, long size) throws IOException {
            ByteBuffer b = ByteBuffer.allocate(1);
            return ch.read(b, size - 1) == 1 ? b.get(0) : -1;
        }
    }
}
