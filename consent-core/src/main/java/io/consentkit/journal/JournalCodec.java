package io.consentkit.journal;

import io.consentkit.support.Json;
import io.consentkit.support.Masking;
import io.consentkit.phone.InvalidPhoneNumberException;
import io.consentkit.phone.PhoneNumber;
import io.consentkit.phone.PhoneNumbers;
import io.consentkit.InvalidInputException;

import java.io.IOException;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Converts journal rows between CSV cells and {@link ConsentRecord}, with the validation
 * every reader shares (CSV store, legacy import, S3 store). Public for store authors: a store of your
 * own reads and writes the same journal format with it.
 *
 * <p><b>Schema versions.</b> The header line is the version marker: version 1 (legacy) is the 14
 * {@link ConsentRecord#LEGACY_COLUMNS}; version 2 ({@link #SCOPES_SCHEMA_VERSION}) is those 14 first and
 * unchanged, then {@code program,brand,channel} ({@link ConsentRecord#COLUMNS}); version 3
 * ({@link #SCHEMA_VERSION}) is the 17 of version 2, then the two chain cells
 * {@link JournalChain#COLUMNS} {@code row_digest,chain_link}, always last (tamper evidence: see
 * {@link JournalChain}). {@link #mapHeader} accepts all three; {@link #schemaVersion} tells which a map
 * is; rows of a version 1 file decode in the default program and brand with no channel, and
 * {@link #appendLine} writes a version 1 file's rows as 14 cells, refusing a row that is not
 * {@linkplain ConsentRecord#isLegacyShaped() legacy-shaped}. A version 3 row is written with its chain
 * cells by {@link JournalChain.Linker} (or a store's chained append), never by {@link #appendLine}.
 * Stateless and thread-safe.
 */
public final class JournalCodec {
    /**
     * The journal schema version written to new journals: 3 (the 14 legacy columns, then program, brand,
     * channel, then {@code row_digest,chain_link}).
     */
    public static final int SCHEMA_VERSION = 3;
    /** Schema version 2: the 14 legacy columns, then program, brand, channel; no chain. */
    public static final int SCOPES_SCHEMA_VERSION = 2;
    /** The legacy schema version: the 14 columns existing tools write. */
    public static final int LEGACY_SCHEMA_VERSION = 1;
    /** Number of a row's record columns ({@link ConsentRecord#COLUMNS}: all of version 2, version 3 less its chain). */
    public static final int COLUMN_COUNT = ConsentRecord.COLUMNS.size();
    /** Number of columns in schema version 3: {@link #COLUMN_COUNT} and the two chain columns. */
    public static final int CHAINED_COLUMN_COUNT = COLUMN_COUNT + 2;
    /** Number of columns in the legacy schema ({@link ConsentRecord#LEGACY_COLUMNS}, version 1). */
    public static final int LEGACY_COLUMN_COUNT = ConsentRecord.LEGACY_COLUMNS.size();
    /** The header line of schema version 3, without line terminator: written to every new CSV journal. */
    public static final String HEADER_LINE = String.join(",", ConsentRecord.COLUMNS) + ","
            + String.join(",", JournalChain.COLUMNS);
    /** The header line of schema version 2 (no chain cells), without line terminator. */
    public static final String SCOPES_HEADER_LINE = String.join(",", ConsentRecord.COLUMNS);
    /** The header line of the legacy schema (version 1), without line terminator. */
    public static final String LEGACY_HEADER_LINE = String.join(",", ConsentRecord.LEGACY_COLUMNS);
    /** Longest consent_id accepted. */
    public static final int MAX_ID_LENGTH = 128;

    private JournalCodec() {
    }

    /**
     * Maps a file's header to the schema: {@code result[schemaIndex] = fileIndex}, always
     * {@link #CHAINED_COLUMN_COUNT} long ({@link ConsentRecord#COLUMNS}, then the two chain columns). A
     * version 1 (legacy) header maps {@code program}, {@code brand} and {@code channel} to -1: its rows
     * decode with them empty; a version 1 or 2 header maps the chain columns to -1. Record columns may be
     * in any order; the chain columns are the last two.
     *
     * @throws JournalFormatException naming each missing, unknown, repeated or misplaced column (a header
     *                                with some but not all of a version's columns misses the others)
     */
    public static int[] mapHeader(List<String> names, String source) {
        return JournalHeader.map(names, source);
    }

    /**
     * The schema version of a column map from {@link #mapHeader}: {@link #LEGACY_SCHEMA_VERSION} when it
     * has no {@code program} column (a map shorter than {@link #COLUMN_COUNT} is legacy too),
     * {@link #SCOPES_SCHEMA_VERSION} when it has no chain columns (a map of {@link #COLUMN_COUNT}, such as
     * {@link #identityMap()}, too), else {@link #SCHEMA_VERSION}.
     */
    public static int schemaVersion(int[] map) {
        if (map.length <= LEGACY_COLUMN_COUNT || map[LEGACY_COLUMN_COUNT] < 0) {
            return LEGACY_SCHEMA_VERSION;
        }
        return map.length <= COLUMN_COUNT || map[COLUMN_COUNT] < 0 ? SCOPES_SCHEMA_VERSION : SCHEMA_VERSION;
    }

    /** How many cells a row has in a file with column map {@code map}: 14 (version 1), 17 (2) or 19 (3). */
    public static int fileColumnCount(int[] map) {
        return switch (schemaVersion(map)) {
            case LEGACY_SCHEMA_VERSION -> LEGACY_COLUMN_COUNT;
            case SCOPES_SCHEMA_VERSION -> COLUMN_COUNT;
            default -> CHAINED_COLUMN_COUNT;
        };
    }

    /** Cell accessor so callers can hand in a commons-csv record or a String[] without copying. */
    @FunctionalInterface
    public interface Cells {
        String get(int fileIndex);
    }

    /**
     * Decodes one row.
     *
     * @param cellCount the number of cells in the row, checked against the header
     * @throws JournalFormatException naming the line and field
     */
    public static ConsentRecord decode(Cells cells, int cellCount, int[] map, PhoneNumbers phones,
                                       String source, long line) {
        return decode(cells, cellCount, map, phones, source, line, false);
    }

    /**
     * Decodes one row; with {@code stored} the phone number is read with
     * {@link PhoneNumbers#parseStored} (a journal ConsentKit wrote), otherwise fully validated.
     *
     * @throws JournalFormatException naming the line and field
     */
    public static ConsentRecord decode(Cells cells, int cellCount, int[] map, PhoneNumbers phones,
                                       String source, long line, boolean stored) {
        int expected = fileColumnCount(map);
        if (cellCount != expected) {
            throw new JournalFormatException(source, line, "row", "has " + cellCount + " fields, expected " + expected);
        }
        String id = cells.get(map[0]).strip();
        if (id.isEmpty()) {
            throw new JournalFormatException(source, line, "consent_id", "is empty");
        }
        if (id.length() > MAX_ID_LENGTH) {
            throw new JournalFormatException(source, line, "consent_id", "is longer than " + MAX_ID_LENGTH);
        }
        Instant ts = parseTime(cells.get(map[1]), source, line, "timestamp", true);
        String rawPhone = cells.get(map[2]);
        PhoneNumber phone;
        try {
            phone = stored ? phones.parseStored(rawPhone.strip(), "phone_number") : phones.parse(rawPhone.strip());
        } catch (InvalidPhoneNumberException e) {
            throw new JournalFormatException(source, line, "phone_number", Masking.phone(rawPhone) + " " + e.problem());
        }
        String method = cells.get(map[3]).strip();
        if (!method.isEmpty() && !OptInMethod.isWellFormed(method)) {
            throw new JournalFormatException(source, line, "opt_in_method",
                    "'" + Masking.printable(method) + "' is not a lower-case word of letters, digits and '_'");
        }
        String md = cells.get(map[10]).strip();
        Map<String, String> metadata;
        try {
            metadata = md.isEmpty() ? Map.of() : Json.parseObject(md);
        } catch (IllegalArgumentException e) {
            throw new JournalFormatException(source, line, "metadata", "is not a JSON object (" + e.getMessage() + ")");
        }
        ConsentStatus status;
        try {
            status = ConsentStatus.fromJournal(cells.get(map[11]));
        } catch (IllegalArgumentException e) {
            throw new JournalFormatException(source, line, "status", e.getMessage());
        }
        Instant revokedAt = parseTime(cells.get(map[12]), source, line, "revoked_at", false);
        boolean v2 = expected >= COLUMN_COUNT;
        if (expected == CHAINED_COLUMN_COUNT) {
            JournalChain.checkCells(cells.get(map[COLUMN_COUNT]), cells.get(map[COLUMN_COUNT + 1]), source, line);
        }
        return new ConsentRecord(id, ts, phone, method, cells.get(map[4]), cells.get(map[5]), cells.get(map[6]),
                cells.get(map[7]), cells.get(map[8]), cells.get(map[9]), metadata, status, revokedAt,
                cells.get(map[13]).strip(), v2 ? scope(cells.get(map[14]), "program", source, line) : "",
                v2 ? scope(cells.get(map[15]), "brand", source, line) : "",
                v2 ? scope(cells.get(map[16]), "channel", source, line) : "");
    }

    private static String scope(String raw, String field, String source, long line) {
        String v = raw.strip();
        if (!JournalLimits.isScopeName(v)) {
            throw new JournalFormatException(source, line, field, "'" + Masking.printable(v) + "' "
                    + JournalLimits.SCOPE_RULE);
        }
        return v;
    }

    /**
     * Parses an ISO-8601 time: an instant ({@code ...Z}), a time with an offset, or a local time
     * (taken as UTC, as written by tools that used {@code utcnow().isoformat()}); a space may
     * stand for the 'T'.
     */
    public static Instant parseTime(String raw, String source, long line, String field, boolean required) {
        String s = raw == null ? "" : raw.strip();
        if (s.isEmpty()) {
            if (required) {
                throw new JournalFormatException(source, line, field, "is empty");
            }
            return null;
        }
        Instant fast = fastInstant(s);
        if (fast != null) {
            return fast;
        }
        if (s.length() > 10 && s.charAt(10) == ' ') {
            s = s.substring(0, 10) + 'T' + s.substring(11);
        }
        try {
            return Instant.parse(s);
        } catch (DateTimeParseException ignored) {
            // try the other forms
        }
        try {
            return OffsetDateTime.parse(s).toInstant();
        } catch (DateTimeParseException ignored) {
            // try the other forms
        }
        try {
            return LocalDateTime.parse(s).toInstant(ZoneOffset.UTC);
        } catch (DateTimeParseException e) {
            throw new JournalFormatException(source, line, field, "'" + Masking.printable(raw) + "' is not an ISO-8601 time");
        }
    }

    /**
     * Parses the exact form {@link Instant#toString()} writes ({@code 2025-01-15T18:22:03.123Z}, 0 to 9
     * fraction digits) without the formatter machinery; null for anything else.
     */
    static Instant fastInstant(String s) {
        return JournalTimes.fastInstant(s);
    }

    /**
     * Reads a whole journal-schema CSV (header first; blank lines skipped; UTF-8 BOM tolerated),
     * validating every row fully.
     *
     * @throws JournalFormatException naming the line and field of the first bad row
     * @throws IOException            if {@code in} fails
     */
    public static List<ConsentRecord> readAll(java.io.Reader in, String source, PhoneNumbers phones)
            throws IOException {
        return readAll(in, source, phones, false);
    }

    /**
     * Reads a whole journal-schema CSV as {@link #readAll(java.io.Reader, String, PhoneNumbers)} does; with
     * {@code forImport} every row is also held to {@link JournalLimits} (a row that could not be written
     * is refused before anything is), and an audit export's formula neutralisation is undone
     * ({@link #unFormulaSafe}) so that it restores to the rows it was written from. A file is taken as
     * an audit export when no cell but a phone number starts with {@code = + - @}, tab or CR, as in every
     * audit export; a journal or legacy file that has such a cell is read as it is.
     *
     * @throws JournalFormatException naming the line and field of the first bad row
     * @throws IOException            if {@code in} fails
     */
    public static List<ConsentRecord> readAll(java.io.Reader in, String source, PhoneNumbers phones,
                                              boolean forImport) throws IOException {
        List<ConsentRecord> out = new ArrayList<>();
        List<String[]> rows = new ArrayList<>();
        List<Long> lines = new ArrayList<>();
        boolean neutralised = true;
        int[] map;
        long line = 1;
        try (org.apache.commons.csv.CSVParser parser = org.apache.commons.csv.CSVFormat.RFC4180.builder().get()
                .parse(new java.io.BufferedReader(in))) {
            java.util.Iterator<org.apache.commons.csv.CSVRecord> it = parser.iterator();
            if (!it.hasNext()) {
                throw new JournalFormatException(source, 1, "header", "is missing: the input is empty");
            }
            List<String> names = new ArrayList<>();
            it.next().forEach(names::add);
            map = mapHeader(names, source);
            line = parser.getCurrentLineNumber() + 1;
            while (true) {
                org.apache.commons.csv.CSVRecord rec;
                try {
                    if (!it.hasNext()) {
                        break;
                    }
                    rec = it.next();
                } catch (java.io.UncheckedIOException e) {
                    throw notCsv(source, line, e.getCause());
                }
                if (!(rec.size() == 1 && rec.get(0).isBlank())) {
                    if (forImport) {
                        String[] cells = rec.values();
                        for (int i = 0; i < cells.length && neutralised; i++) {
                            neutralised = i == map[2] || cells[i].isEmpty() || cells[i].charAt(0) == '\''
                                    || !formulaLike(cells[i]);
                        }
                        rows.add(cells);
                        lines.add(line);
                    } else {
                        out.add(decode(rec::get, rec.size(), map, phones, source, line));
                    }
                }
                line = parser.getCurrentLineNumber() + 1;
            }
        } catch (java.io.UncheckedIOException e) {
            throw notCsv(source, line, e.getCause());
        } catch (java.nio.charset.CharacterCodingException e) {
            throw notCsv(source, line, e);
        }
        for (int i = 0; i < rows.size(); i++) {
            out.add(decodeForImport(rows.get(i), map, neutralised, phones, source, lines.get(i)));
        }
        return out;
    }

    private static JournalFormatException notCsv(String source, long line, IOException cause) {
        if (cause instanceof java.nio.charset.CharacterCodingException) {
            return new JournalFormatException(source, line, "encoding", "is not valid UTF-8 ("
                    + Masking.printable(String.valueOf(cause.getMessage())) + ")");
        }
        return new JournalFormatException(source, line, "row", "is not valid CSV ("
                + Masking.printable(String.valueOf(cause.getMessage())) + ")");
    }

    private static ConsentRecord decodeForImport(String[] cells, int[] map, boolean neutralised, PhoneNumbers phones,
                                                 String source, long line) {
        int phoneCell = map[2];
        ConsentRecord r = decode(i -> !neutralised || i == phoneCell ? cells[i] : unFormulaSafe(cells[i]), cells.length,
                map, phones, source, line);
        try {
            JournalLimits.check(r);
        } catch (io.consentkit.InvalidInputException e) {
            throw new JournalFormatException(source, line, e.field(), e.problem() + "; nothing was imported");
        }
        return r;
    }

    /**
     * A strict UTF-8 reader over {@code in}: a byte that is not UTF-8 fails the read with a
     * {@link JournalFormatException} naming its line and column (in bytes), never with a bare
     * {@code MalformedInputException} or a silent replacement character.
     */
    public static java.io.Reader utf8Reader(java.io.InputStream in, String source) {
        return new Utf8Reader(in, source);
    }

    /** The 17 cells of a row in schema order (version 2). */
    public static String[] cells(ConsentRecord r) {
        return new String[] {
            r.consentId(),
            JournalTimes.format(r.timestamp()),
            r.phoneNumber().e164(),
            r.optInMethod(),
            r.consentMessage(),
            r.customerId(),
            r.customerName(),
            r.customerEmail(),
            r.ipAddress(),
            r.screenshotUrl(),
            r.metadata().isEmpty() ? "" : Json.object(r.metadata()),
            r.status().journalName(),
            r.revokedAt() == null ? "" : JournalTimes.format(r.revokedAt()),
            r.revokedMethod(),
            r.program(),
            r.brand(),
            r.channel(),
        };
    }

    /**
     * Appends one CSV line (RFC 4180 quoting, LF terminated) for {@code r}, with its cells in
     * the file's column order {@code map}: 17 cells for a version 2 map, 14 for a legacy one.
     *
     * @param formulaSafe neutralise free-text cells that a spreadsheet would run as a formula
     * @throws InvalidInputException naming {@code program}, {@code brand} or {@code channel} when the map is
     *                               legacy and {@code r} is not legacy-shaped; nothing was appended
     * @throws IllegalArgumentException for a version 3 map: its rows carry chain cells, written by
     *                               {@link JournalChain.Linker} or a store's chained append
     */
    public static StringBuilder appendLine(StringBuilder sb, ConsentRecord r, int[] map, boolean formulaSafe) {
        if (schemaVersion(map) == SCHEMA_VERSION) {
            throw new IllegalArgumentException("a version 3 row is written with its chain cells (JournalChain.Linker)");
        }
        return appendCells(sb, r, map, formulaSafe).append('\n');
    }

    /**
     * Appends {@code r}'s record cells (14 for a legacy map, else 17) in the file's column order, comma
     * separated, with no chain cells and no line end: what precedes a version 3 row's chain cells.
     */
    public static StringBuilder appendCells(StringBuilder sb, ConsentRecord r, int[] map, boolean formulaSafe) {
        int n = Math.min(fileColumnCount(map), COLUMN_COUNT);
        if (n == LEGACY_COLUMN_COUNT && !r.isLegacyShaped()) {
            throw new InvalidInputException(!r.program().isEmpty() ? "program" : !r.brand().isEmpty() ? "brand"
                    : "channel", "cannot be written in the legacy 14-column journal schema (version 1); upgrade the "
                    + "journal to schema version " + SCHEMA_VERSION + " first; nothing was written");
        }
        String[] schemaCells = cells(r);
        String[] fileCells = new String[n];
        for (int i = 0; i < n; i++) {
            fileCells[map[i]] = schemaCells[i];
        }
        for (int i = 0; i < n; i++) {
            if (i > 0) {
                sb.append(',');
            }
            String cell = fileCells[i];
            if (formulaSafe && map[2] != i) {
                cell = formulaSafe(cell);
            }
            appendCell(sb, cell);
        }
        return sb;
    }

    /**
     * The column map of a legacy file in schema order: 0..13, then -1 for program, brand, channel and the
     * chain cells ({@link #CHAINED_COLUMN_COUNT} long, as {@link #mapHeader} returns).
     */
    public static int[] legacyMap() {
        return map(LEGACY_COLUMN_COUNT);
    }

    /** The identity column map of a version 3 file (file order = schema order, then the chain cells). */
    public static int[] chainedMap() {
        return map(CHAINED_COLUMN_COUNT);
    }

    /** The identity column map of a version 2 file (file order = schema order; -1 for the chain cells). */
    public static int[] identityMap() {
        return map(COLUMN_COUNT);
    }

    private static int[] map(int columns) {
        int[] m = new int[CHAINED_COLUMN_COUNT];
        for (int i = 0; i < CHAINED_COLUMN_COUNT; i++) {
            m[i] = i < columns ? i : -1;
        }
        return m;
    }

    /** Appends one cell, quoted when it holds a comma, quote, CR, LF or surrounding space. */
    public static void appendCell(StringBuilder sb, String cell) {
        boolean quote = false;
        for (int i = 0, n = cell.length(); i < n; i++) {
            char c = cell.charAt(i);
            if (c == ',' || c == '"' || c == '\n' || c == '\r') {
                quote = true;
                break;
            }
        }
        if (!quote && !cell.isEmpty() && (cell.charAt(0) == ' ' || cell.charAt(cell.length() - 1) == ' '
                || cell.charAt(0) == '\uFEFF')) {
            quote = true;
        }
        if (!quote) {
            sb.append(cell);
            return;
        }
        sb.append('"');
        int from = 0;
        for (int q = cell.indexOf('"'); q >= 0; q = cell.indexOf('"', from)) {
            sb.append(cell, from, q + 1).append('"'); // the quote, doubled
            from = q + 1;
        }
        if (from == 0) {
            sb.append(cell); // no quote inside: one copy
        } else {
            sb.append(cell, from, cell.length());
        }
        sb.append('"');
    }

    /**
     * Neutralises a cell that a spreadsheet would evaluate (OWASP CSV injection): a leading
     * {@code = + - @}, tab or carriage return gets a leading apostrophe. A cell that already starts
     * with apostrophes before such a character gets one more, so {@link #unFormulaSafe} can always
     * tell the apostrophe this added from one that was there.
     */
    public static String formulaSafe(String cell) {
        return formulaLike(cell) ? "'" + cell : cell;
    }

    /**
     * Undoes {@link #formulaSafe}: a cell of one or more apostrophes followed by {@code = + - @}, tab
     * or carriage return loses its first apostrophe; any other cell is returned as it is.
     */
    public static String unFormulaSafe(String cell) {
        return !cell.isEmpty() && cell.charAt(0) == '\'' && formulaLike(cell) ? cell.substring(1) : cell;
    }

    /** True if {@code cell} is zero or more apostrophes and then a character a spreadsheet evaluates. */
    private static boolean formulaLike(String cell) {
        int i = 0;
        int n = cell.length();
        while (i < n && cell.charAt(i) == '\'') {
            i++;
        }
        if (i == n) {
            return false;
        }
        char c = cell.charAt(i);
        return c == '=' || c == '+' || c == '-' || c == '@' || c == '\t' || c == '\r';
    }
}
